/* render: shaders, buffers and the draw call (see render.h). */
#include "render.h"

#include <GLES3/gl3.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../engine/mesh.h"
#include "../engine/slice.h"
#include "colormap.h"
#include "shaders.h"

/* Implemented in app/app_lib.js. */
extern int app_js_take_mesh(unsigned vbo, unsigned ibo, void *header_out, uint32_t *coarse_out); /* 0, or the level */
extern int app_js_take_slice(int axis, unsigned texture, void *header_out);

static struct {
    GLuint program, vao, vbo, ibo;
    GLuint box_program, box_vao, box_vbo;
    GLint box_u_mvp, box_u_size, box_u_color;
    GLuint hl_vao, hl_vbo; /* the highlighted plane's outline: 4 corners, grid units */
    int hl_kind, hl_axis;  /* render_set_highlight; kind -1: none */
    float hl_t;
    int profile_axis, profile_at[3]; /* render_set_profile; axis -1: none */
    GLint u_mvp, u_model, u_pos_scale, u_level, u_last, u_last_step, u_eye, u_base_color, u_use_scalar, u_ramp, u_scalar_range, u_shown_range;
    float shown_lo, shown_hi; /* the range the colours span (render_set_shown_range) */
    GLuint ramp; /* RAMP_SIZE x 1 colour ramp (make_ramp), texture unit 0 */
    mesh_header_t mesh; /* header of the mesh in the buffers; index_count 0 = none; nx, ny, nz
                           the simulation grid's, also for a coarse mesh (app_js_take_mesh) */
    int level;          /* that mesh's positions are in units of `level` samples (1, 2 or 4) */
    uint32_t coarse[3]; /* the grid its positions are in (engine/lod.h: the nx, ny, nz it was meshed on) */
    bool changed; /* what render_draw shows changed since render_take_changed */
    GLint u_clip_axis, u_clip_pos, u_face_hi;
    /* slices (engine/slice.h): one texture per axis, drawn on a unit quad */
    GLuint slice_program, quad_vao, quad_vbo, slice_tex[3];
    GLint s_mvp, s_origin, s_du, s_dv, s_tex_offset, s_tex_scale, s_values, s_ramp, s_shown, s_clip_axis, s_clip_pos;
    slice_header_t slice[3];
    bool slice_on[3];
    bool surface;  /* draw the isosurface (render_set_surface) */
    int clip_axis; /* -1 off */
    float clip_t;  /* 0..1 across the box */
} r;

static GLuint compile(GLenum type, const char *src, const char *name, char *err, int err_len) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, NULL);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048] = "";
        glGetShaderInfoLog(s, sizeof log, NULL, log);
        fprintf(stderr, "shader %s failed to compile:\n%s\n", name, log);
        snprintf(err, (size_t)err_len, "shader %s failed to compile: %s", name, log);
        glDeleteShader(s);
        return 0;
    }
    return s;
}

/* Compiles and links a program; 0 with the info log in err (and on stderr) on failure. */
static GLuint link_program(const char *vs_src, const char *fs_src, const char *name, char *err, int err_len) {
    char vs_name[64], fs_name[64];
    snprintf(vs_name, sizeof vs_name, "%s.vert", name);
    snprintf(fs_name, sizeof fs_name, "%s.frag", name);
    GLuint vs = compile(GL_VERTEX_SHADER, vs_src, vs_name, err, err_len);
    GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, fs_src, fs_name, err, err_len) : 0;
    if (!vs || !fs) {
        if (vs) glDeleteShader(vs);
        return 0;
    }
    GLuint p = glCreateProgram();
    glAttachShader(p, vs);
    glAttachShader(p, fs);
    glLinkProgram(p);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048] = "";
        glGetProgramInfoLog(p, sizeof log, NULL, log);
        fprintf(stderr, "%s program failed to link:\n%s\n", name, log);
        snprintf(err, (size_t)err_len, "%s program failed to link: %s", name, log);
        glDeleteProgram(p);
        return 0;
    }
    return p;
}

/* The 12 edges of the unit cube as 24 line end points. */
static const float BOX_LINES[24][3] = {
    {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1},
    {0, 0, 0}, {0, 1, 0}, {1, 0, 0}, {1, 1, 0}, {0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1},
    {0, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 1, 0}, {1, 1, 1},
};

