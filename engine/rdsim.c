/* rdsim: the command-line simulator (native build/native/rdsim, and
 * build/wasm/rdsim.js under Node). Seeds or loads a state, runs N steps on the
 * pool, optionally saves it and prints its hash / a JSON summary.
 *
 * Exit status: 0 success, 1 a run-time failure (I/O, non-finite step, out of
 * memory), 2 a usage error (unknown option, bad value, --mesh and --save naming
 * the same file). Numbers follow engine/num.h (decimal, whole value, no spaces).
 * To add an option: an entry in `options`, a case in parse_option(), and, for
 * work after the run, a hook in the "after-run hooks" section of main().
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gs.h"
#include "hash.h"
#include "mc.h"
#include "mesh.h"
#include "meshio.h"
#include "num.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "rds.h"
#include "seed.h"

typedef struct options_t {
    grid_t grid;
    bool grid_set;
    const preset_t *preset;
    bool preset_set;
    float F, k, Du, Dv, dt;
    bool F_set, k_set, Du_set, Dv_set, dt_set;
    int stencil;
    bool stencil_set;
    grid_boundary_t boundary;
    bool boundary_set;
    uint64_t seed;
    bool seed_set;
    seed_mode_t seed_mode;
    bool seed_mode_set;
    int64_t steps;
    int threads;
    const char *load, *save;
    bool hash, json;
    /* mesh export (--mesh FILE --iso X), see export_mesh() */
    const char *mesh;
    float iso;
    int mesh_scalar; /* mc_scalar_t: colours from U (default), |grad V| or none */
    bool mesh_close;
} options_t;

static const char *const usage_text =
    "usage: rdsim [options]\n"
    "  --dims X,Y,Z        grid size, each side 8..512 (default 64,64,64)\n"
    "  --size N            same as --dims N,N,N\n"
    "  --preset NAME       parameter set (default spots); --list-presets shows them\n"
    "  --F X --k X         feed and kill rates, 0..1\n"
    "  --Du X --Dv X       diffusion rates, 0..10, with Du/2 <= Dv <= 2*Du\n"
    "  --dt X              time step, (0, 1], within the stability limit of the stencil and\n"
    "                      the reaction (engine/gs.h; a refusal names the largest dt)\n"
    "  --stencil 7|19|27   Laplacian (default 7, or the preset's)\n"
    "  --boundary periodic|zeroflux   (default periodic)\n"
    "  --seed N            64-bit seed (default 1)\n"
    "  --seed-mode cube|spheres|noise   initial state (default: the preset's)\n"
    "  --steps N           steps to run, 0..10^12 (default 100)\n"
    "  --threads N         pool threads, 1..64 (default: logical cores)\n"
    "  --load FILE         start from a .rds state (its step count and parameters,\n"
    "                      unless options override them)\n"
    "  --save FILE         write the final state as .rds\n"
    "  --mesh FILE         export the isosurface of V: .ply (binary), .obj or .stl by\n"
    "                      extension; positions in grid units, normals, colours\n"
    "  --iso X             isovalue of V for --mesh (default 0.25); inside is V >= X\n"
    "  --mesh-color u|gradv|none   per-vertex colour (default u; PLY and OBJ only)\n"
    "  --mesh-close        zero-flux grids: close the surface at the box (default: clip)\n"
    "  --hash              print a final line: state_hash <16 hex digits>\n"
    "                      (and mesh_hash <16 hex digits> of the mesh.h blob with --mesh)\n"
    "  --json              print one JSON summary line (steps/s, cells/s, per-phase ms)\n"
    "  --list-presets      print the presets and exit\n"
    "  --help              this text\n"
    "Numbers: the whole value in decimal, no spaces, at most 63 characters; integers\n"
    "without sign (010 is ten), reals as -?D[.D][e[+-]D] (engine/num.h). --save and\n"
    "--mesh replace their file atomically and must name different files.\n";

