/* colormap: the project's one definition of its colour ramps, as data. The exported
 * mesh colours (meshio) and the app's view (app/render.c builds its 256-entry ramp
 * texture from colormap_lut_rgb8, compiled into the app: coupled, keep this module
 * free of engine dependencies) read the same table, so a PLY looks like the view.
 *
 * A map is a list of sRGB byte stops spaced evenly over t in [0, 1], interpolated
 * linearly per channel in byte space and rounded to nearest. The maps: viridis (the
 * default, 5 stops as since the first exports), magma, cividis, turbo, coolwarm
 * (diverging) and grey. Adding a map is one entry in colormap.c's table: the schema's
 * `colormap` setting lists them by name, so the page, the link and rdsim's --colormap
 * follow.
 * Pure functions of constant data: thread-safe. */
#ifndef COLORMAP_H
#define COLORMAP_H

#include <stdint.h>

enum { COLORMAP_MAX_STOPS = 32 };

typedef struct colormap_t {
    const char *name;  /* "viridis" */
    int stop_count;    /* 2..COLORMAP_MAX_STOPS */
    uint8_t stops[COLORMAP_MAX_STOPS][3]; /* sRGB bytes; stop i at t = i / (stop_count - 1) */
} colormap_t;

/* The maps, in a fixed order; index 0 is the default. */
int colormap_count(void);
/* The i-th map, or NULL when i is out of range. */
const colormap_t *colormap_at(int i);
/* The map with that name (exact, lower case), or NULL. */
const colormap_t *colormap_by_name(const char *name);
/* The default map (viridis: the colours of exported meshes and of the view). */
const colormap_t *colormap_default(void);

/* Index of map in the table (colormap_at(i) == map), or -1 when it is not one of them. */
int colormap_index(const colormap_t *map);

/* The colour of map at t (clamped to [0, 1]; NaN counts as 0) as sRGB bytes. */
void colormap_rgb8(const colormap_t *map, float t, uint8_t out[3]);
/* Fills out[0 .. 3n) with n colours of map, entry i at t = i / (n - 1) (n == 1: t = 0),
 * exactly colormap_rgb8's values (the app's ramp texture). n <= 0 writes nothing. */
void colormap_lut_rgb8(const colormap_t *map, int n, uint8_t *out);

#endif