/* The view's colour ramp: the view's map of engine/colormap.c (the default until the
 * page says which: render_set_colormap; the colours the mesh exports carry) as a
 * 256 x 1 RGBA8 texture of sRGB bytes, linearly filtered; shaders/mesh.frag samples
 * texel centres and linearises (pow 2.2), shaders/slice.frag shows them as they are. */
enum { RAMP_SIZE = 256 };
static void fill_ramp(const colormap_t *map) {
    uint8_t rgb[RAMP_SIZE * 3], rgba[RAMP_SIZE * 4];
    colormap_lut_rgb8(map, RAMP_SIZE, rgb);
    for (int i = 0; i < RAMP_SIZE; i++) {
        memcpy(rgba + 4 * i, rgb + 3 * i, 3);
        rgba[4 * i + 3] = 255;
    }
    glBindTexture(GL_TEXTURE_2D, r.ramp);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, RAMP_SIZE, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    glBindTexture(GL_TEXTURE_2D, 0);
}

static void make_ramp(void) {
    glGenTextures(1, &r.ramp);
    glBindTexture(GL_TEXTURE_2D, r.ramp);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    fill_ramp(colormap_default());
}

bool render_set_colormap(int index) {
    const colormap_t *map = colormap_at(index);
    if (!map) return false;
    fill_ramp(map);
    r.changed = true;
    return true;
}

/* The slice program, its unit quad and one texture per axis (R16F: filterable in
 * WebGL2; app_lib.js uploads the float samples into it). */
