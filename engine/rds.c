/* rds: .rds reader and writer (see rds.h for the layout), and the file writer
 * (rds_file_replace: atomic for files, through for devices) that rds_save and
 * meshio_write share. */
#include "rds.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "hash.h"
#include "le.h"
#include "plat.h"
#include "pool.h"

_Static_assert(sizeof(float) == 4 && sizeof(uint32_t) == 4, "float32 / u32 layout");

size_t rds_size(grid_t g) { return RDS_HEADER_SIZE + 2 * grid_count(g) * sizeof(float) + 8; }

/* Every reason this file gives starts "state file: " (strip_prefix drops it when nested). */
#define FAIL(...)                                             \
    do {                                                      \
        err_set(err, err_len, "state file: " __VA_ARGS__);    \
        return false;                                         \
    } while (0)

bool rds_parse_header(const void *buf, size_t len, rds_info_t *out, char *err, int err_len) {
    const unsigned char *p = buf;
    if (len < RDS_HEADER_SIZE) FAIL("truncated header: expected at least %d bytes, got %zu", RDS_HEADER_SIZE, len);
    if (memcmp(p, RDS_MAGIC, 8) != 0) FAIL("bad magic (not an RDSTATE1 file)");
    uint32_t version = le_get_u32(p + 8), hsize = le_get_u32(p + 12);
    if (version != RDS_VERSION && version != RDS_VERSION_MAP)
        FAIL("version %u not supported (expected %d, or %d with a parameter map)", version, RDS_VERSION, RDS_VERSION_MAP);
    if (hsize != RDS_HEADER_SIZE) FAIL("header size %u (expected %d)", hsize, RDS_HEADER_SIZE);
    uint32_t nx = le_get_u32(p + 16), ny = le_get_u32(p + 20), nz = le_get_u32(p + 24);
    uint32_t stencil = le_get_u32(p + 28), boundary = le_get_u32(p + 32);
    int reserved = version == RDS_VERSION_MAP ? 92 : 72; /* version 2: the map at 72..91 */
    for (int i = reserved; i < RDS_HEADER_SIZE; i++)
        if (p[i] != 0) FAIL("reserved header byte %d is %u (must be 0)", i, p[i]);
    if (version == RDS_VERSION_MAP && le_get_u32(p + 72) != 1)
        FAIL("version 2: the parameter-map flag at byte 72 is %u (must be 1)", le_get_u32(p + 72));
    if (nx < GRID_MIN_SIDE || nx > GRID_MAX_SIDE || ny < GRID_MIN_SIDE || ny > GRID_MAX_SIDE ||
        nz < GRID_MIN_SIDE || nz > GRID_MAX_SIDE)
        FAIL("dims %ux%ux%u: each side must be %d..%d", nx, ny, nz, GRID_MIN_SIDE, GRID_MAX_SIDE);
    if (boundary > 1) FAIL("boundary %u (0 periodic, 1 zero-flux)", boundary);
    if (stencil != 7 && stencil != 19 && stencil != 27) FAIL("stencil %u (7, 19 or 27)", stencil);
    rds_info_t info;
    info.grid = (grid_t){(int)nx, (int)ny, (int)nz, (grid_boundary_t)boundary};
    info.params = (gs_params_t){le_get_f32(p + 36), le_get_f32(p + 40), le_get_f32(p + 44), le_get_f32(p + 48),
                                le_get_f32(p + 52), (int)stencil, 0, GS_MAP_K_MIN_DEFAULT, GS_MAP_K_MAX_DEFAULT,
                                GS_MAP_F_MIN_DEFAULT, GS_MAP_F_MAX_DEFAULT};
    /* Version 1 has no map: its ranges are the defaults, as a new simulation's (unused
     * until the map is turned on). */
    if (version == RDS_VERSION_MAP) {
        info.params.map = 1;
        info.params.k_min = le_get_f32(p + 76);
        info.params.k_max = le_get_f32(p + 80);
        info.params.F_min = le_get_f32(p + 84);
        info.params.F_max = le_get_f32(p + 88);
    }
    info.seed = le_get_u64(p + 56);
    info.step = le_get_u64(p + 64);
    if (info.step > GS_STEP_MAX)
        FAIL("step count %llu exceeds the largest allowed, %llu (2^53-1)", (unsigned long long)info.step,
             (unsigned long long)GS_STEP_MAX);
    char why[200];
    if (!gs_params_valid_on(info.params, info.grid, why, (int)sizeof why)) FAIL("%s", why);
    *out = info;
    return true;
}

