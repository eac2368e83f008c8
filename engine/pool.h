/* pool: a work-stealing fork-join thread pool (Chase-Lev deques, random victims).
 *
 * One pool runs the three hot phases (Gray-Scott step, chunk min/max, marching
 * cubes) in the browser's compute worker and in the native build. The thread that
 * calls pool_create() takes part as worker 0 and must be the only thread that
 * calls pool_parallel_for()/pool_set_active()/pool_destroy() from outside the pool.
 * Scheduling decides only WHO runs a piece, never how results combine: callers
 * that need determinism partition by fixed indices and merge in a fixed order.
 * Pool threads never do I/O (emscripten 3.1.6 proxies it to a thread that may be
 * blocked waiting on them).
 */
#ifndef POOL_H
#define POOL_H

#include <stdbool.h>
#include <stdint.h>

enum { POOL_MAX_THREADS = 64 };

typedef struct pool_t pool_t;

typedef struct pool_desc_t {
    int threads; /* total workers including the caller; 0 = plat_cpu_count(), capped at POOL_MAX_THREADS */
} pool_desc_t;

/* Body of a parallel-for: handles [begin, end). `worker` is the index (0..size-1) of
 * the thread running it, for per-worker scratch. Must not do I/O. */
typedef void (*pool_range_fn)(void *ctx, int64_t begin, int64_t end, int worker);

/* A spawned task. Caller-owned (usually on the stack); valid until pool_sync returns. */
typedef void (*pool_task_fn)(void *arg);
typedef struct pool_task_t {
    pool_task_fn fn;
    void *arg;
    _Atomic uint32_t done; /* private to the pool (a futex word) */
} pool_task_t;

/* Per-worker statistics, cumulative since creation; cheap enough to stay on. */
typedef struct pool_stats_t {
    uint64_t tasks_run;
    uint64_t steals_attempted;
    uint64_t steals_succeeded;
    uint64_t busy_ns;
    uint64_t idle_ns;
} pool_stats_t;

/* Creates the pool and starts its threads (all of them, now). NULL on failure
 * (reason written to `err` when err != NULL, up to err_len bytes). */
pool_t *pool_create(const pool_desc_t *desc, char *err, int err_len);
/* Finishes any work in flight, joins the threads, frees. NULL is a no-op. */
void pool_destroy(pool_t *pool);

int pool_size(const pool_t *pool);   /* threads created, including the caller */
int pool_active(const pool_t *pool); /* threads currently allowed to take work */
/* Changes the active thread count (clamped to 1..size) at run time; inactive
 * threads sleep and take no part in later jobs (the call waits, microseconds, until
 * they have stopped). Returns the new count. Call from the owner thread, between jobs. */
int pool_set_active(pool_t *pool, int n);

/* Runs fn over [begin, end) and returns when all of it ran. Ranges are split lazily
 * (a worker splits off half its range only when others are hungry) down to `grain`
 * items (grain <= 0 means 1). May be called from inside a pool task (nested); from
 * outside the pool only by the owner (asserted). pool NULL: one call
 * fn(ctx, begin, end, 0) on the caller, so callers need no serial branch. */
void pool_parallel_for(pool_t *pool, int64_t begin, int64_t end, int64_t grain,
                       pool_range_fn fn, void *ctx);

/* Pushes a task that any worker may run; pool_sync waits for it, running other
 * work meanwhile. Spawn and sync must pair up in LIFO order on the same thread,
 * inside a pool job (pool_parallel_for body or pool_run); misuse is a programmer
 * error (assert). pool NULL: spawn runs the task at once and sync returns. */
void pool_spawn(pool_t *pool, pool_task_t *task, pool_task_fn fn, void *arg);
void pool_sync(pool_t *pool, pool_task_t *task);

/* Runs fn(arg) as a pool job on the caller (worker 0) so it may spawn/sync. */
void pool_run(pool_t *pool, pool_task_fn fn, void *arg);

/* Copies worker i's statistics (0 <= i < size). Safe while the pool runs
 * (relaxed reads: each field is consistent, the set is approximate). */
void pool_get_stats(const pool_t *pool, int worker, pool_stats_t *out);
void pool_reset_stats(pool_t *pool);

#endif
