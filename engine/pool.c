/* pool: work-stealing fork-join pool. See pool.h for the contract.
 *
 * ALGORITHM
 * - Every worker owns a Chase-Lev deque (deque.h) of pool_task_t pointers. The
 *   creating thread is worker 0: it runs jobs (pool_parallel_for/pool_run) itself
 *   and only acts as a worker while inside one. Workers 1..size-1 are pthreads
 *   created in pool_create (in WASM: from the owner, i.e. the runtime's main thread).
 * - pool_spawn pushes at the bottom of the caller's deque; pool_sync takes it back
 *   if no thief stole it (LIFO pairing means it is then exactly the newest item).
 *   If it was stolen, the deque is empty (thieves take the oldest first), so the
 *   syncing worker waits: briefly without bookkeeping (a short fork-join ends here),
 *   then as a hungry worker that steals from random victims (leapfrogging), and
 *   after SYNC_SPIN_NS asleep on the task's `done` word (a futex; the thief's
 *   exchange to FINISHED sees the SLEEPER mark and wakes it).
 * - pool_parallel_for runs its range in grain-sized pieces and, between pieces,
 *   splits off the upper half of what remains (pushes it as a task) only when some
 *   worker is hungry (pool.idle > 0) and its own deque is empty: lazy binary
 *   splitting (Tzannes et al.). Split halves are synced in LIFO order at the end,
 *   at most log2(len/grain)+1 of them per range (a VLA on the stack). Nested calls
 *   run on the calling worker. A full deque just means "do not split / run inline".
 * - Idle workers steal from random victims (xorshift PRNG per worker): spin with a
 *   pause hint, then also yield, for SPIN_NS, then sleep on pool.epoch.
 * - pool_set_active(n): workers >= n park on their own futex word (park_seq), so a
 *   push's wake-one never lands on a parked worker. Between jobs the owner waits
 *   until each deactivated worker has acknowledged (`parked`), so none of them
 *   takes part in later jobs; parked workers hold no work (they park only from the
 *   idle loop, with an empty deque), so nothing is lost.
 *
 * NO LOST WAKE-UPS (an event count)
 *   sleeper: e = epoch; sleepers += 1; fence(seq_cst); if work visible or state
 *            changed: sleepers -= 1, retry; else plat_wait(&epoch, e)
 *   pusher:  push (release store of bottom); fence(seq_cst);
 *            if sleepers > 0: epoch += 1; plat_wake(&epoch, 1)
 *   The two seq_cst fences order each side's write before its read, so either the
 *   sleeper sees the pushed item or the pusher sees the sleeper; in the latter case
 *   the epoch changes after the sleeper read it, so its futex wait cannot block.
 *   pool_set_active and pool_destroy change their flag, then bump epoch and park_seq
 *   and wake all; `parked` vs `active` is the same store/load pairing (seq_cst).
 *
 * MEMORY ORDERS
 * - Deque: see deque.h (the paper's fences; release/acquire on bottom).
 * - A task's fields are written before its push and read by a thief after it
 *   acquired `bottom`; the thief's results reach the syncer through the acq_rel
 *   exchange of `done` and the syncer's acquire load of it. After that exchange the
 *   thief touches only the word's address (a futex wake), never the task memory.
 * - Statistics are per-worker counters written only by their worker (relaxed load
 *   + store, no RMW), read relaxed by anyone: each field is exact and monotonic,
 *   the set is not a snapshot. pool_reset_stats records a baseline instead of
 *   writing the counters. Busy/idle time is taken at transitions, reusing the last
 *   clock value read while idle, so no clock read delays a stolen task.
 * - pool.idle (hungry workers) is a relaxed heuristic: it only decides splitting.
 * - No I/O anywhere in this file: pool threads must not block on the main thread.
 * - Trace rings: each worker writes only its own ring (plain stores of the span, then
 *   a release store of its head). Spans are recorded before a task's `done` exchange
 *   (a range span before run_range's final syncs), so the owner, after a job, sees
 *   every span of it; pool_trace_events is for the owner between jobs only.
 *
 * TRACE SPANS
 *   run_range: one span from taking a range (or stealing it: `steal_start`) until its
 *   own pieces ran, before syncing the split halves (a half taken back runs as its
 *   own span; waiting for a stolen one is a gap). A stolen non-range task, a pool_run
 *   job and pool_span_* are one span each. Every span begins and ends in one C frame
 *   on one thread, so the spans of a worker nest; `depth` counts the open ones.
 *
 * PROGRAMMER ERRORS are asserts (live unless NDEBUG), none in a per-item loop: a
 * spawn outside a job of its pool, a sync with no spawn of this thread pending or
 * out of LIFO order (when the newer task is still in the deque), a job that ends or
 * a stolen task that returns with spawns not synced, and a job entered, or
 * pool_set_active/pool_destroy called, by a thread other than the owner.
 */
