/* schema: the settings table and its JSON document (see schema.h). */
#include "schema.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "colormap.h"
#include "err.h"
#include "grid.h"
#include "lab.h"
#include "mc.h"
#include "meshio.h"
#include "num.h"
#include "pool.h"
#include "preset.h"
#include "seed.h"
#include "slice.h"

/* The page's own limits, facts of the browser rather than of the engine: each pool
 * thread is a Web Worker holding the whole WASM module, so the page offers at most
 * SCHEMA_PAGE_THREADS (the engine takes POOL_MAX_THREADS), and starts with the
 * logical cores capped at SCHEMA_PAGE_THREADS_DEFAULT_MAX. */
enum { SCHEMA_PAGE_THREADS = 16, SCHEMA_PAGE_THREADS_DEFAULT_MAX = 8 };

/* ---- choices owned by other modules ---- */

#define CHOICE(value, cli, label, code) {(value), (cli), (label), (code), false, 0, 0}

static const schema_choice_t stencils[] = {CHOICE("7", "7", "7-point", GS_STENCIL_7),
                                           CHOICE("19", "19", "19-point", GS_STENCIL_19),
                                           CHOICE("27", "27", "27-point", GS_STENCIL_27)};
static int stencil_count(void) { return (int)(sizeof stencils / sizeof stencils[0]); }
static schema_choice_t stencil_at(int i) { return stencils[i]; }

static const schema_choice_t boundaries[] = {CHOICE("0", "periodic", "periodic", GRID_PERIODIC),
                                             CHOICE("1", "zeroflux", "zero-flux", GRID_ZEROFLUX)};
static int boundary_count(void) { return (int)(sizeof boundaries / sizeof boundaries[0]); }
static schema_choice_t boundary_at(int i) { return boundaries[i]; }

static const schema_choice_t scalars[] = {
    CHOICE("0", "none", "flat", MC_SCALAR_NONE), CHOICE("1", "u", "U", MC_SCALAR_U),
    CHOICE("2", "gradv", "|\xe2\x88\x87V|", MC_SCALAR_GRAD_V)};
static int scalar_count(void) { return (int)(sizeof scalars / sizeof scalars[0]); }
static schema_choice_t scalar_at(int i) {
    schema_choice_t c = scalars[i];
    if (c.code != MC_SCALAR_NONE) {
        float lo, hi;
        mc_scalar_shown_range(c.code, &lo, &hi);
        c.has_range = true, c.lo = lo, c.hi = hi;
    }
    return c;
}

/* the colormaps (colormap.c's table), by name */
static int colormap_choices(void) { return colormap_count(); }
static schema_choice_t colormap_choice(int i) {
    const char *name = colormap_at(i)->name;
    return (schema_choice_t)CHOICE(name, name, name, i);
}

/* what the surface's colours span (mc.h: mc_color_range_t) */
static const schema_choice_t color_ranges[] = {CHOICE("fixed", "fixed", "fixed", MC_RANGE_FIXED),
                                               CHOICE("fit", "fit", "fit to the surface", MC_RANGE_FIT),
                                               CHOICE("custom", "custom", "custom", MC_RANGE_CUSTOM)};
static int color_range_count(void) { return (int)(sizeof color_ranges / sizeof color_ranges[0]); }
static schema_choice_t color_range_at(int i) { return color_ranges[i]; }

/* what colours a slice (slice.h), with the range its colours span */
static int slice_field_count(void) { return SLICE_FIELD_COUNT; }
static schema_choice_t slice_field_at(int i) {
    schema_choice_t c = CHOICE(slice_field_name(i), slice_field_name(i), i == SLICE_FIELD_V ? "V" : "U", i);
    float lo, hi;
    slice_shown_range(i, &lo, &hi);
    c.has_range = true, c.lo = lo, c.hi = hi;
    return c;
}

/* the clip plane: off, or the half-space beyond a plane normal to x, y or z is cut away
 * (app/render.c, in the fragment shaders) */
static const schema_choice_t clips[] = {CHOICE("none", "none", "off", -1), CHOICE("x", "x", "x", 0),
                                        CHOICE("y", "y", "y", 1), CHOICE("z", "z", "z", 2)};
