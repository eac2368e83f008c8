/* preset: the table. 3D presets keep their sources' values; the 2D classics keep
 * their (F, k) and Du:Dv = 2:1 at Du = 0.16, Dv = 0.08, with dt = 0.9.
 *
 * Why dt = 0.9 and not the 2D sources' dt = 1: in 3D the 7-point Laplacian's largest
 * eigenvalue is 12 (8 in 2D), and at Du = 0.16, dt = 1 the classics sit within 0.3% of
 * the stability limit of gs.h (gs_dt_max: coral at 99.7%). There the scheme's period-2
 * artefact takes over: single cells flip every step (coral: U -0.14 <-> 1.04) and the
 * pattern is the artefact's, not the model's: coral died out (V = 0 everywhere by step
 * 3000 at 48^3, 64^3 and 96^3) and mitosis and worms grew flipping cells. dt = 0.9 keeps
 * the same PDE (the same F, k, Du, Dv) with 10% room: Du and Dv may grow 10% before
 * gs_dt_max refuses it (tests/test_preset.c checks that room and that no cell flips),
 * and every classic lives (tests/test_presets_alive.py: 5000 steps at 48^3 and 96^3).
 * Where a 2D (F, k) does not give its pattern in 3D the entry says so and uses the
 * nearest point of the same class that does. Pearson's classes (Science 261, 1993, as
 * extended and mapped by Munafo, mrob.com/pub/comp/xmorphia/pearson-classes.html) are
 * named in each source. */
#include "preset.h"

#include <string.h>

/* F, k, Du, Dv, dt, stencil */
#define P(F_, k_, Du_, Dv_, dt_, st) {.F = (F_), .k = (k_), .Du = (Du_), .Dv = (Dv_), .dt = (dt_), .stencil = (st)}
#define CLASSIC(F, k) P(F, k, 0.16f, 0.08f, 0.9f, 7)

static const preset_t presets[] = {
    {"spots", P(0.035f, 0.064f, 0.082f, 0.041f, 1.0f, 7), SEED_SPHERES,
     "Ready (github.com/GollyGang/ready), Gray-Scott 3D examples: spots"},
    {"self-replicating", P(0.031f, 0.069f, 0.082f, 0.041f, 1.0f, 7), SEED_SPHERES,
     "Ready (github.com/GollyGang/ready), Gray-Scott 3D examples: self-replicating spots"},
    {"waves", P(0.02f, 0.05f, 0.082f, 0.041f, 1.0f, 7), SEED_SPHERES,
     "Ready (github.com/GollyGang/ready), Gray-Scott 3D examples: waves"},
    {"uskate", P(0.062f, 0.06093f, 0.164f, 0.082f, 1.0f, 27), SEED_SPHERES,
     "Ready (github.com/GollyGang/ready), Gray-Scott 3D examples: U-skate / helix gliders (27-point); Munafo, mrob.com/pub/comp/xmorphia (U-skate world, type pi)"},
    {"adios2", P(0.02f, 0.048f, 0.2f / 6.0f, 0.1f / 6.0f, 1.0f, 7), SEED_CUBE,
     "ADIOS2 Gray-Scott example/benchmark (ornladios/ADIOS2, examples/simulations/gray-scott, settings*.json: "
     "F=0.02 k=0.048 Du=0.2 Dv=0.1 dt=1, its 7-point Laplacian divided by 6)"},
    {"mitosis", CLASSIC(0.0367f, 0.0649f), SEED_CUBE,
     "Karl Sims, Reaction-Diffusion Tutorial (karlsims.com/rd.html): mitosis F=.0367 k=.0649 (Pearson lambda: spots that divide)"},
    {"coral", CLASSIC(0.0545f, 0.062f), SEED_CUBE,
     "Karl Sims, Reaction-Diffusion Tutorial (karlsims.com/rd.html): coral growth F=.0545 k=.062 (between Pearson kappa and mu on xmorphia's map)"},
    {"labyrinth", CLASSIC(0.029f, 0.057f), SEED_CUBE,
     "Munafo, xmorphia parameter map (mrob.com/pub/comp/xmorphia) and pmneila/jsexp grayscott presets: mazes F=.029 k=.057 (Pearson theta)"},
    /* The 2D worms of pmneila/jsexp (F=.078 k=.061) die out in 3D from every start
     * tried, and xmorphia's F=.046 k=.061 (used before) fills space like coral once the
     * period-2 artefact is gone (the two could not be told apart). Munafo's "worms"
     * (type mu) F=.058 k=.065 grows separate tubes in 3D but dies out at 32^3 from every
     * start; k=.064 next to it grows them from the spheres start at 32^3 too. */
    {"worms", CLASSIC(0.058f, 0.064f), SEED_SPHERES,
     "Munafo, xmorphia WebGL explorer presets (mrob.com/pub/comp/xmorphia/ogl/): worms F=.058 k=.065 "
     "(Pearson mu: stripes growing from their ends; k=.064 here: see preset.c)"},
    /* The 2D solitons point F=.03 k=.062 keeps dividing in 3D until one connected network
     * fills the grid, the same as mitosis; at k=.066 the 3D spots stay apart. */
    {"solitons", CLASSIC(0.03f, 0.066f), SEED_SPHERES,
     "Pearson, Complex patterns in a simple system, Science 261 (1993), solitons (type lambda); pmneila/jsexp "
     "grayscott presets: solitons F=.03 k=.062 (k=.066 here: see preset.c)"},
    /* The 2D classic chaos point F=.026 k=.051 (pmneila/jsexp) synchronises into one
     * uniform oscillation in 3D and dies; F=.022 in the same chaotic band stays
     * turbulent. */
    {"chaos", CLASSIC(0.022f, 0.051f), SEED_SPHERES,
     "Pearson, Science 261 (1993), chaotic stripes (type gamma; beta/gamma border); xmorphia "
     "(mrob.com/pub/comp/xmorphia/F220/F220-k510.html)"},
    {"pulsating", CLASSIC(0.025f, 0.06f), SEED_CUBE,
     "pmneila/jsexp grayscott presets: pulsating solitons F=.025 k=.06; Pearson zeta (xmorphia "
     "pearson-classes)"},
    {"negatons", CLASSIC(0.046f, 0.0594f), SEED_SPHERES,
     "Munafo, xmorphia pearson-classes and WebGL explorer presets: negatons F=.046 k=.0594 (Pearson iota: "
     "holes in a filled V)"},
    {"turing", CLASSIC(0.042f, 0.059f), SEED_CUBE,
     "Munafo, xmorphia WebGL explorer presets: Turing patterns F=.042 k=.059 (Pearson delta: a lattice of "
     "holes)"},
};

int preset_count(void) { return (int)(sizeof presets / sizeof presets[0]); }

const preset_t *preset_at(int i) { return i >= 0 && i < preset_count() ? &presets[i] : NULL; }

const preset_t *preset_find(const char *name) {
    for (int i = 0; i < preset_count(); i++)
        if (strcmp(presets[i].name, name) == 0) return &presets[i];
    return NULL;
}

const preset_t *preset_default(void) { return &presets[0]; }
