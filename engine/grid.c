/* grid: validation of grid descriptions (see grid.h). */
#include "grid.h"

#include <stdio.h>

static bool side_ok(int n) { return n >= GRID_MIN_SIDE && n <= GRID_MAX_SIDE; }

bool grid_valid(grid_t g, char *err, int err_len) {
    if (!side_ok(g.nx) || !side_ok(g.ny) || !side_ok(g.nz)) {
        if (err) snprintf(err, (size_t)err_len, "grid %dx%dx%d: each side must be %d..%d",
                          g.nx, g.ny, g.nz, GRID_MIN_SIDE, GRID_MAX_SIDE);
        return false;
    }
    if (g.boundary != GRID_PERIODIC && g.boundary != GRID_ZEROFLUX) {
        if (err) snprintf(err, (size_t)err_len, "unknown boundary %d (0 periodic, 1 zero-flux)", (int)g.boundary);
        return false;
    }
    return true;
}