static int clip_count(void) { return (int)(sizeof clips / sizeof clips[0]); }
static schema_choice_t clip_at(int i) { return clips[i]; }

static int seed_mode_choices(void) { return seed_mode_count(); }
static schema_choice_t seed_mode_choice(int i) {
    const char *name = seed_mode_name((seed_mode_t)i);
    return (schema_choice_t)CHOICE(name, name, seed_mode_label((seed_mode_t)i), i);
}
static double preset_seed_mode(const preset_t *p) { return (double)p->seed_mode; }

static const schema_choice_t brush_shapes[] = {CHOICE("sphere", "sphere", "sphere", SEED_BRUSH_SPHERE),
                                               CHOICE("cube", "cube", "cube", SEED_BRUSH_CUBE)};
static int brush_shape_count(void) { return (int)(sizeof brush_shapes / sizeof brush_shapes[0]); }
static schema_choice_t brush_shape_at(int i) { return brush_shapes[i]; }
static const schema_choice_t paint_targets[] = {CHOICE("v", "v", "V", SEED_TARGET_V),
                                                CHOICE("u", "u", "U", SEED_TARGET_U)};
static int paint_target_count(void) { return (int)(sizeof paint_targets / sizeof paint_targets[0]); }
static schema_choice_t paint_target_at(int i) { return paint_targets[i]; }

static const double sizes[] = {32, 48, 64, 96, 128, 160, 192, 256};

/* A preset is a point of the map: it turns the parameter map off and sets its ranges to
 * their defaults (gs.h); schema_of_preset takes these for the map's rows, not preset.c's 0. */
static double map_off(const preset_t *p) { return (void)p, 0; }
static double map_k_min(const preset_t *p) { return (void)p, GS_MAP_K_MIN_DEFAULT; }
static double map_k_max(const preset_t *p) { return (void)p, GS_MAP_K_MAX_DEFAULT; }
static double map_F_min(const preset_t *p) { return (void)p, GS_MAP_F_MIN_DEFAULT; }
static double map_F_max(const preset_t *p) { return (void)p, GS_MAP_F_MAX_DEFAULT; }

#define LIVE(field, int_) .apply = SCHEMA_LIVE, .offset = offsetof(gs_params_t, field), .is_int = int_