static bool init_slices(char *err, int err_len) {
    r.slice_program = link_program(shader_slice_vert, shader_slice_frag, "slice", err, err_len);
    if (!r.slice_program) return false;
    const GLuint p = r.slice_program;
    r.s_mvp = glGetUniformLocation(p, "u_mvp");
    r.s_origin = glGetUniformLocation(p, "u_origin");
    r.s_du = glGetUniformLocation(p, "u_du");
    r.s_dv = glGetUniformLocation(p, "u_dv");
    r.s_tex_offset = glGetUniformLocation(p, "u_tex_offset");
    r.s_tex_scale = glGetUniformLocation(p, "u_tex_scale");
    r.s_values = glGetUniformLocation(p, "u_values");
    r.s_ramp = glGetUniformLocation(p, "u_ramp");
    r.s_shown = glGetUniformLocation(p, "u_shown");
    r.s_clip_axis = glGetUniformLocation(p, "u_clip_axis");
    r.s_clip_pos = glGetUniformLocation(p, "u_clip_pos");
    static const float QUAD[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    glGenVertexArrays(1, &r.quad_vao);
    glGenBuffers(1, &r.quad_vbo);
    glBindVertexArray(r.quad_vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.quad_vbo);
    glBufferData(GL_ARRAY_BUFFER, sizeof QUAD, QUAD, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, 0);
    glBindVertexArray(0);
    glGenTextures(3, r.slice_tex);
    for (int a = 0; a < 3; a++) {
        glBindTexture(GL_TEXTURE_2D, r.slice_tex[a]);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    }
    glBindTexture(GL_TEXTURE_2D, 0);
    r.surface = true;
    r.clip_axis = -1;
    return true;
}

bool render_init(char *err, int err_len) {
    r.program = link_program(shader_mesh_vert, shader_mesh_frag, "mesh", err, err_len);
    r.box_program = r.program ? link_program(shader_box_vert, shader_box_frag, "box", err, err_len) : 0;
    if (!r.program || !r.box_program || !init_slices(err, err_len)) return false;
    r.box_u_mvp = glGetUniformLocation(r.box_program, "u_mvp");
    r.box_u_size = glGetUniformLocation(r.box_program, "u_size");
    r.box_u_color = glGetUniformLocation(r.box_program, "u_color");
    glGenVertexArrays(1, &r.box_vao);
    glGenBuffers(1, &r.box_vbo);
    glBindVertexArray(r.box_vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.box_vbo);
    glBufferData(GL_ARRAY_BUFFER, sizeof BOX_LINES, BOX_LINES, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 0, 0);
    glGenVertexArrays(1, &r.hl_vao);
    glGenBuffers(1, &r.hl_vbo);
    glBindVertexArray(r.hl_vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.hl_vbo);
    glBufferData(GL_ARRAY_BUFFER, 12 * sizeof(float), NULL, GL_DYNAMIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 0, 0);
    glBindVertexArray(0);
    r.hl_kind = -1;
    r.profile_axis = -1;
    r.u_mvp = glGetUniformLocation(r.program, "u_mvp");
    r.u_model = glGetUniformLocation(r.program, "u_model");
    r.u_pos_scale = glGetUniformLocation(r.program, "u_pos_scale");
    r.u_level = glGetUniformLocation(r.program, "u_level");
    r.u_last = glGetUniformLocation(r.program, "u_last");
    r.u_last_step = glGetUniformLocation(r.program, "u_last_step");
    r.u_eye = glGetUniformLocation(r.program, "u_eye");
    r.u_base_color = glGetUniformLocation(r.program, "u_base_color");
    r.u_use_scalar = glGetUniformLocation(r.program, "u_use_scalar");
    r.u_ramp = glGetUniformLocation(r.program, "u_ramp");
    r.u_scalar_range = glGetUniformLocation(r.program, "u_scalar_range");
    r.u_shown_range = glGetUniformLocation(r.program, "u_shown_range");
    r.u_clip_axis = glGetUniformLocation(r.program, "u_clip_axis");
    r.u_clip_pos = glGetUniformLocation(r.program, "u_clip_pos");
    r.u_face_hi = glGetUniformLocation(r.program, "u_face_hi");
    r.shown_lo = 0.0f, r.shown_hi = 1.0f;
    make_ramp();

    glGenVertexArrays(1, &r.vao);
    glGenBuffers(1, &r.vbo);
    glGenBuffers(1, &r.ibo);
    glBindVertexArray(r.vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r.ibo);
    const GLsizei stride = sizeof(mesh_vertex_t);
    glEnableVertexAttribArray(0); /* pos: uint16 -> float, unnormalised */
    glVertexAttribPointer(0, 3, GL_UNSIGNED_SHORT, GL_FALSE, stride, (void *)offsetof(mesh_vertex_t, pos));
    glEnableVertexAttribArray(1); /* oct normal: snorm16 */
    glVertexAttribPointer(1, 2, GL_SHORT, GL_TRUE, stride, (void *)offsetof(mesh_vertex_t, normal));
    glEnableVertexAttribArray(2); /* scalar: unorm16 */
    glVertexAttribPointer(2, 1, GL_UNSIGNED_SHORT, GL_TRUE, stride, (void *)offsetof(mesh_vertex_t, scalar));
    glBindVertexArray(0);

    glEnable(GL_DEPTH_TEST);
    return true;
}

bool render_take_mesh(void) {
    mesh_header_t h;
    glBindVertexArray(r.vao); /* the element buffer binding is VAO state */
    uint32_t coarse[3];
    int took = app_js_take_mesh(r.vbo, r.ibo, &h, coarse);
    glBindVertexArray(0);
    if (took) r.mesh = h, r.level = took, memcpy(r.coarse, coarse, sizeof coarse), r.changed = true;
    for (int a = 0; a < 3; a++) { /* the slices come with the mesh */
        slice_header_t sh;
        int st = app_js_take_slice(a, r.slice_tex[a], &sh);
        if (st != 0) r.changed = true;
        if (st == 1) {
            r.slice[a] = sh;
            r.slice_on[a] = true;
            glBindTexture(GL_TEXTURE_2D, r.slice_tex[a]);
            GLint wrap = sh.flags & SLICE_FLAG_PERIODIC ? GL_REPEAT : GL_CLAMP_TO_EDGE;
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, wrap);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, wrap);
            glBindTexture(GL_TEXTURE_2D, 0);
        } else if (st == 2) {
            r.slice_on[a] = false;
        }
    }
    return took != 0;
}

int render_slice_count(void) { return r.slice_on[0] + r.slice_on[1] + r.slice_on[2]; }

void render_set_surface(bool on) { r.surface = on, r.changed = true; }

void render_set_clip(int axis, float t) {
    r.clip_axis = axis >= 0 && axis < 3 && t >= 0.0f && t <= 1.0f ? axis : -1;
    r.clip_t = t;
    r.changed = true;
}

/* The clip plane in grid units: at the sample a slice at t is at (slice_index), so a
 * slice there caps the cut (slices are cut half a sample beyond it). */
