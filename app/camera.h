/* camera: an orbit camera around the grid's centre (cglm). Left-drag orbits,
 * right-drag (or shift+drag) pans, the wheel zooms towards the target; the
 * pitch is clamped short of the poles so the view never flips. */
#ifndef CAMERA_H
#define CAMERA_H

#include <cglm/cglm.h>
#include <stdbool.h>

typedef struct camera_t {
    float yaw, pitch;  /* radians */
    float distance;    /* eye to target, world units */
    vec3 target;
    float fov_y;       /* radians */
} camera_t;

/* Default three-quarter view of a unit-sized box centred at the origin. */
void camera_reset(camera_t *cam);
void camera_orbit(camera_t *cam, float dx_px, float dy_px);
/* Moves the target so the point under the pointer follows it (a viewport in the units
 * of dx and dy), as far as the target's range (within one box length of the centre). */
void camera_pan(camera_t *cam, float dx_px, float dy_px, float viewport_w_px, float viewport_h_px);
void camera_zoom(camera_t *cam, float wheel_steps);
void camera_eye(const camera_t *cam, vec3 dest);
/* Sets the orbit (from a link): pitch, distance and target clamped as orbit, zoom and
 * pan clamp them; false (nothing changed) when a value is not finite. */
bool camera_set(camera_t *cam, float yaw, float pitch, float distance, const vec3 target);

/* The axis views: looking down -z (front), -x (side), -y (top), and the default. */
typedef enum camera_view_t { CAMERA_VIEW_DEFAULT, CAMERA_VIEW_FRONT, CAMERA_VIEW_SIDE, CAMERA_VIEW_TOP } camera_view_t;
void camera_view(camera_t *cam, camera_view_t view);
/* The vertical field of view drawn at this aspect ratio (width / height): fov_y, or, on
 * a portrait view, wider, so that fov_y spans the width and a box framed in landscape
 * stays whole on a phone held upright. */
float camera_fov_y_at(const camera_t *cam, float aspect);
/* View-projection matrix for the given aspect ratio (width / height). */
void camera_view_proj(const camera_t *cam, float aspect, mat4 dest);

#endif
