/* trace: the pool's timeline (pool.h's trace rings) labelled by phase, and exported.
 *
 * The trace_ wrappers run a Gray-Scott step, a mesh, a hash or a seeding exactly as
 * the functions they wrap (same arguments, same results, same bits) with the pool's
 * jobs labelled by phase, so the timeline says what ran: gs_step's jobs are "step"
 * and "merge" (by body function, in the order gs.c runs them), mc_mesh's passes are
 * "mc_ranges" (only when no ranges are given), "mc_classify", "mc_fill" and
 * "mc_scalar" (in the order mc.c runs them). Painting is a serial span on the
 * owner's lane (api.c).
 *
 * trace_json writes the Trace Event Format (the JSON object form, which Perfetto UI
 * and chrome://tracing open as they are): {"traceEvents":[...], ...} with one tid per
 * worker (its thread_name "worker N"), a complete event (ph "X", ts and dur in
 * microseconds since the pool started, name = the phase) per span and an instant
 * event (ph "i", name "steal") where a span began with a steal; per worker the events
 * are in order of ts (a parent before the spans nested in it).
 * Thread-safety: as the functions wrapped (the pool's owner, between jobs).
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gs.h"
#include "mc.h"
#include "pool.h"
#include "seed.h"

bool trace_gs_step(gs_sim_t *sim, pool_t *pool, int64_t n, gs_timing_t *timing, char *err, int err_len);
bool trace_gs_step_for(gs_sim_t *sim, pool_t *pool, int64_t n, double budget_ms, int64_t *done, gs_timing_t *timing,
                       char *err, int err_len);
bool trace_mc_mesh(mc_mesher_t *m, pool_t *pool, grid_t g, const float *v, const float *u_or_null,
                   const chunk_range_t *ranges, const mc_desc_t *desc, char *err, int err_len);
uint64_t trace_hash_state(pool_t *pool, grid_t g, const void *u, const void *v);
bool trace_seed_fill(gs_sim_t *sim, pool_t *pool, seed_mode_t mode, uint64_t seed, char *err, int err_len);

/* The spans recorded since since_ns (plat_now_ns clock; 0: all the rings hold) as a
 * Trace Event Format document, NUL-terminated, in a malloc'd buffer the caller frees;
 * *len (may be NULL) gets its length. NULL when out of memory (reason in err). */
char *trace_json(const pool_t *pool, uint64_t since_ns, size_t *len, char *err, int err_len);

#endif