static float clip_pos(void) {
    const int n[3] = {(int)r.mesh.nx, (int)r.mesh.ny, (int)r.mesh.nz};
    return r.clip_axis < 0 ? 0.0f : (float)slice_index(r.clip_t, n[r.clip_axis]);
}

/* Draws the slices that are on: each quad at its plane (grid units), its samples'
 * texel centres on the sample points. */
static void draw_slices(const mat4 mvp) {
    glUseProgram(r.slice_program);
    glUniformMatrix4fv(r.s_mvp, 1, GL_FALSE, (const float *)mvp);
    glUniform1i(r.s_clip_axis, r.clip_axis);
    glUniform1f(r.s_clip_pos, clip_pos());
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, r.ramp);
    glUniform1i(r.s_ramp, 0);
    glUniform1i(r.s_values, 1);
    glBindVertexArray(r.quad_vao);
    for (int a = 0; a < 3; a++) {
        if (!r.slice_on[a]) continue;
        const slice_header_t *sh = &r.slice[a];
        const bool per = sh->flags & SLICE_FLAG_PERIODIC;
        const int b = (a + 1) % 3, c = (a + 2) % 3;
        const float w = (float)sh->w, h = (float)sh->h;
        const float ew = per ? w : w - 1.0f, eh = per ? h : h - 1.0f; /* extent in grid units */
        float origin[3] = {0, 0, 0}, du[3] = {0, 0, 0}, dv[3] = {0, 0, 0};
        origin[a] = (float)sh->index;
        du[b] = ew;
        dv[c] = eh;
        glUniform3fv(r.s_origin, 1, origin);
        glUniform3fv(r.s_du, 1, du);
        glUniform3fv(r.s_dv, 1, dv);
        glUniform2f(r.s_tex_offset, 0.5f / w, 0.5f / h);
        glUniform2f(r.s_tex_scale, ew / w, eh / h);
        glUniform2f(r.s_shown, sh->lo, sh->hi);
        glActiveTexture(GL_TEXTURE1);
        glBindTexture(GL_TEXTURE_2D, r.slice_tex[a]);
        glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    }
    glActiveTexture(GL_TEXTURE0);
    glBindVertexArray(0);
}

uint32_t render_triangle_count(void) { return r.mesh.index_count / 3; }

/* Model: grid units -> a box whose longest side is 1, centred at the origin. */
static void model_matrix(mat4 model) {
    float longest = (float)glm_max(glm_max(r.mesh.nx, r.mesh.ny), r.mesh.nz);
    glm_mat4_identity(model);
    glm_scale_uni(model, 1.0f / longest);
    glm_translate(model, (vec3){-0.5f * (float)r.mesh.nx, -0.5f * (float)r.mesh.ny, -0.5f * (float)r.mesh.nz});
}

bool render_pick_ray(const camera_t *cam, float aspect, float sx, float sy, float origin[3], float dir[3]) {
    if (r.mesh.nx == 0) return false;
    mat4 model, vp, mvp, inv;
    model_matrix(model);
    camera_view_proj(cam, aspect, vp);
    glm_mat4_mul(vp, model, mvp);
    glm_mat4_inv(mvp, inv);
    vec4 ndc_near = {2.0f * sx - 1.0f, 1.0f - 2.0f * sy, -1.0f, 1.0f}, ndc_far = {ndc_near[0], ndc_near[1], 1.0f, 1.0f};
    vec4 a, b;
    glm_mat4_mulv(inv, ndc_near, a);
    glm_mat4_mulv(inv, ndc_far, b);
    for (int i = 0; i < 3; i++) {
        origin[i] = a[i] / a[3];
        dir[i] = b[i] / b[3] - origin[i];
    }
    return true;
}

/* ---- planes the pointer moves (render.h) ------------------------------------------------ */

static void grid_dims(int n[3]) { n[0] = (int)r.mesh.nx, n[1] = (int)r.mesh.ny, n[2] = (int)r.mesh.nz; }

/* The extent of the drawn slice of axis a in grid units along b = (a + 1) % 3 and
 * c = (a + 2) % 3 (draw_slices' quad). */
static void slice_extent(int a, float *eb, float *ec) {
    const slice_header_t *sh = &r.slice[a];
    const bool per = sh->flags & SLICE_FLAG_PERIODIC;
    *eb = per ? (float)sh->w : (float)sh->w - 1.0f;
    *ec = per ? (float)sh->h : (float)sh->h - 1.0f;
}

