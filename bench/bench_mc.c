/* bench_mc: times our marching cubes on one volume and prints one JSON line; also
 * the volume-to-mesh tool of tests/test_mc_peers.py (native and WASM builds).
 *
 *   bench_mc (--gyroid N | --raw FILE NX NY NZ | --gs N STEPS) [--periodic] [--iso X] [--threads N]
 *            [--reps N] [--close] [--no-skip] [--scalar 0|1|2] [--save-raw FILE]
 *            [--mesh OUT.ply|.obj|.stl]
 *
 * --gyroid N: sin x cos y + sin y cos z + sin z cos x over [0, 4 pi]^3 on N^3 samples
 * (zero-flux: both ends are samples, as vtkImageData with spacing 4pi/(N-1)).
 * --raw: float32 little-endian, x fastest. --gs N STEPS: V of a real Gray-Scott
 * state, the default preset ("spots", spheres seed 1, periodic) after STEPS steps.
 * The volume is meshed as a zero-flux grid unless --periodic. Timed: mc_mesh with
 * no chunk ranges ("ms": volume in, mesh out, what the peers do), and mc_mesh
 * given the ranges ("mesh_ms": what the app pays, the Gray-Scott step keeps the
 * ranges as it goes; computed here untimed; --no-skip widens them so that every
 * chunk is meshed). Best and median of --reps; the stats are the "ms" run's.
 * bench/bench_mc.py runs this natively and under Node, times the peers and writes
 * build/bench/mc.json.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/mc_fields.h"
#include "chunk.h"
#include "mc.h"
#include "mesh.h"
#include "gs.h"
#include "meshio.h"
#include "preset.h"
#include "seed.h"
#include "plat.h"
#include "pool.h"

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* V of the default preset after `steps` steps on an n^3 periodic grid, into v. */
static bool gs_state(int n, int steps, int threads, float *v, char *err, int err_len) {
    const preset_t *p = preset_default();
    grid_t g = {n, n, n, GRID_PERIODIC};
    gs_sim_t sim = {0};
    pool_desc_t pd = {threads};
    pool_t *pool = pool_create(&pd, err, err_len);
    bool ok = pool && gs_init(&sim, g, p->params, err, err_len) &&
              seed_fill(&sim, pool, p->seed_mode, 1, err, err_len) && gs_step(&sim, pool, steps, NULL, err, err_len);
    if (ok) memcpy(v, gs_v(&sim), grid_count(g) * sizeof(float));
    gs_free(&sim);
    pool_destroy(pool);
    return ok;
}

static int usage(const char *msg) {
    fprintf(stderr, "bench_mc: %s\nusage: bench_mc (--gyroid N | --raw FILE NX NY NZ | --gs N STEPS) [--periodic] [--iso X] "
                    "[--threads N] [--reps N] [--close] [--no-skip] [--scalar 0|1|2] [--save-raw FILE] [--mesh OUT]\n",
            msg);
    return 2;
}

