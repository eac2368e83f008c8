/* le: little-endian byte order for the engine's binary formats (.rds, the state
 * hash's input, PLY and STL), whatever the host. Each put returns the byte after
 * what it wrote, so writers can chain them. */
#ifndef LE_H
#define LE_H

#include <stdint.h>
#include <string.h>

static inline unsigned char *le_put_u32(unsigned char *p, uint32_t x) {
    p[0] = (unsigned char)x, p[1] = (unsigned char)(x >> 8), p[2] = (unsigned char)(x >> 16),
    p[3] = (unsigned char)(x >> 24);
    return p + 4;
}
static inline unsigned char *le_put_u64(unsigned char *p, uint64_t x) {
    return le_put_u32(le_put_u32(p, (uint32_t)x), (uint32_t)(x >> 32));
}
static inline unsigned char *le_put_f32(unsigned char *p, float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    return le_put_u32(p, x);
}
static inline uint32_t le_get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le_get_u64(const unsigned char *p) {
    return (uint64_t)le_get_u32(p) | (uint64_t)le_get_u32(p + 4) << 32;
}
static inline float le_get_f32(const unsigned char *p) {
    uint32_t x = le_get_u32(p);
    float f;
    memcpy(&f, &x, 4);
    return f;
}

#endif
