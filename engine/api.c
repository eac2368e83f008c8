/* api: the engine's WASM binding, called by web/compute_worker.js. Every function
 * marked API_EXPORT is exported (tools/api_exports.sh builds emcc's list from
 * them). One engine per WASM instance: the state below is this file's singleton,
 * used only by the worker's runtime thread (the pool's owner).
 * Errors: functions return 0 / NULL and eng_last_error() says why; a refused call
 * changes nothing. Strings returned stay valid until the next call of that function.
 * Pointers and byte counts cross to JavaScript as i32: past 2 GiB of heap they read as
 * negative there, so the worker reads every one as `x >>> 0`. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "gs.h"
#include "hash.h"
#include "mc.h"
#include "meshio.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "rds.h"
#include "seed.h"

#define API_EXPORT __attribute__((used, visibility("default")))

enum { JSON_CAP = 16384 };

static struct {
    pool_t *pool;
    mc_mesher_t *mesher;
    gs_sim_t sim;  /* zeroed until eng_sim_new / eng_sim_load succeeds */
    bool has_sim;
    gs_timing_t last_timing;
    uint8_t *file; /* last eng_sim_save / eng_mesh_export output */
    size_t file_bytes;
    char error[512];
    char json[JSON_CAP];
    char hex[17];
} eng;

static void set_error(const char *msg) { snprintf(eng.error, sizeof eng.error, "%s", msg); }

static bool need_sim(const char *fn) {
    if (eng.has_sim) return true;
    snprintf(eng.error, sizeof eng.error, "%s: no simulation yet (call eng_sim_new or eng_sim_load)", fn);
    return false;
}

API_EXPORT const char *eng_last_error(void) { return eng.error; }
API_EXPORT const char *eng_build_id(void) { return BUILD_ID; }
API_EXPORT int eng_pool_size(void) { return eng.pool ? pool_size(eng.pool) : 0; }

/* Starts the pool with `threads` workers (this thread is worker 0). Returns the
 * pool size, or 0 on failure. Call once, from the worker's runtime thread. */
API_EXPORT int eng_init(int threads) {
    if (eng.pool) {
        set_error("eng_init: already initialised");
        return 0;
    }
    if (threads < 1 || threads > POOL_MAX_THREADS) {
        snprintf(eng.error, sizeof eng.error, "eng_init: threads must be 1..%d, got %d", POOL_MAX_THREADS, threads);
        return 0;
    }
    pool_desc_t desc = {.threads = threads};
    eng.pool = pool_create(&desc, eng.error, (int)sizeof eng.error);
    if (!eng.pool) return 0;
    eng.mesher = mc_mesher_create();
    if (!eng.mesher) {
        set_error("eng_init: out of memory for the mesher");
        return 0;
    }
    return pool_size(eng.pool);
}

/* Active threads (1..pool size), changeable at run time; returns the new count. */
API_EXPORT int eng_set_threads(int n) { return eng.pool ? pool_set_active(eng.pool, n) : 0; }

/* Every preset as a JSON array of {name, F, k, Du, Dv, dt, stencil, seed_mode, source}. */
API_EXPORT const char *eng_presets_json(void) {
    size_t at = 0;
    at += (size_t)snprintf(eng.json + at, JSON_CAP - at, "[");
    for (int i = 0; i < preset_count() && at < JSON_CAP; i++) {
        const preset_t *p = preset_at(i);
        at += (size_t)snprintf(eng.json + at, JSON_CAP - at,
                               "%s{\"name\":\"%s\",\"F\":%.9g,\"k\":%.9g,\"Du\":%.9g,\"Dv\":%.9g,\"dt\":%.9g,"
                               "\"stencil\":%d,\"seed_mode\":\"%s\",\"source\":\"%s\"}",
                               i ? "," : "", p->name, p->params.F, p->params.k, p->params.Du, p->params.Dv,
                               p->params.dt, p->params.stencil, seed_mode_name(p->seed_mode), p->source);
    }
    if (at < JSON_CAP) snprintf(eng.json + at, JSON_CAP - at, "]");
    return eng.json;
}