#include "pool.h"

#include <assert.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>

#include "deque.h"
#include "err.h"
#include "plat.h"

enum {
    SPIN_NS = 200 * 1000,       /* idle worker: spin this long before sleeping */
    SYNC_SPIN_NS = 500 * 1000,  /* sync on a stolen task: help this long, then sleep */
    YIELD_AFTER = 64,           /* failed steal rounds before spinning with sched_yield */
    CLOCK_EVERY = 16,           /* failed rounds between clock reads while spinning */
    SYNC_FAST_SPINS = 32,       /* sync: rounds of plain waiting before signalling hunger */
    START_TIMEOUT_NS = 2000 * 1000 * 1000, /* pool_create: threads must be running by then */
    DONE_PENDING = 0, DONE_FINISHED = 1, DONE_SLEEPER = 2, /* pool_task_t.done values */
};

typedef struct worker_stats_t {
    _Atomic uint64_t v[5]; /* tasks_run, steals_attempted, steals_succeeded, busy_ns, idle_ns */
} worker_stats_t;
enum { ST_TASKS, ST_ATTEMPTS, ST_STEALS, ST_BUSY, ST_IDLE, ST_COUNT };

typedef struct trace_ev_t {
    uint64_t t0, t1;
    uint8_t phase, depth, stolen, pad[5];
} trace_ev_t;

typedef struct worker_t {
    deque_t dq;
    alignas(64) struct pool_t *pool;
    int id;
    int spawned;        /* spawns (and range splits) of this thread not yet synced: misuse checks */
    uint32_t rng;
    bool busy;          /* stats state: counting busy (true) or idle time */
    uint64_t since_ns;  /* start of the current busy/idle period */
    pthread_t thread;
    bool started;
    _Atomic bool parked;  /* inactive and acknowledged it: steals nothing until reactivated */
    _Atomic bool running; /* its thread has started (in WASM a thread may start late) */
    worker_stats_t stats;
    worker_stats_t base; /* baseline set by pool_reset_stats */
    trace_ev_t *ring;    /* POOL_TRACE_EVENTS spans, written only by this worker */
    _Atomic uint64_t ring_head; /* spans written so far */
    uint64_t ring_cleared;      /* owner's: ring_head at the last pool_trace_clear */
    int phase;           /* label of the innermost open span (spawned tasks take it) */
    int depth;           /* open spans */
    bool steal_start;    /* the next span begins with a steal */
} worker_t;

enum { SEQ_MAX = 8 };

struct pool_t {
    alignas(64) _Atomic int idle;        /* active workers looking for work */
    alignas(64) _Atomic int sleepers;    /* workers asleep on epoch */
    alignas(64) _Atomic uint32_t epoch;  /* futex word of idle sleepers: bumped on push-with-sleepers and state changes */
    alignas(64) _Atomic uint32_t park_seq; /* futex word of parked (inactive) workers: bumped on state changes */
    _Atomic int active;
    _Atomic bool shutdown;
    int size;
    pthread_t owner;   /* the creating thread: the only one that may enter a job from outside */
    worker_t *workers; /* size entries, 64-byte aligned */
    trace_ev_t *rings; /* size * POOL_TRACE_EVENTS */
    _Atomic bool trace_on;
    uint64_t origin_ns;
    /* the owner's labels for its next top-level jobs (pool_phase_*) */
    int phase;
    int seq_mode, seq_n, seq_k, seq_nfns;
    int seq[SEQ_MAX];
    uintptr_t seq_fns[SEQ_MAX];
};

/* The worker the current thread is acting as (NULL outside any pool job). */
static _Thread_local worker_t *tls_worker;

/* ---- statistics ------------------------------------------------------------------- */

static inline void stat_add(worker_t *w, int i, uint64_t n) {
    _Atomic uint64_t *p = &w->stats.v[i];
    atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + n, memory_order_relaxed);
}

/* Switches the worker's time accounting to busy or idle at time `now`. Callers
 * pass the clock value they last read while idle (read every CLOCK_EVERY rounds),
 * so that no clock read sits between finding work and running it: the busy/idle
 * split is approximate by at most a few spin rounds, their sum is exact. */
static inline void stat_switch(worker_t *w, bool busy, uint64_t now) {
    if (w->busy == busy) return;
    if (now > w->since_ns) {
        stat_add(w, w->busy ? ST_BUSY : ST_IDLE, now - w->since_ns);
        w->since_ns = now;
    }
    w->busy = busy;
}

/* ---- trace ------------------------------------------------------------------------ */

