/* plat: the engine's platform layer, the only engine file that knows whether it
 * runs natively or in WASM (emscripten pthreads). Futex-style waits, time, cores,
 * aligned memory. Everything here is thread-safe. */
#ifndef PLAT_H
#define PLAT_H

#include <stddef.h>
#include <stdint.h>

/* Sleeps while *addr == expected, at most timeout_ns (< 0: no limit). Spurious
 * wake-ups are allowed: callers re-check their condition. */
void plat_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t timeout_ns);
/* Wakes up to `count` threads sleeping on addr (count < 0: all of them). */
void plat_wake(_Atomic uint32_t *addr, int count);

uint64_t plat_now_ns(void);          /* monotonic clock */
uint64_t plat_process_cpu_ns(void);  /* CPU time of the whole process (0 where unknown) */
int plat_cpu_count(void);            /* logical cores, >= 1 */
void plat_cpu_relax(void);           /* spin-wait hint */
void plat_yield(void);               /* gives the core to another runnable thread, if any */

/* 64-byte aligned, zeroed allocation (NULL on failure or size == 0); plat_free(NULL) is a no-op. */
void *plat_alloc(size_t size);
void plat_free(void *p);

#endif
