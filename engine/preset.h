/* preset: the named parameter sets, one data table (preset.c) with each entry's
 * source. Used by the CLI (--preset) and the app. Read-only, thread-safe. */
#ifndef PRESET_H
#define PRESET_H

#include "gs.h"
#include "seed.h"

typedef struct preset_t {
    const char *name;
    gs_params_t params;
    seed_mode_t seed_mode; /* the start that shows the pattern best */
    const char *source;    /* where the values come from */
} preset_t;

int preset_count(void);
/* The i-th preset (0 <= i < preset_count()), NULL outside. */
const preset_t *preset_at(int i);
/* The preset called `name` (exact match), NULL when there is none. */
const preset_t *preset_find(const char *name);
/* The default preset ("spots"). */
const preset_t *preset_default(void);

#endif