static inline void trace_put(worker_t *w, uint64_t t0, uint64_t t1, int phase, bool stolen) {
    uint64_t h = atomic_load_explicit(&w->ring_head, memory_order_relaxed);
    const int depth = w->depth > 255 ? 255 : w->depth;
    if (h > w->ring_cleared && !stolen) {
        /* Back-to-back spans of one phase at one depth (the halves of a range taken
         * back, the next step's job) extend the last one, so the rings hold seconds.
         * It is this worker's own last span, not read before the job ends. */
        trace_ev_t *last = &w->ring[(h - 1) & (POOL_TRACE_EVENTS - 1)];
        if (last->phase == phase && last->depth == depth && t0 >= last->t1 && t0 - last->t1 <= POOL_TRACE_JOIN_NS) {
            last->t1 = t1;
            return;
        }
    }
    trace_ev_t *e = &w->ring[h & (POOL_TRACE_EVENTS - 1)];
    e->t0 = t0;
    e->t1 = t1;
    e->phase = (uint8_t)phase;
    e->depth = (uint8_t)depth;
    e->stolen = stolen;
    atomic_store_explicit(&w->ring_head, h + 1, memory_order_release);
}

static inline bool trace_on(const struct pool_t *p) {
    return atomic_load_explicit(&((struct pool_t *)p)->trace_on, memory_order_relaxed);
}

/* The label of the owner's next top-level job with body fn (pool_phase_*). */
static int next_label(struct pool_t *p, uintptr_t fn) {
    if (p->seq_n == 0) return p->phase;
    int k;
    if (p->seq_mode == POOL_SEQ_BY_ORDER) {
        k = p->seq_k < SEQ_MAX ? p->seq_k++ : SEQ_MAX;
    } else {
        for (k = 0; k < p->seq_nfns && p->seq_fns[k] != fn; k++) {}
        if (k == p->seq_nfns && k < SEQ_MAX) p->seq_fns[p->seq_nfns++] = fn;
    }
    return p->seq[k < p->seq_n ? k : p->seq_n - 1];
}

/* ---- waking ----------------------------------------------------------------------- */

static inline void wake_if_sleepers(struct pool_t *p) {
    DEQUE_SC_FENCE(); /* push's store of bottom | load of sleepers (see the header) */
    if (atomic_load_explicit(&p->sleepers, DEQUE_FENCED(memory_order_relaxed)) > 0) {
        atomic_fetch_add_explicit(&p->epoch, 1, memory_order_seq_cst);
        plat_wake(&p->epoch, 1);
    }
}

/* After a change of `active` or `shutdown`: every sleeper re-checks. Parked workers
 * wait on their own word so that a push's wake-one never lands on one of them. */
static void wake_all(struct pool_t *p) {
    atomic_fetch_add_explicit(&p->epoch, 1, memory_order_seq_cst);
    plat_wake(&p->epoch, -1);
    atomic_fetch_add_explicit(&p->park_seq, 1, memory_order_seq_cst);
    plat_wake(&p->park_seq, -1);
}

static inline bool push_task(worker_t *w, pool_task_t *t) {
    if (!deque_push(&w->dq, t)) return false;
    wake_if_sleepers(w->pool);
    return true;
}

/* ---- stealing --------------------------------------------------------------------- */