static void usage(FILE *f) { fputs(usage_text, f); }

static int bad_value(const char *opt, const char *val, const char *range) {
    fprintf(stderr, "rdsim: %s %s: %s\n", opt, val, range);
    return 2;
}

/* A refused number: the option, the value, its valid range, and the length limit
 * when the value is over it. */
static int bad_number(const char *opt, const char *val, const char *range) {
    size_t len = strlen(val);
    if (len > NUM_MAX_LEN)
        fprintf(stderr, "rdsim: %s %s: too long (%zu characters, at most %d); %s\n", opt, val, len, NUM_MAX_LEN,
                range);
    else
        fprintf(stderr, "rdsim: %s %s: %s\n", opt, val, range);
    return 2;
}

/* Every number follows engine/num.h's grammar (the page's too): decimal, the whole
 * value, no spaces, a sign only on reals, at most NUM_MAX_LEN characters. */
static bool parse_float(const char *s, float *out) { return num_f32(s, out); }

static bool parse_int(const char *s, uint64_t lo, uint64_t hi, int64_t *out) {
    uint64_t v;
    if (!num_u64(s, lo, hi, &v)) return false;
    *out = (int64_t)v;
    return true;
}

/* Options that take a value. */
static const char *const options[] = {"--dims", "--size", "--preset", "--F", "--k", "--Du", "--Dv",
                                      "--dt", "--stencil", "--boundary", "--seed", "--seed-mode",
                                      "--steps", "--threads", "--load", "--save", "--mesh", "--iso",
                                      "--mesh-color", NULL};