/* Replaces the simulation with a fresh nx x ny x nz grid seeded by seed_mode
 * (0 cube, 1 spheres, 2 noise) from the 64-bit seed (seed_hi << 32 | seed_lo).
 * On failure the old simulation stays. */
API_EXPORT int eng_sim_new(int nx, int ny, int nz, int boundary, int stencil, float F, float k, float Du,
                           float Dv, float dt, uint32_t seed_lo, uint32_t seed_hi, int seed_mode) {
    if (!eng.pool) {
        set_error("eng_sim_new: call eng_init first");
        return 0;
    }
    if (seed_mode < SEED_CUBE || seed_mode > SEED_NOISE) {
        snprintf(eng.error, sizeof eng.error, "seed mode must be 0 (cube), 1 (spheres) or 2 (noise), got %d", seed_mode);
        return 0;
    }
    grid_t g = {nx, ny, nz, (grid_boundary_t)boundary};
    gs_params_t p = {F, k, Du, Dv, dt, stencil};
    gs_sim_t fresh;
    if (!gs_init(&fresh, g, p, eng.error, (int)sizeof eng.error)) return 0;
    uint64_t seed = (uint64_t)seed_hi << 32 | seed_lo;
    if (!seed_fill(&fresh, eng.pool, (seed_mode_t)seed_mode, seed, eng.error, (int)sizeof eng.error)) {
        gs_free(&fresh);
        return 0;
    }
    if (eng.has_sim) gs_free(&eng.sim);
    eng.sim = fresh;
    eng.has_sim = true;
    return 1;
}

/* Changes F, k, Du, Dv, dt and the stencil of the running simulation (validated). */
API_EXPORT int eng_sim_set_params(float F, float k, float Du, float Dv, float dt, int stencil) {
    if (!need_sim("eng_sim_set_params")) return 0;
    gs_params_t p = {F, k, Du, Dv, dt, stencil};
    return gs_set_params(&eng.sim, p, eng.error, (int)sizeof eng.error) ? 1 : 0;
}

/* Runs n steps. Returns the number of steps run (n, or fewer when a step went
 * non-finite: then the last good state is kept and eng_last_error says why). */
API_EXPORT int eng_sim_step(int n) {
    if (!need_sim("eng_sim_step")) return 0;
    uint64_t before = eng.sim.step;
    memset(&eng.last_timing, 0, sizeof eng.last_timing);
    gs_step(&eng.sim, eng.pool, n, &eng.last_timing, eng.error, (int)sizeof eng.error);
    return (int)(eng.sim.step - before);
}

/* Milliseconds the last eng_sim_step spent in the fused step pass. */
API_EXPORT double eng_sim_step_ms(void) { return eng.last_timing.step_ms + eng.last_timing.ranges_ms; }

/* Adds `amount` to V in a ball around sample coordinates (x, y, z). */
API_EXPORT int eng_sim_paint(float x, float y, float z, float radius, float amount) {
    if (!need_sim("eng_sim_paint")) return 0;
    return seed_paint_sphere(&eng.sim, x, y, z, radius, amount, eng.error, (int)sizeof eng.error) ? 1 : 0;
}

/* Paints where a view ray (grid units: origin o, direction d) first meets V >= iso;
 * a ray that misses the surface paints nothing (seed_paint_ray). */
API_EXPORT int eng_sim_paint_ray(float ox, float oy, float oz, float dx, float dy, float dz, float radius,
                                 float amount, float iso) {
    if (!need_sim("eng_sim_paint_ray")) return 0;
    const float o[3] = {ox, oy, oz}, d[3] = {dx, dy, dz};
    return seed_paint_ray(&eng.sim, o, d, iso, radius, amount, eng.error, (int)sizeof eng.error) ? 1 : 0;
}

