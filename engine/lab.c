/* lab: the threads lab (see lab.h). */
#include "lab.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hash.h"
#include "num.h"
#include "plat.h"
#include "trace.h"

struct lab_t {
    gs_sim_t *sim;
    pool_t *pool;
    mc_mesher_t *mesher;
    mc_desc_t view;
    int active_before;
    /* the starting state */
    float *u, *v;
    chunk_range_t *ranges;
    size_t cells, nranges;
    uint64_t step;
    /* progress */
    lab_row_t rows[LAB_MAX_ROWS];
    int count, row;   /* rows, the one running */
    bool started;     /* rows[row] has its state restored and threads set */
    int64_t left;     /* steps of rows[row] still to run */
    bool finished;    /* the live state is back */
};

static void restore(lab_t *lab) {
    gs_sim_t *s = lab->sim;
    gs_sweep_drop(s);
    memcpy(s->u, lab->u, lab->cells * sizeof(float));
    memcpy(s->v, lab->v, lab->cells * sizeof(float));
    memcpy(s->ranges, lab->ranges, lab->nranges * sizeof(chunk_range_t));
    s->step = lab->step;
}

static void finish(lab_t *lab) {
    if (lab->finished) return;
    restore(lab);
    pool_set_active(lab->pool, lab->active_before);
    lab->finished = true;
}

lab_t *lab_create(gs_sim_t *sim, pool_t *pool, const lab_desc_t *d, char *err, int err_len) {
    if (!sim || !sim->u || !pool || !d) {
        err_set(err, err_len, "lab: no simulation or pool");
        return NULL;
    }
    if (d->count < 1 || d->count > LAB_MAX_ROWS || !d->threads) {
        err_set(err, err_len, "lab: the thread list must hold 1..%d counts, got %d", LAB_MAX_ROWS, d->count);
        return NULL;
    }
    for (int i = 0; i < d->count; i++)
        if (d->threads[i] < 1 || d->threads[i] > pool_size(pool)) {
            err_set(err, err_len, "lab: thread count %d: must be 1..%d (the pool's size)", d->threads[i],
                    pool_size(pool));
            return NULL;
        }
    int64_t steps = d->steps ? d->steps : LAB_DEFAULT_STEPS;
    if (steps < 1 || steps > LAB_MAX_STEPS) {
        err_set(err, err_len, "lab: steps = %lld: must be 1..%d", (long long)steps, LAB_MAX_STEPS);
        return NULL;
    }
    lab_t *lab = plat_alloc(sizeof *lab);
    size_t cells = grid_count(sim->grid), nranges = chunk_count(sim->layout);
    if (lab) {
        lab->u = plat_alloc(cells * sizeof(float));
        lab->v = plat_alloc(cells * sizeof(float));
        lab->ranges = plat_alloc(nranges * sizeof(chunk_range_t));
        lab->mesher = mc_mesher_create();
    }
    if (!lab || !lab->u || !lab->v || !lab->ranges || !lab->mesher) {
        if (lab) {
            plat_free(lab->u), plat_free(lab->v), plat_free(lab->ranges);
            mc_mesher_destroy(lab->mesher);
        }
        plat_free(lab);
        err_set(err, err_len, "lab: out of memory for a copy of the state (%zu MB)", cells * 8 >> 20);
        return NULL;
    }
    lab->sim = sim;
    lab->pool = pool;
    lab->view = d->view;
    lab->active_before = pool_active(pool);
    lab->cells = cells;
    lab->nranges = nranges;
    memcpy(lab->u, sim->u, cells * sizeof(float));
    memcpy(lab->v, sim->v, cells * sizeof(float));
    memcpy(lab->ranges, sim->ranges, nranges * sizeof(chunk_range_t));
    lab->step = sim->step;
    lab->count = d->count;
    for (int i = 0; i < d->count; i++) lab->rows[i] = (lab_row_t){.threads = d->threads[i], .steps = steps};
    /* One untimed mesh first: a mesher's first call sizes its scratch, which would
     * otherwise count against the first row. */
    if (!trace_mc_mesh(lab->mesher, pool, gs_grid(sim), gs_v(sim), gs_u(sim), gs_ranges(sim), &lab->view, err,
                       err_len)) {
        lab->finished = true;
        lab_destroy(lab);
        return NULL;
    }
    return lab;
}

/* Meshes and hashes the current row's final state; false on a failure (err). */
static bool close_row(lab_t *lab, lab_row_t *r, char *err, int err_len) {
    gs_sim_t *s = lab->sim;
    uint64_t t0 = plat_now_ns();
    if (!trace_mc_mesh(lab->mesher, lab->pool, gs_grid(s), gs_v(s), gs_u(s), gs_ranges(s), &lab->view, err, err_len))
        return false;
    r->mesh_ms = (double)(plat_now_ns() - t0) * 1e-6;
    size_t bytes = 0;
    const void *blob = mc_blob(lab->mesher, &bytes);
    r->mesh_hash = hash_fnv1a(HASH_FNV_OFFSET, blob, bytes);
    r->triangles = mc_triangle_count(lab->mesher);
    r->state_hash = trace_hash_state(lab->pool, s->grid, s->u, s->v);
    r->steps_per_s = r->step_ms > 0 ? (double)r->steps / (r->step_ms * 1e-3) : 0;
    r->done = true;
    return true;
}

