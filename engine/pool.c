/* pool: work-stealing fork-join pool. See pool.h for the contract.
 *
 * ALGORITHM
 * - Every worker owns a Chase-Lev deque (deque.h) of pool_task_t pointers. The
 *   creating thread is worker 0: it runs jobs (pool_parallel_for/pool_run) itself
 *   and only acts as a worker while inside one. Workers 1..size-1 are pthreads.
 * - pool_spawn pushes at the bottom of the caller's deque; pool_sync takes it back
 *   if no thief stole it (LIFO pairing means it is then exactly the newest item).
 *   If it was stolen, the deque is empty (thieves take the oldest first), so the
 *   syncing worker helps: it steals from random victims until the task's `done`
 *   word says the thief finished it, and after a while sleeps on that word.
 * - pool_parallel_for runs its range in grain-sized pieces and, between pieces,
 *   splits off the upper half of what remains (pushes it as a task) only when some
 *   worker is hungry (pool.idle > 0) and its own deque is empty: lazy binary
 *   splitting. Split halves are synced in LIFO order at the end. Nested calls run on
 *   the calling worker.
 * - Idle workers steal from random victims (xorshift PRNG per worker), spinning for
 *   SPIN_NS, then sleep on pool.epoch (a futex word) until a push or a state change.
 *
 * NO LOST WAKE-UPS (an event count)
 *   sleeper: e = epoch; sleepers += 1; fence(seq_cst); if work visible or state
 *            changed: sleepers -= 1, retry; else plat_wait(&epoch, e)
 *   pusher:  push (release store of bottom); fence(seq_cst);
 *            if sleepers > 0: epoch += 1; plat_wake(&epoch, 1)
 *   The two seq_cst fences order each side's write before its read, so either the
 *   sleeper sees the pushed item or the pusher sees the sleeper; in the latter case
 *   the epoch changes after the sleeper read it, so its futex wait cannot block.
 *   pool_set_active and pool_destroy change their flag, then bump epoch and wake all.
 *
 * MEMORY ORDERS
 * - Deque: see deque.h (paper's fences; release/acquire on bottom).
 * - A task's fields are written before its push and read by a thief after it
 *   acquired `bottom`; the thief's results reach the syncer through the release
 *   exchange of `done` and the syncer's acquire load of it.
 * - Statistics are per-worker counters written only by their worker (relaxed load
 *   + store, no RMW), read relaxed by anyone: each field is exact, the set is not a
 *   snapshot. pool_reset_stats records a baseline rather than writing counters.
 * - pool.idle (hungry workers) is a relaxed heuristic: it only decides splitting.
 */
#include "pool.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "deque.h"
#include "plat.h"

enum {
    SPIN_NS = 200 * 1000,       /* idle worker: spin this long before sleeping */
    SYNC_SPIN_NS = 500 * 1000,  /* sync on a stolen task: help this long, then sleep */
    YIELD_AFTER = 64,           /* failed steal rounds before spinning with sched_yield */
    DONE_PENDING = 0, DONE_FINISHED = 1, DONE_SLEEPER = 2, /* pool_task_t.done values */
};

typedef struct worker_stats_t {
    _Atomic uint64_t v[5]; /* tasks_run, steals_attempted, steals_succeeded, busy_ns, idle_ns */
} worker_stats_t;
enum { ST_TASKS, ST_ATTEMPTS, ST_STEALS, ST_BUSY, ST_IDLE, ST_COUNT };

typedef struct worker_t {
    deque_t dq;
    alignas(64) struct pool_t *pool;
    int id;
    uint32_t rng;
    bool busy;          /* stats state: counting busy (true) or idle time */
    uint64_t since_ns;  /* start of the current busy/idle period */
    pthread_t thread;
    bool started;
    _Atomic bool parked; /* inactive and acknowledged it: steals nothing until reactivated */
    worker_stats_t stats;
    worker_stats_t base; /* baseline set by pool_reset_stats */
} worker_t;