static inline uint32_t xorshift32(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* One steal attempt from a random other worker (among the active ones). */
static pool_task_t *steal_one(worker_t *w) {
    struct pool_t *p = w->pool;
    int n = atomic_load_explicit(&p->active, memory_order_relaxed);
    int v;
    if (w->id < n) {
        if (n < 2) return NULL;
        v = (int)(xorshift32(&w->rng) % (uint32_t)(n - 1));
        if (v >= w->id) v++;
    } else {
        v = (int)(xorshift32(&w->rng) % (uint32_t)n);
    }
    stat_add(w, ST_ATTEMPTS, 1);
    pool_task_t *t = deque_steal(&p->workers[v].dq);
    if (t) stat_add(w, ST_STEALS, 1);
    return t;
}

static bool any_work(struct pool_t *p) {
    for (int i = 0; i < p->size; i++)
        if (deque_size(&p->workers[i].dq) > 0) return true;
    return false;
}

static void range_task(void *arg);

/* Runs a task this worker stole and signals its syncer. */
static void run_stolen(worker_t *w, pool_task_t *t) {
    const int spawned = w->spawned;
    if (t->fn == range_task) {
        w->steal_start = true; /* run_range's span says so */
        t->fn(t->arg);
    } else {
        stat_add(w, ST_TASKS, 1);
        const bool tr = trace_on(w->pool);
        const uint64_t t0 = tr ? plat_now_ns() : 0;
        const int saved = w->phase;
        w->phase = t->phase;
        w->depth++;
        t->fn(t->arg);
        w->depth--;
        w->phase = saved;
        if (tr) trace_put(w, t0, plat_now_ns(), t->phase, true);
    }
    assert(w->spawned == spawned && "pool: a task returned with spawned tasks not synced");
    (void)spawned;
    /* Release: the task's effects happen-before the syncer's acquire of done. After
     * the exchange the task's memory may be gone; only its address is used below
     * (a futex wake on a stale address at worst wakes someone spuriously). */
    uint32_t old = atomic_exchange_explicit(&t->done, DONE_FINISHED, memory_order_acq_rel);
    if (old == DONE_SLEEPER) plat_wake(&t->done, -1);
}

/* ---- spawn / sync ----------------------------------------------------------------- */

void pool_spawn(pool_t *pool, pool_task_t *task, pool_task_fn fn, void *arg) {
    task->fn = fn;
    task->arg = arg;
    atomic_store_explicit(&task->done, DONE_PENDING, memory_order_relaxed);
    worker_t *w = tls_worker;
    task->phase = w ? w->phase : POOL_PHASE_OTHER;
    const bool in_job = pool && w && w->pool == pool;
    assert((!pool || in_job) && "pool_spawn: outside a job of this pool (pool_parallel_for body or pool_run)");
    if (in_job) w->spawned++;
    if (!in_job || !push_task(w, task)) {
        /* NULL pool (or, NDEBUG, outside a job) or deque full: run it now; pool_sync
         * then finds it done. */
        if (in_job) stat_add(w, ST_TASKS, 1);
        fn(arg);
        atomic_store_explicit(&task->done, DONE_FINISHED, memory_order_relaxed);
    }
}

static inline bool task_done(pool_task_t *t) {
    return atomic_load_explicit(&t->done, memory_order_acquire) == DONE_FINISHED;
}

/* Waits for a stolen task: first briefly (a short fork-join finishes here, with no
 * bookkeeping), then as a hungry worker that steals other work meanwhile, and
 * after SYNC_SPIN_NS asleep on the task's done word. */
static void wait_stolen(worker_t *w, pool_task_t *task) {
    for (int i = 0; i < SYNC_FAST_SPINS; i++) {
        if (task_done(task)) return;
        plat_cpu_relax();
    }
    struct pool_t *p = w->pool;
    uint64_t seen = plat_now_ns(), start = seen;
    stat_switch(w, false, seen);
    atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
    unsigned rounds = 0;
    while (!task_done(task)) {
        pool_task_t *t = steal_one(w);
        if (t) {
            atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            stat_switch(w, true, seen);
            run_stolen(w, t);
            seen = start = plat_now_ns();
            stat_switch(w, false, seen);
            atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
            rounds = 0;
            continue;
        }
        if (++rounds < YIELD_AFTER) {
            if (rounds % CLOCK_EVERY == 0) seen = plat_now_ns();
            plat_cpu_relax();
            continue;
        }
        plat_yield();
        seen = plat_now_ns();
        if (seen - start < SYNC_SPIN_NS) continue;
        /* Sleep on the task's done word until the thief finishes it. */
        uint32_t expect = DONE_PENDING;
        if (atomic_compare_exchange_strong_explicit(&task->done, &expect, DONE_SLEEPER,
                                                    memory_order_acq_rel, memory_order_acquire) ||
            expect == DONE_SLEEPER) {
            atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            while (atomic_load_explicit(&task->done, memory_order_acquire) == DONE_SLEEPER)
                plat_wait(&task->done, DONE_SLEEPER, -1);
            atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
            seen = plat_now_ns();
        }
    }
    atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
    stat_switch(w, true, seen);
}

void pool_sync(pool_t *pool, pool_task_t *task) {
    worker_t *w = tls_worker;
    if (pool) {
        const bool in_job = w && w->pool == pool;
        assert(in_job && "pool_sync: outside a job of this pool");
        assert((!in_job || w->spawned > 0) && "pool_sync: no spawn of this thread left to sync");
        if (in_job) w->spawned--;
    }
    if (atomic_load_explicit(&task->done, memory_order_acquire) == DONE_FINISHED) return;
    if (!w) { /* misuse (NDEBUG: sync outside the job that spawned): just wait for it */
        while (!task_done(task)) plat_yield();
        return;
    }
    pool_task_t *t = deque_take(&w->dq);
    if (t) {
        /* Not stolen: by LIFO pairing the newest item is this task. */
        if (t == task) {
            if (t->fn != range_task) stat_add(w, ST_TASKS, 1);
            t->fn(t->arg);
            return;
        }
        assert(!"pool_sync: out of LIFO order (a newer spawn is not synced yet)");
        /* NDEBUG: keep the item, wait for ours. */
        deque_push(&w->dq, t);
    }
    wait_stolen(w, task);
}

/* ---- parallel for ----------------------------------------------------------------- */

typedef struct range_job_t {
    pool_range_fn fn;
    void *ctx;
    int64_t grain;
    int phase;  /* trace label */
    bool trace; /* recording was on when the job began */
} range_job_t;

typedef struct range_split_t {
    pool_task_t task;
    const range_job_t *job;
    int64_t begin, end;
} range_split_t;

static void run_range(worker_t *w, const range_job_t *job, int64_t b, int64_t e);

static void range_task(void *arg) {
    range_split_t *s = arg;
    run_range(tls_worker, s->job, s->begin, s->end);
}

static inline bool hungry(worker_t *w) {
    return atomic_load_explicit(&w->pool->idle, memory_order_relaxed) > 0 && deque_size(&w->dq) == 0;
}

static void run_range(worker_t *w, const range_job_t *job, int64_t b, int64_t e) {
    const int64_t grain = job->grain;
    /* Each split halves the range, so log2(len/grain)+1 slots are enough. */
    uint64_t q = (uint64_t)(e - b) / (uint64_t)grain;
    int max_splits = 1;
    while (q > 1) {
        q >>= 1;
        max_splits++;
    }
    range_split_t splits[max_splits];
    int n = 0;
    const bool stolen = w->steal_start;
    w->steal_start = false;
    const uint64_t t0 = job->trace ? plat_now_ns() : 0;
    const int saved = w->phase;
    w->phase = job->phase;
    w->depth++;
    while (b < e) {
        int64_t len = e - b;
        if (len > grain && n < max_splits && hungry(w)) {
            range_split_t *s = &splits[n];
            int64_t mid = b + len / 2;
            s->job = job;
            s->begin = mid;
            s->end = e;
            s->task.fn = range_task;
            s->task.arg = s;
            atomic_store_explicit(&s->task.done, DONE_PENDING, memory_order_relaxed);
            if (push_task(w, &s->task)) {
                w->spawned++; /* synced below, like a spawn */
                n++;
                e = mid;
                continue;
            }
        }
        int64_t ce = len > grain ? b + grain : e;
        job->fn(job->ctx, b, ce, w->id);
        stat_add(w, ST_TASKS, 1);
        b = ce;
    }
    w->depth--;
    w->phase = saved;
    if (job->trace) trace_put(w, t0, plat_now_ns(), job->phase, stolen);
    while (n > 0) pool_sync(w->pool, &splits[--n].task);
}

/* A job entered from outside the pool: the owner thread becomes worker 0 for its
 * duration. (The previous thread identity is restored afterwards, so a task of
 * another pool may use this one as its owner.) */
typedef struct job_scope_t {
    worker_t *entered; /* NULL: already inside this pool, nothing to undo */
    worker_t *saved;
} job_scope_t;

static job_scope_t job_enter(pool_t *pool) {
    job_scope_t js = {NULL, tls_worker};
    if (tls_worker && tls_worker->pool == pool) return js;
    assert(pthread_equal(pthread_self(), pool->owner) && "pool: a job entered by a thread other than the owner");
    worker_t *w = &pool->workers[0];
    tls_worker = w;
    w->since_ns = plat_now_ns();
    w->busy = true;
    js.entered = w;
    return js;
}

static void job_leave(job_scope_t js) {
    if (!js.entered) return;
    assert(js.entered->spawned == 0 && "pool: a job ended with spawned tasks not synced");
    uint64_t now = plat_now_ns();
    if (now > js.entered->since_ns) stat_add(js.entered, ST_BUSY, now - js.entered->since_ns);
    tls_worker = js.saved;
}

void pool_parallel_for(pool_t *pool, int64_t begin, int64_t end, int64_t grain, pool_range_fn fn,
                       void *ctx) {
    if (!fn || end <= begin) return;
    if (!pool) { /* no pool: run it all here, still a valid partition */
        fn(ctx, begin, end, 0);
        return;
    }
    if ((uint64_t)end - (uint64_t)begin > (uint64_t)INT64_MAX) { /* length overflows int64 */
        int64_t mid = begin / 2 + end / 2;
        pool_parallel_for(pool, begin, mid, grain, fn, ctx);
        pool_parallel_for(pool, mid, end, grain, fn, ctx);
        return;
    }
    job_scope_t js = job_enter(pool);
    range_job_t job = {fn, ctx, grain > 0 ? grain : 1,
                       js.entered ? next_label(pool, (uintptr_t)fn) : tls_worker->phase, trace_on(pool)};
    run_range(tls_worker, &job, begin, end);
    job_leave(js);
}

void pool_run(pool_t *pool, pool_task_fn fn, void *arg) {
    if (!pool) {
        fn(arg);
        return;
    }
    job_scope_t js = job_enter(pool);
    worker_t *w = tls_worker;
    stat_add(w, ST_TASKS, 1);
    const int phase = js.entered ? next_label(pool, (uintptr_t)fn) : w->phase;
    const bool tr = trace_on(pool);
    const uint64_t t0 = tr ? plat_now_ns() : 0;
    const int saved = w->phase;
    w->phase = phase;
    w->depth++;
    fn(arg);
    w->depth--;
    w->phase = saved;
    if (tr) trace_put(w, t0, plat_now_ns(), phase, false);
    job_leave(js);
}

/* ---- worker threads --------------------------------------------------------------- */

static void *worker_main(void *arg) {
    worker_t *w = arg;
    struct pool_t *p = w->pool;
    tls_worker = w;
    /* Pairs with pool_set_active (store active; load running): a worker it skipped
     * because it had not started yet sees the new active count at its first check. */
    atomic_store_explicit(&w->running, true, memory_order_seq_cst);
    w->since_ns = plat_now_ns();
    w->busy = false;
    bool counted = false; /* included in p->idle */
    uint64_t seen = w->since_ns, spin_start = 0;
    unsigned rounds = 0;
    for (;;) {
        if (atomic_load_explicit(&p->shutdown, memory_order_acquire)) break;
        if (w->id >= atomic_load_explicit(&p->active, memory_order_seq_cst)) {
            if (counted) atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            counted = false;
            atomic_store_explicit(&w->parked, true, memory_order_seq_cst);
            uint32_t e = atomic_load_explicit(&p->park_seq, memory_order_seq_cst);
            if (!atomic_load_explicit(&p->shutdown, memory_order_seq_cst) &&
                w->id >= atomic_load_explicit(&p->active, memory_order_seq_cst))
                plat_wait(&p->park_seq, e, -1);
            seen = plat_now_ns();
            continue;
        }
        if (atomic_load_explicit(&w->parked, memory_order_relaxed)) {
            /* Reactivated. Unpark, then re-check: pairs with pool_set_active (store
             * active; load parked), so a deactivation racing with this is seen by one side. */
            atomic_store_explicit(&w->parked, false, memory_order_seq_cst);
            continue;
        }
        if (!counted) atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
        counted = true;
        pool_task_t *t = steal_one(w);
        if (t) {
            atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            counted = false;
            stat_switch(w, true, seen);
            run_stolen(w, t);
            seen = plat_now_ns();
            stat_switch(w, false, seen);
            rounds = 0;
            spin_start = 0;
            continue;
        }
        if (++rounds < YIELD_AFTER) {
            if (rounds % CLOCK_EVERY == 0) seen = plat_now_ns();
            plat_cpu_relax();
            continue;
        }
        if (rounds % 16 == 0) plat_yield();
        else plat_cpu_relax();
        seen = plat_now_ns();
        if (!spin_start) spin_start = seen;
        if (seen - spin_start < SPIN_NS) continue;
        /* Sleep (event count, see the header comment). Still counted as idle:
         * a sleeping worker is hungry, and pushes wake it. */
        uint32_t e = atomic_load_explicit(&p->epoch, memory_order_seq_cst);
        atomic_fetch_add_explicit(&p->sleepers, 1, memory_order_seq_cst);
        DEQUE_SC_FENCE();
        if (!any_work(p) && !atomic_load_explicit(&p->shutdown, memory_order_seq_cst) &&
            w->id < atomic_load_explicit(&p->active, memory_order_seq_cst))
            plat_wait(&p->epoch, e, -1);
        atomic_fetch_sub_explicit(&p->sleepers, 1, memory_order_seq_cst);
        seen = plat_now_ns();
        rounds = 0;
        spin_start = 0;
    }
    if (counted) atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
    stat_switch(w, !w->busy, plat_now_ns()); /* flush the last period */
    return NULL;
}

/* ---- life cycle ------------------------------------------------------------------- */

static void stop_threads(pool_t *pool) {
    atomic_store_explicit(&pool->shutdown, true, memory_order_seq_cst);
    wake_all(pool);
    for (int i = 1; i < pool->size; i++)
        if (pool->workers[i].started) pthread_join(pool->workers[i].thread, NULL);
}

pool_t *pool_create(const pool_desc_t *desc, char *err, int err_len) {
    int n = desc ? desc->threads : 0;
    if (n < 0) {
        err_set(err, err_len, "pool_create: negative thread count");
        return NULL;
    }
    if (n == 0) n = plat_cpu_count();
    if (n > POOL_MAX_THREADS) n = POOL_MAX_THREADS;
    pool_t *pool = plat_alloc(sizeof *pool);
    worker_t *ws = plat_alloc(sizeof(worker_t) * (size_t)n);
    trace_ev_t *rings = plat_alloc(sizeof(trace_ev_t) * POOL_TRACE_EVENTS * (size_t)n);
    if (!pool || !ws || !rings) {
        plat_free(pool);
        plat_free(ws);
        plat_free(rings);
        err_set(err, err_len, "pool_create: out of memory");
        return NULL;
    }
    pool->size = n;
    pool->owner = pthread_self();
    pool->workers = ws;
    pool->rings = rings;
    pool->origin_ns = plat_now_ns();
    atomic_store(&pool->trace_on, true);
    atomic_store(&pool->active, n);
    for (int i = 0; i < n; i++) {
        deque_init(&ws[i].dq);
        ws[i].ring = rings + (size_t)i * POOL_TRACE_EVENTS;
        ws[i].pool = pool;
        ws[i].id = i;
        ws[i].rng = 0x9e3779b9u * (uint32_t)(i + 1) | 1u;
    }
    for (int i = 1; i < n; i++) {
        if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0) {
            stop_threads(pool);
            plat_free(ws);
            plat_free(rings);
            plat_free(pool);
            err_set(err, err_len, "pool_create: pthread_create failed");
            return NULL;
        }
        ws[i].started = true;
    }
    /* Wait until every thread runs. Natively that is immediate; in WASM a thread
     * beyond the pre-started Web Workers (PTHREAD_POOL_SIZE) would only start once
     * this thread returns to its event loop, and joining it later would hang, so
     * that case fails here with a reason instead. */
    uint64_t deadline = plat_now_ns() + START_TIMEOUT_NS;
    _Atomic uint32_t never = 0;
    for (int i = 1; i < n; i++) {
        while (!atomic_load_explicit(&ws[i].running, memory_order_acquire)) {
            if (plat_now_ns() > deadline) {
                /* Started threads exit and are joined; the others will exit as soon
                 * as they start (shutdown is set), so their memory must stay: leak it. */
                atomic_store_explicit(&pool->shutdown, true, memory_order_seq_cst);
                wake_all(pool);
                for (int j = 1; j < n; j++) {
                    if (atomic_load_explicit(&ws[j].running, memory_order_acquire)) pthread_join(ws[j].thread, NULL);
                    else pthread_detach(ws[j].thread);
                }
                err_set(err, err_len,
                        "pool_create: worker thread %d did not start (WASM: more threads than "
                        "PTHREAD_POOL_SIZE?)", i);
                return NULL;
            }
            plat_wait(&never, 0, 100000); /* 0.1 ms */
        }
    }
    return pool;
}

