/* rdsim: the command-line simulator (native build/native/rdsim, and
 * build/wasm/rdsim.js under Node). Seeds or loads a state, runs N steps on the
 * pool, optionally saves it and prints its hash / a JSON summary.
 *
 * Exit status: 0 success, 1 a run-time failure (I/O, non-finite step, out of
 * memory, stdout not written), 2 a usage error (unknown option, bad value, two
 * outputs or an output and --load naming the same file, an output in no folder or
 * naming a directory). Numbers follow engine/num.h (decimal, whole value, no spaces).
 * The settings shared with the page (reaction, grid, seed, mesh view) are parsed,
 * checked and listed in the usage text from the schema (engine/schema.h): a new
 * setting needs nothing here. rdsim's own options: an entry in `options`, a case in
 * parse_option(), and, for work after the run, a hook in the "after-run hooks"
 * section of main().
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

#include "err.h"
#include "gs.h"
#include "hash.h"
#include "lab.h"
#include "mc.h"
#include "mesh.h"
#include "meshio.h"
#include "num.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "probe.h"
#include "rds.h"
#include "schema.h"
#include "seed.h"
#include "stats.h"
#include "trace.h"
#include "vti.h"

enum { VOLUME_FRAMES_MAX = 10000 }; /* --volume-every's files, at most */

typedef struct options_t {
    /* the schema's settings (engine/schema.h) given on the command line, by index */
    schema_value_t value[SCHEMA_PARAMS_MAX];
    bool set[SCHEMA_PARAMS_MAX];
    grid_t grid; /* --dims */
    bool grid_set;
    const preset_t *preset;
    bool preset_set;
    int64_t steps;
    int threads;
    const char *load, *save;
    bool hash, json;
    bool stats; /* --stats, see print_stats() */
    const char *mesh; /* --mesh FILE, see export_mesh() */
    const char *volume; /* --volume FILE.vti: the state as a VTK ImageData volume (engine/vti.h) */
    int64_t volume_every; /* --volume-every N: a series FILE-stepS.vti every N steps and FILE.pvd */
    int scaling[LAB_MAX_ROWS]; /* --scaling LIST, see run_scaling() */
    int scaling_n;
    const char *trace; /* --trace FILE: the pool's timeline, Trace Event Format */
    int probe[3];      /* --probe X,Y,Z: print U and V of that sample after the run */
    bool probe_set;
} options_t;

static const char *const usage_head =
    "usage: rdsim [options]\n"
    "  --dims X,Y,Z        grid size, each side 8..512 (or --size N for N,N,N; not both)\n"
    "  --preset NAME       parameter set (default spots); --list-presets shows them\n"
    "  --steps N           steps to run, 0..10^12 (default 100)\n"
    "  --threads N         pool threads, 1..64 (default: logical cores)\n"
    "  --load FILE         start from a .rds state (its step count and parameters,\n"
    "                      unless options override them)\n"
    "  --save FILE         write the final state as .rds\n"
    "  --mesh FILE         export the isosurface of V, format by extension (--schema lists\n"
    "                      them: .ply, .obj, .stl); positions in grid units, normals, colours\n"
    "                      (--iso, --mesh-color, --mesh-close below)\n"
    "  --volume FILE.vti   write the final state as a VTK ImageData volume (ParaView, VisIt):\n"
    "                      U and V on the samples (grid units, as --mesh), the parameters,\n"
    "                      step and state hash as field data\n"
    "  --volume-every N    with --volume: also a time series for ParaView, FILE-stepS.vti at\n"
    "                      the start and every N steps (and the last step), and FILE.pvd\n"
    "                      listing them with their times (step * dt); at most 10000 files\n"
    "  --hash              print a line state_hash <16 hex digits>, then, with --mesh, a line\n"
    "                      mesh_hash <16 hex digits> (of the mesh.h blob); --probe's line\n"
    "                      comes after them, last\n"
    "  --stats             print the final state's statistics as two CSV lines (a header:\n"
    "                      " STATS_CSV_HEADER "; then the row),\n"
    "                      as the page's time series has them (inside: V >= --iso; the\n"
    "                      mesh's triangles and area at --iso, --mesh-close; level 1: full\n"
    "                      resolution, as every CLI mesh is)\n"
    "  --json              print one JSON summary line (steps/s, cells/s, per-phase ms)\n"
    "  --scaling LIST      threads lab: for each thread count of LIST (e.g. 1,2,4,8) run\n"
    "                      --steps steps (1..10^6 with --scaling) from the starting state\n"
    "                      and mesh once; prints a table (with --json: one JSON line per\n"
    "                      row) of times, steps/s, speedup, efficiency and the state and\n"
    "                      mesh hashes; the state afterwards is the starting state\n"
    "  --probe X,Y,Z       print a last line: probe X Y Z U V (the sample's U and V, %.9g,\n"
    "                      as the page's probe shows them)\n"
    "  --trace FILE        write the pool's timeline (Trace Event Format JSON, for Perfetto\n"
    "                      or chrome://tracing): one lane per worker, a span per phase\n"
    "  --schema            print the settings' description (JSON, as the page reads it) and exit\n"
    "  --list-presets      print the presets and exit\n"
    "  --help              this text\n"
    "Settings (the page's too):\n";
