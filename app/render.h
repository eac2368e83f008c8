/* render: the app's only GL code. Compiles the mesh, box and slice shaders (printing
 * the info log on failure), owns one VAO with its vertex and index buffers, takes the
 * meshes and slices the compute worker transferred (uploaded by app_lib.js straight
 * from the transferred ArrayBuffers, never through the app's heap) and draws them:
 * the isosurface (unless switched off), up to three slices (engine/slice.h) through
 * the same colour ramp, cut by the clip plane, and the box. It also picks the plane
 * (a slice or the clip plane) under the pointer, follows a drag of it and outlines it
 * (render_plane_*). Main thread only. */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "camera.h"

/* Needs a current WebGL2 (GLES3) context. false + reason in err on failure. */
bool render_init(char *err, int err_len);
/* Uploads the newest mesh the page holds, if any. true when one was taken. */
bool render_take_mesh(void);
/* Clears and draws the current mesh into a w x h framebuffer. */
void render_draw(const camera_t *cam, int w, int h);
uint32_t render_triangle_count(void);
/* The view ray through a point of the view (sx, sy in 0..1 from the top left), in
 * the grid units of the current mesh. false when there is no mesh yet. */
bool render_pick_ray(const camera_t *cam, float aspect, float sx, float sy, float origin[3], float dir[3]);

/* The values the colour ramp spans (the page sends the schema's range of the
 * colouring in use). Ignored unless lo < hi. */
void render_set_shown_range(float lo, float hi);

/* The view's colormap (engine/colormap.h index): the ramp of the surface and the slices.
 * false (nothing changes) when out of range. */
bool render_set_colormap(int index);
/* Draw the isosurface or not (the slices alone). */
void render_set_surface(bool on);
/* The clip plane: what lies beyond t (0..1 across the samples) on axis (0..2) is not
 * drawn; axis -1 (or t outside 0..1): no clip. */
void render_set_clip(int axis, float t);
/* The line profile's line (web/profile.js): parallel to axis (0..2) through sample
 * (x, y, z) (its own axis' coordinate ignored), drawn bright over everything from the
 * first sample to the last; axis -1: none. */
void render_set_profile(int axis, int x, int y, int z);
/* Slices drawn now (0..3); render_take_mesh takes them with the mesh. */
int render_slice_count(void);

/* true when what render_draw shows changed since the last call (a mesh or slice taken,
 * a render_set_* call), then false until the next change: the app draws only then
 * (and on camera, input or size changes, app/main.c). */
bool render_take_changed(void);
/* The planes a person can drag with the pointer (app/main.c): a slice that is on, or
 * the clip plane. Positions are the view's: t in 0..1 across the box, the plane at the
 * sample slice_index(t, n) (engine/slice.h). */
/* The kinds' values cross to web/slices.js (app_js_plane_moved's kind). */
typedef enum render_plane_kind_t { RENDER_PLANE_SLICE = 0, RENDER_PLANE_CLIP = 1 } render_plane_kind_t;
typedef struct render_plane_t {
    int kind;          /* render_plane_kind_t */
    int axis;          /* the plane's normal: 0 x, 1 y, 2 z */
    int index;         /* the sample it sits at */
    bool capped;       /* the clip plane with a slice of its axis at it (the cap) */
    bool along_screen; /* the normal points at the camera: follow the pointer's height */
    float at[3];       /* where the view ray met it, grid units */
    float sx, sy;      /* the pointer there, 0..1 from the view's top left */
} render_plane_t;
/* The nearest plane the view ray through (sx, sy) meets where it is drawn: a slice
 * that is on (where the clip does not cut it away), or the clip plane within the box
 * (the cap when a slice sits at it). false (hit untouched) when it meets none. */
bool render_plane_pick(const camera_t *cam, float aspect, float sx, float sy, render_plane_t *hit);
/* The nearest slice drawn under (sx, sy), as render_plane_pick but never the clip plane
 * (which shows nothing of its own: what is visible there is a slice, the cap, or what
 * lies behind); for the probe (app/main.c app_probe_ray). */
bool render_slice_pick(const camera_t *cam, float aspect, float sx, float sy, render_plane_t *hit);
/* The position that puts a grabbed plane under (sx, sy): along its normal, to the point
 * of the line through the grab point nearest the view ray (along_screen: the pointer's
 * height, one view height per box); the nearest sample (*index, clamped to the box), as
 * the shortest decimal t in 0..1 with that slice_index. false when there is no mesh. */
bool render_plane_follow(const camera_t *cam, float aspect, float sx, float sy, const render_plane_t *grab, float *t,
                         int *index);
/* Outlines one plane brightly (the one under the pointer or being dragged) at position
 * t (outside 0..1: where it is drawn now); kind -1: none. */
void render_set_highlight(int kind, int axis, float t);

/* The clear colour; the browser tests compare pixels against it. */
#define RENDER_CLEAR_R 0.06f
#define RENDER_CLEAR_G 0.07f
#define RENDER_CLEAR_B 0.09f

#endif