struct pool_t {
    alignas(64) _Atomic int idle;        /* active workers looking for work */
    alignas(64) _Atomic int sleepers;    /* workers asleep on epoch */
    alignas(64) _Atomic uint32_t epoch;  /* futex word bumped on push-with-sleepers and state changes */
    alignas(64) _Atomic int active;
    _Atomic bool shutdown;
    int size;
    worker_t *workers; /* size entries, 64-byte aligned */
};

/* The worker the current thread is acting as (NULL outside any pool job). */
static _Thread_local worker_t *tls_worker;

/* ---- statistics ------------------------------------------------------------------- */

static inline void stat_add(worker_t *w, int i, uint64_t n) {
    _Atomic uint64_t *p = &w->stats.v[i];
    atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + n, memory_order_relaxed);
}

/* Switches the worker's time accounting to busy or idle. */
static inline void stat_phase(worker_t *w, bool busy) {
    if (w->busy == busy) return;
    uint64_t now = plat_now_ns();
    stat_add(w, w->busy ? ST_BUSY : ST_IDLE, now - w->since_ns);
    w->since_ns = now;
    w->busy = busy;
}

/* ---- waking ----------------------------------------------------------------------- */

static inline void wake_if_sleepers(struct pool_t *p) {
#if defined(__SANITIZE_THREAD__)
    /* TSan build (no fences, see deque.h): an RMW reads the latest sleepers value;
     * if it precedes the sleeper's increment, that increment reads from it and the
     * sleeper then sees the push. */
    if (atomic_fetch_add_explicit(&p->sleepers, 0, memory_order_seq_cst) > 0) {
#else
    DEQUE_SC_FENCE();
    if (atomic_load_explicit(&p->sleepers, memory_order_relaxed) > 0) {
#endif
        atomic_fetch_add_explicit(&p->epoch, 1, memory_order_seq_cst);
        plat_wake(&p->epoch, 1);
    }
}

static void wake_all(struct pool_t *p) {
    atomic_fetch_add_explicit(&p->epoch, 1, memory_order_seq_cst);
    plat_wake(&p->epoch, -1);
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
    if (t->fn != range_task) stat_add(w, ST_TASKS, 1);
    t->fn(t->arg);
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
    if (!w || w->pool != pool || !push_task(w, task)) {
        /* Outside a job or deque full: run it now; pool_sync then finds it done. */
        if (w && w->pool == pool) stat_add(w, ST_TASKS, 1);
        fn(arg);
        atomic_store_explicit(&task->done, DONE_FINISHED, memory_order_relaxed);
    }
}

/* Waits for a stolen task, stealing other work meanwhile, then sleeping. */
static void wait_stolen(worker_t *w, pool_task_t *task) {
    struct pool_t *p = w->pool;
    stat_phase(w, false);
    atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
    uint64_t start = 0;
    unsigned rounds = 0;
    while (atomic_load_explicit(&task->done, memory_order_acquire) != DONE_FINISHED) {
        pool_task_t *t = steal_one(w);
        if (t) {
            atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            stat_phase(w, true);
            run_stolen(w, t);
            stat_phase(w, false);
            atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
            rounds = 0;
            start = 0;
            continue;
        }
        if (++rounds < YIELD_AFTER) {
            plat_cpu_relax();
            continue;
        }
        plat_yield();
        uint64_t now = plat_now_ns();
        if (!start) start = now;
        if (now - start < SYNC_SPIN_NS) continue;
        /* Sleep on the task's done word until the thief finishes it. */
        uint32_t expect = DONE_PENDING;
        if (atomic_compare_exchange_strong_explicit(&task->done, &expect, DONE_SLEEPER,
                                                    memory_order_acq_rel, memory_order_acquire) ||
            expect == DONE_SLEEPER) {
            atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            while (atomic_load_explicit(&task->done, memory_order_acquire) == DONE_SLEEPER)
                plat_wait(&task->done, DONE_SLEEPER, -1);
            atomic_fetch_add_explicit(&p->idle, 1, memory_order_relaxed);
        }
    }
    atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
    stat_phase(w, true);
}

void pool_sync(pool_t *pool, pool_task_t *task) {
    (void)pool;
    if (atomic_load_explicit(&task->done, memory_order_acquire) == DONE_FINISHED) return;
    worker_t *w = tls_worker;
    pool_task_t *t = deque_take(&w->dq);
    if (t) {
        /* Not stolen: by LIFO pairing the newest item is this task. */
        if (t == task) {
            if (t->fn != range_task) stat_add(w, ST_TASKS, 1);
            t->fn(t->arg);
            return;
        }
        /* Unbalanced spawn/sync (programmer error): keep the item, wait for ours. */
        deque_push(&w->dq, t);
    }
    wait_stolen(w, task);
}

/* ---- parallel for ----------------------------------------------------------------- */

typedef struct range_job_t {
    pool_range_fn fn;
    void *ctx;
    int64_t grain;
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
    while (n > 0) pool_sync(w->pool, &splits[--n].task);
}

/* Enters a job on the owner thread as worker 0 (returns NULL if already inside one). */
static worker_t *job_enter(pool_t *pool) {
    if (tls_worker && tls_worker->pool == pool) return NULL;
    worker_t *w = &pool->workers[0];
    tls_worker = w;
    w->since_ns = plat_now_ns();
    w->busy = true;
    return w;
}

static void job_leave(worker_t *w) {
    stat_add(w, ST_BUSY, plat_now_ns() - w->since_ns);
    tls_worker = NULL;
}

void pool_parallel_for(pool_t *pool, int64_t begin, int64_t end, int64_t grain, pool_range_fn fn,
                       void *ctx) {
    if (end <= begin) return;
    range_job_t job = {fn, ctx, grain > 0 ? grain : 1};
    worker_t *entered = job_enter(pool);
    run_range(tls_worker, &job, begin, end);
    if (entered) job_leave(entered);
}

void pool_run(pool_t *pool, pool_task_fn fn, void *arg) {
    worker_t *entered = job_enter(pool);
    stat_add(tls_worker, ST_TASKS, 1);
    fn(arg);
    if (entered) job_leave(entered);
}

/* ---- worker threads --------------------------------------------------------------- */

static void *worker_main(void *arg) {
    worker_t *w = arg;
    struct pool_t *p = w->pool;
    tls_worker = w;
    w->since_ns = plat_now_ns();
    w->busy = false;
    bool counted = false; /* included in p->idle */
    uint64_t spin_start = 0;
    unsigned rounds = 0;
    for (;;) {
        if (atomic_load_explicit(&p->shutdown, memory_order_acquire)) break;
        if (w->id >= atomic_load_explicit(&p->active, memory_order_seq_cst)) {
            if (counted) atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
            counted = false;
            atomic_store_explicit(&w->parked, true, memory_order_seq_cst);
            uint32_t e = atomic_load_explicit(&p->epoch, memory_order_seq_cst);
            if (!atomic_load_explicit(&p->shutdown, memory_order_seq_cst) &&
                w->id >= atomic_load_explicit(&p->active, memory_order_seq_cst))
                plat_wait(&p->epoch, e, -1);
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
            stat_phase(w, true);
            run_stolen(w, t);
            stat_phase(w, false);
            rounds = 0;
            spin_start = 0;
            continue;
        }
        if (++rounds < YIELD_AFTER) {
            plat_cpu_relax();
            continue;
        }
        if (rounds % 16 == 0) plat_yield();
        else plat_cpu_relax();
        uint64_t now = plat_now_ns();
        if (!spin_start) spin_start = now;
        if (now - spin_start < SPIN_NS) continue;
        /* Sleep (event count, see the header comment). Still counted as idle:
         * a sleeping worker is hungry, and pushes wake it. */
        uint32_t e = atomic_load_explicit(&p->epoch, memory_order_seq_cst);
        atomic_fetch_add_explicit(&p->sleepers, 1, memory_order_seq_cst);
        DEQUE_SC_FENCE();
        if (!any_work(p) && !atomic_load_explicit(&p->shutdown, memory_order_seq_cst) &&
            w->id < atomic_load_explicit(&p->active, memory_order_seq_cst))
            plat_wait(&p->epoch, e, -1);
        atomic_fetch_sub_explicit(&p->sleepers, 1, memory_order_seq_cst);
        rounds = 0;
        spin_start = 0;
    }
    if (counted) atomic_fetch_sub_explicit(&p->idle, 1, memory_order_relaxed);
    stat_phase(w, !w->busy); /* flush the last period */
    return NULL;
}

/* ---- life cycle ------------------------------------------------------------------- */

static void set_err(char *err, int err_len, const char *msg) {
    if (err && err_len > 0) snprintf(err, (size_t)err_len, "%s", msg);
}

static void stop_threads(pool_t *pool) {
    atomic_store_explicit(&pool->shutdown, true, memory_order_seq_cst);
    wake_all(pool);
    for (int i = 1; i < pool->size; i++)
        if (pool->workers[i].started) pthread_join(pool->workers[i].thread, NULL);
}

pool_t *pool_create(const pool_desc_t *desc, char *err, int err_len) {
    int n = desc ? desc->threads : 0;
    if (n < 0) {
        set_err(err, err_len, "pool_create: negative thread count");
        return NULL;
    }
    if (n == 0) n = plat_cpu_count();
    if (n > POOL_MAX_THREADS) n = POOL_MAX_THREADS;
    pool_t *pool = plat_alloc(sizeof *pool);
    worker_t *ws = plat_alloc(sizeof(worker_t) * (size_t)n);
    if (!pool || !ws) {
        plat_free(pool);
        plat_free(ws);
        set_err(err, err_len, "pool_create: out of memory");
        return NULL;
    }
    pool->size = n;
    pool->workers = ws;
    atomic_store(&pool->active, n);
    for (int i = 0; i < n; i++) {
        deque_init(&ws[i].dq);
        ws[i].pool = pool;
        ws[i].id = i;
        ws[i].rng = 0x9e3779b9u * (uint32_t)(i + 1) | 1u;
    }
    for (int i = 1; i < n; i++) {
        if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) != 0) {
            stop_threads(pool);
            plat_free(ws);
            plat_free(pool);
            set_err(err, err_len, "pool_create: pthread_create failed");
            return NULL;
        }
        ws[i].started = true;
    }
    return pool;
}