static const char *const usage_tail =
    "  Du and Dv: Du/2 <= Dv <= 2*Du; dt: within the stability limit of the stencil and the\n"
    "  reaction (engine/gs.h; a refusal names the largest dt).\n"
    "Numbers: the whole value in decimal, no spaces, at most 63 characters; integers\n"
    "without sign (010 is ten), reals as -?(D[.[D]]|.D)[(e|E)[+|-]D], D digits (engine/num.h).\n"
    "--save, --mesh, --volume and --trace replace their file atomically (through a symbolic\n"
    "link, the file it names; a device or FIFO is written to) and must name different files,\n"
    "in existing folders; --mesh, --volume and --trace must not name the --load file.\n";

static void usage(FILE *f) {
    fputs(usage_head, f);
    schema_usage(f);
    fputs(usage_tail, f);
}

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
static bool parse_int(const char *s, uint64_t lo, uint64_t hi, int64_t *out) {
    uint64_t v;
    if (!num_u64(s, lo, hi, &v)) return false;
    *out = (int64_t)v;
    return true;
}

/* rdsim's own options that take a value (the settings' come from the schema). */
static const char *const options[] = {"--dims", "--preset", "--steps", "--threads", "--load", "--save", "--mesh",
                                      "--volume", "--volume-every", "--scaling", "--trace", "--probe", NULL};

static int index_of(const schema_param_t *p) { return (int)(p - schema_at(0)); }

/* A setting's value for this run: given, else rdsim's default (the schema's, or its
 * cli_default). */
static schema_value_t setting(const options_t *o, const char *key) {
    const schema_param_t *p = schema_find(key);
    if (o->set[index_of(p)]) return o->value[index_of(p)];
    schema_value_t v = schema_default(p);
    if (p->cli_default) schema_parse(p, p->cli_default, &v, NULL, 0);
    return v;
}

