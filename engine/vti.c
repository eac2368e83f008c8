/* vti: the state as a VTK ImageData file (vti.h). The XML head is formatted the same
 * way for vti_size and vti_write; the state hash in it has a fixed width (20 decimal
 * digits, the comment's 16 hex), so the size is known before the hash is computed. */
#include "vti.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "le.h"
#include "num.h"
#include "plat.h"
#include "rds.h"

enum { HEAD_MAX = 4096 };

static const char TAIL[] = "\n  </AppendedData>\n</VTKFile>\n";

typedef struct text_t {
    char *p;
    size_t len, cap;
    bool full;
} text_t;

static void put(text_t *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= t->cap - t->len) t->full = true;
    else t->len += (size_t)w;
}

/* s as an XML attribute value's text (& < > " ' escaped). */
static void put_attr(text_t *t, const char *s) {
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;"
                      : *s == '\'' ? "&apos;" : NULL;
        if (e) put(t, "%s", e);
        else put(t, "%c", *s);
    }
}

static void field(text_t *t, const char *type, const char *name, const char *value) {
    put(t, "      <DataArray type=\"%s\" Name=\"%s\" NumberOfTuples=\"1\" format=\"ascii\">%s</DataArray>\n", type,
        name, value);
}

static void field_f32(text_t *t, const char *name, float x) {
    char s[32];
    field(t, "Float32", name, num_f32_str(x, s, (int)sizeof s));
}

static void field_int(text_t *t, const char *type, const char *name, uint64_t x, int width) {
    char s[32];
    snprintf(s, sizeof s, "%0*" PRIu64, width, x);
    field(t, type, name, s);
}

/* The XML up to and including the "_" that opens the raw data, into out (HEAD_MAX). */
static size_t head(const gs_sim_t *sim, uint64_t hash, char *out) {
    text_t t = {out, 0, HEAD_MAX, false};
    grid_t g = sim->grid;
    const gs_params_t *p = &sim->params;
    size_t bytes = grid_count(g) * sizeof(float);
    put(&t, "<?xml version=\"1.0\"?>\n");
    put(&t, "<!-- Gray-Scott reaction-diffusion, %dx%dx%d at step %" PRIu64 ", state_hash %016" PRIx64
            ": U and V of every sample, in the grid units of the mesh exports -->\n",
        g.nx, g.ny, g.nz, sim->step, hash);
    put(&t, "<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n");
    put(&t, "  <ImageData WholeExtent=\"0 %d 0 %d 0 %d\" Origin=\"0 0 0\" Spacing=\"1 1 1\">\n", g.nx - 1, g.ny - 1,
        g.nz - 1);
    put(&t, "    <FieldData>\n");
    field_f32(&t, "F", p->F);
    field_f32(&t, "k", p->k);
    field_f32(&t, "Du", p->Du);
    field_f32(&t, "Dv", p->Dv);
    field_f32(&t, "dt", p->dt);
    field_int(&t, "Int32", "Stencil", (uint64_t)p->stencil, 1);
    field_int(&t, "Int32", "Boundary", g.boundary == GRID_PERIODIC ? 0 : 1, 1);
    field_int(&t, "Int32", "Map", p->map ? 1 : 0, 1);
    if (p->map) {
        field_f32(&t, "kMin", p->k_min);
        field_f32(&t, "kMax", p->k_max);
        field_f32(&t, "FMin", p->F_min);
        field_f32(&t, "FMax", p->F_max);
    }
    field_int(&t, "UInt64", "Step", sim->step, 1);
    field_int(&t, "UInt64", "Seed", sim->seed, 1);
    field_int(&t, "UInt64", "StateHash", hash, 20);
    char time[40];
    snprintf(time, sizeof time, "%.17g", (double)sim->step * (double)p->dt);
    field(&t, "Float64", "TimeValue", time);
    put(&t, "    </FieldData>\n");
    put(&t, "    <Piece Extent=\"0 %d 0 %d 0 %d\">\n", g.nx - 1, g.ny - 1, g.nz - 1);
    put(&t, "      <PointData Scalars=\"V\">\n");
    put(&t, "        <DataArray type=\"Float32\" Name=\"V\" format=\"appended\" offset=\"0\"/>\n");
    put(&t, "        <DataArray type=\"Float32\" Name=\"U\" format=\"appended\" offset=\"%zu\"/>\n", 8 + bytes);
    put(&t, "      </PointData>\n");
    put(&t, "      <CellData>\n      </CellData>\n");
    put(&t, "    </Piece>\n");
    put(&t, "  </ImageData>\n");
    put(&t, "  <AppendedData encoding=\"raw\">\n   _");
    return t.full ? 0 : t.len; /* a few hundred bytes: never full */
}

size_t vti_size(const gs_sim_t *sim) {
    char h[HEAD_MAX];
    size_t n = head(sim, 0, h);
    return n ? n + 2 * (8 + grid_count(sim->grid) * sizeof(float)) + sizeof TAIL - 1 : 0;
}

size_t vti_write(const gs_sim_t *sim, struct pool_t *pool, void *buf, size_t cap, char *err, int err_len) {
    size_t need = vti_size(sim);
    if (!need || cap < need) {
        err_set(err, err_len, "buffer of %zu bytes is too small (%zu needed)", cap, need);
        return 0;
    }
    char h[HEAD_MAX];
    size_t n = head(sim, gs_state_hash(sim, pool), h);
    size_t bytes = grid_count(sim->grid) * sizeof(float);
    unsigned char *p = buf;
    memcpy(p, h, n);
    p += n;
    /* the samples as the .rds file has them (engine/rds.c: float32, a little-endian host) */
    p = le_put_u64(p, bytes);
    memcpy(p, gs_v(sim), bytes);
    p = le_put_u64(p + bytes, bytes);
    memcpy(p, gs_u(sim), bytes);
    memcpy(p + bytes, TAIL, sizeof TAIL - 1);
    return need;
}

bool vti_save(const gs_sim_t *sim, struct pool_t *pool, const char *path, char *err, int err_len) {
    size_t size = vti_size(sim);
    unsigned char *buf = plat_alloc(size);
    if (!buf) {
        err_set(err, err_len, "out of memory (%zu bytes) for %s", size, path);
        return false;
    }
    bool ok = vti_write(sim, pool, buf, size, err, err_len) && rds_file_replace(path, buf, size, err, err_len);
    plat_free(buf);
    return ok;
}

bool vti_collection_save(const char *path, const char *const *names, const double *times, int n, char *err,
                         int err_len) {
    static const char head[] = "<?xml version=\"1.0\"?>\n"
                               "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
                               "  <Collection>\n";
    static const char tail[] = "  </Collection>\n</VTKFile>\n";
    size_t cap = sizeof head + sizeof tail;
    for (int i = 0; i < n; i++) cap += 6 * strlen(names[i]) + 96; /* every character escaped at worst */
    char *buf = plat_alloc(cap);
    if (!buf) {
        err_set(err, err_len, "out of memory (%zu bytes) for %s", cap, path);
        return false;
    }
    text_t t = {buf, 0, cap, false};
    put(&t, "%s", head);
    for (int i = 0; i < n; i++) {
        put(&t, "    <DataSet timestep=\"%.17g\" group=\"\" part=\"0\" file=\"", times[i]);
        put_attr(&t, names[i]);
        put(&t, "\"/>\n");
    }
    put(&t, "%s", tail);
    bool ok = !t.full && rds_file_replace(path, buf, t.len, err, err_len);
    if (t.full) err_set(err, err_len, "%s: the collection did not fit its buffer", path);
    plat_free(buf);
    return ok;
}