/* Where the ray o + s d meets the plane normal to axis at pos: s > 0 and the point p. */
static bool ray_plane(const float o[3], const float d[3], int axis, float pos, float *s, float p[3]) {
    if (fabsf(d[axis]) < 1e-12f) return false;
    *s = (pos - o[axis]) / d[axis];
    if (!(*s > 0.0f)) return false;
    for (int i = 0; i < 3; i++) p[i] = o[i] + *s * d[i];
    p[axis] = pos;
    return true;
}

/* p on the plane normal to a lies within [0, eb] x [0, ec] of its other two axes. */
static bool within(const float p[3], int a, float eb, float ec) {
    const float pb = p[(a + 1) % 3], pc = p[(a + 2) % 3];
    return pb >= 0.0f && pb <= eb && pc >= 0.0f && pc <= ec;
}

/* render_plane_pick; clip_too false: slices only (render_slice_pick). */
static bool plane_pick(const camera_t *cam, float aspect, float sx, float sy, bool clip_too, render_plane_t *hit) {
    float o[3], d[3], p[3], s;
    if (!render_pick_ray(cam, aspect, sx, sy, o, d)) return false;
    int n[3];
    grid_dims(n);
    const float clip = clip_pos();
    render_plane_t best = {.kind = -1};
    float best_s = INFINITY;
    if (clip_too && r.clip_axis >= 0) { /* the clip plane within the box (a slice there is its cap) */
        const int a = r.clip_axis;
        if (ray_plane(o, d, a, clip, &s, p) && within(p, a, (float)n[(a + 1) % 3], (float)n[(a + 2) % 3])) {
            best = (render_plane_t){.kind = RENDER_PLANE_CLIP, .axis = a, .index = (int)clip};
            best.capped = r.slice_on[a] && (int)r.slice[a].index == best.index;
            memcpy(best.at, p, sizeof p);
            best_s = s;
        }
    }
    for (int a = 0; a < 3; a++) {
        if (!r.slice_on[a]) continue;
        const float pos = (float)r.slice[a].index;
        if (r.clip_axis == a && (best.capped || pos > clip + 0.5f)) continue; /* the cap, or cut away */
        float eb, ec;
        slice_extent(a, &eb, &ec);
        if (!ray_plane(o, d, a, pos, &s, p) || !(s < best_s) || !within(p, a, eb, ec)) continue;
        if (r.clip_axis >= 0 && p[r.clip_axis] > clip + 0.5f) continue; /* cut away there (slice.frag) */
        best = (render_plane_t){.kind = RENDER_PLANE_SLICE, .axis = a, .index = (int)r.slice[a].index};
        memcpy(best.at, p, sizeof p);
        best_s = s;
    }
    if (best.kind < 0) return false;
    const float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), cosine = d[best.axis] / len;
    best.along_screen = 1.0f - cosine * cosine < 0.06f; /* within about 14 degrees of the view ray */
    best.sx = sx, best.sy = sy;
    *hit = best;
    return true;
}

bool render_plane_pick(const camera_t *cam, float aspect, float sx, float sy, render_plane_t *hit) {
    return plane_pick(cam, aspect, sx, sy, true, hit);
}

bool render_slice_pick(const camera_t *cam, float aspect, float sx, float sy, render_plane_t *hit) {
    return plane_pick(cam, aspect, sx, sy, false, hit);
}

/* The shortest decimal t (at most 6 digits) that slice_index maps to sample i of n, so
 * the link reads sliceZPos=0.43 rather than 0.425531924. */
static float position_of(int i, int n) {
    if (n <= 1 || i <= 0) return 0.0f;
    if (i >= n - 1) return 1.0f;
    const double exact = (double)i / (double)(n - 1);
    double scale = 10.0;
    for (int digits = 1; digits <= 6; digits++, scale *= 10.0) {
        const float t = (float)(round(exact * scale) / scale);
        if (slice_index(t, n) == i) return t;
    }
    return (float)exact;
}

