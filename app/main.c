/* main: the app on the browser's main thread. SDL2 creates the WebGL2 context on
 * the page's canvas and delivers input; each animation frame takes the newest mesh
 * the compute worker sent (see render.h) and draws the view when what it shows
 * changed (wants_draw). A frame with nothing to do puts the loop to sleep until the
 * page or an exported call wakes it (app_wake). This file is the app's
 * platform layer: the only one that talks to emscripten. */
#include <SDL2/SDL.h>
#include <emscripten.h>
#include <GLES3/gl3.h>
#include <emscripten/html5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "camera.h"
#include "render.h"

/* Implemented in app/app_lib.js. */
extern void app_js_ready(const char *gl_version);
extern void app_js_fail(const char *message);
/* drew: 0 nothing drawn, 1 the view changed (or the page asked), 2 drawn only because the
 * page wants every frame (app_set_continuous): the same picture as the last one. */
extern void app_js_frame(unsigned triangles, int had_new_mesh, int drew);
extern void app_js_paint(const float *ray, int plane_axis); /* app_pointer_ray's 10 floats */
extern void app_js_plane_moved(int kind, int axis, float t, int done);
extern void app_js_asleep(void);

static struct {
    SDL_Window *window;
    SDL_GLContext gl;
    camera_t cam;
    /* The last draw (frame draws only when what it would show changed): its camera and
     * size, and draws asked for by the page (app_request_redraw, app_set_continuous). */
    struct { bool done, asked, continuous; camera_t cam; int width, height; } drawn;
    int width, height; /* drawing buffer, device pixels */
    float pixel_scale; /* drawing buffer per device pixel, each way (app_set_pixel_scale) */
    bool orbiting, panning;
    bool asleep; /* the main loop is paused: no animation frames until app_wake */
    bool woken;  /* app_wake was called since the frame began: the next frame has work */
} app = {.pixel_scale = 1.0f};

/* ---- sleeping between changes -------------------------------------------------------------
 * An animation frame that neither draws nor has input to read costs the page little, but
 * not nothing: at 60 a second it took 7 % of a core in Chromium and, more, it wakes the
 * main thread of a machine whose cores the compute worker's pool is using (paused stepping
 * at 128^3 on two threads: 319-346 steps/s with the loop running, 397-410 with it asleep).
 * So the first frame with nothing to do pauses the loop; what can change the view wakes
 * it: every exported call below that changes what is drawn, and the page (web/main.js)
 * for what arrives outside them: a mesh or slice from the worker, input on the canvas,
 * a new canvas size. */
EMSCRIPTEN_KEEPALIVE void app_wake(void) {
    app.woken = true;
    if (!app.asleep) return;
    app.asleep = false;
    emscripten_resume_main_loop();
}

/* Keeps the drawing buffer at the canvas' CSS size times the device pixel ratio, times
 * the page's pixel scale (the browser stretches a smaller buffer over the canvas). */
static void fit_canvas(void) {
    double css_w = 0, css_h = 0;
    emscripten_get_element_css_size("#canvas", &css_w, &css_h);
    double dpr = emscripten_get_device_pixel_ratio() * (double)app.pixel_scale;
    int w = (int)(css_w * dpr + 0.5), h = (int)(css_h * dpr + 0.5);
    w = w < 1 && css_w > 0 ? 1 : w, h = h < 1 && css_h > 0 ? 1 : h;
    if (w <= 0 || h <= 0) return;
    /* SDL sets the buffer to the CSS size times the pixel ratio on a resize event (and a
     * new size clears it): read what it is, not only what was set. */
    int cur_w = 0, cur_h = 0;
    emscripten_get_canvas_element_size("#canvas", &cur_w, &cur_h);
    if (cur_w != w || cur_h != h) {
        emscripten_set_canvas_element_size("#canvas", w, h);
        app.drawn.asked = true; /* cleared: draw again, even at the size drawn last */
    }
    app.width = w;
    app.height = h;
}

/* The drawing buffer's size per device pixel, each way: 1 draws every device pixel; less
 * (the page's drawing budget, web/budget.js: software GL reads every frame's pixels back)
 * draws fewer and the browser scales them up. Clamped to [APP_PIXEL_SCALE_MIN, 1]; NaN
 * is 1. The next frame resizes the buffer and draws. Returns the scale in force. */