/* Returns 0 when handled, 2 on a bad value. */
static int parse_option(options_t *o, const char *opt, const char *val) {
    int64_t n;
    const schema_param_t *p = schema_find_cli(opt);
    if (p) {
        char why[400];
        if (!schema_parse(p, val, &o->value[index_of(p)], why, (int)sizeof why)) {
            fprintf(stderr, "rdsim: %s %s: %s\n", opt, val, why);
            return 2;
        }
        /* A view setting's range (live ones are checked with the others: gs_params_valid). */
        double d = o->value[index_of(p)].d;
        if (p->kind == SCHEMA_REAL && p->apply != SCHEMA_LIVE &&
            !((p->min_open ? d > p->min : d >= p->min) && d <= p->max)) {
            schema_expect(p, why, sizeof why);
            fprintf(stderr, "rdsim: %s %s: %s\n", opt, val, why);
            return 2;
        }
        o->set[index_of(p)] = true;
    } else if (!strcmp(opt, "--dims")) {
        uint64_t d[3];
        if (!num_u64_list(val, 3, GRID_MIN_SIDE, GRID_MAX_SIDE, d))
            return bad_number(opt, val, "must be X,Y,Z: three integers 8..512, commas between, no spaces");
        o->grid.nx = (int)d[0], o->grid.ny = (int)d[1], o->grid.nz = (int)d[2];
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
        if (meshio_format_of(val) == MESHIO_UNKNOWN) {
            char list[128], why[160];
            snprintf(why, sizeof why, "must end in %s", meshio_format_list(list, sizeof list, true));
            return bad_value(opt, val, why);
        }
        o->mesh = val;
    } else if (!strcmp(opt, "--volume")) {
        size_t len = strlen(val);
        if (len < 5 || strcmp(val + len - 4, ".vti")) return bad_value(opt, val, "must end in .vti (VTK ImageData)");
        o->volume = val;
    } else if (!strcmp(opt, "--volume-every")) {
        if (!parse_int(val, 1, 1000000000000ull, &o->volume_every))
            return bad_number(opt, val, "must be an integer 1..10^12");
    } else if (!strcmp(opt, "--scaling")) {
        o->scaling_n = lab_parse_threads(val, POOL_MAX_THREADS, o->scaling, LAB_MAX_ROWS);
        if (!o->scaling_n)
            return bad_number(opt, val, "must be thread counts 1..64, commas between (e.g. 1,2,4,8), at most 64 of them");
    } else if (!strcmp(opt, "--trace")) {
        o->trace = val;
    } else if (!strcmp(opt, "--probe")) {
        uint64_t d[3];
        if (!num_u64_list(val, 3, 0, GRID_MAX_SIDE - 1, d))
            return bad_number(opt, val, "must be X,Y,Z: three sample indices 0..511, commas between, no spaces");
        for (int a = 0; a < 3; a++) o->probe[a] = (int)d[a];
        o->probe_set = true;
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

/* Whether two paths name the same file: the same canonical path, or, when both
 * exist, the same inode (a hard or symbolic link). A device, FIFO or socket is
 * written through and never replaced, so it is no one's file (two outputs may
 * both go to /dev/null). */
static bool same_file(const char *a, const char *b) {
    struct stat sa, sb;
    if ((stat(a, &sa) == 0 && !S_ISREG(sa.st_mode)) || (stat(b, &sb) == 0 && !S_ISREG(sb.st_mode))) return false;
    if (!strcmp(a, b)) return true;
    char ca[PATH_MAX + 256], cb[PATH_MAX + 256];
    if (canonical_path(a, ca, sizeof ca) && canonical_path(b, cb, sizeof cb) && !strcmp(ca, cb)) return true;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* An output path, before any work: its folder exists and it is not a directory.
 * Returns 0, or 2 after saying why. */
static int check_output(const char *opt, const char *path) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "rdsim: %s %s: is a directory\n", opt, path);
        return 2;
    }
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int e = stat(dir, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e == ENOENT) fprintf(stderr, "rdsim: %s %s: no folder %s\n", opt, path, dir);
    else if (e) fprintf(stderr, "rdsim: %s %s: folder %s: %s\n", opt, path, dir, strerror(e));
    return e ? 2 : 0;
}

/* Whether writing stdout failed, and the first reason (0: unknown). */
static bool stdout_bad;
static int stdout_errno;

/* Writes what stdout buffers; notes a failure of it or of an earlier printf. */
static void flush_stdout(void) {
    int before = errno; /* a printf or puts that failed just before left its reason here */
    bool failed = fflush(stdout) != 0;
    if ((failed || ferror(stdout)) && !stdout_bad) stdout_bad = true, stdout_errno = failed ? errno : before;
}

/* Flushes and closes stdout; rc, or 1 after saying why when any output was lost
 * (a full disk, /dev/full, a closed pipe). */
static int close_stdout(int rc) {
    flush_stdout();
    if (fclose(stdout) != 0 && !stdout_bad) stdout_bad = true, stdout_errno = errno;
    if (!stdout_bad) return rc;
    fprintf(stderr, "rdsim: cannot write the output: %s\n", strerror(stdout_errno ? stdout_errno : EIO));
    return 1;
}

static double ms_since(uint64_t t0) { return (double)(plat_now_ns() - t0) * 1e-6; }

/* --volume-every: the run in parts of N steps, the state written as FILE-stepS.vti before the
 * first and after each (S zero-padded to the last step's digits, so the names sort by
 * step), then FILE.pvd listing those written, also when a step or a write failed (err
 * says which). The step timings add up over the parts. */
