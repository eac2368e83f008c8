/* api: the engine's WASM binding, called by web/compute_worker.js. Every function
 * marked API_EXPORT is exported (tools/api_exports.sh builds emcc's list from
 * them). One engine per WASM instance: the state below is this file's singleton,
 * used only by the worker's runtime thread (the pool's owner).
 * Settings cross by name: the worker stages each value as text (eng_stage, by the
 * keys of the schema, engine/schema.h), then applies a group of them (eng_sim_new,
 * eng_sim_set_params, eng_view_set). So this file names no parameter.
 * Errors: functions return 0 / NULL and eng_last_error() says why; a refused call
 * changes nothing. Each returned string has its own buffer and stays valid until the
 * next call of the function that returned it (the schema: for good).
 * Pointers and byte counts cross to JavaScript as i32: past 2 GiB of heap they read as
 * negative there, so the worker reads every one as `x >>> 0`. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "colormap.h"
#include "err.h"
#include "gs.h"
#include "hash.h"
#include "lab.h"
#include "lod.h"
#include "mc.h"
#include "meshio.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "probe.h"
#include "rds.h"
#include "schema.h"
#include "seed.h"
#include "slice.h"
#include "trace.h"
#include "vti.h"

#define API_EXPORT __attribute__((used, visibility("default")))

enum { SCHEMA_CAP = 1 << 16, INFO_CAP = 2048, STATS_CAP = 96 * POOL_MAX_THREADS + 16, STAGED_MAX = 64 };

static struct {
    pool_t *pool;
    mc_mesher_t *mesher;
    gs_sim_t sim;  /* zeroed until eng_sim_new / eng_sim_load succeeds */
    bool has_sim;
    int seed_mode; /* of the last eng_sim_new; -1 after a load (a state file does not say) */
    mc_desc_t view;
    gs_timing_t last_timing;
    /* values staged by eng_stage, by schema index, until the next apply */
    schema_value_t staged[STAGED_MAX];
    bool is_staged[STAGED_MAX];
    uint8_t *file; /* last eng_sim_save / eng_mesh_export output */
    size_t file_bytes;
    char error[512];
    char *schema; /* built once */
    char info[INFO_CAP];
    char view_json[1024];
    char stats[STATS_CAP];
    char hex[17];
} eng;

static bool need_sim(const char *fn) {
    if (eng.has_sim) return true;
    err_set(eng.error, sizeof eng.error, "%s: no simulation yet (call eng_sim_new or eng_sim_load)", fn);
    return false;
}

/* The slices' part of the view (defined at the end of this file). */
static void eng_slices_init(void);
static bool eng_slices_check(void);
static void eng_slices_stage(void);
static void eng_slices_json(char *buf, size_t cap);

API_EXPORT const char *eng_last_error(void) { return eng.error; }
API_EXPORT const char *eng_build_id(void) { return BUILD_ID; }
API_EXPORT int eng_pool_size(void) { return eng.pool ? pool_size(eng.pool) : 0; }

/* The value of setting `key` for the next apply: staged, else (keep_in_force) what
 * is in force now, else its default. */
static schema_value_t value_of(const char *key, bool keep_in_force) {
    const schema_param_t *p = schema_find(key);
    int i = (int)(p - schema_at(0));
    if (eng.is_staged[i]) return eng.staged[i];
    if (keep_in_force && p->apply == SCHEMA_LIVE && eng.has_sim)
        return (schema_value_t){schema_get_param(p, &eng.sim.params), 0};
    return schema_default(p);
}

/* A setting's staged value, else `in_force` (the view, brush and slice settings, which
 * the engine keeps outside gs_params_t). */
static double staged_or(const char *key, double in_force) {
    const schema_param_t *p = schema_find(key);
    int i = (int)(p - schema_at(0));
    return eng.is_staged[i] ? eng.staged[i].d : in_force;
}

/* The reaction parameters for the next apply (live settings: staged, else as above). */
static gs_params_t staged_params(bool keep_in_force) {
    gs_params_t gp = {0};
    for (int i = 0; i < schema_count(); i++) {
        const schema_param_t *p = schema_at(i);
        if (p->apply == SCHEMA_LIVE) schema_set_param(p, &gp, value_of(p->key, keep_in_force).d);
    }
    return gp;
}

static void clear_staged(void) { memset(eng.is_staged, 0, sizeof eng.is_staged); }

/* The largest state file eng_sim_load takes: a GRID_MAX_SIDE^3 grid. */
API_EXPORT uint32_t eng_file_max_bytes(void) {
    return (uint32_t)rds_size((grid_t){GRID_MAX_SIDE, GRID_MAX_SIDE, GRID_MAX_SIDE, GRID_PERIODIC});
}

/* Starts the pool with `threads` workers (this thread is worker 0). Returns the
 * pool size, or 0 on failure. Call once, from the worker's runtime thread. */
API_EXPORT int eng_init(int threads) {
    if (eng.pool) {
        err_set(eng.error, sizeof eng.error, "eng_init: already initialised");
        return 0;
    }
    if (threads < 1 || threads > POOL_MAX_THREADS) {
        err_set(eng.error, sizeof eng.error, "eng_init: threads must be 1..%d, got %d", POOL_MAX_THREADS, threads);
        return 0;
    }
    if (schema_count() > STAGED_MAX) {
        err_set(eng.error, sizeof eng.error, "eng_init: the schema has more than %d settings", STAGED_MAX);
        return 0;
    }
    pool_desc_t desc = {.threads = threads};
    eng.pool = pool_create(&desc, eng.error, (int)sizeof eng.error);
    if (!eng.pool) return 0;
    eng.mesher = mc_mesher_create();
    if (!eng.mesher) {
        err_set(eng.error, sizeof eng.error, "eng_init: out of memory for the mesher");
        return 0;
    }
    eng.seed_mode = -1;
    eng.view = (mc_desc_t){.iso = (float)schema_default(schema_find("iso")).d,
                           .scalar = (int)schema_default(schema_find("scalar")).d,
                           .close_boundary = schema_default(schema_find("close")).d != 0};
    mc_set_colormap(eng.mesher, (int)schema_default(schema_find("colormap")).d);
    mc_set_color_range(eng.mesher, (int)schema_default(schema_find("colorRange")).d);
    mc_set_color_span(eng.mesher, (float)schema_default(schema_find("colorMin")).d,
                      (float)schema_default(schema_find("colorMax")).d);
    eng_slices_init();
    return pool_size(eng.pool);
}