void pool_destroy(pool_t *pool) {
    if (!pool) return;
    assert(pthread_equal(pthread_self(), pool->owner) && !(tls_worker && tls_worker->pool == pool) &&
           "pool_destroy: only by the owner, outside the pool's jobs");
    /* Jobs run synchronously on the owner, so no work is in flight once the owner
     * calls this; workers may still be finishing a steal attempt or a sleep. */
    stop_threads(pool);
    plat_free(pool->workers);
    plat_free(pool->rings);
    plat_free(pool);
}

int pool_size(const pool_t *pool) {
    return pool ? pool->size : 0;
}

int pool_active(const pool_t *pool) {
    return pool ? atomic_load_explicit(&((pool_t *)pool)->active, memory_order_relaxed) : 0;
}

int pool_set_active(pool_t *pool, int n) {
    if (!pool) return 0;
    assert((pthread_equal(pthread_self(), pool->owner) || (tls_worker && tls_worker->pool == pool)) &&
           "pool_set_active: only by the owner (or from inside one of the pool's jobs)");
    if (n < 1) n = 1;
    if (n > pool->size) n = pool->size;
    atomic_store_explicit(&pool->active, n, memory_order_seq_cst);
    wake_all(pool); /* newly active workers leave their sleep; others just re-check */
    /* Between jobs, wait until every deactivated worker acknowledged, so none of
     * them steals from the next job. (Inside a job that could deadlock: skip.) */
    if (!(tls_worker && tls_worker->pool == pool)) {
        for (int i = n; i < pool->size; i++) {
            unsigned spins = 0;
            /* A thread that has not started yet (WASM: no pre-started Web Worker
             * left) cannot be waited for from here; it checks `active` first anyway. */
            while (atomic_load_explicit(&pool->workers[i].running, memory_order_seq_cst) &&
                   !atomic_load_explicit(&pool->workers[i].parked, memory_order_seq_cst)) {
                if (++spins < YIELD_AFTER) plat_cpu_relax();
                else plat_yield();
            }
        }
    }
    return n;
}

