/* test_lab: the threads lab and the pool's trace.
 * The lab's rows all give the hashes of a plain run of K steps (state and mesh),
 * for every thread count, and the live state is back bit for bit afterwards (also
 * after a cancel). Recording the trace changes no hash. A traced step + mesh + hash
 * gives spans of every phase, nested properly per worker, in order of their end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "lab.h"
#include "mc.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "seed.h"
#include "trace.h"

enum { T = 3, K = 20, N = 24 };

static pool_t *make_pool(int threads) {
    char err[128] = "";
    pool_t *p = pool_create(&(pool_desc_t){.threads = threads}, err, sizeof err);
    if (!p) fail_msg("pool_create: %s", err);
    return p;
}

static void make_sim(gs_sim_t *s, pool_t *pool) {
    char err[256] = "";
    grid_t g = {N, N, N, GRID_PERIODIC};
    assert_true(gs_init(s, g, preset_default()->params, err, sizeof err));
    assert_true(seed_fill(s, pool, SEED_CUBE, 7, err, sizeof err));
    assert_true(gs_step(s, pool, 5, NULL, err, sizeof err)); /* not at step 0 */
}

static const mc_desc_t view = {0.25f, MC_SCALAR_U, 0};

/* State and mesh hash after k more steps on `threads` threads, trace on or off. */
static void reference(int threads, bool trace_on, uint64_t *state, uint64_t *mesh) {
    char err[256] = "";
    pool_t *pool = make_pool(threads);
    pool_trace_enable(pool, trace_on);
    gs_sim_t s;
    make_sim(&s, pool);
    assert_true(trace_gs_step(&s, pool, K, NULL, err, sizeof err));
    mc_mesher_t *m = mc_mesher_create();
    assert_true(trace_mc_mesh(m, pool, s.grid, s.v, s.u, s.ranges, &view, err, sizeof err));
    size_t bytes = 0;
    const void *blob = mc_blob(m, &bytes);
    *mesh = hash_fnv1a(HASH_FNV_OFFSET, blob, bytes);
    *state = trace_hash_state(pool, s.grid, s.u, s.v);
    mc_mesher_destroy(m);
    gs_free(&s);
    pool_destroy(pool);
}

static void test_recording_changes_no_hash(void **state) {
    (void)state;
    uint64_t s0, m0, s1, m1, s2, m2;
    reference(1, false, &s0, &m0);
    reference(T, false, &s1, &m1);
    reference(T, true, &s2, &m2);
    assert_int_equal(s0, s1);
    assert_int_equal(s1, s2);
    assert_int_equal(m0, m1);
    assert_int_equal(m1, m2);
}

static void test_lab_rows_and_restore(void **state) {
    (void)state;
    uint64_t ref_state, ref_mesh;
    reference(1, false, &ref_state, &ref_mesh);
    char err[256] = "";
    pool_t *pool = make_pool(T);
    pool_set_active(pool, 2);
    gs_sim_t s;
    make_sim(&s, pool);
    uint64_t live = hash_state(pool, s.grid, s.u, s.v), step = s.step;
    const int threads[] = {1, 2, 3, 2};
    lab_desc_t d = {threads, 4, K, view};
    lab_t *lab = lab_create(&s, pool, &d, err, sizeof err);
    assert_non_null(lab);
    lab_status_t st;
    int slices = 0;
    while ((st = lab_advance(lab, 0.5, err, sizeof err)) == LAB_RUNNING) slices++;
    assert_int_equal(st, LAB_DONE);
    assert_true(slices > 1); /* it ran in slices */
    assert_int_equal(lab_rows_done(lab), 4);
    assert_true(lab_progress(lab) == 1.0);
    for (int i = 0; i < 4; i++) {
        lab_row_t r = lab_row(lab, i);
        assert_true(r.done);
        assert_int_equal(r.threads, threads[i]);
        assert_int_equal(r.state_hash, ref_state);
        assert_int_equal(r.mesh_hash, ref_mesh);
        assert_true(r.step_ms > 0 && r.steps_per_s > 0 && r.speedup > 0);
        char json[512];
        assert_true(lab_row_json(&r, json, sizeof json) > 0 && strstr(json, "\"state_hash\":\""));
    }
    assert_true(lab_row(lab, 0).speedup == 1.0); /* the 1-thread row is the base */
    lab_destroy(lab);
    assert_int_equal(hash_state(pool, s.grid, s.u, s.v), live);
    assert_int_equal(s.step, step);
    assert_int_equal(pool_active(pool), 2);
    /* the state goes on exactly as one never labbed */
    assert_true(gs_step(&s, pool, K, NULL, err, sizeof err));
    gs_sim_t t;
    make_sim(&t, pool);
    assert_true(gs_step(&t, pool, K, NULL, err, sizeof err));
    assert_int_equal(hash_state(pool, s.grid, s.u, s.v), hash_state(pool, t.grid, t.u, t.v));
    assert_memory_equal(s.ranges, t.ranges, chunk_count(s.layout) * sizeof(chunk_range_t));
    gs_free(&t);

    /* a cancel mid-way restores it too */
    live = hash_state(pool, s.grid, s.u, s.v);
    lab = lab_create(&s, pool, &d, err, sizeof err);
    assert_non_null(lab);
    assert_int_equal(lab_advance(lab, 0.01, err, sizeof err), LAB_RUNNING);
    lab_destroy(lab);
    assert_int_equal(hash_state(pool, s.grid, s.u, s.v), live);

    /* bad descriptions */
    const int bad[] = {4};
    assert_null(lab_create(&s, pool, &(lab_desc_t){bad, 1, K, view}, err, sizeof err));
    assert_non_null(strstr(err, "must be 1..3"));
    assert_null(lab_create(&s, pool, &(lab_desc_t){threads, 0, K, view}, err, sizeof err));
    assert_null(lab_create(&s, pool, &(lab_desc_t){threads, 1, LAB_MAX_STEPS + 1, view}, err, sizeof err));
    int out[LAB_MAX_ROWS];
    assert_int_equal(lab_parse_threads("1,2,4,8", 8, out, LAB_MAX_ROWS), 4);
    assert_int_equal(out[3], 8);
    assert_int_equal(lab_parse_threads("1,,2", 8, out, LAB_MAX_ROWS), 0);
    assert_int_equal(lab_parse_threads("1,9", 8, out, LAB_MAX_ROWS), 0);
    assert_int_equal(lab_parse_threads("", 8, out, LAB_MAX_ROWS), 0);
    gs_free(&s);
    pool_destroy(pool);
}