static bool run_volume_series(const options_t *o, gs_sim_t *sim, pool_t *pool, gs_timing_t *tm, char *err,
                              int err_len) {
    size_t stem_len = strlen(o->volume) - 4; /* without ".vti" (parse_option) */
    const char *base = strrchr(o->volume, '/');
    size_t base_at = base ? (size_t)(base + 1 - o->volume) : 0;
    uint64_t last = sim->step + (uint64_t)o->steps;
    int width = snprintf(NULL, 0, "%" PRIu64, last);
    int cap = (int)(o->steps / o->volume_every) + 2;
    size_t name_cap = stem_len + 32;
    char *names = malloc((size_t)cap * name_cap), *pvd = malloc(stem_len + 8);
    const char **files = malloc((size_t)cap * sizeof *files);
    double *times = malloc((size_t)cap * sizeof *times);
    bool ok = names && pvd && files && times;
    if (!ok) err_set(err, err_len, "--volume-every: out of memory for %d names", cap);
    int n = 0;
    int64_t left = o->steps;
    while (ok) {
        char *path = names + (size_t)n * name_cap;
        snprintf(path, name_cap, "%.*s-step%0*" PRIu64 ".vti", (int)stem_len, o->volume, width, sim->step);
        char why[400];
        if (!vti_save(sim, pool, path, why, (int)sizeof why)) {
            err_set(err, err_len, "--volume-every: %s", why);
            ok = false;
            break;
        }
        files[n] = path + base_at;
        times[n++] = (double)sim->step * (double)sim->params.dt;
        if (left == 0) break;
        int64_t part = left < o->volume_every ? left : o->volume_every;
        gs_timing_t t;
        ok = trace_gs_step(sim, pool, part, &t, err, err_len);
        tm->step_ms += t.step_ms, tm->ranges_ms += t.ranges_ms;
        left -= part;
    }
    if (names && pvd && files && times) {
        char why[400];
        snprintf(pvd, stem_len + 8, "%.*s.pvd", (int)stem_len, o->volume);
        if (!vti_collection_save(pvd, files, times, n, why, (int)sizeof why)) {
            if (ok) err_set(err, err_len, "--volume-every: %s", why);
            ok = false;
        }
    }
    free(names), free(pvd), free(files), free(times);
    return ok;
}

/* --mesh: marching cubes of V at --iso on the pool, written by extension. The
 * mesh hash (FNV-1a 64 of the mesh.h blob) goes to *hash. */
static bool export_mesh(const options_t *o, const gs_sim_t *sim, pool_t *pool, uint64_t *hash, char *err,
                        int err_len) {
    mc_mesher_t *m = mc_mesher_create();
    if (!m) {
        err_set(err, err_len, "out of memory");
        return false;
    }
    mc_desc_t d = {(float)setting(o, "iso").d, (int)setting(o, "scalar").d, setting(o, "close").d != 0};
    mc_set_colormap(m, (int)setting(o, "colormap").d); /* the export's colours: --colormap */
    mc_set_color_range(m, (int)setting(o, "colorRange").d); /* over what: --color-range */
    mc_set_color_span(m, (float)setting(o, "colorMin").d, (float)setting(o, "colorMax").d); /* checked in main */
    bool ok = trace_mc_mesh(m, pool, gs_grid(sim), gs_v(sim), gs_u(sim), gs_ranges(sim), &d, err, err_len);
    if (ok) {
        size_t bytes = 0;
        const void *blob = mc_blob(m, &bytes);
        *hash = hash_fnv1a(HASH_FNV_OFFSET, blob, bytes);
        ok = meshio_write_mc(m, o->mesh, err, err_len); /* atomically: the previous file stays on failure */
    }
    mc_mesher_destroy(m);
    return ok;
}

/* --stats: the statistics of the final state (engine/stats.h), with the mesh at the
 * view settings, as two CSV lines. */
static bool print_stats(const options_t *o, const gs_sim_t *sim, pool_t *pool, char *err, int err_len) {
    mc_mesher_t *m = mc_mesher_create();
    if (!m) {
        err_set(err, err_len, "out of memory");
        return false;
    }
    mc_desc_t d = {(float)setting(o, "iso").d, (int)setting(o, "scalar").d, setting(o, "close").d != 0};
    bool ok = trace_mc_mesh(m, pool, gs_grid(sim), gs_v(sim), gs_u(sim), gs_ranges(sim), &d, err, err_len);
    if (ok) {
        stats_t st = {0};
        stats_field(sim, pool, d.iso, &st);
        stats_mesh(m, 1, &st);
        char row[512];
        stats_csv(&st, row, (int)sizeof row);
        printf("%s\n%s\n", STATS_CSV_HEADER, row);
    }
    mc_mesher_destroy(m);
    return ok;
}

