/* colormap: see colormap.h. No engine dependencies: the app compiles this file too. */
#include "colormap.h"

#include <stddef.h>
#include <string.h>

static const colormap_t maps[] = {
    /* five stops of matplotlib's viridis (the exported mesh colours since rdsim's first --mesh) */
    {"viridis", 5, {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}},
    /* matplotlib 3.6's maps sampled at t = i / 16 (17 stops: each within a few bytes of the
     * 256-entry original between stops), rounded to sRGB bytes */
    {"magma", 17, {{0, 0, 4}, {10, 8, 34}, {29, 17, 71}, {54, 16, 107}, {81, 18, 124}, {106, 28, 129},
                   {131, 38, 129}, {156, 46, 127}, {183, 55, 121}, {208, 65, 111}, {231, 82, 99},
                   {245, 107, 92}, {252, 137, 97}, {254, 167, 114}, {254, 196, 136}, {253, 226, 163},
                   {252, 253, 191}}},
    {"cividis", 17, {{0, 34, 78}, {0, 46, 106}, {26, 56, 111}, {50, 67, 109}, {67, 78, 108}, {83, 90, 109},
                     {97, 101, 111}, {111, 112, 115}, {125, 124, 120}, {140, 136, 120}, {155, 148, 118},
                     {171, 160, 114}, {188, 174, 108}, {205, 187, 99}, {222, 201, 88}, {240, 216, 70},
                     {254, 232, 56}}},
    /* Google's turbo (Mikhailov 2019) */
    {"turbo", 17, {{48, 18, 59}, {64, 64, 162}, {70, 107, 227}, {66, 148, 255}, {40, 188, 235}, {24, 221, 194},
                   {50, 242, 152}, {109, 254, 98}, {164, 252, 60}, {205, 236, 52}, {238, 207, 58},
                   {253, 172, 52}, {251, 126, 33}, {235, 80, 14}, {208, 47, 5}, {169, 22, 1}, {122, 4, 3}}},
    /* Moreland's diverging cool-warm (2009): blue, a light grey middle, red */
    {"coolwarm", 17, {{59, 76, 192}, {78, 104, 216}, {98, 130, 234}, {119, 154, 247}, {141, 176, 254},
                      {163, 194, 254}, {185, 208, 249}, {204, 217, 237}, {221, 220, 220}, {236, 211, 197},
                      {245, 196, 172}, {247, 176, 147}, {244, 152, 122}, {235, 125, 98}, {221, 95, 75},
                      {202, 59, 55}, {180, 4, 38}}},
    {"grey", 2, {{0, 0, 0}, {255, 255, 255}}},
};
enum { MAP_COUNT = (int)(sizeof maps / sizeof maps[0]) };

int colormap_count(void) { return MAP_COUNT; }

const colormap_t *colormap_at(int i) { return i >= 0 && i < MAP_COUNT ? &maps[i] : NULL; }

const colormap_t *colormap_by_name(const char *name) {
    for (int i = 0; name && i < MAP_COUNT; i++)
        if (!strcmp(maps[i].name, name)) return &maps[i];
    return NULL;
}

const colormap_t *colormap_default(void) { return &maps[0]; }

int colormap_index(const colormap_t *map) {
    for (int i = 0; i < MAP_COUNT; i++)
        if (map == &maps[i]) return i;
    return -1;
}

void colormap_rgb8(const colormap_t *map, float t, uint8_t out[3]) {
    if (!(t > 0.0f)) t = 0.0f; /* NaN too */
    if (t > 1.0f) t = 1.0f;
    int last = map->stop_count - 1; /* segments */
    float x = t * (float)last;
    int k = (int)x;
    k = k > last - 1 ? last - 1 : k;
    float f = x - (float)k;
    const uint8_t *a = map->stops[k], *b = map->stops[k + 1];
    for (int c = 0; c < 3; c++) {
        float lo = (float)a[c], hi = (float)b[c];
        out[c] = (uint8_t)(lo + f * (hi - lo) + 0.5f);
    }
}

void colormap_lut_rgb8(const colormap_t *map, int n, uint8_t *out) {
    for (int i = 0; i < n; i++)
        colormap_rgb8(map, n > 1 ? (float)i / (float)(n - 1) : 0.0f, out + 3 * (size_t)i);
}