static void test_trace_spans(void **state) {
    (void)state;
    char err[256] = "";
    pool_t *pool = make_pool(T);
    gs_sim_t s;
    make_sim(&s, pool);
    pool_trace_clear(pool);
    uint64_t t0 = pool_span_begin(pool);
    pool_span_end(pool, POOL_PHASE_PAINT, t0);
    assert_true(trace_seed_fill(&s, pool, SEED_SPHERES, 3, err, sizeof err));
    assert_true(trace_gs_step(&s, pool, 30, NULL, err, sizeof err));
    mc_mesher_t *m = mc_mesher_create();
    assert_true(trace_mc_mesh(m, pool, s.grid, s.v, s.u, s.ranges, &view, err, sizeof err));
    assert_true(trace_mc_mesh(m, pool, s.grid, s.v, s.u, NULL, &view, err, sizeof err));
    trace_hash_state(pool, s.grid, s.u, s.v);
    bool seen[POOL_PHASE_COUNT] = {0};
    pool_event_t *ev = malloc(sizeof *ev * POOL_TRACE_EVENTS);
    for (int w = 0; w < T; w++) {
        int n = pool_trace_events(pool, w, 0, ev, POOL_TRACE_EVENTS);
        if (w == 0) assert_true(n > 0);
        for (int i = 0; i < n; i++) {
            assert_true(ev[i].t0_ns <= ev[i].t1_ns);
            assert_true(ev[i].phase > POOL_PHASE_OTHER && ev[i].phase < POOL_PHASE_COUNT);
            seen[ev[i].phase] = true;
            if (i) assert_true(ev[i - 1].t1_ns <= ev[i].t1_ns); /* in order of their end */
            /* proper nesting: any two spans are disjoint or one holds the other */
            for (int j = i > 64 ? i - 64 : 0; j < i; j++) {
                const pool_event_t *a = &ev[j], *b = &ev[i];
                bool disjoint = a->t1_ns <= b->t0_ns || b->t1_ns <= a->t0_ns;
                bool inside = b->t0_ns <= a->t0_ns && a->t1_ns <= b->t1_ns; /* a ended first */
                assert_true(disjoint || inside);
                if (inside && !disjoint) assert_true(a->depth > b->depth);
            }
        }
        /* since: only spans ending at or after it */
        if (n > 2) {
            int k = pool_trace_events(pool, w, ev[n - 2].t1_ns, ev, POOL_TRACE_EVENTS);
            assert_true(k >= 2 && k < n);
        }
    }
    for (int p = POOL_PHASE_STEP; p < POOL_PHASE_COUNT; p++)
        if (!seen[p]) fail_msg("no span of phase %s", pool_phase_name(p));
    /* the export: one tid per worker, every phase named */
    size_t len = 0;
    char *doc = trace_json(pool, 0, &len, err, sizeof err);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    assert_non_null(strstr(doc, "{\"traceEvents\":["));
    for (int p = POOL_PHASE_STEP; p < POOL_PHASE_COUNT; p++) {
        char name[64];
        snprintf(name, sizeof name, "\"name\":\"%s\",\"cat\":\"pool\",\"ph\":\"X\"", pool_phase_name(p));
        assert_non_null(strstr(doc, name));
    }
    free(doc);
    /* off: nothing new is recorded */
    pool_trace_clear(pool);
    pool_trace_enable(pool, false);
    assert_true(trace_gs_step(&s, pool, 3, NULL, err, sizeof err));
    for (int w = 0; w < T; w++) assert_int_equal(pool_trace_events(pool, w, 0, ev, POOL_TRACE_EVENTS), 0);
    free(ev);
    mc_mesher_destroy(m);
    gs_free(&s);
    pool_destroy(pool);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recording_changes_no_hash),
        cmocka_unit_test(test_lab_rows_and_restore),
        cmocka_unit_test(test_trace_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