/* --scaling: the threads lab (engine/lab.h) from the starting state, K = --steps;
 * prints the rows as a table, or one JSON line each with --json. */
static bool run_scaling(const options_t *o, gs_sim_t *sim, pool_t *pool, char *err, int err_len) {
    if (o->steps < 1 || o->steps > LAB_MAX_STEPS) {
        err_set(err, err_len, "--steps %lld: with --scaling must be 1..%d", (long long)o->steps, LAB_MAX_STEPS);
        return false;
    }
    lab_desc_t d = {o->scaling, o->scaling_n, o->steps,
                    {(float)setting(o, "iso").d, (int)setting(o, "scalar").d, setting(o, "close").d != 0}};
    lab_t *lab = lab_create(sim, pool, &d, err, err_len);
    if (!lab) return false;
    lab_status_t st;
    while ((st = lab_advance(lab, 1000.0, err, err_len)) == LAB_RUNNING) {}
    if (st == LAB_DONE) {
        if (!o->json)
            printf("%7s %7s %10s %10s %8s %10s %9s  %-16s  %-16s\n", "threads", "steps", "step_ms", "steps/s",
                   "speedup", "efficiency", "mesh_ms", "state_hash", "mesh_hash");
        for (int i = 0; i < lab_row_count(lab); i++) {
            lab_row_t r = lab_row(lab, i);
            if (o->json) {
                char line[512];
                lab_row_json(&r, line, sizeof line);
                puts(line);
            } else {
                printf("%7d %7lld %10.2f %10.1f %8.2f %10.2f %9.2f  %016" PRIx64 "  %016" PRIx64 "\n", r.threads,
                       (long long)r.steps, r.step_ms, r.steps_per_s, r.speedup, r.efficiency, r.mesh_ms, r.state_hash,
                       r.mesh_hash);
            }
        }
    }
    lab_destroy(lab);
    return st == LAB_DONE;
}