static const schema_param_t params[] = {
    /* reaction: live */
    {.key = "F", .cli = "F", .label = "F", .help = "feed rate of U", .kind = SCHEMA_REAL, LIVE(F, false),
     .min = 0, .max = GS_F_MAX, .ui_min = 0, .ui_max = 0.1, .step = 0.0001, .control = "range"},
    {.key = "k", .cli = "k", .label = "k", .help = "kill rate of V", .kind = SCHEMA_REAL, LIVE(k, false),
     .min = 0, .max = GS_K_MAX, .ui_min = 0, .ui_max = 0.1, .step = 0.0001, .control = "range"},
    {.key = "Du", .cli = "Du", .label = "D<sub>u</sub>", .help = "diffusion rate of U", .kind = SCHEMA_REAL,
     LIVE(Du, false), .min = 0, .max = GS_D_MAX, .ui_min = 0, .ui_max = 1, .step = 0.001, .control = "number"},
    {.key = "Dv", .cli = "Dv", .label = "D<sub>v</sub>", .help = "diffusion rate of V, Du/2..2*Du",
     .kind = SCHEMA_REAL, LIVE(Dv, false), .min = 0, .max = GS_D_MAX, .ui_min = 0, .ui_max = 1, .step = 0.001,
     .control = "number"},
    {.key = "dt", .cli = "dt", .label = "dt", .help = "time step, within the stability limit", .kind = SCHEMA_REAL,
     LIVE(dt, false), .min = 0, .min_open = true, .max = GS_DT_MAX, .ui_min = 0.01, .ui_max = GS_DT_STABLE_MAX,
     .step = 0.01, .control = "number"},
    {.key = "stencil", .cli = "stencil", .label = "Laplacian", .kind = SCHEMA_CHOICE, LIVE(stencil, true),
     .choice_count = stencil_count, .choice_at = stencil_at, .control = "select"},
    /* the parameter map (gs.h): live; a preset turns it off and sets the default ranges */
    {.key = "map", .cli = "map", .label = "parameter map (k along x, F along y)",
     .help = "F and k vary across the volume over the ranges below", .kind = SCHEMA_BOOL, LIVE(map, true),
     .min = 0, .max = 1, .def = 0, .of_preset = map_off, .control = "checkbox"},
    {.key = "kMin", .cli = "k-min", .label = "k at x = 0", .help = "the map's k at x = 0", .kind = SCHEMA_REAL,
     LIVE(k_min, false), .min = 0, .max = GS_K_MAX, .ui_min = 0, .ui_max = 0.1, .step = 0.0001, .def = GS_MAP_K_MIN_DEFAULT,
     .of_preset = map_k_min, .control = "number"},
    {.key = "kMax", .cli = "k-max", .label = "k at x = end", .help = "the map's k at x = nx-1", .kind = SCHEMA_REAL,
     LIVE(k_max, false), .min = 0, .max = GS_K_MAX, .ui_min = 0, .ui_max = 0.1, .step = 0.0001, .def = GS_MAP_K_MAX_DEFAULT,
     .of_preset = map_k_max, .control = "number"},
    {.key = "FMin", .cli = "F-min", .label = "F at y = 0", .help = "the map's F at y = 0", .kind = SCHEMA_REAL,
     LIVE(F_min, false), .min = 0, .max = GS_F_MAX, .ui_min = 0, .ui_max = 0.1, .step = 0.0001, .def = GS_MAP_F_MIN_DEFAULT,
     .of_preset = map_F_min, .control = "number"},
    {.key = "FMax", .cli = "F-max", .label = "F at y = end", .help = "the map's F at y = ny-1", .kind = SCHEMA_REAL,
     LIVE(F_max, false), .min = 0, .max = GS_F_MAX, .ui_min = 0, .ui_max = 0.1, .step = 0.0001, .def = GS_MAP_F_MAX_DEFAULT,
     .of_preset = map_F_max, .control = "number"},
    /* grid and seed: on reset */
    {.key = "size", .cli = "size", .label = "Size", .unit = "samples per side", .kind = SCHEMA_INT,
     .apply = SCHEMA_RESET, .min = GRID_MIN_SIDE, .max = GRID_MAX_SIDE, .ui_min = GRID_MIN_SIDE,
     .ui_max = GRID_MAX_SIDE, .step = 1, .def = 96, .cli_default = "64", .suggest = sizes,
     .suggest_count = (int)(sizeof sizes / sizeof sizes[0]), .control = "select"},
    {.key = "boundary", .cli = "boundary", .label = "Boundary", .kind = SCHEMA_CHOICE, .apply = SCHEMA_RESET,
     .choice_count = boundary_count, .choice_at = boundary_at, .def = GRID_PERIODIC, .control = "select"},
    {.key = "seedMode", .cli = "seed-mode", .label = "Start", .help = "initial state", .kind = SCHEMA_CHOICE,
     .apply = SCHEMA_RESET, .choice_count = seed_mode_choices, .choice_at = seed_mode_choice,
     .of_preset = preset_seed_mode, .control = "select"},
    {.key = "seed", .cli = "seed", .label = "Seed", .help = "64-bit seed of the start", .kind = SCHEMA_SEED,
     .apply = SCHEMA_RESET, .min = 0, .max = 18446744073709551615.0, .def = 1, .control = "text"},
    /* view */
    {.key = "iso", .cli = "iso", .label = "Isovalue", .help = "the surface is where V crosses it",
     .kind = SCHEMA_REAL, .apply = SCHEMA_VIEW, .min = MC_ISO_MIN, .max = MC_ISO_MAX, .ui_min = 0.01, .ui_max = 0.6,
     .step = 0.005, .def = 0.25, .control = "range"},
    {.key = "scalar", .cli = "mesh-color", .label = "Colour", .help = "what colours the surface",
     .kind = SCHEMA_CHOICE, .apply = SCHEMA_VIEW, .choice_count = scalar_count, .choice_at = scalar_at,
     .def = MC_SCALAR_U, .control = "select"},
    {.key = "close", .cli = "mesh-close", .label = "close the surface at the box faces", .kind = SCHEMA_BOOL,
     .help = "caps where the inside meets the box (zero-flux and periodic grids): a closed solid",
     .apply = SCHEMA_VIEW, .min = 0, .max = 1, .def = 1, .cli_default = "false", .control = "checkbox"},
    {.key = "colormap", .cli = "colormap", .label = "Colormap", .help = "the colours of the surface, the slices and the exports",
     .kind = SCHEMA_CHOICE, .apply = SCHEMA_VIEW, .choice_count = colormap_choices, .choice_at = colormap_choice,
     .def = 0, .control = "select"},
    {.key = "colorRange", .cli = "color-range", .label = "Colour range",
     .help = "fixed: the whole range of what colours it (U: 0..1), the same in every frame; fit: the surface's lowest to highest value; custom: from .. to, typed",
     .kind = SCHEMA_CHOICE, .apply = SCHEMA_VIEW, .choice_count = color_range_count, .choice_at = color_range_at,
     .def = MC_RANGE_FIXED, .control = "select"},
    {.key = "colorMin", .cli = "color-min", .label = "colours from", .help = "with Colour range custom: the value at the colormap's first colour",
     .kind = SCHEMA_REAL, .apply = SCHEMA_VIEW, .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = 0,
     .control = "number"},
    {.key = "colorMax", .cli = "color-max", .label = "to", .help = "with Colour range custom: the value at the colormap's last colour (above from)",
     .kind = SCHEMA_REAL, .apply = SCHEMA_VIEW, .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.01, .def = 1,
     .control = "number"},
    {.key = "surface", .page_only = true, .label = "show the isosurface", .kind = SCHEMA_BOOL, .apply = SCHEMA_VIEW, .min = 0,
     .max = 1, .def = 1, .control = "checkbox"},
    /* slices (slice.h): a plane per axis, on/off and its place along the axis (0..1 of the box) */
    {.key = "sliceField", .page_only = true, .label = "Slices show", .help = "the field the slices colour", .kind = SCHEMA_CHOICE,
     .apply = SCHEMA_VIEW, .choice_count = slice_field_count, .choice_at = slice_field_at, .def = SLICE_FIELD_V,
     .control = "select"},
    {.key = "sliceX", .page_only = true, .label = "slice normal to x", .kind = SCHEMA_BOOL, .apply = SCHEMA_VIEW, .min = 0, .max = 1,
     .def = 0, .control = "checkbox"},
    {.key = "sliceXPos", .page_only = true, .label = "x", .help = "where the x slice is, 0..1 across the box", .kind = SCHEMA_REAL,
     .apply = SCHEMA_VIEW, .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.005, .def = 0.5,
     .control = "range"},
    {.key = "sliceY", .page_only = true, .label = "slice normal to y", .kind = SCHEMA_BOOL, .apply = SCHEMA_VIEW, .min = 0, .max = 1,
     .def = 0, .control = "checkbox"},
    {.key = "sliceYPos", .page_only = true, .label = "y", .help = "where the y slice is, 0..1 across the box", .kind = SCHEMA_REAL,
     .apply = SCHEMA_VIEW, .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.005, .def = 0.5,
     .control = "range"},
    {.key = "sliceZ", .page_only = true, .label = "slice normal to z", .kind = SCHEMA_BOOL, .apply = SCHEMA_VIEW, .min = 0, .max = 1,
     .def = 0, .control = "checkbox"},
    {.key = "sliceZPos", .page_only = true, .label = "z", .help = "where the z slice is, 0..1 across the box", .kind = SCHEMA_REAL,
     .apply = SCHEMA_VIEW, .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.005, .def = 0.5,
     .control = "range"},
    {.key = "clip", .page_only = true, .label = "Clip", .help = "cut the view open: what lies beyond the plane is not drawn",
     .kind = SCHEMA_CHOICE, .apply = SCHEMA_VIEW, .choice_count = clip_count, .choice_at = clip_at, .def = -1,
     .control = "select"},
    {.key = "clipPos", .page_only = true, .label = "clip at", .help = "where the clip plane is, 0..1 across the box", .kind = SCHEMA_REAL,
     .apply = SCHEMA_VIEW, .min = 0, .max = 1, .ui_min = 0, .ui_max = 1, .step = 0.005, .def = 0.5,
     .control = "range"},
    /* the line profile (probe.h probe_line): U and V along a line parallel to an axis, through the other two slices' positions */
    {.key = "profile", .page_only = true, .label = "Line profile",
     .help = "U and V along a line parallel to this axis, through the other two slices' positions (x, y, z above), plotted under Line profile",
     .kind = SCHEMA_CHOICE, .apply = SCHEMA_VIEW, .choice_count = clip_count, .choice_at = clip_at, .def = -1,
     .control = "select"},
    /* paint brush (seed_paint_sphere's ranges) */
    {.key = "paintRadius", .label = "Radius", .unit = "samples", .kind = SCHEMA_REAL, .apply = SCHEMA_PAINT,
     .min = 0, .min_open = true, .max = SEED_PAINT_RADIUS_MAX, .ui_min = 1, .ui_max = 16, .step = 0.5, .def = 4,
     .control = "range"},
    {.key = "paintAmount", .label = "Amount", .help = "added to V (negative removes it)", .kind = SCHEMA_REAL,
     .apply = SCHEMA_PAINT, .min = -SEED_PAINT_AMOUNT_MAX, .max = SEED_PAINT_AMOUNT_MAX, .ui_min = -1, .ui_max = 1,
     .step = 0.05, .def = 0.5, .control = "range"},
    {.key = "paintShape", .label = "Brush", .help = "a ball of the radius, or a cube of half-side the radius",
     .kind = SCHEMA_CHOICE, .apply = SCHEMA_PAINT, .choice_count = brush_shape_count, .choice_at = brush_shape_at,
     .def = SEED_BRUSH_SPHERE, .control = "select"},
    {.key = "paintTarget", .label = "Paints", .help = "the field the amount is added to", .kind = SCHEMA_CHOICE,
     .apply = SCHEMA_PAINT, .choice_count = paint_target_count, .choice_at = paint_target_at, .def = SEED_TARGET_V,
     .control = "select"},
};