bool rds_write(const gs_sim_t *sim, pool_t *pool, void *buf, size_t cap, char *err, int err_len) {
    grid_t g = sim->grid;
    size_t need = rds_size(g), n = grid_count(g);
    if (cap < need) FAIL("buffer of %zu bytes is too small (%zu needed)", cap, need);
    unsigned char *p = buf;
    memset(p, 0, RDS_HEADER_SIZE);
    memcpy(p, RDS_MAGIC, 8);
    le_put_u32(p + 8, sim->params.map ? RDS_VERSION_MAP : RDS_VERSION);
    le_put_u32(p + 12, RDS_HEADER_SIZE);
    le_put_u32(p + 16, (uint32_t)g.nx);
    le_put_u32(p + 20, (uint32_t)g.ny);
    le_put_u32(p + 24, (uint32_t)g.nz);
    le_put_u32(p + 28, (uint32_t)sim->params.stencil);
    le_put_u32(p + 32, (uint32_t)g.boundary);
    le_put_f32(p + 36, sim->params.F);
    le_put_f32(p + 40, sim->params.k);
    le_put_f32(p + 44, sim->params.Du);
    le_put_f32(p + 48, sim->params.Dv);
    le_put_f32(p + 52, sim->params.dt);
    le_put_u64(p + 56, sim->seed);
    le_put_u64(p + 64, sim->step);
    if (sim->params.map) {
        le_put_u32(p + 72, 1);
        le_put_f32(le_put_f32(le_put_f32(le_put_f32(p + 76, sim->params.k_min), sim->params.k_max),
                              sim->params.F_min), sim->params.F_max);
    }
    memcpy(p + RDS_HEADER_SIZE, sim->u, n * sizeof(float));
    memcpy(p + RDS_HEADER_SIZE + n * sizeof(float), sim->v, n * sizeof(float));
    le_put_u64(p + need - 8, gs_state_hash(sim, pool));
    return true;
}

/* Writes "truncated: expected N bytes for AxBxC, got M" (or "oversized: ...") to msg. */
static const char *size_mismatch(char *msg, size_t cap, grid_t g, size_t need, size_t got) {
    snprintf(msg, cap, "%s: expected %zu bytes for %dx%dx%d, got %zu", got < need ? "truncated" : "oversized", need,
             g.nx, g.ny, g.nz, got);
    return msg;
}

/* Index of the first non-finite float among n at p (any alignment), or n. */
static size_t first_nonfinite(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float f;
        memcpy(&f, p + 4 * i, 4);
        if (!isfinite(f)) return i;
    }
    return n;
}

bool rds_read(gs_sim_t *sim, pool_t *pool, const void *buf, size_t len, char *err, int err_len) {
    rds_info_t info;
    if (!rds_parse_header(buf, len, &info, err, err_len)) return false;
    grid_t g = info.grid;
    size_t need = rds_size(g), n = grid_count(g);
    char msg[128];
    if (len != need) FAIL("%s", size_mismatch(msg, sizeof msg, g, need, len));
    const unsigned char *p = buf;
    const unsigned char *u = p + RDS_HEADER_SIZE, *v = u + n * sizeof(float);
    size_t bad = first_nonfinite(u, n);
    if (bad < n) FAIL("U holds a non-finite value at sample %zu", bad);
    bad = first_nonfinite(v, n);
    if (bad < n) FAIL("V holds a non-finite value at sample %zu", bad);
    uint64_t stored = le_get_u64(p + need - 8);
    if (stored != 0) {
        unsigned char tail[GS_MAP_TAIL_BYTES];
        int tn = gs_map_hash_tail(&info.params, tail);
        uint64_t h = hash_state_tail(pool, g, u, v, tail, (size_t)tn);
        if (h != stored)
            FAIL("corrupted: state hash %016llx does not match the stored %016llx", (unsigned long long)h,
                 (unsigned long long)stored);
    }
    bool same = sim->u && sim->grid.nx == g.nx && sim->grid.ny == g.ny && sim->grid.nz == g.nz;
    if (!same) {
        gs_sim_t fresh;
        if (!gs_init(&fresh, g, info.params, err, err_len)) return false;
        gs_free(sim);
        *sim = fresh;
    }
    sim->grid = g;
    sim->layout = chunk_layout(g);
    gs_set_params(sim, info.params, NULL, 0); /* valid (checked above); fills the map's tables */
    sim->seed = info.seed;
    sim->step = info.step;
    memcpy(sim->u, u, n * sizeof(float));
    memcpy(sim->v, v, n * sizeof(float));
    gs_refresh_ranges(sim, pool);
    return true;
}