/* Returns 0 when handled, 2 on a bad value. */
static int parse_option(options_t *o, const char *opt, const char *val) {
    static const char *const fr = "must be a decimal number; F and k in [0, 1], Du and Dv in [0, 10], dt in (0, 10]";
    int64_t n;
    if (!strcmp(opt, "--dims")) {
        uint64_t d[3];
        if (!num_u64_list(val, 3, GRID_MIN_SIDE, GRID_MAX_SIDE, d))
            return bad_number(opt, val, "must be X,Y,Z: three integers 8..512, commas between, no spaces");
        o->grid.nx = (int)d[0], o->grid.ny = (int)d[1], o->grid.nz = (int)d[2];
        o->grid_set = true;
    } else if (!strcmp(opt, "--size")) {
        if (!parse_int(val, GRID_MIN_SIDE, GRID_MAX_SIDE, &n)) return bad_number(opt, val, "must be 8..512");
        o->grid.nx = o->grid.ny = o->grid.nz = (int)n;
        o->grid_set = true;
    } else if (!strcmp(opt, "--preset")) {
        o->preset = preset_find(val);
        if (!o->preset) {
            fprintf(stderr, "rdsim: --preset %s: unknown; one of:", val);
            for (int i = 0; i < preset_count(); i++) fprintf(stderr, " %s", preset_at(i)->name);
            fprintf(stderr, "\n");
            return 2;
        }
        o->preset_set = true;
    } else if (!strcmp(opt, "--F")) {
        if (!parse_float(val, &o->F)) return bad_number(opt, val, fr);
        o->F_set = true;
    } else if (!strcmp(opt, "--k")) {
        if (!parse_float(val, &o->k)) return bad_number(opt, val, fr);
        o->k_set = true;
    } else if (!strcmp(opt, "--Du")) {
        if (!parse_float(val, &o->Du)) return bad_number(opt, val, fr);
        o->Du_set = true;
    } else if (!strcmp(opt, "--Dv")) {
        if (!parse_float(val, &o->Dv)) return bad_number(opt, val, fr);
        o->Dv_set = true;
    } else if (!strcmp(opt, "--dt")) {
        if (!parse_float(val, &o->dt)) return bad_number(opt, val, fr);
        o->dt_set = true;
    } else if (!strcmp(opt, "--stencil")) {
        if (!parse_int(val, 7, 27, &n) || (n != 7 && n != 19 && n != 27)) return bad_number(opt, val, "must be 7, 19 or 27");
        o->stencil = (int)n;
        o->stencil_set = true;
    } else if (!strcmp(opt, "--boundary")) {
        if (!strcmp(val, "periodic")) o->boundary = GRID_PERIODIC;
        else if (!strcmp(val, "zeroflux") || !strcmp(val, "zero-flux")) o->boundary = GRID_ZEROFLUX;
        else return bad_value(opt, val, "must be periodic or zeroflux");
        o->boundary_set = true;
    } else if (!strcmp(opt, "--seed")) {
        if (!num_u64(val, 0, UINT64_MAX, &o->seed))
            return bad_number(opt, val, "must be a decimal integer 0..18446744073709551615");
        o->seed_set = true;
    } else if (!strcmp(opt, "--seed-mode")) {
        if (!seed_mode_parse(val, &o->seed_mode)) return bad_value(opt, val, "must be cube, spheres or noise");
        o->seed_mode_set = true;
    } else if (!strcmp(opt, "--steps")) {
        if (!parse_int(val, 0, 1000000000000ull, &o->steps)) return bad_number(opt, val, "must be an integer 0..10^12");
    } else if (!strcmp(opt, "--threads")) {
        if (!parse_int(val, 1, POOL_MAX_THREADS, &n)) return bad_number(opt, val, "must be an integer 1..64");
        o->threads = (int)n;
    } else if (!strcmp(opt, "--load")) {
        o->load = val;
    } else if (!strcmp(opt, "--save")) {
        o->save = val;
    } else if (!strcmp(opt, "--mesh")) {
        if (meshio_format_of(val) == MESHIO_UNKNOWN) return bad_value(opt, val, "must end in .ply, .obj or .stl");
        o->mesh = val;
    } else if (!strcmp(opt, "--iso")) {
        if (!parse_float(val, &o->iso)) return bad_number(opt, val, "must be a finite decimal number");
    } else if (!strcmp(opt, "--mesh-color")) {
        if (!strcmp(val, "u")) o->mesh_scalar = MC_SCALAR_U;
        else if (!strcmp(val, "gradv")) o->mesh_scalar = MC_SCALAR_GRAD_V;
        else if (!strcmp(val, "none")) o->mesh_scalar = MC_SCALAR_NONE;
        else return bad_value(opt, val, "must be u, gradv or none");
    }
    return 0;
}

/* The file a path names, for comparing two outputs: realpath of its folder plus
 * its last component (the file itself need not exist). false if the folder cannot
 * be resolved (then the write will fail with the reason). */
static bool canonical_path(const char *path, char *out, size_t cap) {
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[PATH_MAX];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else if ((size_t)(slash - path) >= sizeof dir) return false;
    else memcpy(dir, path, (size_t)(slash - path)), dir[slash - path] = 0;
    char real[PATH_MAX];
    if (!*base || !realpath(dir, real)) return false;
    int w = snprintf(out, cap, "%s/%s", strcmp(real, "/") ? real : "", base);
    return w >= 0 && (size_t)w < cap;
}

/* Whether two output paths name the same file: the same canonical path, or, when
 * both exist, the same inode (a hard or symbolic link). */