_Static_assert(sizeof params / sizeof params[0] <= SCHEMA_PARAMS_MAX, "raise SCHEMA_PARAMS_MAX (schema.h)");
int schema_count(void) { return (int)(sizeof params / sizeof params[0]); }
const schema_param_t *schema_at(int i) { return i >= 0 && i < schema_count() ? &params[i] : NULL; }

const schema_param_t *schema_find(const char *key) {
    for (int i = 0; key && i < schema_count(); i++)
        if (!strcmp(params[i].key, key)) return &params[i];
    return NULL;
}

const schema_param_t *schema_find_cli(const char *option) {
    if (!option || strncmp(option, "--", 2)) return NULL;
    for (int i = 0; i < schema_count(); i++)
        if (params[i].cli && !strcmp(params[i].cli, option + 2)) return &params[i];
    return NULL;
}

double schema_get_param(const schema_param_t *p, const gs_params_t *gp) {
    const char *at = (const char *)gp + p->offset;
    if (p->is_int) {
        int v;
        memcpy(&v, at, sizeof v);
        return v;
    }
    float v;
    memcpy(&v, at, sizeof v);
    return v;
}

void schema_set_param(const schema_param_t *p, gs_params_t *gp, double v) {
    char *at = (char *)gp + p->offset;
    if (p->is_int) {
        int x = (int)v;
        memcpy(at, &x, sizeof x);
    } else {
        float x = (float)v;
        memcpy(at, &x, sizeof x);
    }
}

