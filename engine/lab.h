/* lab: the threads lab. From one starting state, for each thread count of a list,
 * restore that state, run K steps on that many pool threads, mesh once, and record
 * the wall time of the steps and of the mesh, steps/s, the speedup and parallel
 * efficiency against the 1-thread row, and the state and mesh hashes (which must be
 * the same in every row: the engine's results do not depend on the thread count).
 * Afterwards the live state is what it was, bit for bit (U, V, ranges, step), and the
 * pool has its previous active count. rdsim --scaling and the page's "Threads lab"
 * (eng_lab_*) run the same code, so their rows compare directly.
 *
 * A lab runs in slices (lab_advance), so the page's worker stays responsive; rdsim
 * runs it to the end (lab_run). While a lab exists nothing else may change the
 * simulation or the pool's active count (the caller's duty: the worker refuses such
 * messages). Owner thread only. Memory: a copy of U, V and the chunk ranges (8 bytes
 * a cell) and a mesher, allocated by lab_create.
 */
#ifndef LAB_H
#define LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gs.h"
#include "mc.h"
#include "pool.h"

enum { LAB_MAX_ROWS = 64, LAB_DEFAULT_STEPS = 100 };
#define LAB_MAX_STEPS 1000000

typedef struct lab_desc_t {
    const int *threads; /* thread counts, each 1..pool_size(pool); 1..LAB_MAX_ROWS of them */
    int count;
    int64_t steps;      /* K, 1..LAB_MAX_STEPS; 0 = LAB_DEFAULT_STEPS */
    mc_desc_t view;     /* the mesh each row makes */
} lab_desc_t;

typedef struct lab_row_t {
    int threads;
    int64_t steps;
    double step_ms;     /* wall time of the K steps */
    double mesh_ms;     /* wall time of the mesh */
    double steps_per_s;
    double speedup;     /* steps/s over the base row's (lab_row: see there) */
    double efficiency;  /* speedup * base threads / threads */
    uint64_t state_hash, mesh_hash; /* hash.h's state hash; FNV-1a 64 of the mesh.h blob */
    uint32_t triangles;
    bool done;
} lab_row_t;

typedef enum lab_status_t { LAB_RUNNING, LAB_DONE, LAB_FAILED } lab_status_t;

typedef struct lab_t lab_t;

/* Checks the description and snapshots sim's state. NULL on a bad description or
 * out of memory (reason in err); nothing changes then. */
lab_t *lab_create(gs_sim_t *sim, pool_t *pool, const lab_desc_t *desc, char *err, int err_len);
/* Runs the lab for about budget_ms (at least one batch of a step, which may stop inside the
 * step and go on at the next call: gs_step_for, or the mesh of a row).
 * LAB_DONE after the last row, LAB_FAILED when a step failed (reason in err): in both
 * cases the live state and the active count are back as they were. */
lab_status_t lab_advance(lab_t *lab, double budget_ms, char *err, int err_len);
/* Restores the live state (if a run was cut short: a cancel) and frees. NULL: no-op. */
void lab_destroy(lab_t *lab);

int lab_row_count(const lab_t *lab);
int lab_rows_done(const lab_t *lab);
/* Row i with its speedup and efficiency against the base row: the finished 1-thread
 * row, else (none in the list, or not run yet) the finished row with the fewest
 * threads (0 when none is finished). */
lab_row_t lab_row(const lab_t *lab, int i);
/* Fraction of the work done, 0..1 (steps, and a mesh as one step). */
double lab_progress(const lab_t *lab);

/* Row i as one JSON object (threads, steps, step_ms, mesh_ms, steps_per_s, speedup,
 * efficiency, state_hash and mesh_hash as 16 hex digits, triangles, done). Returns
 * the length written (truncated at cap). */
int lab_row_json(const lab_row_t *row, char *out, size_t cap);

/* Parses a thread list "1,2,4,8" (integers 1..max, commas between, up to LAB_MAX_ROWS);
 * returns the count, 0 when malformed. */
int lab_parse_threads(const char *text, int max, int *out, int cap);

#endif