void pool_get_stats(const pool_t *pool, int worker, pool_stats_t *out) {
    memset(out, 0, sizeof *out);
    if (!pool || worker < 0 || worker >= pool->size) return;
    worker_t *w = &pool->workers[worker];
    uint64_t v[ST_COUNT];
    for (int i = 0; i < ST_COUNT; i++)
        v[i] = atomic_load_explicit(&w->stats.v[i], memory_order_relaxed) -
               atomic_load_explicit(&w->base.v[i], memory_order_relaxed);
    out->tasks_run = v[ST_TASKS];
    out->steals_attempted = v[ST_ATTEMPTS];
    out->steals_succeeded = v[ST_STEALS];
    out->busy_ns = v[ST_BUSY];
    out->idle_ns = v[ST_IDLE];
}

void pool_reset_stats(pool_t *pool) {
    if (!pool) return;
    for (int w = 0; w < pool->size; w++)
        for (int i = 0; i < ST_COUNT; i++)
            atomic_store_explicit(&pool->workers[w].base.v[i],
                                  atomic_load_explicit(&pool->workers[w].stats.v[i], memory_order_relaxed),
                                  memory_order_relaxed);
}

/* ---- trace: labels, serial spans, reading ------------------------------------------- */

static const char *const phase_names[POOL_PHASE_COUNT] = {
    [POOL_PHASE_OTHER] = "other",         [POOL_PHASE_STEP] = "step",
    [POOL_PHASE_MERGE] = "merge",         [POOL_PHASE_MC_RANGES] = "mc_ranges",
    [POOL_PHASE_MC_CLASSIFY] = "mc_classify", [POOL_PHASE_MC_FILL] = "mc_fill",
    [POOL_PHASE_MC_SCALAR] = "mc_scalar", [POOL_PHASE_HASH] = "hash",
    [POOL_PHASE_SEED] = "seed",           [POOL_PHASE_PAINT] = "paint",
};