/* Active threads (1..pool size), changeable at run time; returns the new count. */
API_EXPORT int eng_set_threads(int n) { return eng.pool ? pool_set_active(eng.pool, n) : 0; }

/* The schema (engine/schema.h) as one JSON document: every setting with its range,
 * default and choices, the export formats, the thread limits, the presets. */
API_EXPORT const char *eng_schema_json(void) {
    if (!eng.schema) {
        char *buf = malloc(SCHEMA_CAP);
        if (!buf || !schema_json(buf, SCHEMA_CAP)) {
            free(buf);
            err_set(eng.error, sizeof eng.error, "eng_schema_json: the document does not fit in %d bytes", SCHEMA_CAP);
            return NULL;
        }
        eng.schema = buf;
    }
    return eng.schema;
}

/* Stages `text` as the value of setting `key` for the next eng_sim_new /
 * eng_sim_set_params / eng_view_set (parsed and checked as rdsim does: schema_parse).
 * 0 when the key is unknown or the text is refused; then everything staged so far
 * is dropped too. */
API_EXPORT int eng_stage(const char *key, const char *text) {
    const schema_param_t *p = schema_find(key);
    if (!p) {
        err_set(eng.error, sizeof eng.error, "unknown setting '%.40s'", key ? key : "");
        return 0;
    }
    char why[400];
    int i = (int)(p - schema_at(0));
    if (!schema_parse(p, text, &eng.staged[i], why, (int)sizeof why)) {
        err_set(eng.error, sizeof eng.error, "%s %.70s: %s", p->key, text ? text : "", why);
        clear_staged(); /* a group is staged whole or not at all */
        return 0;
    }
    eng.is_staged[i] = true;
    return 1;
}

/* Replaces the simulation with a fresh nx x ny x nz grid: boundary, seed, seed mode
 * and reaction parameters as staged (unstaged ones: their defaults). On failure the
 * old simulation stays. The staged values are used up either way. */
API_EXPORT int eng_sim_new(int nx, int ny, int nz) {
    if (!eng.pool) {
        err_set(eng.error, sizeof eng.error, "eng_sim_new: call eng_init first");
        clear_staged();
        return 0;
    }
    grid_t g = {nx, ny, nz, (grid_boundary_t)value_of("boundary", false).d};
    gs_params_t p = staged_params(false);
    uint64_t seed = value_of("seed", false).u;
    seed_mode_t mode = (seed_mode_t)value_of("seedMode", false).d;
    clear_staged();
    gs_sim_t fresh;
    if (!gs_init(&fresh, g, p, eng.error, (int)sizeof eng.error)) return 0;
    if (!trace_seed_fill(&fresh, eng.pool, mode, seed, eng.error, (int)sizeof eng.error)) {
        gs_free(&fresh);
        return 0;
    }
    if (eng.has_sim) gs_free(&eng.sim);
    eng.sim = fresh;
    eng.has_sim = true;
    eng.seed_mode = (int)mode;
    return 1;
}

/* Applies the staged reaction parameters to the running simulation (unstaged ones
 * keep the values in force); validated as a whole (gs_params_valid). */
API_EXPORT int eng_sim_set_params(void) {
    gs_params_t p = staged_params(true);
    clear_staged();
    if (!need_sim("eng_sim_set_params")) return 0;
    return gs_set_params(&eng.sim, p, eng.error, (int)sizeof eng.error) ? 1 : 0;
}

/* Applies the staged view settings (isovalue, colouring, closing) to later meshes. */
API_EXPORT int eng_view_set(void) {
    const schema_param_t *iso = schema_find("iso");
    mc_desc_t v = eng.view;
    v.iso = (float)staged_or("iso", v.iso);
    v.scalar = (int)staged_or("scalar", v.scalar);
    v.close_boundary = staged_or("close", v.close_boundary) != 0;
    if (!(v.iso >= iso->min && v.iso <= iso->max)) {
        clear_staged();
        err_set(eng.error, sizeof eng.error, "iso = %g: must be in [%g, %g]", (double)v.iso, iso->min, iso->max);
        return 0;
    }
    if (!eng_slices_check()) {
        clear_staged();
        return 0;
    }
    /* the typed colour range (Colour range custom): each in its range, from below to */
    float lo, hi;
    mc_color_span(eng.mesher, &lo, &hi);
    const schema_param_t *ends[2] = {schema_find("colorMin"), schema_find("colorMax")};
    double span[2] = {staged_or("colorMin", lo), staged_or("colorMax", hi)};
    for (int i = 0; i < 2; i++) {
        if (!(span[i] >= ends[i]->min && span[i] <= ends[i]->max)) {
            clear_staged();
            err_set(eng.error, sizeof eng.error, "%s = %g: must be in [%g, %g]", ends[i]->key, span[i], ends[i]->min,
                    ends[i]->max);
            return 0;
        }
    }
    const schema_param_t *cr = schema_find("colorRange");
    bool custom = (int)staged_or("colorRange", mc_color_range(eng.mesher)) == MC_RANGE_CUSTOM;
    /* (without custom the span is not used: a from >= to is kept out, not refused) */
    if (!mc_set_color_span(eng.mesher, (float)span[0], (float)span[1]) && custom) {
        clear_staged();
        err_set(eng.error, sizeof eng.error, "colorMin = %g must be below colorMax = %g (the colour range from .. to)",
                span[0], span[1]);
        return 0;
    }
    const schema_param_t *cm = schema_find("colormap");
    if (eng.is_staged[cm - schema_at(0)]) mc_set_colormap(eng.mesher, (int)eng.staged[cm - schema_at(0)].d);
    if (eng.is_staged[cr - schema_at(0)]) mc_set_color_range(eng.mesher, (int)eng.staged[cr - schema_at(0)].d);
    eng_slices_stage(); /* the slices, the clip and the surface switch (below) */
    clear_staged();
    eng.view = v;
    return 1;
}