/* Drops the "state file: " prefix of a nested message. */
static const char *strip_prefix(const char *why) {
    const char *pre = "state file: ";
    return strncmp(why, pre, strlen(pre)) == 0 ? why + strlen(pre) : why;
}

/* ---- files -------------------------------------------------------------------------- */

/* Unique names for temporary files of this process. */
static unsigned temp_counter;

/* The file path names after following symbolic links in its last component (a
 * dangling link names the file it would create), into out. false with the reason. */
static bool resolve_target(const char *path, char *out, size_t cap, char *err, int err_len) {
    if (snprintf(out, cap, "%s", path) >= (int)cap) {
        err_set(err, err_len, "%s: %s", path, strerror(ENAMETOOLONG));
        return false;
    }
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode)) return true;
        char link[4096];
        ssize_t n = hops < 40 ? readlink(out, link, sizeof link - 1) : -1;
        if (n < 0) {
            err_set(err, err_len, "%s: %s", path, strerror(hops < 40 ? errno : ELOOP));
            return false;
        }
        link[n] = 0;
        /* a relative link is read from the folder holding it */
        const char *slash = link[0] == '/' ? NULL : strrchr(out, '/');
        int dir_len = slash ? (int)(slash - out) + 1 : 0;
        char next[4096];
        int w = snprintf(next, sizeof next, "%.*s%s", dir_len, out, link);
        if (w < 0 || (size_t)w >= sizeof next || (size_t)w >= cap) {
            err_set(err, err_len, "%s: %s", path, strerror(ENAMETOOLONG));
            return false;
        }
        memcpy(out, next, (size_t)w + 1);
    }
}

int rds_temp_create(const char *path, char *tmp, size_t cap, char *err, int err_len) {
    if (cap) tmp[0] = 0;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        err_set(err, err_len, "%s: %s", path, strerror(EISDIR));
        return -1;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* a device, FIFO or socket: written through */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            err_set(err, err_len, "cannot write %s: %s", path, strerror(e));
        }
        return fd;
    }
    char target[4096]; /* a symbolic link: the file it names is replaced, the link stays */
    if (!resolve_target(path, target, sizeof target, err, err_len)) return -1;
    const char *base = strrchr(target, '/');
    base = base ? base + 1 : target;
    const char *dot = strrchr(base, '.');
    const char *ext = dot && dot != base ? dot : "";
    for (int tries = 0; tries < 100; tries++) {
        unsigned n = __atomic_fetch_add(&temp_counter, 1, __ATOMIC_RELAXED);
        int w = snprintf(tmp, cap, "%s.tmp-%ld-%u%s", target, (long)getpid(), n, ext);
        if (w < 0 || (size_t)w >= cap) {
            if (cap) tmp[0] = 0;
            err_set(err, err_len, "%s: %s", path, strerror(ENAMETOOLONG));
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            /* a replaced file keeps its permissions */
            if (stat(target, &st) == 0 && S_ISREG(st.st_mode)) (void)fchmod(fd, st.st_mode & 07777);
            return fd;
        }
        if (errno != EEXIST) {
            int e = errno;
            tmp[0] = 0;
            err_set(err, err_len, "cannot create a file beside %s: %s", path, strerror(e));
            return -1;
        }
    }
    tmp[0] = 0;
    err_set(err, err_len, "cannot create a file beside %s: %s", path, strerror(EEXIST));
    return -1;
}

bool rds_temp_commit(const char *tmp, const char *path, char *err, int err_len) {
    if (!*tmp) return true; /* written through (a device, FIFO or socket) */
    /* flush to the device first, so no crash after the rename leaves a short file */
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)) {
        int e = errno;
        if (fd >= 0) close(fd);
        remove(tmp);
        err_set(err, err_len, "cannot write %s: %s", path, strerror(e));
        return false;
    }
    close(fd);
    char target[4096];
    if (!resolve_target(path, target, sizeof target, err, err_len)) {
        remove(tmp);
        return false;
    }
    if (rename(tmp, target) != 0) {
        int e = errno;
        remove(tmp);
        err_set(err, err_len, "cannot replace %s: %s", path, strerror(e));
        return false;
    }
    return true;
}

/* Writes all len bytes of buf to fd; false with errno set. */
static bool write_all(int fd, const unsigned char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len > (1u << 30) ? (1u << 30) : len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            return false;
        }
        buf += w, len -= (size_t)w;
    }
    return true;
}