bool render_plane_follow(const camera_t *cam, float aspect, float sx, float sy, const render_plane_t *grab, float *t,
                         int *index) {
    float o[3], d[3];
    if (!render_pick_ray(cam, aspect, sx, sy, o, d)) return false;
    int n[3];
    grid_dims(n);
    const int a = grab->axis;
    float x = grab->at[a]; /* the plane's new place along its normal, grid units */
    if (grab->along_screen) { /* up pushes the plane away from the camera */
        const float longest = (float)glm_max(glm_max(n[0], n[1]), n[2]);
        x += (grab->sy - sy) * longest * (d[a] > 0.0f ? 1.0f : -1.0f);
    } else { /* the point of the line grab->at + u e_a nearest the ray o + s d */
        const float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        float w[3], dw = 0.0f;
        for (int i = 0; i < 3; i++) {
            d[i] /= len;
            w[i] = grab->at[i] - o[i];
            dw += d[i] * w[i];
        }
        const float b = d[a], denom = 1.0f - b * b;
        if (denom > 1e-6f) x += (b * dw - w[a]) / denom;
    }
    const float hi = (float)(n[a] - 1);
    x = x > 0.0f ? (x < hi ? x : hi) : 0.0f; /* also NaN -> 0 */
    *index = (int)(x + 0.5f);
    *t = position_of(*index, n[a]);
    return true;
}

void render_set_highlight(int kind, int axis, float t) {
    const int k = (kind == RENDER_PLANE_SLICE || kind == RENDER_PLANE_CLIP) && axis >= 0 && axis < 3 ? kind : -1;
    if (k == r.hl_kind && (k < 0 || (axis == r.hl_axis && t == r.hl_t))) return; /* nothing to redraw */
    r.hl_kind = k;
    r.hl_axis = axis;
    r.hl_t = t;
    r.changed = true;
}

/* Lines of `count` points (grid units, at most 4) in colour (cr, cg, cb), over everything:
 * the box program is bound. */
static void draw_over(GLenum mode, const float *points, int count, float cr, float cg, float cb) {
    glUniform3f(r.box_u_size, 1.0f, 1.0f, 1.0f);
    glUniform3f(r.box_u_color, cr, cg, cb);
    glBindVertexArray(r.hl_vao);
    glBindBuffer(GL_ARRAY_BUFFER, r.hl_vbo);
    glBufferSubData(GL_ARRAY_BUFFER, 0, (GLsizeiptr)(3 * (size_t)count * sizeof(float)), points);
    glDisable(GL_DEPTH_TEST);
    glDrawArrays(mode, 0, count);
    glEnable(GL_DEPTH_TEST);
}

