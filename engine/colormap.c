/* colormap: see colormap.h. No engine dependencies: the app compiles this file too. */
#include "colormap.h"

#include <stddef.h>
#include <string.h>

static const colormap_t maps[] = {
    /* five stops of matplotlib's viridis (the exported mesh colours since rdsim's first --mesh) */
    {"viridis", 5, {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}},
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
