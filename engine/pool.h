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
    int phase;             /* private to the pool: the spawner's trace phase */
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

/* ---- trace: what each worker ran, when (the page's timeline, rdsim --trace) --------
 * Every worker writes only its own fixed-size ring of POOL_TRACE_EVENTS spans (no
 * lock, no allocation: the rings are allocated by pool_create); the oldest are
 * overwritten. A span is one uninterrupted stretch of one job's pieces on one worker
 * (from taking a range, or stealing it, until its own pieces are done; waiting for
 * stolen halves is not in it), or a serial stretch of the owner (pool_span_*). Spans
 * of a worker nest properly (a nested job's span lies inside its parent's). Jobs are
 * labelled by the caller's phase (pool_phase_*); labels never change what runs.
 * Back-to-back spans of one phase (gap <= POOL_TRACE_JOIN_NS) are joined into one.
 * Recording is on from creation; it costs two clock reads per span. */
enum { POOL_TRACE_EVENTS = 1 << 16 };
/* Spans of one phase and depth less than this apart are recorded as one (not a steal). */
#define POOL_TRACE_JOIN_NS 20000u

typedef enum pool_phase_t {
    POOL_PHASE_OTHER = 0,
    POOL_PHASE_STEP,        /* Gray-Scott step (the fused pass) */
    POOL_PHASE_MERGE,       /* merging the step's plane ranges into chunk ranges */
    POOL_PHASE_MC_RANGES,   /* meshing: chunk ranges (when not given) */
    POOL_PHASE_MC_CLASSIFY, /* meshing pass 1 */
    POOL_PHASE_MC_FILL,     /* meshing pass 2 */
    POOL_PHASE_MC_SCALAR,   /* meshing pass 3: the colouring scalar */
    POOL_PHASE_HASH,        /* state hash */
    POOL_PHASE_SEED,        /* seeding a new state */
    POOL_PHASE_PAINT,       /* painting (serial, on the owner) */
    POOL_PHASE_COUNT
} pool_phase_t;

/* How pool_phase_begin_seq labels the owner's following top-level jobs: */
typedef enum pool_seq_t {
    POOL_SEQ_BY_BODY,  /* a job gets phases[k], k = how many distinct body functions came before its own */
    POOL_SEQ_BY_ORDER, /* the k-th job gets phases[k] */
} pool_seq_t;          /* (k past the list: its last entry) */

/* A stable short name ("step", "merge", "mc_classify", ...); "other" for unknown ids. */
const char *pool_phase_name(int phase);

/* Labels the jobs the owner starts from now on with `phase` (nested jobs and spawned
 * tasks take their parent's label), until pool_phase_end. Owner only, between jobs.
 * The _seq form labels a run of jobs one after the other (up to 8 phases). NULL pool:
 * no-op. Labels only name spans; scheduling and results are unchanged. */
void pool_phase_begin(pool_t *pool, int phase);
void pool_phase_begin_seq(pool_t *pool, pool_seq_t mode, const int *phases, int n);
void pool_phase_end(pool_t *pool);

/* A serial span on the owner's lane (worker 0), outside jobs: t0 = pool_span_begin(),
 * then pool_span_end(pool, phase, t0). NULL pool: no-op. */
uint64_t pool_span_begin(pool_t *pool);
void pool_span_end(pool_t *pool, int phase, uint64_t t0);

typedef struct pool_event_t {
    uint64_t t0_ns, t1_ns; /* plat_now_ns() clock */
    int phase;             /* pool_phase_t */
    int depth;             /* nesting depth on its worker, 0 = outermost */
    bool stolen;           /* the span began with a steal from another worker */
} pool_event_t;

/* Turns recording on or off (on at creation), e.g. to measure its cost. Owner only,
 * between jobs. pool_trace_clear forgets every recorded span. */
void pool_trace_enable(pool_t *pool, bool on);
bool pool_trace_enabled(const pool_t *pool);
void pool_trace_clear(pool_t *pool);
/* The clock value (plat_now_ns) at pool_create: the trace's time origin. */
uint64_t pool_trace_origin_ns(const pool_t *pool);
/* Copies worker w's recorded spans that end at or after since_ns, in the order they
 * ended (oldest first), at most cap of them (the newest cap); returns how many.
 * Owner only, between jobs (every span of a finished job is visible then). */
int pool_trace_events(const pool_t *pool, int worker, uint64_t since_ns, pool_event_t *out, int cap);

#endif