/* Runs up to n steps for about ms milliseconds (gs_step_for: it may return inside a step,
 * which the next call finishes). Returns the steps completed, or -1 - that number when
 * stepping stopped on an error (eng_last_error says why). */
API_EXPORT int eng_sim_step_for(int n, double ms) {
    if (!need_sim("eng_sim_step_for")) return -1;
    int64_t done = 0;
    memset(&eng.last_timing, 0, sizeof eng.last_timing);
    bool ok = trace_gs_step_for(&eng.sim, eng.pool, n, ms < 0 ? 0 : ms, &done, &eng.last_timing, eng.error,
                                (int)sizeof eng.error);
    return ok ? (int)done : -1 - (int)done;
}

/* The step count (exact in a double: at most GS_STEP_MAX = 2^53 - 1). */
API_EXPORT double eng_sim_step_count(void) { return eng.has_sim ? (double)eng.sim.step : 0.0; }

/* Milliseconds the last eng_sim_step_for spent stepping (the fused pass and the range merge). */
API_EXPORT double eng_sim_step_ms(void) { return eng.last_timing.step_ms + eng.last_timing.ranges_ms; }

/* The simulation as JSON: nx, ny, nz, boundary, every live parameter by its schema
 * key, seedMode (when known), seed and step. */
API_EXPORT const char *eng_sim_info_json(void) {
    if (!need_sim("eng_sim_info_json")) return NULL;
    const gs_sim_t *s = &eng.sim;
    size_t at = (size_t)snprintf(eng.info, INFO_CAP, "{\"nx\":%d,\"ny\":%d,\"nz\":%d,\"boundary\":%d", s->grid.nx,
                                 s->grid.ny, s->grid.nz, (int)s->grid.boundary);
    for (int i = 0; i < schema_count() && at < INFO_CAP; i++) {
        const schema_param_t *p = schema_at(i);
        if (p->apply != SCHEMA_LIVE) continue;
        double v = schema_get_param(p, &s->params);
        at += (size_t)(p->kind == SCHEMA_BOOL ? snprintf(eng.info + at, INFO_CAP - at, ",\"%s\":%s", p->key, v != 0 ? "true" : "false")
                       : p->is_int ? snprintf(eng.info + at, INFO_CAP - at, ",\"%s\":%d", p->key, (int)v)
                                 : snprintf(eng.info + at, INFO_CAP - at, ",\"%s\":%.9g", p->key, v));
    }
    if (at < INFO_CAP && eng.seed_mode >= 0)
        at += (size_t)snprintf(eng.info + at, INFO_CAP - at, ",\"seedMode\":\"%s\"",
                               seed_mode_name((seed_mode_t)eng.seed_mode));
    if (at < INFO_CAP)
        snprintf(eng.info + at, INFO_CAP - at, ",\"seed\":\"%" PRIu64 "\",\"step\":%" PRIu64 "}", s->seed, s->step);
    return eng.info;
}

/* The view settings in force, by their schema keys: {iso, scalar, close, colormap, colorRange,
 * colorMin, colorMax, and the slices' (eng_slices_json)}. */
API_EXPORT const char *eng_view_json(void) {
    const schema_param_t *cr = schema_find("colorRange");
    const char *range = "fixed";
    for (int i = 0; i < cr->choice_count(); i++)
        if (cr->choice_at(i).code == mc_color_range(eng.mesher)) range = cr->choice_at(i).value;
    float lo, hi;
    mc_color_span(eng.mesher, &lo, &hi);
    int at = snprintf(eng.view_json, sizeof eng.view_json,
                      "{\"iso\":%.9g,\"scalar\":\"%d\",\"close\":%s,\"colormap\":\"%s\",\"colorRange\":\"%s\","
                      "\"colorMin\":%.9g,\"colorMax\":%.9g",
                      (double)eng.view.iso, eng.view.scalar, eng.view.close_boundary ? "true" : "false",
                      colormap_at(mc_colormap(eng.mesher))->name, range, (double)lo, (double)hi);
    eng_slices_json(eng.view_json + at, sizeof eng.view_json - (size_t)at);
    return eng.view_json;
}

/* The state hash (README: "State hash") as 16 hex digits. */
API_EXPORT const char *eng_sim_hash_hex(void) {
    if (!need_sim("eng_sim_hash_hex")) return NULL;
    uint64_t h = eng.sim.params.map ? gs_state_hash(&eng.sim, eng.pool) /* the map's ranges too */
                                    : trace_hash_state(eng.pool, eng.sim.grid, eng.sim.u, eng.sim.v);
    snprintf(eng.hex, sizeof eng.hex, "%016" PRIx64, h);
    return eng.hex;
}

/* Meshes V with the view's settings (eng_view_set). The blob is at eng_mesh_ptr()
 * for eng_mesh_bytes(). */
API_EXPORT int eng_sim_mesh(void) {
    if (!need_sim("eng_sim_mesh")) return 0;
    return trace_mc_mesh(eng.mesher, eng.pool, eng.sim.grid, eng.sim.v, eng.sim.u, eng.sim.ranges, &eng.view,
                         eng.error, (int)sizeof eng.error) ? 1 : 0;
}

