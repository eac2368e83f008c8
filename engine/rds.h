/* rds: the .rds state file, a stable interface other tools read and write.
 * All little-endian:
 *   bytes 0-7    magic "RDSTATE1"
 *   u32 at 8     version = 1            u32 at 12  header size = 128
 *   u32 at 16, 20, 24   nx, ny, nz (each 8..512)
 *   u32 at 28    stencil (7, 19, 27)    u32 at 32  boundary (0 periodic, 1 zero-flux)
 *   f32 at 36, 40, 44, 48, 52   F, k, Du, Dv, dt
 *   u64 at 56    seed                   u64 at 64  step count
 *   bytes 72-127 zero
 * A version-1 file reads with the map off and its ranges at their defaults (gs.h
 * GS_MAP_*_DEFAULT), as a new simulation has them.
 * Version 2 (written only with the parameter map on, gs.h; version 1 otherwise, so a
 * plain state's file is byte for byte a version-1 file): the same, and
 *   u32 at 72    1 (the map is on)
 *   f32 at 76, 80, 84, 88   k_min, k_max, F_min, F_max
 *   bytes 92-127 zero; the stored hash covers the ranges (hash.h, step 2b).
 *   then U, then V: nx*ny*nz float32 each, x fastest
 *   then u64 state hash (hash.h); 0 means "not computed" and is accepted.
 * The reader refuses truncated, oversized, inconsistent (bad dims, stencil,
 * boundary, unstable or invalid parameters, a step count above GS_STEP_MAX,
 * non-zero reserved bytes, non-finite samples) or corrupted (hash mismatch) input
 * with a clear error, and then leaves the simulation untouched. The size the header
 * claims is checked against the bytes there are before anything is allocated.
 * Files are written atomically: a temporary file beside the target, renamed over it.
 * Coupled to README.md (format description).
 */
#ifndef RDS_H
#define RDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gs.h"

struct pool_t;

#define RDS_MAGIC "RDSTATE1"
enum { RDS_VERSION = 1, RDS_VERSION_MAP = 2, RDS_HEADER_SIZE = 128 };

/* What a header says. */
typedef struct rds_info_t {
    grid_t grid;
    gs_params_t params;
    uint64_t seed, step;
} rds_info_t;

/* Bytes of a complete file for grid g: 128 + 8 * nx*ny*nz + 8. */
size_t rds_size(grid_t g);

/* Checks the 128-byte header at buf (len = bytes available, the whole file when
 * known) and fills *out. Fails on a short or inconsistent header (a step count
 * above GS_STEP_MAX included). Allocates nothing. */
bool rds_parse_header(const void *buf, size_t len, rds_info_t *out, char *err, int err_len);

/* Writes sim as a complete file into buf (cap >= rds_size(sim->grid)), hash
 * included (computed on pool, NULL: serial). */
bool rds_write(const gs_sim_t *sim, struct pool_t *pool, void *buf, size_t cap, char *err, int err_len);

/* Validates the whole file in buf[0..len) (header, exact length, finite samples,
 * hash unless 0), then replaces *sim with it: grid, params, seed, step, U, V and
 * ranges. *sim may be zeroed (not yet initialised) or hold any grid. On failure
 * *sim is unchanged. */
bool rds_read(gs_sim_t *sim, struct pool_t *pool, const void *buf, size_t len, char *err, int err_len);

/* File versions of rds_write / rds_read (call from the pool owner thread).
 * rds_save writes through rds_file_replace: a temporary file beside path renamed
 * over it (through a symbolic link, to the file it names), so a failure (full disk,
 * no permission) leaves the previous file as it was and no partial file; a device
 * or FIFO is written directly; the reason (strerror) is in err.
 * rds_load refuses a directory, and a regular file whose size is not the size its
 * header claims, before allocating; from a pipe it allocates only what arrives. */
bool rds_save(const gs_sim_t *sim, struct pool_t *pool, const char *path, char *err, int err_len);
bool rds_load(gs_sim_t *sim, struct pool_t *pool, const char *path, char *err, int err_len);

/* The file writer of rds_save, meshio_write (rdsim --mesh) and rdsim --trace.
 * A regular file, or a new one, is replaced atomically: rds_temp_create makes a
 * new empty file beside it (same folder; name + ".tmp-<pid>-<n>" + its extension,
 * so writers that pick a format by extension still can; with the permissions of
 * the file it will replace, if any), writes its name to tmp (cap bytes) and returns
 * a write-only descriptor, or -1 with the reason. After writing and closing it,
 * rds_temp_commit flushes tmp to the device and renames it over the file; on
 * failure it removes tmp and the file is untouched. A caller that gives up removes
 * tmp itself (when tmp is not "").
 * A symbolic link (chain) is followed: the file it names is replaced (the temporary
 * file made beside that one) and the link stays a link; a dangling link gets its file.
 * A target that exists and is not a regular file (a character or block device, FIFO,
 * socket) is written through: rds_temp_create opens it write-only (a FIFO waits for
 * a reader), sets tmp to "" and rds_temp_commit does nothing. A directory is refused
 * ("PATH: Is a directory", strerror's words). Thread-safe. */
int rds_temp_create(const char *path, char *tmp, size_t cap, char *err, int err_len);
bool rds_temp_commit(const char *tmp, const char *path, char *err, int err_len);
/* Writes buf[0..len) to path as above (rds_temp_create, write, rds_temp_commit):
 * on failure a regular file is as it was, no temporary file is left, and err says
 * why ("cannot write PATH: <strerror>", e.g. ENOSPC of a device, or the two
 * functions' reasons). Thread-safe. */
bool rds_file_replace(const char *path, const void *buf, size_t len, char *err, int err_len);

#endif
