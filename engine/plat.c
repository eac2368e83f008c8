/* plat: every platform difference of the engine lives here (and only here):
 * futex waits (Linux futex natively, emscripten_futex_* in WASM), clocks, core
 * count, aligned memory. No other engine file includes an emscripten header. */
#define _GNU_SOURCE
#include "plat.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/threading.h>
#else
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#ifdef __EMSCRIPTEN__

/* The main runtime thread must keep serving calls that pthreads proxy to it
 * (their syscalls), so it waits in short slices and drains the queue between them. */
void plat_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t timeout_ns) {
    if (emscripten_is_main_runtime_thread()) {
        uint64_t deadline = timeout_ns < 0 ? UINT64_MAX : plat_now_ns() + (uint64_t)timeout_ns;
        for (;;) {
            emscripten_main_thread_process_queued_calls();
            if (atomic_load(addr) != expected) return;
            uint64_t now = plat_now_ns();
            if (now >= deadline) return;
            double slice_ms = (double)(deadline - now) / 1e6;
            if (slice_ms > 1.0) slice_ms = 1.0;
            if (emscripten_futex_wait((volatile void *)addr, expected, slice_ms) == 0) return;
        }
    }
    double ms = timeout_ns < 0 ? INFINITY : (double)timeout_ns / 1e6;
    emscripten_futex_wait((volatile void *)addr, expected, ms);
}

void plat_wake(_Atomic uint32_t *addr, int count) {
    emscripten_futex_wake((volatile void *)addr, count < 0 ? INT_MAX : count);
}

uint64_t plat_now_ns(void) {
    return (uint64_t)(emscripten_get_now() * 1e6);
}

/* Under Node the process' CPU usage (all threads) is known; in a browser it is not. */
EM_JS(double, plat_js_cpu_us, (void), {
    if (typeof process !== 'undefined' && process.cpuUsage) {
        var u = process.cpuUsage();
        return u.user + u.system;
    }
    return 0;
});

uint64_t plat_process_cpu_ns(void) {
    return (uint64_t)(plat_js_cpu_us() * 1000.0);
}

int plat_cpu_count(void) {
    int n = emscripten_num_logical_cores();
    return n >= 1 ? n : 1;
}

void plat_cpu_relax(void) {
    /* WASM has no pause instruction; a compiler barrier keeps the spin honest. */
    __asm__ __volatile__("" ::: "memory");
}

void plat_yield(void) {
    sched_yield();
}

#else /* native Linux */

void plat_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t timeout_ns) {
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        tsp = &ts;
    }
    /* Private futex: the pool never shares memory between processes. */
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expected, tsp, NULL, 0);
}

void plat_wake(_Atomic uint32_t *addr, int count) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, count < 0 ? INT_MAX : count, NULL, NULL, 0);
}

uint64_t plat_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t plat_process_cpu_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int plat_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

void plat_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

void plat_yield(void) {
    sched_yield();
}

#endif

void *plat_alloc(size_t size) {
    if (size == 0) return NULL;
    size_t rounded = (size + 63) & ~(size_t)63;
    if (rounded < size) return NULL; /* overflow */
    void *p = NULL;
    if (posix_memalign(&p, 64, rounded) != 0) return NULL;
    memset(p, 0, rounded);
    return p;
}

void plat_free(void *p) {
    free(p);
}