static bool same_file(const char *a, const char *b) {
    if (!strcmp(a, b)) return true;
    char ca[PATH_MAX + 256], cb[PATH_MAX + 256];
    if (canonical_path(a, ca, sizeof ca) && canonical_path(b, cb, sizeof cb) && !strcmp(ca, cb)) return true;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static double ms_since(uint64_t t0) { return (double)(plat_now_ns() - t0) * 1e-6; }

/* --mesh: marching cubes of V at --iso on the pool, written by extension. The
 * mesh hash (FNV-1a 64 of the mesh.h blob) goes to *hash. */
static bool export_mesh(const options_t *o, const gs_sim_t *sim, pool_t *pool, uint64_t *hash, char *err,
                        int err_len) {
    mc_mesher_t *m = mc_mesher_create();
    if (!m) {
        snprintf(err, (size_t)err_len, "out of memory");
        return false;
    }
    mc_desc_t d = {o->iso, o->mesh_scalar, o->mesh_close};
    bool ok = mc_mesh(m, pool, gs_grid(sim), gs_v(sim), gs_u(sim), gs_ranges(sim), &d, err, err_len);
    if (ok) {
        size_t bytes = 0;
        const void *blob = mc_blob(m, &bytes);
        *hash = hash_fnv1a(HASH_FNV_OFFSET, blob, bytes);
        ok = meshio_write_mc(m, o->mesh, err, err_len); /* atomically: the previous file stays on failure */
    }
    mc_mesher_destroy(m);
    return ok;
}

int main(int argc, char **argv) {
    options_t o = {.grid = {64, 64, 64, GRID_PERIODIC}, .preset = preset_default(), .seed = 1, .steps = 100,
                   .iso = 0.25f, .mesh_scalar = MC_SCALAR_U};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--list-presets")) {
            for (int p = 0; p < preset_count(); p++) {
                const preset_t *q = preset_at(p);
                printf("%-17s F=%g k=%g Du=%g Dv=%g dt=%g stencil=%d seed-mode=%s  (%s)\n", q->name,
                       (double)q->params.F, (double)q->params.k, (double)q->params.Du, (double)q->params.Dv,
                       (double)q->params.dt, q->params.stencil, seed_mode_name(q->seed_mode), q->source);
            }
            return 0;
        }
        if (!strcmp(a, "--hash")) { o.hash = true; continue; }
        if (!strcmp(a, "--json")) { o.json = true; continue; }
        if (!strcmp(a, "--mesh-close")) { o.mesh_close = true; continue; }
        bool known = false;
        for (int k = 0; options[k]; k++) known |= !strcmp(a, options[k]);
        if (!known) {
            fprintf(stderr, "rdsim: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "rdsim: %s needs a value\n", a);
            usage(stderr);
            return 2;
        }
        int rc = parse_option(&o, a, argv[++i]);
        if (rc) return rc;
    }
    if (o.mesh && o.save && same_file(o.mesh, o.save)) {
        fprintf(stderr, "rdsim: --mesh %s and --save %s name the same file; give each output its own\n", o.mesh,
                o.save);
        return 2;
    }
    if (o.load && o.grid_set) {
        fprintf(stderr, "rdsim: --dims/--size cannot be combined with --load (the file sets the grid)\n");
        return 2;
    }

    char err[512];
    uint64_t t_all = plat_now_ns(), t0 = t_all;
    pool_desc_t pd = {.threads = o.threads};
    pool_t *pool = pool_create(&pd, err, (int)sizeof err);
    if (!pool) {
        fprintf(stderr, "rdsim: %s\n", err);
        return 1;
    }
    double ms_pool = ms_since(t0);

    /* ---- initial state: loaded or seeded ---- */
    gs_sim_t sim = {0};
    double ms_init = 0, ms_seed = 0, ms_load = 0;
    gs_params_t p;
    t0 = plat_now_ns();
    if (o.load) {
        if (!rds_load(&sim, pool, o.load, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: --load: %s\n", err);
            pool_destroy(pool);
            return 1;
        }
        ms_load = ms_since(t0);
        p = o.preset_set ? o.preset->params : sim.params;
    } else {
        p = o.preset->params;
    }
    if (o.F_set) p.F = o.F;
    if (o.k_set) p.k = o.k;
    if (o.Du_set) p.Du = o.Du;
    if (o.Dv_set) p.Dv = o.Dv;
    if (o.dt_set) p.dt = o.dt;
    if (o.stencil_set) p.stencil = o.stencil;
    if (!gs_params_valid(p, err, (int)sizeof err)) {
        fprintf(stderr, "rdsim: bad parameters: %s\n", err);
        gs_free(&sim);
        pool_destroy(pool);
        return 2;
    }
    if (o.load) {
        gs_set_params(&sim, p, NULL, 0);
        if (o.boundary_set) gs_set_boundary(&sim, pool, o.boundary, NULL, 0);
        if (o.seed_set || o.seed_mode_set)
            fprintf(stderr, "rdsim: note: --seed/--seed-mode ignored with --load\n");
    } else {
        grid_t g = o.grid;
        g.boundary = o.boundary_set ? o.boundary : GRID_PERIODIC;
        t0 = plat_now_ns();
        if (!gs_init(&sim, g, p, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: %s\n", err);
            pool_destroy(pool);
            return 1;
        }
        ms_init = ms_since(t0);
        t0 = plat_now_ns();
        seed_fill(&sim, pool, o.seed_mode_set ? o.seed_mode : o.preset->seed_mode, o.seed, NULL, 0);
        ms_seed = ms_since(t0);
    }

    /* ---- the run ---- */
    int rc = 0;
    gs_timing_t tm;
    uint64_t step0 = sim.step;
    t0 = plat_now_ns();
    if (!gs_step(&sim, pool, o.steps, &tm, err, (int)sizeof err)) {
        fprintf(stderr, "rdsim: %s\n", err);
        rc = 1;
    }
    double ms_run = ms_since(t0);
    uint64_t ran = sim.step - step0;

    /* ---- after-run hooks (the last good state is in sim even after a failure) ---- */
    uint64_t mesh_hash = 0;
    if (o.mesh && !export_mesh(&o, &sim, pool, &mesh_hash, err, (int)sizeof err)) {
        fprintf(stderr, "rdsim: --mesh: %s\n", err);
        rc = 1;
    }

    double ms_save = 0, ms_hash = 0;
    if (o.save) {
        t0 = plat_now_ns();
        if (!rds_save(&sim, pool, o.save, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: --save: %s\n", err);
            rc = 1;
        }
        ms_save = ms_since(t0);
    }
    uint64_t h = 0;
    if (o.hash) {
        t0 = plat_now_ns();
        h = hash_state(pool, sim.grid, sim.u, sim.v);
        ms_hash = ms_since(t0);
    }
    if (o.json) {
        double cells = (double)grid_count(sim.grid);
        double sec = tm.step_ms * 1e-3 + tm.ranges_ms * 1e-3;
        double sps = sec > 0 ? (double)ran / sec : 0;
        printf("{\"dims\":[%d,%d,%d],\"boundary\":\"%s\",\"stencil\":%d,\"threads\":%d,\"steps\":%" PRIu64
               ",\"step\":%" PRIu64 ",\"ok\":%s,\"steps_per_s\":%.6g,\"cells_per_s\":%.6g,"
               "\"ms\":{\"pool\":%.3f,\"init\":%.3f,\"seed\":%.3f,\"load\":%.3f,\"step\":%.3f,"
               "\"ranges\":%.3f,\"run\":%.3f,\"save\":%.3f,\"hash\":%.3f,\"total\":%.3f}}\n",
               sim.grid.nx, sim.grid.ny, sim.grid.nz, sim.grid.boundary == GRID_PERIODIC ? "periodic" : "zeroflux",
               sim.params.stencil, pool_size(pool), ran, sim.step, rc == 0 ? "true" : "false", sps, sps * cells,
               ms_pool, ms_init, ms_seed, ms_load, tm.step_ms, tm.ranges_ms, ms_run, ms_save, ms_hash,
               ms_since(t_all));
    }
    if (o.hash) printf("state_hash %016" PRIx64 "\n", h);
    if (o.hash && o.mesh) printf("mesh_hash %016" PRIx64 "\n", mesh_hash);
    fflush(stdout);
    gs_free(&sim);
    pool_destroy(pool);
    return rc;
}