/* The highlighted plane's outline, bright and over everything (the box program is bound). */
static void draw_highlight(void) {
    const int a = r.hl_axis;
    if (r.hl_kind < 0 || (r.hl_kind == RENDER_PLANE_SLICE ? !r.slice_on[a] : r.clip_axis != a)) return;
    int n[3];
    grid_dims(n);
    const bool placed = r.hl_t >= 0.0f && r.hl_t <= 1.0f;
    float eb = (float)n[(a + 1) % 3], ec = (float)n[(a + 2) % 3], pos;
    if (r.hl_kind == RENDER_PLANE_SLICE) {
        slice_extent(a, &eb, &ec);
        pos = placed ? (float)slice_index(r.hl_t, n[a]) : (float)r.slice[a].index;
    } else {
        pos = placed ? (float)slice_index(r.hl_t, n[a]) : clip_pos();
    }
    const float uv[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    float corners[4][3];
    for (int k = 0; k < 4; k++) {
        corners[k][a] = pos;
        corners[k][(a + 1) % 3] = uv[k][0] * eb;
        corners[k][(a + 2) % 3] = uv[k][1] * ec;
    }
    draw_over(GL_LINE_LOOP, &corners[0][0], 4, 1.0f, 1.0f, 1.0f);
}

void render_set_profile(int axis, int x, int y, int z) {
    if (axis < -1 || axis > 2) axis = -1;
    if (axis == r.profile_axis && (axis < 0 || (x == r.profile_at[0] && y == r.profile_at[1] && z == r.profile_at[2])))
        return; /* nothing to redraw */
    r.profile_axis = axis;
    r.profile_at[0] = x, r.profile_at[1] = y, r.profile_at[2] = z;
    r.changed = true;
}

/* The line profile's line, over everything (the box program is bound). */
static void draw_profile(void) {
    const int a = r.profile_axis;
    if (a < 0) return;
    int n[3];
    grid_dims(n);
    float ends[2][3];
    for (int k = 0; k < 2; k++)
        for (int b = 0; b < 3; b++) ends[k][b] = b == a ? (float)(k ? n[a] - 1 : 0) : (float)r.profile_at[b];
    draw_over(GL_LINES, &ends[0][0], 2, 1.0f, 0.6f, 0.15f);
}

void render_draw(const camera_t *cam, int w, int h) {
    glViewport(0, 0, w, h);
    glClearColor(RENDER_CLEAR_R, RENDER_CLEAR_G, RENDER_CLEAR_B, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    if (r.mesh.nx == 0 || w <= 0 || h <= 0) return; /* no mesh yet: nothing to frame */

    mat4 model, vp, mvp;
    model_matrix(model);
    camera_view_proj(cam, (float)w / (float)h, vp);
    glm_mat4_mul(vp, model, mvp);
    vec3 eye;
    camera_eye(cam, eye);

    glUseProgram(r.program);
    glUniformMatrix4fv(r.u_mvp, 1, GL_FALSE, (const float *)mvp);
    glUniformMatrix4fv(r.u_model, 1, GL_FALSE, (const float *)model);
    /* Coarse sample i is fine sample i * L; on a zero-flux axis whose last coarse sample
     * is the far face n - 1 (engine/lod.h), the last cell is narrower: from (cn - 2) L to
     * n - 1 (shaders/mesh.vert). */
    const int L = r.level > 0 ? r.level : 1;
    const uint32_t n3[3] = {r.mesh.nx, r.mesh.ny, r.mesh.nz};
    float last[3], step[3];
    for (int a = 0; a < 3; a++) {
        int n = (int)n3[a], cn = (int)r.coarse[a];
        bool clamped = L > 1 && cn >= 2 && (cn - 1) * L > n - 1;
        last[a] = clamped ? (float)(cn - 2) : 1e9f;
        step[a] = clamped ? (float)(n - 1 - (cn - 2) * L) : 0.0f;
    }
    glUniform1f(r.u_pos_scale, (float)MESH_POS_SCALE); /* to coarse samples */
    glUniform1f(r.u_level, (float)L);
    glUniform3fv(r.u_last, 1, last);
    glUniform3fv(r.u_last_step, 1, step);
    glUniform3fv(r.u_eye, 1, eye);
    glUniform3f(r.u_base_color, 0.85f, 0.55f, 0.30f);
    glUniform1f(r.u_use_scalar, r.mesh.scalar_max > r.mesh.scalar_min ? 1.0f : 0.0f);
    glUniform2f(r.u_scalar_range, r.mesh.scalar_min, r.mesh.scalar_max);
    glUniform2f(r.u_shown_range, r.shown_lo, r.shown_hi);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, r.ramp);
    glUniform1i(r.u_ramp, 0);
    glUniform1i(r.u_clip_axis, r.clip_axis);
    glUniform1f(r.u_clip_pos, clip_pos());
    /* The far faces for the caps' lighting (shaders/mesh.frag): a zero-flux grid's last sample
     * n - 1, at every level (engine/lod.h); a periodic grid's wrap face at n lies beyond. */
    glUniform3f(r.u_face_hi, (float)(r.mesh.nx - 1), (float)(r.mesh.ny - 1), (float)(r.mesh.nz - 1));
    glBindVertexArray(r.vao);
    if (r.surface && r.mesh.index_count > 0)
        glDrawElements(GL_TRIANGLES, (GLsizei)r.mesh.index_count, GL_UNSIGNED_INT, 0);
    draw_slices(mvp);

    glUseProgram(r.box_program);
    glUniformMatrix4fv(r.box_u_mvp, 1, GL_FALSE, (const float *)mvp);
    glUniform3f(r.box_u_size, (float)r.mesh.nx, (float)r.mesh.ny, (float)r.mesh.nz);
    glUniform3f(r.box_u_color, 0.36f, 0.40f, 0.48f);
    glBindVertexArray(r.box_vao);
    glDrawArrays(GL_LINES, 0, 24);
    draw_highlight();
    draw_profile();
    glBindVertexArray(0);
}

void render_set_shown_range(float lo, float hi) {
    if (!(hi > lo)) return; /* an empty or NaN range keeps the last one */
    r.shown_lo = lo;
    r.shown_hi = hi;
    r.changed = true;
}

bool render_take_changed(void) {
    const bool c = r.changed;
    r.changed = false;
    return c;
}