int main(int argc, char **argv) {
    int gyroid = 0, gs_steps = 0, nx = 0, ny = 0, nz = 0, threads = 1, reps = 5, periodic = 0, close = 0, noskip = 0, scalar = 0;
    float iso = 0.3f;
    const char *raw = NULL, *save = NULL, *mesh_out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = argc - i - 1;
        if (!strcmp(a, "--gyroid") && more >= 1) gyroid = nx = ny = nz = atoi(argv[++i]);
        else if (!strcmp(a, "--gs") && more >= 2) {
            nx = ny = nz = atoi(argv[++i]);
            gs_steps = atoi(argv[++i]);
        } else if (!strcmp(a, "--raw") && more >= 4) {
            raw = argv[++i];
            nx = atoi(argv[++i]), ny = atoi(argv[++i]), nz = atoi(argv[++i]);
        } else if (!strcmp(a, "--periodic")) periodic = 1;
        else if (!strcmp(a, "--iso") && more >= 1) iso = strtof(argv[++i], NULL);
        else if (!strcmp(a, "--threads") && more >= 1) threads = atoi(argv[++i]);
        else if (!strcmp(a, "--reps") && more >= 1) reps = atoi(argv[++i]);
        else if (!strcmp(a, "--close")) close = 1;
        else if (!strcmp(a, "--no-skip")) noskip = 1;
        else if (!strcmp(a, "--scalar") && more >= 1) scalar = atoi(argv[++i]);
        else if (!strcmp(a, "--save-raw") && more >= 1) save = argv[++i];
        else if (!strcmp(a, "--mesh") && more >= 1) mesh_out = argv[++i];
        else return usage(a);
    }
    if (!gyroid && !raw && !gs_steps) return usage("need --gyroid N, --raw FILE NX NY NZ or --gs N STEPS");
    if (reps < 1 || reps > 1000 || threads < 1 || threads > POOL_MAX_THREADS) return usage("bad --reps or --threads");
    grid_t g = {nx, ny, nz, periodic ? GRID_PERIODIC : GRID_ZEROFLUX};
    char err[256];
    if (!grid_valid(g, err, sizeof err)) return usage(err);
    size_t n = grid_count(g);
    float *v = malloc(n * sizeof(float)), *u = NULL;
    chunk_range_t *ranges = malloc(chunk_count(chunk_layout(g)) * sizeof(chunk_range_t));
    if (!v || !ranges) return usage("out of memory");
    if (gyroid) {
        mcf_gyroid(g, 2.0, v);
    } else if (gs_steps) {
        if (!gs_state(nx, gs_steps, threads, v, err, sizeof err)) return usage(err);
    } else {
        FILE *f = fopen(raw, "rb");
        if (!f || fread(v, sizeof(float), n, f) != n) return usage("cannot read the raw volume (size must be NX*NY*NZ floats)");
        fclose(f);
    }
    if (save) {
        FILE *f = fopen(save, "wb");
        if (!f || fwrite(v, sizeof(float), n, f) != n) return usage("cannot write --save-raw");
        fclose(f);
    }
    if (scalar == MC_SCALAR_U) { /* stand-in U for the tool: 1 - V */
        u = malloc(n * sizeof(float));
        if (!u) return usage("out of memory");
        for (size_t i = 0; i < n; i++) u[i] = 1.0f - v[i];
    }
    pool_desc_t pd = {threads};
    pool_t *pool = pool_create(&pd, err, sizeof err);
    mc_mesher_t *m = mc_mesher_create();
    if (!pool || !m) return usage(pool ? "out of memory" : err);
    mc_desc_t desc = {iso, scalar, close};

    double *t_all = malloc((size_t)reps * sizeof(double)), *t_mesh = malloc((size_t)reps * sizeof(double));
    if (!t_all || !t_mesh) return usage("out of memory");
    chunk_compute_ranges(pool, g, v, ranges);
    if (noskip) /* ranges that hold every isovalue: every chunk is meshed */
        for (size_t i = 0; i < chunk_count(chunk_layout(g)); i++) ranges[i].min = -INFINITY, ranges[i].max = INFINITY;
    mc_stats_t best = {0};
    for (int r = 0; r < reps; r++) {
        uint64_t t0 = plat_now_ns();
        bool ok = mc_mesh(m, pool, g, v, u, NULL, &desc, err, sizeof err);
        uint64_t t1 = plat_now_ns();
        if (ok) {
            mc_stats_t s = mc_stats(m);
            if (r == 0 || s.total_ms < best.total_ms) best = s;
        }
        ok = ok && mc_mesh(m, pool, g, v, u, ranges, &desc, err, sizeof err);
        uint64_t t2 = plat_now_ns();
        if (!ok) {
            fprintf(stderr, "bench_mc: %s\n", err);
            return 1;
        }
        t_all[r] = (double)(t1 - t0) * 1e-6;
        t_mesh[r] = (double)(t2 - t1) * 1e-6;
    }
    size_t bytes = 0;
    const void *blob = mc_blob(m, &bytes);
    uint64_t hash = blob ? mcf_hash(blob, bytes) : 0;
    if (mesh_out) {
        uint8_t *rgb = NULL;
        mesh_header_t h;
        memcpy(&h, blob, sizeof h);
        if (mc_scalars(m)) {
            rgb = malloc(3 * (size_t)mc_vertex_count(m) + 1);
            meshio_colormap(mc_scalars(m), mc_vertex_count(m), h.scalar_min, h.scalar_max, rgb);
        }
        meshio_mesh_t mm = {mc_positions(m), mc_normals(m), rgb, mc_vertex_count(m), mc_indices(m), mc_triangle_count(m), NULL};
        if (!meshio_write(mesh_out, &mm, err, sizeof err)) {
            fprintf(stderr, "bench_mc: %s\n", err);
            return 1;
        }
        free(rgb);
    }
    double all_best = t_all[0], mesh_best = t_mesh[0];
    for (int r = 1; r < reps; r++) {
        all_best = t_all[r] < all_best ? t_all[r] : all_best;
        mesh_best = t_mesh[r] < mesh_best ? t_mesh[r] : mesh_best;
    }
    qsort(t_all, (size_t)reps, sizeof(double), cmp_d);
    qsort(t_mesh, (size_t)reps, sizeof(double), cmp_d);
    uint32_t nt = mc_triangle_count(m);
    printf("{\"nx\": %d, \"ny\": %d, \"nz\": %d, \"iso\": %.9g, \"threads\": %d, \"reps\": %d, "
           "\"vertices\": %u, \"triangles\": %u, \"hash\": \"%016llx\", \"blob_bytes\": %zu, "
           "\"bytes_per_triangle\": %.3f, \"ms\": %.3f, \"ms_median\": %.3f, \"mesh_ms\": %.3f, "
           "\"mesh_ms_median\": %.3f, \"mvox_s\": %.1f, \"active_chunks\": %u, \"chunks\": %u, "
           "\"ranges_ms\": %.3f, \"classify_ms\": %.3f, \"fill_ms\": %.3f, \"scalar_ms\": %.3f}\n",
           nx, ny, nz, iso, threads, reps, mc_vertex_count(m), nt, (unsigned long long)hash, bytes,
           nt ? (double)bytes / nt : 0.0, all_best, t_all[reps / 2], mesh_best, t_mesh[reps / 2],
           (double)n / (all_best * 1e3), best.active_chunks, best.chunks, best.ranges_ms, best.classify_ms, best.fill_ms,
           best.scalar_ms);
    mc_mesher_destroy(m);
    pool_destroy(pool);
    free(v), free(u), free(ranges), free(t_all), free(t_mesh);
    return 0;
}
