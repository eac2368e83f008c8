/* hash: the 64-bit state hash over (dims, U, V), identical for every thread count
 * and for the native and WASM builds. Documented exactly in README.md:
 *
 *   FNV-1a 64: h = 0xcbf29ce484222325; for each byte b: h = (h ^ b) * 0x100000001b3 (mod 2^64).
 *   1. Slabs: slab s = 0..nz-1 is plane z = s of U, slab nz + z is plane z of V; each
 *      is nx*ny float32 values, little-endian, x fastest. slab_hash[s] = FNV-1a 64
 *      of the slab's bytes (computed in parallel, one slab per task).
 *   2. H = FNV-1a 64 over the byte string: nx, ny, nz as u32 little-endian, then
 *      slab_hash[0 .. 2*nz-1] each as u64 little-endian, in slab order.
 *   2b. With the parameter map on (gs.h), 20 more bytes follow in that string: "PMAP",
 *      then k_min, k_max, F_min, F_max as f32 little-endian (hash_state_tail).
 *   3. If H == 0 it is replaced by 1 (0 means "not computed" in .rds files).
 *
 * The engine targets little-endian hosts only (x86, WASM), so the in-memory float
 * bytes are the file's bytes. Functions are thread-safe (no shared state).
 */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

#include "grid.h"

struct pool_t;

#define HASH_FNV_OFFSET 0xcbf29ce484222325ull
#define HASH_FNV_PRIME 0x100000001b3ull

/* FNV-1a 64 of len bytes, continuing from h (start with HASH_FNV_OFFSET). */
uint64_t hash_fnv1a(uint64_t h, const void *data, size_t len);

/* The state hash of fields u and v (grid_count(g) float32 each; any alignment),
 * on pool (NULL: serial). Only g.nx, g.ny, g.nz enter the hash. */
uint64_t hash_state(struct pool_t *pool, grid_t g, const void *u, const void *v);
/* hash_state with tail_len more bytes appended to step 2's byte string (after the slab
 * hashes, before step 3): the parameter map's ranges (gs_map_hash_tail). tail_len 0:
 * hash_state exactly. */
uint64_t hash_state_tail(struct pool_t *pool, grid_t g, const void *u, const void *v, const void *tail,
                         size_t tail_len);

#endif