API_EXPORT const void *eng_mesh_ptr(void) {
    size_t bytes = 0;
    return eng.mesher ? mc_blob(eng.mesher, &bytes) : NULL;
}

API_EXPORT uint32_t eng_mesh_bytes(void) {
    size_t bytes = 0;
    if (eng.mesher) mc_blob(eng.mesher, &bytes);
    return (uint32_t)bytes;
}

/* Milliseconds the last mesh took, all phases. */
API_EXPORT double eng_mesh_ms(void) { return eng.mesher ? mc_stats(eng.mesher).total_ms : 0.0; }

/* Frees the last file once the caller has copied it out (a 512^3 state is 1 GiB). */
API_EXPORT void eng_file_release(void) {
    plat_free(eng.file);
    eng.file = NULL;
    eng.file_bytes = 0;
}

/* Makes eng.file a fresh buffer of `bytes` (the previous one, if any, is freed). */
static bool keep_file(size_t bytes) {
    eng_file_release();
    eng.file = plat_alloc(bytes);
    if (!eng.file) {
        err_set(eng.error, sizeof eng.error, "out of memory for the file");
        return false;
    }
    eng.file_bytes = bytes;
    return true;
}

/* Writes the state as an .rds file into engine memory: eng_file_ptr/eng_file_bytes. */
API_EXPORT int eng_sim_save(void) {
    if (!need_sim("eng_sim_save")) return 0;
    size_t bytes = rds_size(eng.sim.grid);
    if (!keep_file(bytes)) return 0;
    return rds_write(&eng.sim, eng.pool, eng.file, bytes, eng.error, (int)sizeof eng.error) ? 1 : 0;
}

/* Writes the state as a VTK ImageData volume (.vti, engine/vti.h) into engine memory:
 * eng_file_ptr/eng_file_bytes; the same bytes as rdsim --volume for the same state. */
API_EXPORT int eng_volume_export(void) {
    if (!need_sim("eng_volume_export")) return 0;
    size_t bytes = vti_size(&eng.sim);
    if (!keep_file(bytes)) return 0;
    return vti_write(&eng.sim, eng.pool, eng.file, bytes, eng.error, (int)sizeof eng.error) ? 1 : 0;
}

/* Replaces the simulation with the .rds file at buf[0..len) (validated whole first). */
API_EXPORT int eng_sim_load(const void *buf, uint32_t len) {
    if (!eng.pool) {
        err_set(eng.error, sizeof eng.error, "eng_sim_load: call eng_init first");
        return 0;
    }
    if (!rds_read(&eng.sim, eng.pool, buf, (size_t)len, eng.error, (int)sizeof eng.error)) return 0;
    eng.has_sim = true;
    eng.seed_mode = -1; /* a state file does not say how it was started */
    return 1;
}

/* Encodes the last mesh in the format of ext (an extension of meshio's format table:
 * "ply", "obj", "stl"; colours from the view's scalar) straight into engine memory:
 * eng_file_ptr/eng_file_bytes. */
API_EXPORT int eng_mesh_export(const char *ext) {
    if (!eng.mesher || mc_triangle_count(eng.mesher) == 0) {
        err_set(eng.error, sizeof eng.error, "mesh export: there is no mesh yet");
        return 0;
    }
    const meshio_format_info_t *fmt = meshio_format_from_ext(ext);
    if (!fmt) {
        char list[128];
        snprintf(eng.error, sizeof eng.error, "mesh export: format must be %s, got '%.8s'",
                 meshio_format_list(list, sizeof list, false), ext ? ext : "(null)");
        return 0;
    }
    meshio_bytes_t out;
    if (!meshio_encode_mc(eng.mesher, fmt, "(export)", &out, eng.error, (int)sizeof eng.error)) return 0;
    eng_file_release(); /* eng.file takes the encoded buffer (plat_alloc, as keep_file's) */
    eng.file = out.data;
    eng.file_bytes = out.len;
    return 1;
}

API_EXPORT const void *eng_file_ptr(void) { return eng.file; }
API_EXPORT uint32_t eng_file_bytes(void) { return (uint32_t)eng.file_bytes; }


/* Per-worker pool statistics as JSON: [{tasks, steals, stolen, busy_ms, idle_ms}, ...]. */
API_EXPORT const char *eng_pool_stats_json(void) {
    size_t at = 0;
    int n = eng.pool ? pool_size(eng.pool) : 0;
    at += (size_t)snprintf(eng.stats, STATS_CAP, "[");
    for (int i = 0; i < n && at < STATS_CAP; i++) {
        pool_stats_t s;
        pool_get_stats(eng.pool, i, &s);
        at += (size_t)snprintf(eng.stats + at, STATS_CAP - at,
                               "%s{\"tasks\":%" PRIu64 ",\"steals\":%" PRIu64 ",\"stolen\":%" PRIu64
                               ",\"busy_ms\":%.3f,\"idle_ms\":%.3f}",
                               i ? "," : "", s.tasks_run, s.steals_attempted, s.steals_succeeded,
                               (double)s.busy_ns / 1e6, (double)s.idle_ns / 1e6);
    }
    if (at < STATS_CAP) snprintf(eng.stats + at, STATS_CAP - at, "]");
    return eng.stats;
}

/* ---- threads lab (engine/lab.h) and the pool's timeline (pool.h, trace.h) ----------
 * While a lab runs the worker sends nothing that changes the simulation or the active
 * thread count (web/compute_worker.js refuses such messages until it ends). */

enum { LAB_JSON_CAP = 320 * LAB_MAX_ROWS + 128 };
static struct {
    lab_t *lab;
    char json[LAB_JSON_CAP];
    double *events; /* eng_trace_snapshot's records, 4 doubles each */
    int events_cap;
} eng_lab;

