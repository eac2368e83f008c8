/* trace: phase labels around the engine's parallel work, and the Trace Event Format
 * export (see trace.h). */
#include "trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hash.h"
#include "plat.h"

bool trace_gs_step_for(gs_sim_t *sim, pool_t *pool, int64_t n, double budget_ms, int64_t *done, gs_timing_t *timing,
                       char *err, int err_len) {
    static const int phases[] = {POOL_PHASE_STEP, POOL_PHASE_MERGE};
    pool_phase_begin_seq(pool, POOL_SEQ_BY_BODY, phases, 2);
    bool ok = gs_step_for(sim, pool, n, budget_ms, done, timing, err, err_len);
    pool_phase_end(pool);
    return ok;
}

bool trace_gs_step(gs_sim_t *sim, pool_t *pool, int64_t n, gs_timing_t *timing, char *err, int err_len) {
    int64_t done;
    return trace_gs_step_for(sim, pool, n, -1.0, &done, timing, err, err_len);
}

bool trace_mc_mesh(mc_mesher_t *m, pool_t *pool, grid_t g, const float *v, const float *u_or_null,
                   const chunk_range_t *ranges, const mc_desc_t *desc, char *err, int err_len) {
    static const int phases[] = {POOL_PHASE_MC_RANGES, POOL_PHASE_MC_CLASSIFY, POOL_PHASE_MC_FILL,
                                 POOL_PHASE_MC_SCALAR};
    const int skip = ranges ? 1 : 0; /* with ranges given, mc_mesh starts at pass 1 */
    pool_phase_begin_seq(pool, POOL_SEQ_BY_ORDER, phases + skip, 4 - skip);
    bool ok = mc_mesh(m, pool, g, v, u_or_null, ranges, desc, err, err_len);
    pool_phase_end(pool);
    return ok;
}

uint64_t trace_hash_state(pool_t *pool, grid_t g, const void *u, const void *v) {
    pool_phase_begin(pool, POOL_PHASE_HASH);
    uint64_t h = hash_state(pool, g, u, v);
    pool_phase_end(pool);
    return h;
}

bool trace_seed_fill(gs_sim_t *sim, pool_t *pool, seed_mode_t mode, uint64_t seed, char *err, int err_len) {
    uint64_t t0 = pool_span_begin(pool); /* the serial part (sphere placement) too */
    pool_phase_begin(pool, POOL_PHASE_SEED);
    bool ok = seed_fill(sim, pool, mode, seed, err, err_len);
    pool_phase_end(pool);
    pool_span_end(pool, POOL_PHASE_SEED, t0);
    return ok;
}

/* ---- export ---------------------------------------------------------------------------- */

typedef struct buf_t {
    char *p;
    size_t len, cap;
    bool failed;
} buf_t;

static void put(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf_t *b, const char *fmt, ...) {
    if (b->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (w < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)w < b->cap - b->len) {
            b->len += (size_t)w;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)w;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->failed = true;
            return;
        }
        b->p = q, b->cap = cap;
    }
}

/* Start time, then the longer (the parent) first. */
static int by_start(const void *a, const void *b) {
    const pool_event_t *x = a, *y = b;
    if (x->t0_ns != y->t0_ns) return x->t0_ns < y->t0_ns ? -1 : 1;
    if (x->t1_ns != y->t1_ns) return x->t1_ns > y->t1_ns ? -1 : 1;
    return x->depth - y->depth;
}

static double us(uint64_t t, uint64_t origin) { return t > origin ? (double)(t - origin) * 1e-3 : 0.0; }

char *trace_json(const pool_t *pool, uint64_t since_ns, size_t *len, char *err, int err_len) {
    buf_t b = {malloc(1 << 16), 0, 1 << 16, false};
    pool_event_t *ev = malloc(sizeof *ev * POOL_TRACE_EVENTS);
    if (!b.p || !ev) {
        free(b.p);
        free(ev);
        err_set(err, err_len, "trace: out of memory");
        return NULL;
    }
    const uint64_t origin = pool_trace_origin_ns(pool);
    const int n = pool_size(pool);
    put(&b, "{\"traceEvents\":[\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
            "\"args\":{\"name\":\"rdsim engine pool (%d workers)\"}}", n);
    for (int w = 0; w < n; w++)
        put(&b, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":\"worker %d%s\"}}", w,
            w, w ? "" : " (owner)");
    for (int w = 0; w < n; w++) {
        int k = pool_trace_events(pool, w, since_ns, ev, POOL_TRACE_EVENTS);
        qsort(ev, (size_t)k, sizeof *ev, by_start);
        for (int i = 0; i < k; i++) {
            double ts = us(ev[i].t0_ns, origin), dur = us(ev[i].t1_ns, origin) - ts;
            put(&b, ",\n{\"name\":\"%s\",\"cat\":\"pool\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f,"
                    "\"args\":{\"depth\":%d%s}}",
                pool_phase_name(ev[i].phase), w, ts, dur < 0 ? 0 : dur, ev[i].depth, ev[i].stolen ? ",\"stolen\":true" : "");
            if (ev[i].stolen)
                put(&b, ",\n{\"name\":\"steal\",\"cat\":\"pool\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%.3f}",
                    w, ts);
        }
    }
    put(&b, "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":\"microseconds since the pool started\","
            "\"workers\":%d,\"active\":%d}}\n", n, pool_active(pool));
    free(ev);
    if (b.failed) {
        free(b.p);
        err_set(err, err_len, "trace: out of memory");
        return NULL;
    }
    if (len) *len = b.len;
    return b.p;
}