int main(int argc, char **argv) {
    options_t o = {.preset = preset_default(), .steps = 100};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return close_stdout(0);
        }
        if (!strcmp(a, "--list-presets")) {
            errno = 0;
            for (int p = 0; p < preset_count(); p++) {
                const preset_t *q = preset_at(p);
                printf("%-17s F=%g k=%g Du=%g Dv=%g dt=%g stencil=%d seed-mode=%s  (%s)\n", q->name,
                       (double)q->params.F, (double)q->params.k, (double)q->params.Du, (double)q->params.Dv,
                       (double)q->params.dt, q->params.stencil, seed_mode_name(q->seed_mode), q->source);
            }
            return close_stdout(0);
        }
        if (!strcmp(a, "--schema")) {
            static char doc[1 << 16];
            if (!schema_json(doc, sizeof doc)) {
                fprintf(stderr, "rdsim: --schema: the document does not fit in %zu bytes\n", sizeof doc);
                return 1;
            }
            errno = 0;
            puts(doc);
            return close_stdout(0);
        }
        if (!strcmp(a, "--hash")) { o.hash = true; continue; }
        if (!strcmp(a, "--stats")) { o.stats = true; continue; }
        if (!strcmp(a, "--json")) { o.json = true; continue; }
        const schema_param_t *sp = schema_find_cli(a);
        if (sp && sp->kind == SCHEMA_BOOL) { /* a flag: given means true */
            o.value[index_of(sp)].d = 1;
            o.set[index_of(sp)] = true;
            continue;
        }
        bool known = sp != NULL;
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
    const schema_param_t *size = schema_find("size"), *boundary = schema_find("boundary");
    const schema_param_t *seed_p = schema_find("seed"), *mode_p = schema_find("seedMode");
    if (o.grid_set && o.set[index_of(size)]) {
        fprintf(stderr, "rdsim: --dims and --size both set the grid; give one (--size N is --dims N,N,N)\n");
        return 2;
    }
    if (!o.grid_set) {
        int n = (int)setting(&o, "size").d;
        o.grid = (grid_t){n, n, n, GRID_PERIODIC};
        o.grid_set = o.set[index_of(size)];
    }
    /* the outputs, before any work: each in a folder, no two (nor --mesh/--trace and
     * --load) naming the same file; --load --save of one file continues it in place */
    const struct { const char *opt, *path; } outs[] = {{"--save", o.save},     {"--mesh", o.mesh},
                                                         {"--volume", o.volume}, {"--trace", o.trace},
                                                         {"--load", o.load}};
    enum { LOAD = 4 }; /* the outputs before it */
    for (int i = 0; i < LOAD; i++) {
        int rc = outs[i].path ? check_output(outs[i].opt, outs[i].path) : 0;
        if (rc) return rc;
    }
    for (int i = 0; i < LOAD; i++) {
        for (int j = i + 1; j <= LOAD; j++) {
            if (!outs[i].path || !outs[j].path || (i == 0 && j == LOAD) || !same_file(outs[i].path, outs[j].path))
                continue;
            if (j == LOAD)
                fprintf(stderr, "rdsim: %s %s and --load %s name the same file; the output would replace the state\n",
                        outs[i].opt, outs[i].path, outs[j].path);
            else
                fprintf(stderr, "rdsim: %s %s and %s %s name the same file; give each output its own\n", outs[i].opt,
                        outs[i].path, outs[j].opt, outs[j].path);
            return 2;
        }
    }
    if (o.scaling_n && (o.steps < 1 || o.steps > LAB_MAX_STEPS)) {
        fprintf(stderr, "rdsim: --steps %lld: with --scaling must be 1..%d\n", (long long)o.steps, LAB_MAX_STEPS);
        return 2;
    }
    if (o.load && o.grid_set) {
        fprintf(stderr, "rdsim: --dims/--size cannot be combined with --load (the file sets the grid)\n");
        return 2;
    }
    if (o.volume_every) { /* the series: with --volume, of a plain run, a bounded number of files */
        int64_t frames = o.steps / o.volume_every + 1 + (o.steps % o.volume_every != 0);
        if (!o.volume || o.scaling_n) {
            fprintf(stderr, "rdsim: --volume-every needs --volume FILE.vti%s\n", o.scaling_n ? " and no --scaling" : "");
            return 2;
        }
        if (frames > VOLUME_FRAMES_MAX) {
            fprintf(stderr, "rdsim: --volume-every %lld: %lld steps would write %lld volumes; at most %d\n",
                    (long long)o.volume_every, (long long)o.steps, (long long)frames, VOLUME_FRAMES_MAX);
            return 2;
        }
    }
    /* the typed colour range: from below to; given without --color-range custom, said */
    const schema_param_t *cmin = schema_find("colorMin"), *cmax = schema_find("colorMax");
    if ((int)setting(&o, "colorRange").d == MC_RANGE_CUSTOM) {
        if (!(setting(&o, "colorMin").d < setting(&o, "colorMax").d)) {
            fprintf(stderr, "rdsim: --color-min %g must be below --color-max %g\n", setting(&o, "colorMin").d,
                    setting(&o, "colorMax").d);
            return 2;
        }
    } else if (o.set[index_of(cmin)] || o.set[index_of(cmax)]) {
        fprintf(stderr, "rdsim: note: --color-min/--color-max have no effect without --color-range custom\n");
    }

    char err[512];
    uint64_t t_all = plat_now_ns(), t0 = t_all;
    pool_desc_t pd = {.threads = o.threads};
    for (int i = 0; i < o.scaling_n; i++) /* the pool holds the lab's largest count */
        if (o.scaling[i] > (pd.threads ? pd.threads : plat_cpu_count())) pd.threads = o.scaling[i];
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
    for (int i = 0; i < schema_count(); i++) { /* the live settings given override */
        double d;
        if (o.set[i] && schema_at(i)->apply == SCHEMA_LIVE) schema_set_param(schema_at(i), &p, o.value[i].d);
        else if (schema_at(i)->apply == SCHEMA_LIVE && (!o.load || o.preset_set) && schema_at(i)->of_preset &&
                 schema_of_preset(schema_at(i), o.preset, &d))
            schema_set_param(schema_at(i), &p, d); /* the parameter map's rows: the preset's (off, defaults) */
    }
    if (!p.map) { /* ranges given for a map that is off: said, as the run ignores them */
        static const char *const ranges[] = {"kMin", "kMax", "FMin", "FMax"};
        for (int i = 0; i < 4; i++) {
            const schema_param_t *r = schema_find(ranges[i]);
            if (!o.set[index_of(r)]) continue;
            fprintf(stderr, "rdsim: note: --%s has no effect without --map; F and k are uniform\n", r->cli);
            break;
        }
    }
    bool boundary_set = o.set[index_of(boundary)];
    grid_boundary_t b = (grid_boundary_t)setting(&o, "boundary").d;
    if (!(o.load ? gs_params_valid_on(p, sim.grid, err, (int)sizeof err) : gs_params_valid_on(p, o.grid, err, (int)sizeof err))) {
        fprintf(stderr, "rdsim: bad parameters: %s\n", err);
        gs_free(&sim);
        pool_destroy(pool);
        return 2;
    }
    if (o.load) {
        gs_set_params(&sim, p, NULL, 0);
        if (boundary_set) gs_set_boundary(&sim, pool, b, NULL, 0);
        if (o.set[index_of(seed_p)] || o.set[index_of(mode_p)])
            fprintf(stderr, "rdsim: note: --seed/--seed-mode ignored with --load\n");
    } else {
        grid_t g = o.grid;
        g.boundary = b;
        t0 = plat_now_ns();
        if (!gs_init(&sim, g, p, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: %s\n", err);
            pool_destroy(pool);
            return 1;
        }
        ms_init = ms_since(t0);
        t0 = plat_now_ns();
        seed_mode_t mode = o.set[index_of(mode_p)] ? (seed_mode_t)o.value[index_of(mode_p)].d : o.preset->seed_mode;
        trace_seed_fill(&sim, pool, mode, setting(&o, "seed").u, NULL, 0);
        ms_seed = ms_since(t0);
    }

    probe_t pr;
    if (o.probe_set && !probe_sample(&sim, o.probe[0], o.probe[1], o.probe[2], &pr, err, (int)sizeof err)) {
        fprintf(stderr, "rdsim: --probe: %s\n", err); /* before the run: nothing is lost */
        gs_free(&sim);
        pool_destroy(pool);
        return 2;
    }

    /* ---- the run ---- */
    int rc = 0;
    gs_timing_t tm;
    uint64_t step0 = sim.step;
    memset(&tm, 0, sizeof tm);
    t0 = plat_now_ns();
    if (o.scaling_n) {
        if (!run_scaling(&o, &sim, pool, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: --scaling: %s\n", err);
            rc = 1;
        }
    } else if (o.volume_every) {
        if (!run_volume_series(&o, &sim, pool, &tm, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: %s\n", err);
            rc = 1;
        }
    } else if (!trace_gs_step(&sim, pool, o.steps, &tm, err, (int)sizeof err)) {
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

    if (o.volume && !vti_save(&sim, pool, o.volume, err, (int)sizeof err)) {
        fprintf(stderr, "rdsim: --volume: %s\n", err);
        rc = 1;
    }

    if (o.stats && !print_stats(&o, &sim, pool, err, (int)sizeof err)) {
        fprintf(stderr, "rdsim: --stats: %s\n", err);
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
        h = sim.params.map ? gs_state_hash(&sim, pool) : trace_hash_state(pool, sim.grid, sim.u, sim.v);
        ms_hash = ms_since(t0);
    }
    if (o.json && !o.scaling_n) {
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
    if (o.probe_set && probe_sample(&sim, o.probe[0], o.probe[1], o.probe[2], &pr, err, (int)sizeof err))
        printf("probe %d %d %d %.9g %.9g\n", pr.x, pr.y, pr.z, (double)pr.u, (double)pr.v);
    flush_stdout(); /* before the trace, which may go to stdout too */
    if (o.trace) { /* last, so that it holds every phase of the run */
        size_t len = 0;
        char *doc = trace_json(pool, 0, &len, err, (int)sizeof err);
        if (!doc || !rds_file_replace(o.trace, doc, len, err, (int)sizeof err)) {
            fprintf(stderr, "rdsim: --trace: %s\n", err);
            rc = 1;
        }
        free(doc);
    }
    gs_free(&sim);
    pool_destroy(pool);
    return close_stdout(rc);
}