bool rds_file_replace(const char *path, const void *buf, size_t len, char *err, int err_len) {
    char tmp[4096];
    int fd = rds_temp_create(path, tmp, sizeof tmp, err, err_len);
    if (fd < 0) return false;
    bool ok = write_all(fd, buf, len);
    int e = errno;
    if (close(fd) != 0 && ok) ok = false, e = errno;
    if (!ok) {
        if (*tmp) remove(tmp);
        err_set(err, err_len, "cannot write %s: %s", path, strerror(e));
        return false;
    }
    return rds_temp_commit(tmp, path, err, err_len);
}

bool rds_save(const gs_sim_t *sim, pool_t *pool, const char *path, char *err, int err_len) {
    size_t size = rds_size(sim->grid);
    unsigned char *buf = plat_alloc(size);
    if (!buf) FAIL("out of memory (%zu bytes) saving %s", size, path);
    if (!rds_write(sim, pool, buf, size, err, err_len)) {
        plat_free(buf);
        return false;
    }
    char why[4400];
    bool ok = rds_file_replace(path, buf, size, why, (int)sizeof why);
    plat_free(buf);
    if (!ok) FAIL("%s", why);
    return true;
}

/* Reads fd to its end or to limit bytes in all (the first pre_len taken from pre)
 * into a new malloc buffer. It starts at first_cap bytes and grows only as data
 * arrives, so a short stream that claims a big grid costs little. NULL with *e set. */
static unsigned char *read_up_to(int fd, const void *pre, size_t pre_len, size_t limit, size_t first_cap,
                                 size_t *got, int *e) {
    size_t cap = first_cap < pre_len ? pre_len : first_cap > limit ? limit : first_cap, len = pre_len;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        *e = ENOMEM;
        return NULL;
    }
    if (pre_len) memcpy(buf, pre, pre_len);
    while (len < limit) {
        if (len == cap) {
            size_t ncap = cap > limit / 2 ? limit : 2 * cap;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                *e = ENOMEM;
                return NULL;
            }
            buf = nb, cap = ncap;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            *e = errno;
            free(buf);
            return NULL;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    *got = len;
    return buf;
}

/* Reads up to n bytes into buf; returns how many, or -1 with errno set. */
static ssize_t read_full(int fd, unsigned char *buf, size_t n) {
    size_t len = 0;
    while (len < n) {
        ssize_t r = read(fd, buf + len, n - len);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        len += (size_t)r;
    }
    return (ssize_t)len;
}

bool rds_load(gs_sim_t *sim, pool_t *pool, const char *path, char *err, int err_len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) FAIL("cannot open %s: %s", path, strerror(errno));
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) != 0) {
        e = errno;
        close(fd);
        FAIL("cannot read %s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        FAIL("cannot read %s: %s", path, strerror(EISDIR));
    }
    /* the header first: it says how big the file must be */
    unsigned char head[RDS_HEADER_SIZE];
    ssize_t got = read_full(fd, head, sizeof head);
    if (got < 0) {
        e = errno;
        close(fd);
        FAIL("cannot read %s: %s", path, strerror(e));
    }
    rds_info_t info;
    char why[256];
    if (!rds_parse_header(head, (size_t)got, &info, why, (int)sizeof why)) {
        close(fd);
        FAIL("%s: %s", path, strip_prefix(why));
    }
    size_t need = rds_size(info.grid);
    /* a regular file's size is known: compare it before allocating anything */
    bool regular = S_ISREG(st.st_mode);
    if (regular && (uintmax_t)st.st_size != (uintmax_t)need) {
        close(fd);
        size_t have = (uintmax_t)st.st_size > SIZE_MAX ? SIZE_MAX : (size_t)st.st_size;
        FAIL("%s: %s", path, size_mismatch(why, sizeof why, info.grid, need, have));
    }
    /* one byte more than needed, so a file that grew or a longer stream is noticed;
     * a pipe or device grows the buffer only as its data comes */
    size_t len = 0;
    unsigned char *buf = read_up_to(fd, head, sizeof head, need + 1, regular ? need + 1 : (size_t)1 << 20, &len, &e);
    close(fd);
    if (!buf) {
        if (e == ENOMEM) FAIL("out of memory (%zu bytes) loading %s", need, path);
        FAIL("cannot read %s: %s", path, strerror(e));
    }
    bool ok = rds_read(sim, pool, buf, len, why, (int)sizeof why);
    free(buf);
    if (!ok) FAIL("%s: %s", path, strip_prefix(why));
    return true;
}