/* The simulation's description as JSON: dims, boundary, params, seed, step. */
API_EXPORT const char *eng_sim_info_json(void) {
    if (!need_sim("eng_sim_info_json")) return NULL;
    const gs_sim_t *s = &eng.sim;
    snprintf(eng.json, JSON_CAP,
             "{\"nx\":%d,\"ny\":%d,\"nz\":%d,\"boundary\":%d,\"stencil\":%d,\"F\":%.9g,\"k\":%.9g,"
             "\"Du\":%.9g,\"Dv\":%.9g,\"dt\":%.9g,\"seed\":\"%" PRIu64 "\",\"step\":%" PRIu64 "}",
             s->grid.nx, s->grid.ny, s->grid.nz, (int)s->grid.boundary, s->params.stencil, s->params.F,
             s->params.k, s->params.Du, s->params.Dv, s->params.dt, s->seed, s->step);
    return eng.json;
}

/* The state hash (README: "State hash") as 16 hex digits. */
API_EXPORT const char *eng_sim_hash_hex(void) {
    if (!need_sim("eng_sim_hash_hex")) return NULL;
    uint64_t h = hash_state(eng.pool, eng.sim.grid, eng.sim.u, eng.sim.v);
    snprintf(eng.hex, sizeof eng.hex, "%016" PRIx64, h);
    return eng.hex;
}

/* Meshes V at iso (scalar: 0 none, 1 U, 2 |grad V|; close: zero-flux caps).
 * The blob is at eng_mesh_ptr() for eng_mesh_bytes(). */
API_EXPORT int eng_sim_mesh(float iso, int scalar, int close) {
    if (!need_sim("eng_sim_mesh")) return 0;
    if (scalar < MC_SCALAR_NONE || scalar > MC_SCALAR_GRAD_V) {
        snprintf(eng.error, sizeof eng.error, "scalar must be 0 (none), 1 (U) or 2 (|grad V|), got %d", scalar);
        return 0;
    }
    mc_desc_t desc = {.iso = iso, .scalar = scalar, .close_boundary = close != 0};
    return mc_mesh(eng.mesher, eng.pool, eng.sim.grid, eng.sim.v, eng.sim.u, eng.sim.ranges, &desc, eng.error,
                   (int)sizeof eng.error) ? 1 : 0;
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
        set_error("out of memory for the file");
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

/* Replaces the simulation with the .rds file at buf[0..len) (validated whole first). */
API_EXPORT int eng_sim_load(const void *buf, uint32_t len) {
    if (!eng.pool) {
        set_error("eng_sim_load: call eng_init first");
        return 0;
    }
    if (!rds_read(&eng.sim, eng.pool, buf, (size_t)len, eng.error, (int)sizeof eng.error)) return 0;
    eng.has_sim = true;
    return 1;
}

/* Encodes the last mesh in the format of ext (an extension of meshio's format table:
 * "ply", "obj", "stl"; colours from the view's scalar) straight into engine memory:
 * eng_file_ptr/eng_file_bytes. */
API_EXPORT int eng_mesh_export(const char *ext) {
    if (!eng.mesher || mc_triangle_count(eng.mesher) == 0) {
        set_error("mesh export: there is no mesh yet");
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
    at += (size_t)snprintf(eng.json, JSON_CAP, "[");
    for (int i = 0; i < n && at < JSON_CAP; i++) {
        pool_stats_t s;
        pool_get_stats(eng.pool, i, &s);
        at += (size_t)snprintf(eng.json + at, JSON_CAP - at,
                               "%s{\"tasks\":%" PRIu64 ",\"steals\":%" PRIu64 ",\"stolen\":%" PRIu64
                               ",\"busy_ms\":%.3f,\"idle_ms\":%.3f}",
                               i ? "," : "", s.tasks_run, s.steals_attempted, s.steals_succeeded,
                               (double)s.busy_ns / 1e6, (double)s.idle_ns / 1e6);
    }
    if (at < JSON_CAP) snprintf(eng.json + at, JSON_CAP - at, "]");
    return eng.json;
}