/* Starts a threads lab from the live state: `threads` is a list such as "1,2,3"
 * (each 1..pool size), K = steps (0: 100), meshing with the view in force. */
API_EXPORT int eng_lab_start(const char *threads, int steps) {
    if (!need_sim("eng_lab_start")) return 0;
    if (eng_lab.lab) {
        err_set(eng.error, sizeof eng.error, "threads lab: one is running already");
        return 0;
    }
    int list[LAB_MAX_ROWS];
    int n = lab_parse_threads(threads, pool_size(eng.pool), list, LAB_MAX_ROWS);
    if (!n) {
        err_set(eng.error, sizeof eng.error, "threads lab: '%.40s': thread counts 1..%d, commas between (e.g. 1,2,3)",
                threads ? threads : "", pool_size(eng.pool));
        return 0;
    }
    lab_desc_t d = {list, n, steps, eng.view};
    eng_lab.lab = lab_create(&eng.sim, eng.pool, &d, eng.error, (int)sizeof eng.error);
    return eng_lab.lab ? 1 : 0;
}

/* Runs the lab for about budget_ms: 0 still running, 1 done, 2 failed (eng_last_error;
 * the live state is back in both cases), -1 no lab. The lab stays (its rows readable)
 * until eng_lab_end. */
API_EXPORT int eng_lab_advance(double budget_ms) {
    if (!eng_lab.lab) return -1;
    lab_status_t st = lab_advance(eng_lab.lab, budget_ms, eng.error, (int)sizeof eng.error);
    return st == LAB_RUNNING ? 0 : st == LAB_DONE ? 1 : 2;
}

/* The lab as JSON: {"progress":0..1,"count":N,"done":D,"rows":[lab_row_json...]}. */
API_EXPORT const char *eng_lab_json(void) {
    const lab_t *lab = eng_lab.lab;
    size_t at = (size_t)snprintf(eng_lab.json, LAB_JSON_CAP, "{\"progress\":%.4f,\"count\":%d,\"done\":%d,\"rows\":[",
                                 lab_progress(lab), lab_row_count(lab), lab_rows_done(lab));
    for (int i = 0; i < lab_row_count(lab) && at < LAB_JSON_CAP; i++) {
        lab_row_t r = lab_row(lab, i);
        if (i) eng_lab.json[at++] = ',';
        at += (size_t)lab_row_json(&r, eng_lab.json + at, LAB_JSON_CAP - at);
    }
    if (at < LAB_JSON_CAP) snprintf(eng_lab.json + at, LAB_JSON_CAP - at, "]}");
    return eng_lab.json;
}

/* Ends the lab (a cancel when it is still running): the live state is as before it. */
API_EXPORT void eng_lab_end(void) {
    lab_destroy(eng_lab.lab);
    eng_lab.lab = NULL;
}

/* The trace clock now, microseconds since the pool started (the snapshot's clock). */
API_EXPORT double eng_trace_now_us(void) {
    return eng.pool ? (double)(plat_now_ns() - pool_trace_origin_ns(eng.pool)) * 1e-3 : 0;
}

API_EXPORT void eng_trace_enable(int on) { pool_trace_enable(eng.pool, on != 0); }

/* Copies every span that ended at or after since_us (eng_trace_now_us's clock) to a
 * buffer of 4 doubles per span, at eng_trace_ptr(): worker, start us, end us, and
 * phase + 256 * depth + 65536 * stolen. Returns the number of spans (-1: no memory). */
API_EXPORT int eng_trace_snapshot(double since_us) {
    if (!eng.pool) return 0;
    int workers = pool_size(eng.pool);
    if (!eng_lab.events) {
        eng_lab.events_cap = workers * POOL_TRACE_EVENTS;
        eng_lab.events = plat_alloc(sizeof(double) * 4 * (size_t)eng_lab.events_cap);
        if (!eng_lab.events) {
            err_set(eng.error, sizeof eng.error, "trace: out of memory");
            return -1;
        }
    }
    uint64_t origin = pool_trace_origin_ns(eng.pool);
    uint64_t since = origin + (uint64_t)(since_us > 0 ? since_us * 1e3 : 0);
    static pool_event_t *scratch; /* one worker's spans at a time */
    if (!scratch) scratch = plat_alloc(sizeof *scratch * POOL_TRACE_EVENTS);
    if (!scratch) return -1;
    int n = 0;
    for (int w = 0; w < workers; w++) {
        int k = pool_trace_events(eng.pool, w, since, scratch, POOL_TRACE_EVENTS);
        for (int i = 0; i < k && n < eng_lab.events_cap; i++, n++) {
            double *r = eng_lab.events + 4 * (size_t)n;
            r[0] = w;
            r[1] = (double)(scratch[i].t0_ns - origin) * 1e-3;
            r[2] = (double)(scratch[i].t1_ns - origin) * 1e-3;
            r[3] = scratch[i].phase + 256 * scratch[i].depth + 65536 * (scratch[i].stolen ? 1 : 0);
        }
    }
    return n;
}

API_EXPORT const double *eng_trace_ptr(void) { return eng_lab.events; }

/* The spans that ended at or after since_us as a Trace Event Format document (trace.h)
 * in eng_file_ptr/eng_file_bytes. */
API_EXPORT int eng_trace_json(double since_us) {
    if (!eng.pool) {
        err_set(eng.error, sizeof eng.error, "trace: call eng_init first");
        return 0;
    }
    uint64_t since = pool_trace_origin_ns(eng.pool) + (uint64_t)(since_us > 0 ? since_us * 1e3 : 0);
    size_t len = 0;
    char *doc = trace_json(eng.pool, since, &len, eng.error, (int)sizeof eng.error);
    if (!doc || !keep_file(len)) {
        free(doc);
        return 0;
    }
    memcpy(eng.file, doc, len);
    free(doc);
    return 1;
}