const char *pool_phase_name(int phase) {
    return phase >= 0 && phase < POOL_PHASE_COUNT ? phase_names[phase] : "other";
}

static int clamp_phase(int phase) { return phase >= 0 && phase < POOL_PHASE_COUNT ? phase : POOL_PHASE_OTHER; }

void pool_phase_begin(pool_t *pool, int phase) {
    if (!pool) return;
    pool->phase = clamp_phase(phase);
    pool->seq_n = 0;
}

void pool_phase_begin_seq(pool_t *pool, pool_seq_t mode, const int *phases, int n) {
    if (!pool) return;
    if (n > SEQ_MAX) n = SEQ_MAX;
    pool->phase = POOL_PHASE_OTHER;
    pool->seq_mode = (int)mode;
    pool->seq_n = n > 0 ? n : 0;
    pool->seq_k = 0;
    pool->seq_nfns = 0;
    for (int i = 0; i < pool->seq_n; i++) pool->seq[i] = clamp_phase(phases[i]);
}

void pool_phase_end(pool_t *pool) {
    if (!pool) return;
    pool->phase = POOL_PHASE_OTHER;
    pool->seq_n = 0;
}

uint64_t pool_span_begin(pool_t *pool) {
    if (!pool || !trace_on(pool)) return 0;
    pool->workers[0].depth++;
    return plat_now_ns();
}

