/* api: the engine's WASM binding, called by web/compute_worker.js. Every function
 * marked API_EXPORT is exported (tools/api_exports.sh builds emcc's list from
 * them). One engine per WASM instance: the state below is this file's singleton.
 * Errors: functions return 0 / NULL and eng_last_error() says why. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chunk.h"
#include "mc.h"
#include "plat.h"
#include "pool.h"

#define API_EXPORT __attribute__((used, visibility("default")))

static struct {
    pool_t *pool;
    char error[512];
    /* demo field (an analytic gyroid) until the simulation drives the mesher */
    grid_t demo_grid;
    float *demo_field;
    chunk_range_t *demo_ranges;
    mc_mesher_t *mesher;
} eng;

static void set_error(const char *msg) { snprintf(eng.error, sizeof eng.error, "%s", msg); }

API_EXPORT const char *eng_last_error(void) { return eng.error; }
API_EXPORT const char *eng_build_id(void) { return BUILD_ID; }
API_EXPORT int eng_pool_size(void) { return eng.pool ? pool_size(eng.pool) : 0; }

/* Starts the pool with `threads` workers (this thread is worker 0). Returns the
 * pool size, or 0 on failure. Must be called once, from the worker's runtime thread. */
API_EXPORT int eng_init(int threads) {
    if (eng.pool) {
        set_error("eng_init: already initialised");
        return 0;
    }
    if (threads < 1 || threads > POOL_MAX_THREADS) {
        char msg[128];
        snprintf(msg, sizeof msg, "eng_init: threads must be 1..%d, got %d", POOL_MAX_THREADS, threads);
        set_error(msg);
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

/* Meshes a periodic gyroid, sin x cos y + sin y cos z + sin z cos x over one
 * period per `size` samples, at `iso`. Returns 1 on success. */
API_EXPORT int eng_demo_mesh(int size, float iso) {
    grid_t g = {size, size, size, GRID_PERIODIC};
    if (!eng.pool) {
        set_error("eng_demo_mesh: call eng_init first");
        return 0;
    }
    if (!grid_valid(g, eng.error, (int)sizeof eng.error)) return 0;
    if (g.nx != eng.demo_grid.nx) {
        plat_free(eng.demo_field);
        plat_free(eng.demo_ranges);
        eng.demo_field = plat_alloc(grid_count(g) * sizeof(float));
        eng.demo_ranges = plat_alloc(chunk_count(chunk_layout(g)) * sizeof(chunk_range_t));
        eng.demo_grid = g;
        if (!eng.demo_field || !eng.demo_ranges) {
            set_error("eng_demo_mesh: out of memory");
            eng.demo_grid.nx = 0;
            return 0;
        }
        const float w = 2.0f * 3.14159265f / (float)size;
        for (int z = 0; z < size; z++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    eng.demo_field[grid_index(g, x, y, z)] =
                        sinf(w * x) * cosf(w * y) + sinf(w * y) * cosf(w * z) + sinf(w * z) * cosf(w * x);
        chunk_compute_ranges(eng.pool, g, eng.demo_field, eng.demo_ranges);
    }
    mc_desc_t desc = {.iso = iso, .scalar = 0, .close_boundary = 0};
    return mc_mesh(eng.mesher, eng.pool, g, eng.demo_field, NULL, eng.demo_ranges, &desc,
                   eng.error, (int)sizeof eng.error) ? 1 : 0;
}

API_EXPORT const void *eng_mesh_ptr(void) {
    size_t bytes = 0;
    return eng.mesher ? mc_blob(eng.mesher, &bytes) : NULL;
}

API_EXPORT int eng_mesh_bytes(void) {
    size_t bytes = 0;
    if (eng.mesher) mc_blob(eng.mesher, &bytes);
    return (int)bytes;
}