#define APP_PIXEL_SCALE_MIN 0.25f
EMSCRIPTEN_KEEPALIVE float app_set_pixel_scale(float s) {
    app_wake();
    if (isnan(s)) s = 1.0f;
    app.pixel_scale = s < APP_PIXEL_SCALE_MIN ? APP_PIXEL_SCALE_MIN : s > 1.0f ? 1.0f : s;
    return app.pixel_scale;
}

/* The view ray through (sx, sy), 0..1 from the canvas' top left, and the slice drawn
 * there: out[10] = origin[3], dir[3] (grid units), the slice's axis (-1: none) and where
 * the ray meets it[3]. False when there is no view to aim through. */
static bool app_pointer_ray(float sx, float sy, float out[10]) {
    float aspect = app.height > 0 ? (float)app.width / (float)app.height : 1.0f;
    if (!render_pick_ray(&app.cam, aspect, sx, sy, out, out + 3)) return false;
    render_plane_t hit;
    bool slice = render_slice_pick(&app.cam, aspect, sx, sy, &hit);
    out[6] = slice ? (float)hit.axis : -1.0f;
    for (int a = 0; a < 3; a++) out[7 + a] = slice ? hit.at[a] : 0.0f;
    return true;
}

/* Called by the page on Alt-click at (sx, sy): sends the view ray there and the slice
 * under it to the page, which asks the worker to paint at what the view shows (the
 * surface or that slice, engine/probe.h). Returns 1 if there was a view to aim through. */
EMSCRIPTEN_KEEPALIVE int app_paint_at(float sx, float sy) {
    float r[10];
    if (!app_pointer_ray(sx, sy, r)) return 0;
    app_js_paint(r, (int)r[6]);
    return 1;
}

/* For the page's probe (web/probe.js, engine/probe.h): app_pointer_ray's 10 floats, valid
 * until the next call. NULL when there is no view to aim through. */
EMSCRIPTEN_KEEPALIVE const float *app_probe_ray(float sx, float sy) {
    static float out[10];
    return app_pointer_ray(sx, sy, out) ? out : NULL;
}

/* The camera for the page's link: yaw, pitch, distance, target x, y, z (6 floats,
 * valid until the next call). */
EMSCRIPTEN_KEEPALIVE const float *app_camera_state(void) {
    static float s[6];
    s[0] = app.cam.yaw, s[1] = app.cam.pitch, s[2] = app.cam.distance;
    s[3] = app.cam.target[0], s[4] = app.cam.target[1], s[5] = app.cam.target[2];
    return s;
}

/* Sets the camera (a link's); 0 when a value is not finite. */
EMSCRIPTEN_KEEPALIVE int app_camera_set(float yaw, float pitch, float distance, float tx, float ty, float tz) {
    const vec3 t = {tx, ty, tz};
    app_wake();
    return camera_set(&app.cam, yaw, pitch, distance, t) ? 1 : 0;
}

/* An axis view (camera_view_t: 0 default, 1 front, 2 side, 3 top); zoom by wheel steps (pinch). */
EMSCRIPTEN_KEEPALIVE void app_camera_view(int view) {
    app_wake();
    if (view >= CAMERA_VIEW_DEFAULT && view <= CAMERA_VIEW_TOP) camera_view(&app.cam, (camera_view_t)view);
}
EMSCRIPTEN_KEEPALIVE void app_camera_zoom(float steps) {
    app_wake();
    camera_zoom(&app.cam, steps);
}
/* Orbit and pan as a drag of (dx, dy) window units would (the page's arrow keys). */
EMSCRIPTEN_KEEPALIVE void app_camera_orbit(float dx, float dy) {
    app_wake();
    camera_orbit(&app.cam, dx, dy);
}
EMSCRIPTEN_KEEPALIVE void app_camera_pan(float dx, float dy) {
    app_wake();
    int ww = 1, wh = 1;
    SDL_GetWindowSize(app.window, &ww, &wh);
    camera_pan(&app.cam, dx, dy, (float)ww, (float)wh);
}

/* The values the colour ramp spans (the schema's range of the colouring shown). */
EMSCRIPTEN_KEEPALIVE void app_set_shown_range(float lo, float hi) {
    app_wake();
    render_set_shown_range(lo, hi);
}

/* The view settings the app draws (the page sends them from the view in force):
 * the colormap by colormap.h index, the isosurface on/off, the clip plane (axis -1: off;
 * t 0..1 across the box). */