bool schema_of_preset(const schema_param_t *p, const preset_t *preset, double *out) {
    if (p->of_preset) *out = p->of_preset(preset);
    else if (p->apply == SCHEMA_LIVE) *out = schema_get_param(p, &preset->params);
    else return false;
    return true;
}

schema_value_t schema_default(const schema_param_t *p) {
    schema_value_t v = {p->def, (uint64_t)p->def};
    schema_of_preset(p, preset_default(), &v.d);
    return v;
}

/* "a, b or c" from the choices' CLI names (or values). */
static void list_choices(const schema_param_t *p, bool cli, char *buf, size_t cap) {
    size_t at = 0;
    int n = p->choice_count();
    buf[0] = 0;
    for (int i = 0; i < n && at < cap; i++) {
        schema_choice_t c = p->choice_at(i);
        at += (size_t)snprintf(buf + at, cap - at, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                               cli ? c.cli : c.value);
    }
}

void schema_expect(const schema_param_t *p, char *buf, size_t cap) {
    char list[256];
    switch (p->kind) {
    case SCHEMA_REAL:
        if (isfinite(p->min) && isfinite(p->max))
            snprintf(buf, cap, "must be a decimal number in %s%.9g, %.9g]", p->min_open ? "(" : "[", p->min, p->max);
        else
            snprintf(buf, cap, "must be a finite decimal number");
        break;
    case SCHEMA_INT: snprintf(buf, cap, "must be %.0f..%.0f", p->min, p->max); break;
    case SCHEMA_SEED: snprintf(buf, cap, "must be a decimal integer 0..%" PRIu64, UINT64_MAX); break;
    case SCHEMA_BOOL: snprintf(buf, cap, "must be true or false"); break;
    case SCHEMA_CHOICE:
        list_choices(p, true, list, sizeof list);
        snprintf(buf, cap, "must be %s", list);
        break;
    }
}