void pool_destroy(pool_t *pool) {
    if (!pool) return;
    /* Jobs run synchronously on the owner, so no work is in flight once the owner
     * calls this; workers may still be finishing a steal attempt or a sleep. */
    stop_threads(pool);
    plat_free(pool->workers);
    plat_free(pool);
}

int pool_size(const pool_t *pool) {
    return pool->size;
}

int pool_active(const pool_t *pool) {
    return atomic_load_explicit(&((pool_t *)pool)->active, memory_order_relaxed);
}

int pool_set_active(pool_t *pool, int n) {
    if (n < 1) n = 1;
    if (n > pool->size) n = pool->size;
    atomic_store_explicit(&pool->active, n, memory_order_seq_cst);
    wake_all(pool); /* newly active workers leave their sleep; others just re-check */
    /* Between jobs, wait until every deactivated worker acknowledged, so none of
     * them steals from the next job. (Inside a job that could deadlock: skip.) */
    if (!(tls_worker && tls_worker->pool == pool)) {
        for (int i = n; i < pool->size; i++) {
            unsigned spins = 0;
            while (!atomic_load_explicit(&pool->workers[i].parked, memory_order_seq_cst)) {
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
    for (int w = 0; w < pool->size; w++)
        for (int i = 0; i < ST_COUNT; i++)
            atomic_store_explicit(&pool->workers[w].base.v[i],
                                  atomic_load_explicit(&pool->workers[w].stats.v[i], memory_order_relaxed),
                                  memory_order_relaxed);
}