EMSCRIPTEN_KEEPALIVE int app_set_colormap(int index) {
    app_wake();
    return render_set_colormap(index) ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE void app_set_surface(int on) {
    app_wake();
    render_set_surface(on != 0);
}
EMSCRIPTEN_KEEPALIVE void app_set_clip(int axis, float t) {
    app_wake();
    render_set_clip(axis, t);
}
/* The line profile's line (render_set_profile; axis -1: none). */
EMSCRIPTEN_KEEPALIVE void app_set_profile(int axis, int x, int y, int z) {
    app_wake();
    render_set_profile(axis, x, y, z);
}
EMSCRIPTEN_KEEPALIVE int app_slice_count(void) { return render_slice_count(); }

/* ---- dragging the slices and the clip plane ----------------------------------------------
 * The page (web/slices.js) reads the pointer (Ctrl/Cmd + press, or the Move planes mode)
 * before SDL does and calls these with the pointer at (sx, sy), 0..1 from the canvas' top
 * left; the picking is render.c's. Each new position goes to app_js_plane_moved(kind,
 * axis, t, done), which sends it as the plane's slider does. A clip plane capped by a
 * slice moves with its slice (reported first), so the cap stays on the cut. */
static struct {
    bool active;
    render_plane_t grab;
    int index; /* the sample of the last position reported (at first: where it was grabbed) */
    float t;   /* that position; -1 until one is reported */
} drag;

static float view_aspect(void) { return app.height > 0 ? (float)app.width / (float)app.height : 1.0f; }

static void report_plane(float t, int done) {
    if (drag.grab.capped) app_js_plane_moved(RENDER_PLANE_SLICE, drag.grab.axis, t, 0);
    app_js_plane_moved(drag.grab.kind, drag.grab.axis, t, done);
}

/* Outlines the plane under the pointer (none while a drag holds one, or for sx < 0);
 * 1 when there is one, so the page can show a "move" cursor. */
EMSCRIPTEN_KEEPALIVE int app_plane_hover(float sx, float sy) {
    app_wake();
    if (drag.active) return 1;
    render_plane_t hit;
    if (sx < 0.0f || !render_plane_pick(&app.cam, view_aspect(), sx, sy, &hit)) {
        render_set_highlight(-1, 0, -1.0f);
        return 0;
    }
    render_set_highlight(hit.kind, hit.axis, -1.0f);
    return 1;
}

/* Grabs the nearest plane under (sx, sy): 1 when there is one (then the page keeps the
 * press from orbiting), 0 when there is none (nothing changes). */
EMSCRIPTEN_KEEPALIVE int app_plane_grab(float sx, float sy) {
    app_wake();
    if (drag.active) return 1; /* one drag at a time: a second press keeps the first */
    render_plane_t hit;
    drag.active = render_plane_pick(&app.cam, view_aspect(), sx, sy, &hit);
    if (!drag.active) {
        render_set_highlight(-1, 0, -1.0f);
        return 0;
    }
    drag.grab = hit;
    drag.index = hit.index;
    drag.t = -1.0f;
    render_set_highlight(hit.kind, hit.axis, -1.0f);
    return 1;
}

/* Moves the grabbed plane under (sx, sy); reports the position when it changes. */
EMSCRIPTEN_KEEPALIVE void app_plane_drag(float sx, float sy) {
    app_wake();
    float t;
    int index;
    if (!drag.active || !render_plane_follow(&app.cam, view_aspect(), sx, sy, &drag.grab, &t, &index)) return;
    render_set_highlight(drag.grab.kind, drag.grab.axis, t);
    if (index == drag.index) return; /* still on the same sample */
    drag.index = index;
    drag.t = t;
    report_plane(t, 0);
}

/* Ends a drag: the last position is reported again with done = 1 (the page sends it
 * whatever its throttle held back); nothing when it never moved. */
EMSCRIPTEN_KEEPALIVE void app_plane_release(void) {
    app_wake();
    if (!drag.active) return;
    drag.active = false;
    render_set_highlight(-1, 0, -1.0f);
    if (drag.t >= 0.0f) report_plane(drag.t, 1);
}

static void handle_event(const SDL_Event *e) {
    switch (e->type) {
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT && !(SDL_GetModState() & KMOD_SHIFT)) app.orbiting = true;
        else app.panning = true;
        if (e->button.clicks == 2) camera_reset(&app.cam);
        break;
    case SDL_MOUSEBUTTONUP:
        app.orbiting = app.panning = false;
        break;
    case SDL_MOUSEMOTION:
        if (app.orbiting) camera_orbit(&app.cam, (float)e->motion.xrel, (float)e->motion.yrel);
        else if (app.panning) {
            int ww = 1, wh = 1; /* motion comes in window units: pan against the same height */
            SDL_GetWindowSize(app.window, &ww, &wh);
            camera_pan(&app.cam, (float)e->motion.xrel, (float)e->motion.yrel, (float)ww, (float)wh);
        }
        break;
    case SDL_MOUSEWHEEL:
        camera_zoom(&app.cam, e->wheel.preciseY != 0.0f ? e->wheel.preciseY : (float)e->wheel.y);
        break;
    /* Keys are the page's (web/main.js: R, the arrows, + and - call app_camera_*): at once,
     * in the order pressed, and on the view or off it alike. */
    default:
        break;
    }
}

