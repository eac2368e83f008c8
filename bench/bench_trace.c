/* bench_trace: the cost of the pool's timeline (pool.h trace rings, trace.h labels)
 * on the Gray-Scott step and on meshing, at 128^3 with 2 threads (the target:
 * under 1 %). Each round runs the same work twice, alternating which goes first:
 * recording off with the plain calls (gs_step, mc_mesh), and recording on with the
 * labelled ones (trace_gs_step, trace_mc_mesh). Prints the medians per step / mesh
 * and the overhead (on / off - 1); both give the same state hash (checked).
 *
 *   bench_trace [--json FILE] [--size N] [--threads T] [--rounds R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs.h"
#include "hash.h"
#include "mc.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "seed.h"
#include "trace.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv) {
    const char *json = NULL;
    int size = 128, threads = 2, rounds = 15, steps = 20, meshes = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else if (!strcmp(argv[i], "--size") && i + 1 < argc) size = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) rounds = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_trace [--json FILE] [--size N] [--threads T] [--rounds R]\n");
            return 2;
        }
    }
    char err[256];
    pool_t *pool = pool_create(&(pool_desc_t){.threads = threads}, err, sizeof err);
    if (!pool) return fprintf(stderr, "bench_trace: %s\n", err), 1;
    gs_sim_t sim[2];
    mc_mesher_t *m = mc_mesher_create();
    for (int s = 0; s < 2; s++) {
        if (!gs_init(&sim[s], (grid_t){size, size, size, GRID_PERIODIC}, preset_default()->params, err, sizeof err) ||
            !seed_fill(&sim[s], pool, SEED_SPHERES, 1, err, sizeof err) || !gs_step(&sim[s], pool, 200, NULL, err, sizeof err))
            return fprintf(stderr, "bench_trace: %s\n", err), 1;
    }
    const mc_desc_t view = {0.25f, MC_SCALAR_U, 0};
    mc_mesh(m, pool, sim[0].grid, sim[0].v, sim[0].u, sim[0].ranges, &view, err, sizeof err); /* warm the mesher */
    double *st[2], *ms[2];
    for (int s = 0; s < 2; s++) st[s] = calloc((size_t)rounds, sizeof(double)), ms[s] = calloc((size_t)rounds, sizeof(double));
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
            int on = (r + k) % 2; /* alternate which side goes first */
            pool_trace_enable(pool, on && !getenv("BENCH_TRACE_AA"));
            gs_sim_t *s = &sim[on];
            uint64_t t0 = plat_now_ns();
            bool ok = on ? trace_gs_step(s, pool, steps, NULL, err, sizeof err) : gs_step(s, pool, steps, NULL, err, sizeof err);
            uint64_t t1 = plat_now_ns();
            for (int i = 0; i < meshes && ok; i++)
                ok = on ? trace_mc_mesh(m, pool, s->grid, s->v, s->u, s->ranges, &view, err, sizeof err)
                        : mc_mesh(m, pool, s->grid, s->v, s->u, s->ranges, &view, err, sizeof err);
            uint64_t t2 = plat_now_ns();
            if (!ok) return fprintf(stderr, "bench_trace: %s\n", err), 1;
            st[on][r] = (double)(t1 - t0) * 1e-6 / steps;
            ms[on][r] = (double)(t2 - t1) * 1e-6 / meshes;
        }
    }
    double s_off = median(st[0], rounds), s_on = median(st[1], rounds);
    double m_off = median(ms[0], rounds), m_on = median(ms[1], rounds);
    /* Noise-free estimate: spans recorded per step / mesh, times the cost of one span
     * (a pool_span_begin/end pair: two clock reads and a ring store) over the time. */
    pool_trace_enable(pool, true);
    pool_trace_clear(pool);
    trace_gs_step(&sim[1], pool, steps, NULL, err, sizeof err);
    gs_step(&sim[0], pool, steps, NULL, err, sizeof err); /* the two stay equal */
    static pool_event_t ev[POOL_TRACE_EVENTS];
    long spans_step = 0, spans_mesh = 0;
    for (int w = 0; w < threads; w++) spans_step += pool_trace_events(pool, w, 0, ev, POOL_TRACE_EVENTS);
    pool_trace_clear(pool);
    trace_mc_mesh(m, pool, sim[1].grid, sim[1].v, sim[1].u, sim[1].ranges, &view, err, sizeof err);
    for (int w = 0; w < threads; w++) spans_mesh += pool_trace_events(pool, w, 0, ev, POOL_TRACE_EVENTS);
    enum { SPANS = 200000 };
    uint64_t c0 = plat_now_ns();
    for (int i = 0; i < SPANS; i++) pool_span_end(pool, POOL_PHASE_OTHER + (i & 1), pool_span_begin(pool));
    double span_ns = (double)(plat_now_ns() - c0) / SPANS;
    double est_step = (double)spans_step / steps * span_ns / (s_off * 1e6) * 100;
    double est_mesh = (double)spans_mesh * span_ns / (m_off * 1e6) * 100;
    pool_trace_clear(pool);
    uint64_t h0 = hash_state(pool, sim[0].grid, sim[0].u, sim[0].v), h1 = hash_state(pool, sim[1].grid, sim[1].u, sim[1].v);
    double so = (s_on / s_off - 1) * 100, mo = (m_on / m_off - 1) * 100;
    printf("trace overhead at %d^3, %d threads, median of %d rounds (%d steps, %d meshes each):\n", size, threads, rounds,
           steps, meshes);
    printf("  step  off %.3f ms  on %.3f ms  overhead %+.2f %%\n", s_off, s_on, so);
    printf("  mesh  off %.3f ms  on %.3f ms  overhead %+.2f %%\n", m_off, m_on, mo);
    printf("  spans: %.1f per step, %ld per mesh; one span costs %.1f ns\n", (double)spans_step / steps, spans_mesh,
           span_ns);
    printf("  estimate (spans x cost / time): step %.4f %%, mesh %.4f %%\n", est_step, est_mesh);
    printf("  hashes %s (%016llx)\n", h0 == h1 ? "equal" : "DIFFER", (unsigned long long)h1);
    if (json) {
        FILE *f = fopen(json, "w");
        if (f) {
            fprintf(f,
                    "{\"size\":%d,\"threads\":%d,\"rounds\":%d,\"step_ms_off\":%.4f,\"step_ms_on\":%.4f,"
                    "\"step_overhead_pct\":%.3f,\"mesh_ms_off\":%.4f,\"mesh_ms_on\":%.4f,\"mesh_overhead_pct\":%.3f,"
                    "\"spans_per_step\":%.2f,\"spans_per_mesh\":%ld,\"span_ns\":%.2f,\"est_step_overhead_pct\":%.5f,"
                    "\"est_mesh_overhead_pct\":%.5f,\"hashes_equal\":%s}\n",
                    size, threads, rounds, s_off, s_on, so, m_off, m_on, mo, (double)spans_step / steps, spans_mesh,
                    span_ns, est_step, est_mesh, h0 == h1 ? "true" : "false");
            fclose(f);
        }
    }
    for (int s = 0; s < 2; s++) free(st[s]), free(ms[s]), gs_free(&sim[s]);
    mc_mesher_destroy(m);
    pool_destroy(pool);
    return h0 == h1 ? 0 : 1;
}