/* Names of the trace phases, by id, as JSON: ["other","step",...]. */
API_EXPORT const char *eng_trace_phases_json(void) {
    static char buf[256];
    size_t at = (size_t)snprintf(buf, sizeof buf, "[");
    for (int p = 0; p < POOL_PHASE_COUNT && at < sizeof buf; p++)
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%s\"%s\"", p ? "," : "", pool_phase_name(p));
    if (at < sizeof buf) snprintf(buf + at, sizeof buf - at, "]");
    return buf;
}

/* ---- drawing level (engine/lod.h): the page's triangle / frame-time budget ----------
 * The mesh the page draws may come from a coarser copy of the fields; eng.mesher (the
 * full-resolution mesh: exports, the threads lab) is left as it was by a coarse one. */
static struct {
    lod_t *lod;
    mc_mesher_t *mesher; /* meshes of the coarse copy */
    int level;           /* of the last eng_sim_mesh_at: 1 full (eng.mesher), 2 or 4 */
    double ms;           /* its downsampling + meshing time */
} eng_draw;

/* Meshes V for drawing at every `level`-th sample (1, 2 or 4; lowered to the largest
 * usable one, lod_level_for). Returns the level used (1 is eng_sim_mesh), 0 on failure.
 * The blob is at eng_draw_mesh_ptr() for eng_draw_mesh_bytes(). */
API_EXPORT int eng_sim_mesh_at(int level) {
    if (!need_sim("eng_sim_mesh_at")) return 0;
    int l = lod_level_for(eng.sim.grid, level);
    uint64_t t0 = plat_now_ns();
    if (l <= 1) {
        eng_draw.level = 1;
        int ok = eng_sim_mesh();
        eng_draw.ms = eng_mesh_ms();
        return ok;
    }
    if (!eng_draw.lod) eng_draw.lod = lod_create();
    if (!eng_draw.mesher) eng_draw.mesher = mc_mesher_create();
    if (!eng_draw.lod || !eng_draw.mesher) {
        err_set(eng.error, sizeof eng.error, "eng_sim_mesh_at: out of memory for the drawing mesher");
        return 0;
    }
    eng_draw.level = 0;
    if (!lod_downsample(eng_draw.lod, eng.pool, eng.sim.grid, l, eng.sim.v, eng.sim.u, eng.error,
                        (int)sizeof eng.error))
        return 0;
    if (!trace_mc_mesh(eng_draw.mesher, eng.pool, lod_coarse(eng_draw.lod), lod_v(eng_draw.lod),
                       lod_u(eng_draw.lod), NULL, &eng.view, eng.error, (int)sizeof eng.error))
        return 0;
    eng_draw.level = l;
    eng_draw.ms = (double)(plat_now_ns() - t0) * 1e-6;
    return l;
}

static const mc_mesher_t *draw_mesher(void) { return eng_draw.level > 1 ? eng_draw.mesher : eng.mesher; }

API_EXPORT const void *eng_draw_mesh_ptr(void) {
    size_t bytes = 0;
    return draw_mesher() ? mc_blob(draw_mesher(), &bytes) : NULL;
}

API_EXPORT uint32_t eng_draw_mesh_bytes(void) {
    size_t bytes = 0;
    if (draw_mesher()) mc_blob(draw_mesher(), &bytes);
    return (uint32_t)bytes;
}

/* Milliseconds the last eng_sim_mesh_at took (downsampling included). */
API_EXPORT double eng_draw_mesh_ms(void) { return eng_draw.ms; }

/* ---- paint brush and statistics (issue 12) ---- */

#include "stats.h"

static seed_brush_t eng_brush = {0, 0, SEED_BRUSH_SPHERE, SEED_TARGET_V};
static probe_desc_t eng_probe_view(int plane_axis, float px, float py, float pz);

/* Applies the staged paint settings paintShape and paintTarget (unstaged ones keep
 * what is in force) to later eng_sim_paint_brush / eng_sim_paint_ray_brush calls. */
API_EXPORT int eng_paint_set(void) {
    eng_brush.shape = (seed_brush_shape_t)staged_or("paintShape", eng_brush.shape);
    eng_brush.target = (seed_paint_target_t)staged_or("paintTarget", eng_brush.target);
    clear_staged();
    return 1;
}

/* eng_sim_paint with the brush in force (eng_paint_set). */
API_EXPORT int eng_sim_paint_brush(float x, float y, float z, float radius, float amount) {
    if (!need_sim("eng_sim_paint_brush")) return 0;
    seed_brush_t b = eng_brush;
    b.radius = radius, b.amount = amount;
    uint64_t t0 = pool_span_begin(eng.pool);
    bool ok = seed_paint(&eng.sim, x, y, z, &b, eng.error, (int)sizeof eng.error);
    pool_span_end(eng.pool, POOL_PHASE_PAINT, t0);
    return ok ? 1 : 0;
}

/* Paints with the brush in force (eng_paint_set) at what the view shows along the ray
 * o + t d, as eng_sim_probe_ray finds it (the same view, plane_axis and (px, py, pz)):
 * the surface, or the slice under the pointer where it is nearer or the surface hidden. */
API_EXPORT int eng_sim_paint_ray_brush(float ox, float oy, float oz, float dx, float dy, float dz, float radius,
                                       float amount, int plane_axis, float px, float py, float pz) {
    if (!need_sim("eng_sim_paint_ray_brush")) return 0;
    const float o[3] = {ox, oy, oz}, d[3] = {dx, dy, dz};
    const probe_desc_t view = eng_probe_view(plane_axis, px, py, pz);
    seed_brush_t b = eng_brush;
    b.radius = radius, b.amount = amount;
    uint64_t t0 = pool_span_begin(eng.pool);
    bool ok = seed_paint_ray_brush(&eng.sim, o, d, &view, &b, eng.error, (int)sizeof eng.error);
    pool_span_end(eng.pool, POOL_PHASE_PAINT, t0);
    return ok ? 1 : 0;
}

