/* grid: validation of grid descriptions (see grid.h). */
#include "grid.h"

#include "err.h"

static bool side_ok(int n) { return n >= GRID_MIN_SIDE && n <= GRID_MAX_SIDE; }

bool grid_valid(grid_t g, char *err, int err_len) {
    if (!side_ok(g.nx) || !side_ok(g.ny) || !side_ok(g.nz)) {
        err_set(err, err_len, "grid %dx%dx%d: each side must be %d..%d", g.nx, g.ny, g.nz, GRID_MIN_SIDE,
                GRID_MAX_SIDE);
        return false;
    }
    if (g.boundary != GRID_PERIODIC && g.boundary != GRID_ZEROFLUX) {
        err_set(err, err_len, "unknown boundary %d (0 periodic, 1 zero-flux)", (int)g.boundary);
        return false;
    }
    return true;
}