bool schema_parse(const schema_param_t *p, const char *text, schema_value_t *out, char *err, int err_len) {
    bool ok = false;
    schema_value_t v = {0, 0};
    if (text) switch (p->kind) {
        case SCHEMA_REAL: {
            float f;
            ok = num_f32(text, &f);
            v.d = f;
            break;
        }
        case SCHEMA_INT:
            ok = num_u64(text, (uint64_t)p->min, (uint64_t)p->max, &v.u);
            v.d = (double)v.u;
            break;
        case SCHEMA_SEED: ok = num_u64(text, 0, UINT64_MAX, &v.u); break;
        case SCHEMA_BOOL:
            ok = !strcmp(text, "true") || !strcmp(text, "1") || !strcmp(text, "false") || !strcmp(text, "0");
            v.d = !strcmp(text, "true") || !strcmp(text, "1");
            break;
        case SCHEMA_CHOICE:
            for (int i = 0; !ok && i < p->choice_count(); i++) {
                schema_choice_t c = p->choice_at(i);
                if (!strcmp(text, c.value) || !strcmp(text, c.cli) || !strcmp(text, c.label)) {
                    ok = true;
                    v.d = c.code;
                }
            }
            break;
        }
    if (!ok) {
        char expect[300];
        schema_expect(p, expect, sizeof expect);
        size_t len = text ? strlen(text) : 0;
        if (len > NUM_MAX_LEN && p->kind != SCHEMA_CHOICE && p->kind != SCHEMA_BOOL)
            err_set(err, err_len, "too long (%zu characters, at most %d); %s", len, NUM_MAX_LEN, expect);
        else
            err_set(err, err_len, "%s", expect);
        return false;
    }
    *out = v;
    return true;
}

/* ---- the JSON document ---- */

typedef struct out_t {
    char *buf;
    size_t cap, at;
} out_t;

__attribute__((format(printf, 2, 3))) static void put(out_t *o, const char *fmt, ...) {
    if (o->at >= o->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->at, o->cap - o->at, fmt, ap);
    va_end(ap);
    o->at += n > 0 ? (size_t)n : 0;
}

/* A JSON string: quotes, backslashes and control characters escaped (UTF-8 as is). */
static void put_str(out_t *o, const char *s) {
    put(o, "\"");
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') put(o, "\\%c", c);
        else if (c < 0x20) put(o, "\\u%04x", c);
        else put(o, "%c", c);
    }
    put(o, "\"");
}

static void put_key_str(out_t *o, const char *key, const char *s) {
    put(o, ",\"%s\":", key);
    put_str(o, s ? s : "");
}