/* The statistics of the state now (stats.h) at the view's isovalue, with the
 * triangle count, area and level of the mesh last drawn (eng_sim_mesh_at: at a coarser
 * drawing level it has fewer triangles and its area is an estimate in the grid's units;
 * the full mesh may be older), as JSON (keys as STATS_CSV_HEADER). */
API_EXPORT const char *eng_stats_json(void) {
    if (!need_sim("eng_stats_json")) return NULL;
    static char buf[512];
    stats_t s = {0};
    stats_field(&eng.sim, eng.pool, eng.view.iso, &s);
    mc_mesher_t *drawn = eng_draw.level > 1 ? eng_draw.mesher : eng.mesher;
    if (drawn) stats_mesh(drawn, eng_draw.level > 1 ? eng_draw.level : 1, &s);
    stats_json(&s, buf, (int)sizeof buf);
    return buf;
}

/* ---- slices (engine/slice.h), the clip plane and the surface switch ---------------------
 * View settings like the isovalue: staged by key, applied by eng_view_set, reported by
 * eng_view_json. The engine builds the slices (eng_slice_build); the clip and the
 * surface switch are only drawn (app/render.c), kept here so the view in force is one
 * document. */

static const char *const SLICE_ON[3] = {"sliceX", "sliceY", "sliceZ"};
static const char *const SLICE_POS[3] = {"sliceXPos", "sliceYPos", "sliceZPos"};

static struct {
    bool on[3];
    float pos[3];
    int field;    /* slice_field_t */
    int clip;     /* -1 off, else the axis */
    float clip_pos;
    bool surface;
    int profile; /* the line profile's axis, -1 off (probe_line) */
    uint8_t *blob[3]; /* the last eng_slice_build of each axis */
    size_t cap[3], bytes[3];
} eng_sl;


static void eng_slices_init(void) {
    for (int a = 0; a < 3; a++) {
        eng_sl.on[a] = schema_default(schema_find(SLICE_ON[a])).d != 0;
        eng_sl.pos[a] = (float)schema_default(schema_find(SLICE_POS[a])).d;
    }
    eng_sl.field = (int)schema_default(schema_find("sliceField")).d;
    eng_sl.clip = (int)schema_default(schema_find("clip")).d;
    eng_sl.clip_pos = (float)schema_default(schema_find("clipPos")).d;
    eng_sl.surface = schema_default(schema_find("surface")).d != 0;
    eng_sl.profile = (int)schema_default(schema_find("profile")).d;
}

/* The clip plane in force: its axis (-1: none) and its place in grid units, the sample a
 * slice at the same position sits at (as app/render.c draws it). */
static int eng_clip_axis(void) { return eng_sl.clip >= 0 && eng_sl.clip < 3 ? eng_sl.clip : -1; }
static float eng_clip_pos(void) {
    const int n[3] = {eng.sim.grid.nx, eng.sim.grid.ny, eng.sim.grid.nz}, a = eng_clip_axis();
    return a < 0 ? 0.0f : (float)slice_index(eng_sl.clip_pos, n[a]);
}

/* What the view shows, for the probe and painting (engine/probe.h): the view in force
 * and the slice the app found under the pointer (plane_axis -1: none) at (px, py, pz). */
static probe_desc_t eng_probe_view(int plane_axis, float px, float py, float pz) {
    return (probe_desc_t){.iso = eng.view.iso, .surface = eng_sl.surface, .clip_axis = eng_clip_axis(),
                          .clip_pos = eng_clip_pos(), .plane_axis = plane_axis, .plane_at = {px, py, pz}};
}

static const char *const POS_KEYS[4] = {"sliceXPos", "sliceYPos", "sliceZPos", "clipPos"};

/* The staged positions against their rows' ranges (0..1): schema_parse checks reals
 * only for their grammar. false with the reason in eng.error. */
static bool eng_slices_check(void) {
    for (int i = 0; i < 4; i++) {
        const schema_param_t *p = schema_find(POS_KEYS[i]);
        double v = staged_or(POS_KEYS[i], 0.0);
        if (!(v >= p->min && v <= p->max)) {
            err_set(eng.error, sizeof eng.error, "%s = %g: must be in [%g, %g]", p->key, v, p->min, p->max);
            return false;
        }
    }
    return true;
}

static float pos_in_range(const char *key, float in_force) { return (float)staged_or(key, in_force); }

static void eng_slices_stage(void) {
    for (int a = 0; a < 3; a++) {
        eng_sl.on[a] = staged_or(SLICE_ON[a], eng_sl.on[a]) != 0;
        eng_sl.pos[a] = pos_in_range(SLICE_POS[a], eng_sl.pos[a]);
    }
    eng_sl.field = (int)staged_or("sliceField", eng_sl.field);
    eng_sl.clip = (int)staged_or("clip", eng_sl.clip);
    eng_sl.clip_pos = pos_in_range("clipPos", eng_sl.clip_pos);
    eng_sl.surface = staged_or("surface", eng_sl.surface) != 0;
    eng_sl.profile = (int)staged_or("profile", eng_sl.profile);
}

static void eng_slices_json(char *buf, size_t cap) {
    static const char *const axes[3] = {"x", "y", "z"};
    size_t at = (size_t)snprintf(buf, cap, ",\"surface\":%s,\"sliceField\":\"%s\",\"clip\":\"%s\",\"clipPos\":%.9g",
                                 eng_sl.surface ? "true" : "false", slice_field_name(eng_sl.field),
                                 eng_sl.clip < 0 ? "none" : axes[eng_sl.clip], (double)eng_sl.clip_pos);
    for (int a = 0; a < 3 && at < cap; a++)
        at += (size_t)snprintf(buf + at, cap - at, ",\"%s\":%s,\"%s\":%.9g", SLICE_ON[a], eng_sl.on[a] ? "true" : "false",
                               SLICE_POS[a], (double)eng_sl.pos[a]);
    if (at < cap)
        snprintf(buf + at, cap - at, ",\"profile\":\"%s\"}", eng_sl.profile < 0 ? "none" : axes[eng_sl.profile]);
}

