/* deque: a fixed-capacity Chase-Lev work-stealing deque of pointers, in C11 atomics.
 *
 * Follows "Correct and Efficient Work-Stealing for Weak Memory Models" (Le, Pop,
 * Cohen, Zappa Nardelli, PPoPP 2013), without the resizable array: the pool's
 * recursion depth is logarithmic, so a full deque makes the caller run the item
 * itself instead of growing. One owner thread calls deque_push/deque_take at the
 * bottom; any thread may call deque_steal at the top. Indices are signed 64-bit:
 * take() computes bottom-1 on an empty deque, which must compare below top (the
 * unsigned version of that comparison is the classic bug of several ports).
 *
 * Memory orders, beyond the paper (which stores `bottom` relaxed after a release
 * fence): every store to `bottom` is a release store and thieves load it with
 * acquire. On x86 and WASM that costs nothing more, it makes the publication of an
 * item's contents visible to ThreadSanitizer (which ignores stand-alone fences),
 * and it keeps a thief that reads a `bottom` written by take() synchronised with
 * the owner's earlier pushes (a relaxed store would break that release sequence).
 * The two seq_cst fences (take: store bottom | load top; steal: load top | load
 * bottom) are the paper's: together with the seq_cst CAS on top they make the owner
 * and a thief racing for the last item see each other, so exactly one gets it.
 * Known defects of published versions, avoided here: (1) unsigned indices make
 * take() on a deque emptied at index 0 compute bottom-1 = SIZE_MAX >= top and return garbage
 * (signed int64 here); (2) push after a resize must reload the array pointer (the
 * bug CDSChecker found in the paper's code; no resize here); (3) steal must read
 * the slot BEFORE its CAS on top, as an atomic, since the owner may overwrite the
 * slot as soon as top has moved (read first; a stale slot makes the CAS fail).
 * take() on the last item races the thieves through the same seq_cst CAS on top,
 * then restores bottom whether it won or not.
 *
 * Header-only (static inline): push/take/steal sit on the pool's hot path.
 */
#ifndef DEQUE_H
#define DEQUE_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The seq_cst fence of the algorithm. ThreadSanitizer ignores stand-alone fences
 * and GCC refuses atomic_thread_fence under -fsanitize=thread, so TSan builds emit
 * the very instruction the compiler uses for it (mfence / dmb ish) as inline asm:
 * the checked program keeps the same hardware ordering and TSan sees the same
 * happens-before edges as it would (none from fences), so no race is hidden. */
/* In WASM every atomic access is sequentially consistent whatever order C asks for,
 * and clang 14 emits no instruction for a seq_cst fence there. So that the order
 * the algorithm needs is stated in C rather than left to that lowering, WASM builds
 * declare the accesses on both sides of each fence seq_cst (DEQUE_FENCED: the same
 * instructions) and drop the fence. */
#if defined(__wasm__)
#define DEQUE_SC_FENCE() ((void)0)
#define DEQUE_FENCED(mo) memory_order_seq_cst
#elif defined(__SANITIZE_THREAD__) && defined(__x86_64__)
#define DEQUE_SC_FENCE() __asm__ __volatile__("mfence" ::: "memory")
#define DEQUE_FENCED(mo) (mo)
#elif defined(__SANITIZE_THREAD__) && defined(__aarch64__)
#define DEQUE_SC_FENCE() __asm__ __volatile__("dmb ish" ::: "memory")
#define DEQUE_FENCED(mo) (mo)
#else
#define DEQUE_SC_FENCE() atomic_thread_fence(memory_order_seq_cst)
#define DEQUE_FENCED(mo) (mo)
#endif

enum { DEQUE_CAP = 4096 }; /* power of two; items in flight per worker */

typedef struct deque_t {
    alignas(64) _Atomic int64_t top;    /* next item to steal; thieves CAS it */
    alignas(64) _Atomic int64_t bottom; /* next free slot; written by the owner only */
    alignas(64) _Atomic(void *) buf[DEQUE_CAP];
} deque_t;

/* Empties d (no thread may use it concurrently). */
static inline void deque_init(deque_t *d) {
    atomic_store_explicit(&d->top, 0, memory_order_relaxed);
    atomic_store_explicit(&d->bottom, 0, memory_order_relaxed);
}

/* Owner only: appends x at the bottom. False (nothing changed) when full. */
static inline bool deque_push(deque_t *d, void *x) {
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);
    int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);
    if (b - t >= DEQUE_CAP) return false; /* a stale top only makes this conservative */
    atomic_store_explicit(&d->buf[b & (DEQUE_CAP - 1)], x, memory_order_relaxed);
    /* Publishes the slot and everything written before the push (the item's contents).
     * (Fenced: the pool orders it before its read of the sleeper count.) */
    atomic_store_explicit(&d->bottom, b + 1, DEQUE_FENCED(memory_order_release));
    return true;
}

/* Owner only: removes the newest item; NULL when empty or when a thief won the
 * race for the last one. */
static inline void *deque_take(deque_t *d) {
    int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed) - 1;
    atomic_store_explicit(&d->bottom, b, DEQUE_FENCED(memory_order_release));
    /* The store of bottom must be ordered before the load of top (store-load): the
     * seq_cst fence pairs with the one in deque_steal so that the owner and a thief
     * cannot both miss each other's claim on the last item. */
    DEQUE_SC_FENCE();
    int64_t t = atomic_load_explicit(&d->top, DEQUE_FENCED(memory_order_relaxed));
    void *x = NULL;
    if (t <= b) {
        x = atomic_load_explicit(&d->buf[b & (DEQUE_CAP - 1)], memory_order_relaxed);
        if (t == b) {
            /* Last item: race the thieves for it through top, exactly as they do. */
            if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1, memory_order_seq_cst,
                                                         memory_order_relaxed))
                x = NULL;
            atomic_store_explicit(&d->bottom, b + 1, memory_order_release);
        }
    } else {
        atomic_store_explicit(&d->bottom, b + 1, memory_order_release); /* was empty: restore */
    }
    return x;
}

/* Any thread: removes the oldest item; NULL when empty or when the race for it was lost. */
static inline void *deque_steal(deque_t *d) {
    /* Cheap early-out that avoids the fence on an empty victim (a false "empty" is
     * allowed: steal may fail spuriously). */
    if (atomic_load_explicit(&d->top, memory_order_relaxed) >=
        atomic_load_explicit(&d->bottom, memory_order_relaxed))
        return NULL;
    int64_t t = atomic_load_explicit(&d->top, DEQUE_FENCED(memory_order_acquire));
    DEQUE_SC_FENCE();
    int64_t b = atomic_load_explicit(&d->bottom, DEQUE_FENCED(memory_order_acquire));
    if (t >= b) return NULL;
    /* Read the slot before claiming it: once top moves past t the owner may reuse it.
     * If the owner overwrote it meanwhile, top moved too and the CAS below fails. */
    void *x = atomic_load_explicit(&d->buf[t & (DEQUE_CAP - 1)], memory_order_relaxed);
    if (!atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1, memory_order_seq_cst,
                                                 memory_order_relaxed))
        return NULL;
    return x;
}

/* Any thread: approximate number of items (exact when called by the owner with no thieves). */
static inline int64_t deque_size(deque_t *d) {
    int64_t b = atomic_load_explicit(&d->bottom, DEQUE_FENCED(memory_order_relaxed));
    int64_t t = atomic_load_explicit(&d->top, DEQUE_FENCED(memory_order_relaxed));
    return b > t ? b - t : 0;
}

#endif