/* A number, or null when it is not finite (no bound). */
static void put_num(out_t *o, const char *key, double v) {
    if (isfinite(v)) put(o, ",\"%s\":%.9g", key, v);
    else put(o, ",\"%s\":null", key);
}

static const char *const kinds[] = {"real", "int", "choice", "bool", "seed"};
static const char *const applies[] = {"live", "reset", "view", "paint"};

static void put_param(out_t *o, const schema_param_t *p) {
    put(o, "{\"key\":");
    put_str(o, p->key);
    put_key_str(o, "cli", p->cli);
    put_key_str(o, "label", p->label);
    put_key_str(o, "unit", p->unit);
    put_key_str(o, "help", p->help);
    put_key_str(o, "kind", kinds[p->kind]);
    put_key_str(o, "apply", applies[p->apply]);
    put_key_str(o, "control", p->control);
    if (p->page_only) put(o, ",\"pageOnly\":true");
    schema_value_t d = schema_default(p);
    if (p->kind == SCHEMA_SEED) put(o, ",\"default\":\"%" PRIu64 "\"", d.u);
    else if (p->kind == SCHEMA_BOOL) put(o, ",\"default\":%s", d.d != 0 ? "true" : "false");
    else if (p->kind == SCHEMA_CHOICE) {
        for (int i = 0; i < p->choice_count(); i++)
            if (p->choice_at(i).code == (int)d.d) put_key_str(o, "default", p->choice_at(i).value);
    } else put(o, ",\"default\":%.9g", d.d);
    if (p->kind == SCHEMA_REAL || p->kind == SCHEMA_INT) {
        put_num(o, "min", p->min);
        put_num(o, "max", p->max);
        put(o, ",\"minOpen\":%s,\"uiMin\":%.9g,\"uiMax\":%.9g,\"step\":%.9g", p->min_open ? "true" : "false",
            p->ui_min, p->ui_max, p->step);
    }
    if (p->suggest_count) {
        put(o, ",\"suggest\":[");
        for (int i = 0; i < p->suggest_count; i++) put(o, "%s%.9g", i ? "," : "", p->suggest[i]);
        put(o, "]");
    }
    if (p->kind == SCHEMA_CHOICE) {
        put(o, ",\"choices\":[");
        for (int i = 0; i < p->choice_count(); i++) {
            schema_choice_t c = p->choice_at(i);
            put(o, "%s{\"value\":", i ? "," : "");
            put_str(o, c.value);
            put_key_str(o, "cli", c.cli);
            put_key_str(o, "label", c.label);
            if (c.has_range) put(o, ",\"range\":[%.9g,%.9g]", c.lo, c.hi);
            put(o, "}");
        }
        put(o, "]");
    }
    char expect[300];
    schema_expect(p, expect, sizeof expect);
    put_key_str(o, "expect", expect);
    put(o, "}");
}

static void put_presets(out_t *o) {
    put(o, "[");
    for (int i = 0; i < preset_count(); i++) {
        const preset_t *pr = preset_at(i);
        put(o, "%s{\"name\":", i ? "," : "");
        put_str(o, pr->name);
        put_key_str(o, "source", pr->source);
        put(o, ",\"values\":{");
        int n = 0;
        for (int j = 0; j < schema_count(); j++) {
            double v;
            const schema_param_t *p = &params[j];
            if (!schema_of_preset(p, pr, &v)) continue;
            put(o, "%s\"%s\":", n++ ? "," : "", p->key);
            if (p->kind == SCHEMA_CHOICE) {
                for (int c = 0; c < p->choice_count(); c++)
                    if (p->choice_at(c).code == (int)v) put_str(o, p->choice_at(c).value);
            } else if (p->kind == SCHEMA_BOOL) {
                put(o, "%s", v != 0 ? "true" : "false");
            } else {
                put(o, "%.9g", v);
            }
        }
        put(o, "}}");
    }
    put(o, "]");
}

