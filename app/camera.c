/* camera: orbit camera maths (see camera.h). */
#include "camera.h"

#include <math.h>

enum { ORBIT_PX_PER_RADIAN = 200 };
static const float PITCH_LIMIT = 1.55f; /* just under pi/2 */
static const float MIN_DISTANCE = 0.2f, MAX_DISTANCE = 20.0f;
/* The box spans [-0.5, 0.5] on its longest axis (render.c's model matrix): a target kept
 * within [-1, 1] on each axis keeps the box in reach, so a pan or a link cannot lose it. */
static const float TARGET_LIMIT = 1.0f;

static void clamp_target(vec3 t) {
    for (int a = 0; a < 3; a++) t[a] = glm_clamp(t[a], -TARGET_LIMIT, TARGET_LIMIT);
}

void camera_reset(camera_t *cam) {
    cam->yaw = 0.7f;
    cam->pitch = 0.45f;
    cam->distance = 2.4f;
    glm_vec3_zero(cam->target);
    cam->fov_y = glm_rad(45.0f);
}

bool camera_set(camera_t *cam, float yaw, float pitch, float distance, const vec3 target) {
    if (!isfinite(yaw) || !isfinite(pitch) || !isfinite(distance) || !isfinite(target[0]) || !isfinite(target[1]) ||
        !isfinite(target[2]))
        return false;
    cam->yaw = fmodf(yaw, 2.0f * GLM_PIf);
    cam->pitch = glm_clamp(pitch, -PITCH_LIMIT, PITCH_LIMIT);
    cam->distance = glm_clamp(distance, MIN_DISTANCE, MAX_DISTANCE);
    glm_vec3_copy((float *)target, cam->target);
    clamp_target(cam->target);
    return true;
}

void camera_view(camera_t *cam, camera_view_t view) {
    camera_reset(cam);
    if (view == CAMERA_VIEW_FRONT) cam->yaw = 0.0f, cam->pitch = 0.0f;
    else if (view == CAMERA_VIEW_SIDE) cam->yaw = 0.5f * GLM_PIf, cam->pitch = 0.0f;
    else if (view == CAMERA_VIEW_TOP) cam->yaw = 0.0f, cam->pitch = PITCH_LIMIT;
}

void camera_orbit(camera_t *cam, float dx_px, float dy_px) {
    cam->yaw -= dx_px / ORBIT_PX_PER_RADIAN;
    cam->pitch = glm_clamp(cam->pitch + dy_px / ORBIT_PX_PER_RADIAN, -PITCH_LIMIT, PITCH_LIMIT);
}

void camera_eye(const camera_t *cam, vec3 dest) {
    float cp = cosf(cam->pitch);
    vec3 dir = {cp * sinf(cam->yaw), sinf(cam->pitch), cp * cosf(cam->yaw)};
    glm_vec3_scale(dir, cam->distance, dir);
    glm_vec3_add((float *)cam->target, dir, dest);
}

void camera_pan(camera_t *cam, float dx_px, float dy_px, float viewport_w_px, float viewport_h_px) {
    /* Move the target in the view plane so the point under the cursor follows it. */
    vec3 eye, fwd, right, up, world_up = {0.0f, 1.0f, 0.0f};
    camera_eye(cam, eye);
    glm_vec3_sub(cam->target, eye, fwd);
    glm_vec3_normalize(fwd);
    glm_vec3_cross(fwd, world_up, right);
    glm_vec3_normalize(right);
    glm_vec3_cross(right, fwd, up);
    const float h = viewport_h_px > 1.0f ? viewport_h_px : 1.0f, w = viewport_w_px > 1.0f ? viewport_w_px : 1.0f;
    float world_per_px = 2.0f * cam->distance * tanf(camera_fov_y_at(cam, w / h) * 0.5f) / h;
    glm_vec3_muladds(right, -dx_px * world_per_px, cam->target);
    glm_vec3_muladds(up, dy_px * world_per_px, cam->target);
    clamp_target(cam->target);
}

void camera_zoom(camera_t *cam, float wheel_steps) {
    cam->distance = glm_clamp(cam->distance * powf(0.9f, wheel_steps), MIN_DISTANCE, MAX_DISTANCE);
}

float camera_fov_y_at(const camera_t *cam, float aspect) {
    if (!(aspect > 0.0f) || aspect >= 1.0f) return cam->fov_y;
    return 2.0f * atanf(tanf(0.5f * cam->fov_y) / aspect); /* fov_y across the width */
}

void camera_view_proj(const camera_t *cam, float aspect, mat4 dest) {
    vec3 eye, up = {0.0f, 1.0f, 0.0f};
    mat4 view, proj;
    camera_eye(cam, eye);
    glm_lookat(eye, (float *)cam->target, up, view);
    glm_perspective(camera_fov_y_at(cam, aspect), aspect, 0.01f, 100.0f, proj);
    glm_mat4_mul(proj, view, dest);
}