lab_status_t lab_advance(lab_t *lab, double budget_ms, char *err, int err_len) {
    if (lab->finished) return lab->row >= lab->count ? LAB_DONE : LAB_FAILED;
    uint64_t start = plat_now_ns();
    do {
        if (lab->row >= lab->count) {
            finish(lab);
            return LAB_DONE;
        }
        lab_row_t *r = &lab->rows[lab->row];
        if (!lab->started) {
            restore(lab);
            pool_set_active(lab->pool, r->threads);
            lab->left = r->steps;
            lab->started = true;
        }
        if (lab->left > 0) {
            /* the rest of the budget (gs_step_for: it may stop inside a step, which the
             * next call finishes; a row's steps all end in whole sweeps) */
            uint64_t t0 = plat_now_ns();
            double rest = budget_ms - (double)(t0 - start) * 1e-6;
            int64_t done = 0;
            bool ok = trace_gs_step_for(lab->sim, lab->pool, lab->left, rest > 0 ? rest : 0, &done, NULL, err, err_len);
            r->step_ms += (double)(plat_now_ns() - t0) * 1e-6;
            if (!ok) {
                finish(lab);
                return LAB_FAILED;
            }
            lab->left -= done;
        } else {
            if (!close_row(lab, r, err, err_len)) {
                finish(lab);
                return LAB_FAILED;
            }
            lab->row++;
            lab->started = false;
        }
    } while ((double)(plat_now_ns() - start) * 1e-6 < budget_ms);
    if (lab->row >= lab->count) {
        finish(lab);
        return LAB_DONE;
    }
    return LAB_RUNNING;
}

void lab_destroy(lab_t *lab) {
    if (!lab) return;
    finish(lab);
    plat_free(lab->u);
    plat_free(lab->v);
    plat_free(lab->ranges);
    mc_mesher_destroy(lab->mesher);
    plat_free(lab);
}

int lab_row_count(const lab_t *lab) { return lab ? lab->count : 0; }

int lab_rows_done(const lab_t *lab) {
    int n = 0;
    for (int i = 0; lab && i < lab->count; i++) n += lab->rows[i].done;
    return n;
}

lab_row_t lab_row(const lab_t *lab, int i) {
    if (!lab || i < 0 || i >= lab->count) return (lab_row_t){0};
    const lab_row_t *base = NULL;
    for (int j = 0; j < lab->count; j++) {
        const lab_row_t *q = &lab->rows[j];
        if (!q->done || q->steps_per_s <= 0) continue;
        if (!base || (q->threads == 1 && base->threads != 1) || (base->threads != 1 && q->threads < base->threads))
            base = q;
    }
    lab_row_t r = lab->rows[i];
    if (r.done && base) {
        r.speedup = r.steps_per_s / base->steps_per_s;
        r.efficiency = r.speedup * base->threads / r.threads;
    }
    return r;
}

double lab_progress(const lab_t *lab) {
    if (!lab) return 0;
    double total = 0, done = 0;
    for (int i = 0; i < lab->count; i++) {
        const lab_row_t *r = &lab->rows[i];
        total += (double)r->steps + 1;
        if (r->done) done += (double)r->steps + 1;
        else if (i == lab->row && lab->started) done += (double)(r->steps - lab->left);
    }
    return total > 0 ? done / total : 0;
}

int lab_row_json(const lab_row_t *r, char *out, size_t cap) {
    int w = snprintf(out, cap,
                     "{\"threads\":%d,\"steps\":%lld,\"step_ms\":%.3f,\"mesh_ms\":%.3f,\"steps_per_s\":%.6g,"
                     "\"speedup\":%.4f,\"efficiency\":%.4f,\"state_hash\":\"%016" PRIx64 "\",\"mesh_hash\":\"%016" PRIx64
                     "\",\"triangles\":%u,\"done\":%s}",
                     r->threads, (long long)r->steps, r->step_ms, r->mesh_ms, r->steps_per_s, r->speedup, r->efficiency,
                     r->state_hash, r->mesh_hash, r->triangles, r->done ? "true" : "false");
    return w < 0 ? 0 : (size_t)w >= cap ? (int)cap - 1 : w;
}

int lab_parse_threads(const char *text, int max, int *out, int cap) {
    if (!text) return 0;
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[NUM_MAX_LEN + 1];
        uint64_t v;
        if (len == 0 || len > NUM_MAX_LEN || n >= cap || n >= LAB_MAX_ROWS) return 0;
        memcpy(item, p, len);
        item[len] = 0;
        if (!num_u64(item, 1, (uint64_t)max, &v)) return 0;
        out[n++] = (int)v;
        if (!comma) return n;
        p = comma + 1;
    }
}