size_t schema_json(char *buf, size_t cap) {
    out_t o = {buf, cap, 0};
    put(&o, "{\"params\":[");
    for (int i = 0; i < schema_count(); i++) {
        if (i) put(&o, ",");
        put_param(&o, &params[i]);
    }
    put(&o, "],\"formats\":[");
    for (int i = 0; i < meshio_format_count(); i++) {
        const meshio_format_info_t *f = meshio_format_at(i);
        put(&o, "%s{\"ext\":", i ? "," : "");
        put_str(&o, f->ext);
        put_key_str(&o, "label", f->label);
        put_key_str(&o, "mime", f->mime);
        put(&o, ",\"colours\":%s}", f->colors ? "true" : "false");
    }
    put(&o, "],\"colormaps\":[");
    for (int i = 0; i < colormap_count(); i++) {
        const colormap_t *c = colormap_at(i);
        put(&o, "%s{\"name\":", i ? "," : "");
        put_str(&o, c->name);
        put(&o, ",\"default\":%s,\"stops\":[", c == colormap_default() ? "true" : "false");
        for (int k = 0; k < c->stop_count; k++)
            put(&o, "%s[%d,%d,%d]", k ? "," : "", c->stops[k][0], c->stops[k][1], c->stops[k][2]);
        put(&o, "]}");
    }
    put(&o, "],\"threads\":{\"min\":1,\"max\":%d,\"pageMax\":%d,\"pageDefaultMax\":%d}", POOL_MAX_THREADS,
        SCHEMA_PAGE_THREADS, SCHEMA_PAGE_THREADS_DEFAULT_MAX);
    put(&o, ",\"lab\":{\"maxSteps\":%d,\"defaultSteps\":%d,\"maxRows\":%d}", (int)LAB_MAX_STEPS, (int)LAB_DEFAULT_STEPS,
        (int)LAB_MAX_ROWS);
    put(&o, ",\"stability\":{\"dtMax\":%.9g,\"dvDuMin\":%.9g,\"dvDuMax\":%.9g,\"diffusionLimit\":{", GS_DT_STABLE_MAX,
        (double)GS_DV_DU_MIN, (double)GS_DV_DU_MAX);
    for (int i = 0; i < stencil_count(); i++)
        put(&o, "%s\"%s\":%.9g", i ? "," : "", stencils[i].value, (double)gs_stability_limit(stencils[i].code));
    put(&o, "}},\"grammar\":{\"real\":");
    put_str(&o, NUM_REAL_PATTERN);
    put(&o, ",\"uint\":");
    put_str(&o, NUM_UINT_PATTERN);
    put(&o, ",\"maxLength\":%d},\"presets\":", NUM_MAX_LEN);
    put_presets(&o);
    put(&o, "}");
    if (o.at >= cap) {
        if (cap) buf[0] = 0;
        return 0;
    }
    return o.at;
}

void schema_usage(void *file) {
    FILE *f = file;
    for (int i = 0; i < schema_count(); i++) {
        const schema_param_t *p = &params[i];
        if (!p->cli) continue;
        char opt[64], expect[300], def[64] = "";
        if (p->kind == SCHEMA_BOOL) snprintf(opt, sizeof opt, "--%s", p->cli);
        else snprintf(opt, sizeof opt, "--%s X", p->cli);
        if (p->kind == SCHEMA_BOOL) snprintf(expect, sizeof expect, "flag");
        else schema_expect(p, expect, sizeof expect);
        schema_value_t d = schema_default(p);
        if (p->cli_default) snprintf(def, sizeof def, "%s", p->cli_default);
        else if (p->kind == SCHEMA_SEED) snprintf(def, sizeof def, "%" PRIu64, d.u);
        else if (p->kind == SCHEMA_CHOICE) {
            for (int c = 0; c < p->choice_count(); c++)
                if (p->choice_at(c).code == (int)d.d) snprintf(def, sizeof def, "%s", p->choice_at(c).cli);
        } else snprintf(def, sizeof def, "%.7g", d.d);
        char help[200];
        if (p->unit) snprintf(help, sizeof help, "%s (%s)", p->help ? p->help : p->label, p->unit);
        else snprintf(help, sizeof help, "%s", p->help ? p->help : p->label);
        fprintf(f, "  %-20s %s; %s (default %s%s)\n", opt, help, expect,
                def, p->of_preset || p->apply == SCHEMA_LIVE ? ", or the preset's" : "");
    }
}