void pool_span_end(pool_t *pool, int phase, uint64_t t0) {
    if (!pool || !t0) return;
    worker_t *w = &pool->workers[0];
    if (w->depth > 0) w->depth--;
    trace_put(w, t0, plat_now_ns(), clamp_phase(phase), false);
}

void pool_trace_enable(pool_t *pool, bool on) {
    if (pool) atomic_store_explicit(&pool->trace_on, on, memory_order_relaxed);
}

bool pool_trace_enabled(const pool_t *pool) { return pool && trace_on(pool); }

uint64_t pool_trace_origin_ns(const pool_t *pool) { return pool ? pool->origin_ns : 0; }

void pool_trace_clear(pool_t *pool) {
    if (!pool) return;
    for (int i = 0; i < pool->size; i++)
        pool->workers[i].ring_cleared = atomic_load_explicit(&pool->workers[i].ring_head, memory_order_acquire);
}

int pool_trace_events(const pool_t *pool, int worker, uint64_t since_ns, pool_event_t *out, int cap) {
    if (!pool || worker < 0 || worker >= pool->size || cap <= 0) return 0;
    const worker_t *w = &pool->workers[worker];
    uint64_t h = atomic_load_explicit(&((worker_t *)w)->ring_head, memory_order_acquire);
    uint64_t lo = h > POOL_TRACE_EVENTS ? h - POOL_TRACE_EVENTS : 0;
    if (lo < w->ring_cleared) lo = w->ring_cleared;
    /* Spans are written as they end, so t1 never decreases along the ring. */
    uint64_t i = h;
    while (i > lo && w->ring[(i - 1) & (POOL_TRACE_EVENTS - 1)].t1 >= since_ns) i--;
    if (h - i > (uint64_t)cap) i = h - (uint64_t)cap;
    int n = 0;
    for (; i < h; i++, n++) {
        const trace_ev_t *e = &w->ring[i & (POOL_TRACE_EVENTS - 1)];
        out[n] = (pool_event_t){e->t0, e->t1, e->phase, e->depth, e->stolen != 0};
    }
    return n;
}