/* Draws the next frame even if nothing changed (the page's Picture: read the canvas
 * right after a draw). */
EMSCRIPTEN_KEEPALIVE void app_request_redraw(void) {
    app_wake();
    app.drawn.asked = true;
}

/* on: draw every frame (the page records the canvas: captureStream only sees frames
 * drawn); off: only when what the view shows changed, as by default. */
EMSCRIPTEN_KEEPALIVE void app_set_continuous(int on) {
    app_wake();
    app.drawn.continuous = on != 0;
}

/* Whether this frame draws: the first frame, a page's request, or a change of what the
 * view shows (a mesh or slice taken, a view setting or the plane outline:
 * render_take_changed; the camera, however it was moved: an orbit, pan, zoom or reset
 * and the page's camera calls alike; the drawing buffer's size, which a resize also
 * clears). Input as such draws nothing: moving the pointer over a paused view is free.
 * Otherwise the browser keeps showing the last frame (an animation frame that leaves
 * the WebGL canvas alone presents nothing new), and a paused page costs next to no CPU. */
enum { DRAW_NONE, DRAW_CHANGED, DRAW_CONTINUOUS };
static int wants_draw(void) {
    const bool changed = render_take_changed(); /* taken every frame */
    if (changed || !app.drawn.done || app.drawn.asked || app.width != app.drawn.width ||
        app.height != app.drawn.height || memcmp(&app.cam, &app.drawn.cam, sizeof app.cam) != 0)
        return DRAW_CHANGED;
    return app.drawn.continuous ? DRAW_CONTINUOUS : DRAW_NONE;
}

static void frame(void) {
    SDL_Event e;
    int events = 0;
    app.woken = false;
    while (SDL_PollEvent(&e)) handle_event(&e), events++;
    fit_canvas();
    bool fresh = render_take_mesh();
    int draw = wants_draw();
    if (draw != DRAW_NONE) {
        render_draw(&app.cam, app.width, app.height);
        app.drawn.done = true, app.drawn.asked = false;
        app.drawn.cam = app.cam;
        app.drawn.width = app.width, app.drawn.height = app.height;
    }
    app_js_frame(render_triangle_count(), fresh, draw);
    /* Asleep when this frame had nothing to do and nothing during it (the page's budget
     * setting the pixel scale in app_js_frame, say) asked for the next. */
    if (draw == DRAW_NONE && !fresh && events == 0 && !app.woken && !app.drawn.continuous) {
        app.asleep = true; /* nothing to do: no frames until app_wake */
        emscripten_pause_main_loop();
        app_js_asleep();
    }
}

int main(void) {
    /* Keys go to SDL only while the canvas has focus, so the page's inputs keep theirs. */
    SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        app_js_fail(SDL_GetError());
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 24);
    app.window = SDL_CreateWindow("Gray-Scott 3D", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                  800, 600, SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
    app.gl = app.window ? SDL_GL_CreateContext(app.window) : NULL;
    if (!app.gl) {
        char msg[512];
        snprintf(msg, sizeof msg, "WebGL2 context could not be created: %s", SDL_GetError());
        app_js_fail(msg);
        return 1;
    }
    char err[2300];
    if (!render_init(err, sizeof err)) {
        app_js_fail(err);
        return 1;
    }
    camera_reset(&app.cam);
    app_js_ready((const char *)glGetString(GL_VERSION));
    emscripten_set_main_loop(frame, 0, 0);
    return 0;
}
