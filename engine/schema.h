/* schema: the one description of everything a user can set, for every surface.
 *
 * Each setting (a reaction parameter, the grid and seed, a view option, the paint
 * brush) is one row of a table: its key (the page's control id, URL key and message
 * field), its rdsim option, label, unit, kind, valid range, slider extent, step,
 * default and when it applies (live, on reset, view, paint). Choices (stencils,
 * boundaries, seed modes, colourings, export formats) come from the modules that
 * own them. The ranges and defaults are read from their owners (gs.h, grid.h,
 * seed.h, preset.c), never restated here.
 *
 * Consumers: rdsim's option parser and usage text (schema_parse, schema_usage), the
 * WASM binding (schema_json: the document the page builds its controls, URL keys and
 * validation from; schema_find / schema_parse for the values it receives).
 * Pure data and pure functions: thread-safe.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gs.h"

struct preset_t;

typedef enum schema_kind_t {
    SCHEMA_REAL,   /* a decimal real (num_f32) */
    SCHEMA_INT,    /* an unsigned decimal integer in [min, max] (num_u64) */
    SCHEMA_CHOICE, /* one of the choices, by value or by CLI name */
    SCHEMA_BOOL,   /* "true"/"false" ("1"/"0" too) */
    SCHEMA_SEED,   /* an unsigned 64-bit decimal integer */
} schema_kind_t;

typedef enum schema_apply_t {
    SCHEMA_LIVE,  /* changes the running simulation (gs_set_params) */
    SCHEMA_RESET, /* used by the next new simulation (Reset) */
    SCHEMA_VIEW,  /* how the state is meshed and shown */
    SCHEMA_PAINT, /* the paint brush */
} schema_apply_t;

typedef struct schema_choice_t {
    const char *value; /* as the page, the URL and the binding spell it */
    const char *cli;   /* as rdsim's option takes it */
    const char *label; /* as a person reads it */
    int code;          /* the owning module's enum value */
    bool has_range;    /* a colouring: the values its colours span (mc_scalar_shown_range) */
    double lo, hi;
} schema_choice_t;

typedef struct schema_param_t {
    const char *key;   /* control id, URL key, message field */
    const char *cli;   /* rdsim option without "--"; NULL: not an option */
    const char *label; /* HTML allowed: D<sub>u</sub> */
    const char *unit;
    const char *help;
    schema_kind_t kind;
    schema_apply_t apply;
    double min, max;      /* valid range, inclusive (min excluded when min_open) */
    bool min_open;
    double ui_min, ui_max; /* slider extent (within min..max) */
    double step;
    const char *control; /* "range", "number", "select", "text", "checkbox" */
    double def;              /* default; ignored for live parameters (the default preset's) */
    const char *cli_default; /* rdsim's default as text when it differs (NULL: the same) */
    const double *suggest;   /* values a list offers (SCHEMA_INT), suggest_count of them */
    int suggest_count;
    /* choices: count and i-th (SCHEMA_CHOICE only) */
    int (*choice_count)(void);
    schema_choice_t (*choice_at)(int i);
    /* set by every preset (live parameters through offset; others through this) */
    double (*of_preset)(const struct preset_t *preset);
    /* SCHEMA_LIVE: where the value lives in gs_params_t (a float, or an int when is_int) */
    size_t offset;
    bool is_int;
    /* SCHEMA_VIEW: only how the page draws (slices, clip, the surface switch): no rdsim
     * option, since no file depends on it ("pageOnly" in the document) */
    bool page_only;
} schema_param_t;

/* A parsed value: d for reals, ints, choices (their code) and bools; u for the seed. */
typedef struct schema_value_t {
    double d;
    uint64_t u;
} schema_value_t;

/* How many settings the table may hold (schema_count() <= it: checked where the table is),
 * so a caller can keep one value per setting in a fixed array. */
enum { SCHEMA_PARAMS_MAX = 64 };
int schema_count(void);
const schema_param_t *schema_at(int i);
/* By key ("F", "seedMode"), or by rdsim option ("--seed-mode"); NULL when none. */
const schema_param_t *schema_find(const char *key);
const schema_param_t *schema_find_cli(const char *option);

/* The default of a setting: for settings a preset sets, the default preset's value. */
schema_value_t schema_default(const schema_param_t *p);
/* Whether a preset sets p, and its value there. */
bool schema_of_preset(const schema_param_t *p, const struct preset_t *preset, double *out);

/* Reads text as p's value: the number grammar of num.h, then for ints their range
 * and for choices the set (by value or CLI name). Reals are only checked for the
 * grammar here; their range is gs_params_valid's to check (it names the parameter).
 * On failure writes "must be ..." (what p accepts) to err and returns false. */
bool schema_parse(const schema_param_t *p, const char *text, schema_value_t *out, char *err, int err_len);
/* "must be ..." for p, as schema_parse writes it. */
void schema_expect(const schema_param_t *p, char *buf, size_t cap);

/* A live parameter's value in, or into, a gs_params_t. */
double schema_get_param(const schema_param_t *p, const gs_params_t *params);
void schema_set_param(const schema_param_t *p, gs_params_t *params, double v);

/* The whole description as one JSON document (params, choices, formats, limits,
 * presets, grammar), NUL-terminated into buf. Returns its length, or 0 when cap is
 * too small. */
size_t schema_json(char *buf, size_t cap);

/* rdsim's usage lines for every setting that has an option, into f (a FILE *). */
void schema_usage(void *f);

#endif
