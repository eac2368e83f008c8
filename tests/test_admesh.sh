#!/usr/bin/env bash
# test_admesh.sh: closed solids for printing, checked by an independent tool (admesh,
# Debian's STL checker; tools/setup.sh installs it). rdsim --mesh-close writes STL
# files of periodic and zero-flux grids that admesh finds closed: no facet with a
# disconnected (boundary) edge, no degenerate facet, nothing for it to fix; and
# without --mesh-close the same surfaces are open (so the check can fail).
# Ends with "N passed, N failed"; exit status non-zero on any failure.
# RDSIM overrides the binary (default build/native/rdsim).
set -u
. "$(dirname "$0")/lib.sh"
if ! command -v admesh >/dev/null; then
    bad "admesh is not installed (bash tools/setup.sh installs it)"
    finish
fi
# field NAME: the number admesh prints after "NAME :" (the first column: as read)
field() { sed -n "s/^$1 *: *\([0-9]*\).*/\1/p" "$TMP/report" | head -1; }
check() { # check LABEL ARGS...: a closed STL from rdsim ARGS --mesh-close
    local label=$1
    shift
    if ! "$NATIVE" "$@" --mesh-close --mesh "$TMP/m.stl" >/dev/null 2>"$TMP/err"; then
        bad "$label: rdsim failed: $(cat "$TMP/err")"
        return
    fi
    admesh "$TMP/m.stl" >"$TMP/report" 2>&1
    local facets d1 d2 d3 degen fixed
    facets=$(field "Number of facets")
    d1=$(field "Facets with 1 disconnected edge")
    d2=$(field "Facets with 2 disconnected edges")
    d3=$(field "Facets with 3 disconnected edges")
    degen=$(field "Degenerate facets")
    fixed=$(field "Edges fixed")
    if [ "${facets:-0}" -gt 0 ] && [ "$d1" = 0 ] && [ "$d2" = 0 ] && [ "$d3" = 0 ] && [ "$degen" = 0 ] &&
        [ "$fixed" = 0 ]; then
        ok "$label: $facets facets, closed, none degenerate (admesh)"
    else
        bad "$label: facets $facets, disconnected edges $d1/$d2/$d3, degenerate $degen, fixed $fixed"
        cat "$TMP/report"
    fi
}
for b in periodic zeroflux; do
    check "$b uskate 48^3" --size 48 --preset uskate --steps 300 --boundary "$b" --threads 2
    check "$b spots 40x32x36" --dims 40,32,36 --preset spots --steps 400 --boundary "$b" --threads 2
done
check "periodic mitosis 64^3, U colours" --size 64 --preset mitosis --steps 200 --threads 2 --mesh-color u
# V exactly at the isovalue on samples (a state file holding only 0 and 1, --iso 1): every
# crossed edge puts its vertex on a sample, where several meet; the export welds them and
# drops the collapsed (zero-area) triangles, and the solid stays closed
for b in 0 1; do
    /usr/bin/python3 - "$TMP/exact$b.rds" "$b" <<'PY'
import struct, sys
nx, ny, nz = 24, 20, 22
v = bytearray()
for z in range(nz):
    for y in range(ny):
        for x in range(nx):
            inside = (x - 11.3) ** 2 + (y - 9.6) ** 2 + (z - 10.2) ** 2 < 30 or 3 <= y <= 5
            v += struct.pack('<f', 1.0 if inside else 0.0)
u = struct.pack('<f', 1.0) * (nx * ny * nz)
head = b'RDSTATE1' + struct.pack('<IIIIIII', 1, 128, nx, ny, nz, 7, int(sys.argv[2]))
head += struct.pack('<fffff', 0.03, 0.06, 0.1, 0.05, 1.0) + struct.pack('<QQ', 1, 0)
open(sys.argv[1], 'wb').write(head.ljust(128, b'\0') + u + bytes(v) + struct.pack('<Q', 0))
PY
    check "V at the isovalue on samples, boundary $b" --load "$TMP/exact$b.rds" --steps 0 --iso 1
done
# the same surface without closing is open at the box: admesh sees its boundary
"$NATIVE" --size 48 --preset uskate --steps 300 --threads 2 --mesh "$TMP/open.stl" >/dev/null 2>&1
admesh "$TMP/open.stl" >"$TMP/report" 2>&1
[ "$(field "Facets with 1 disconnected edge")" -gt 0 ] && ok "periodic without --mesh-close: open at the box faces" ||
    bad "periodic without --mesh-close should be open"
finish