/* Builds the slice normal to axis (0 x, 1 y, 2 z) of the state, as the view says (on,
 * position, field): 1 with its blob (slice.h) at eng_slice_ptr(axis) for
 * eng_slice_bytes(axis) bytes; 0 when that slice is off; -1 on failure (eng_last_error). */
API_EXPORT int eng_slice_build(int axis) {
    if (!need_sim("eng_slice_build")) return -1;
    if (axis < 0 || axis > 2) {
        err_set(eng.error, sizeof eng.error, "eng_slice_build: axis must be 0..2, got %d", axis);
        return -1;
    }
    eng_sl.bytes[axis] = 0;
    if (!eng_sl.on[axis]) return 0;
    const grid_t g = eng.sim.grid;
    const int n[3] = {g.nx, g.ny, g.nz};
    size_t bytes = slice_blob_bytes(g, axis);
    if (bytes > eng_sl.cap[axis]) {
        plat_free(eng_sl.blob[axis]);
        eng_sl.blob[axis] = plat_alloc(bytes);
        eng_sl.cap[axis] = eng_sl.blob[axis] ? bytes : 0;
        if (!eng_sl.blob[axis]) {
            err_set(eng.error, sizeof eng.error, "eng_slice_build: out of memory for %zu bytes", bytes);
            return -1;
        }
    }
    const float *field = eng_sl.field == SLICE_FIELD_U ? eng.sim.u : eng.sim.v;
    if (!slice_extract(eng.pool, g, field, eng_sl.field, axis, slice_index(eng_sl.pos[axis], n[axis]),
                       eng_sl.blob[axis], eng.error, (int)sizeof eng.error))
        return -1;
    eng_sl.bytes[axis] = bytes;
    return 1;
}

/* The line profile as the view says (its axis; through the other two slices' samples):
 * the samples along it, with U at eng_profile_ptr() and V after them, or 0 when it is
 * off; -1 on failure (eng_last_error). eng_profile_at(a): the sample the line passes
 * on axis a (-1 for its own axis). */
static struct {
    float uv[2 * GRID_MAX_SIDE];
    int at[3];
} eng_pr;
API_EXPORT int eng_profile_build(void) {
    if (!need_sim("eng_profile_build")) return -1;
    int a = eng_sl.profile;
    if (a < 0 || a > 2) return 0;
    const int n[3] = {eng.sim.grid.nx, eng.sim.grid.ny, eng.sim.grid.nz};
    for (int b = 0; b < 3; b++) eng_pr.at[b] = b == a ? -1 : slice_index(eng_sl.pos[b], n[b]);
    int at[3] = {eng_pr.at[0], eng_pr.at[1], eng_pr.at[2]};
    if (!probe_line(&eng.sim, a, at, eng_pr.uv, eng_pr.uv + n[a], eng.error, (int)sizeof eng.error)) return -1;
    return n[a];
}
API_EXPORT const float *eng_profile_ptr(void) { return eng_pr.uv; }
API_EXPORT int eng_profile_at(int axis) { return axis >= 0 && axis < 3 ? eng_pr.at[axis] : -1; }

API_EXPORT const void *eng_slice_ptr(int axis) { return axis >= 0 && axis < 3 ? eng_sl.blob[axis] : NULL; }
API_EXPORT uint32_t eng_slice_bytes(int axis) { return axis >= 0 && axis < 3 ? (uint32_t)eng_sl.bytes[axis] : 0; }

/* What the view shows along the ray o + t d (grid units, the app's render_pick_ray) and
 * the state there (engine/probe.h), with the view in force: its isovalue, the surface
 * switch and the clip plane. plane_axis: -1, or the slice under the pointer (the app's
 * render_plane_pick) met at (px, py, pz). JSON {"kind":"surface"|"slice"|"none",
 * "step", and but for none "axis" ("x".., or null: the surface), "x","y","z","u","v"
 * (%.9g: the state's floats)};
 * NULL on bad input (eng_last_error). */
API_EXPORT const char *eng_sim_probe_ray(float ox, float oy, float oz, float dx, float dy, float dz, int plane_axis,
                                         float px, float py, float pz) {
    if (!need_sim("eng_sim_probe_ray")) return NULL;
    static char buf[512];
    const probe_desc_t d = eng_probe_view(plane_axis, px, py, pz);
    const float o[3] = {ox, oy, oz}, dir[3] = {dx, dy, dz};
    probe_t r;
    char why[160] = "";
    if (!probe_ray(&eng.sim, o, dir, &d, &r, why, (int)sizeof why)) {
        err_set(eng.error, sizeof eng.error, "%s", why);
        return NULL;
    }
    static const char *const kinds[] = {"none", "surface", "slice", "point"}, *const axes[] = {"x", "y", "z"};
    int at = snprintf(buf, sizeof buf, "{\"kind\":\"%s\",\"step\":%llu", kinds[r.kind],
                      (unsigned long long)eng.sim.step);
    if (r.kind == PROBE_NONE) {
        snprintf(buf + at, sizeof buf - (size_t)at, "}");
        return buf;
    }
    snprintf(buf + at, sizeof buf - (size_t)at, ",\"axis\":%s%s%s,\"x\":%d,\"y\":%d,\"z\":%d,\"u\":%.9g,\"v\":%.9g}",
             r.axis >= 0 ? "\"" : "", r.axis >= 0 ? axes[r.axis] : "null", r.axis >= 0 ? "\"" : "", r.x, r.y, r.z,
             (double)r.u, (double)r.v);
    return buf;
}
