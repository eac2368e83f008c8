#!/usr/bin/env bash
# test_cli_hash.sh: the CLI end to end. The native build (build/native/rdsim) and
# the WASM build under Node (build/wasm/rdsim.js) must print the same state_hash
# for the same run; --save/--load continues a run exactly; bad options exit 2.
# Ends with "N passed, N failed"; exit status non-zero on any failure.
# RDSIM overrides the native binary (default build/native/rdsim).
set -u
. "$(dirname "$0")/lib.sh"
WASM=build/wasm/rdsim.js
export NODE_PATH=/usr/share/nodejs
wasm() { node --no-experimental-fetch "$WASM" "$@"; }

need_native

# 1. thread counts
ref=$(hash_of native --size 24 --steps 30 --seed 7 --threads 1)
for t in 2 3 4; do
    h=$(hash_of native --size 24 --steps 30 --seed 7 --threads $t)
    [ -n "$ref" ] && [ "$h" = "$ref" ] && ok "native hash, $t threads = 1 thread ($h)" || bad "native hash, $t threads: '$h' != '$ref'"
done

# 2. native == WASM under Node
runs=(
    "--size 24 --steps 30 --seed 7"
    "--dims 17,9,23 --steps 12 --stencil 19 --boundary zeroflux --seed-mode noise --seed 3"
    "--dims 20,16,12 --steps 10 --preset uskate --seed 11"
    "--size 16 --steps 25 --preset chaos --boundary zeroflux --threads 3"
)
if [ -f "$WASM" ]; then
    for r in "${runs[@]}"; do
        hn=$(hash_of native $r)
        hw=$(hash_of wasm $r)
        [ -n "$hn" ] && [ "$hn" = "$hw" ] && ok "native = wasm: $r ($hn)" || bad "native '$hn' != wasm '$hw': $r"
    done
else
    bad "missing $WASM (make wasm)"
fi

# 3. save, load, continue == one straight run; the file also loads in WASM
straight=$(hash_of native --dims 24,16,20 --preset mitosis --steps 30 --seed 5)
native --dims 24,16,20 --preset mitosis --steps 20 --seed 5 --save "$TMP/a.rds" >/dev/null
cont=$(hash_of native --load "$TMP/a.rds" --steps 10)
[ -n "$straight" ] && [ "$cont" = "$straight" ] && ok "--load + --steps continues exactly" || bad "continued '$cont' != straight '$straight'"
if [ -f "$WASM" ]; then
    contw=$(hash_of wasm --load "$TMP/a.rds" --steps 10)
    [ "$contw" = "$straight" ] && ok "WASM continues a native file exactly" || bad "WASM continued '$contw' != '$straight'"
fi
over=$(hash_of native --load "$TMP/a.rds" --steps 10 --F 0.03)
[ -n "$over" ] && [ "$over" != "$straight" ] && ok "--F overrides the file's parameters" || bad "--F override had no effect"
printf 'garbage' >"$TMP/bad.rds"
native --load "$TMP/bad.rds" --steps 1 >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -q "truncated" "$TMP/err" && ok "a bad state file is refused (exit 1)" || bad "bad file: rc $rc, $(cat "$TMP/err")"

# 4. usage errors
expect_usage() { # $1 = text the message must contain, rest = args
    local want=$1
    shift
    native "$@" >/dev/null 2>"$TMP/err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$want" "$TMP/err"; then ok "exit 2: $* -> $want"; else bad "$*: rc $rc, $(head -2 "$TMP/err")"; fi
}
expect_usage "usage:" --bogus
expect_usage "usage:" --steps
expect_usage "--size 600: must be 8..512" --size 600
expect_usage "--dims" --dims 8,8
expect_usage "--stencil 5: must be 7, 19 or 27" --stencil 5
expect_usage "--boundary" --boundary open
expect_usage "--threads 0: must be an integer 1..64" --threads 0
expect_usage "--seed-mode" --seed-mode blobs
expect_usage "--F" --F abc
expect_usage "F = -0.1" --F -0.1
expect_usage "dt = 3: must be a finite number in (0, 1]" --dt 3
expect_usage "dt = 0: must be a finite number in (0, 1]" --dt 0
expect_usage "dt = 1 is unstable" --Du 0.2 --Dv 0.1
expect_usage "--preset nope: unknown" --preset nope
expect_usage "--steps" --steps -1
expect_usage "--probe 1,2: must be X,Y,Z" --probe 1,2
expect_usage "outside the grid (0..15, 0..11, 0..7)" --dims 16,12,8 --probe 3,12,0

# 5. --probe prints the sample's U and V (the page's probe shows the same): the loaded
#    state's floats, native = WASM, at the grid's last sample too
native --dims 20,16,12 --preset mitosis --steps 40 --seed 5 --save "$TMP/p.rds" --probe 19,15,11 >"$TMP/pn" 2>&1
line=$(grep '^probe ' "$TMP/pn")
if /usr/bin/python3 - "$TMP/p.rds" "$line" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
nx, ny, nz = struct.unpack_from('<3I', b, 16)
n = nx * ny * nz
_, x, y, z, us, vs = sys.argv[2].split()
i = int(x) + nx * (int(y) + ny * int(z))
u = struct.unpack_from('<f', b, 128 + 4 * i)[0]
v = struct.unpack_from('<f', b, 128 + 4 * n + 4 * i)[0]
assert (x, y, z) == ('19', '15', '11'), sys.argv[2]
f32 = lambda t: struct.unpack('<f', struct.pack('<f', float(t)))[0]
assert f32(us) == u and f32(vs) == v, (us, vs, u, v)   # %.9g round-trips a float32
assert '%.9g %.9g' % (u, v) == us + ' ' + vs
PY
then ok "--probe: the saved state's U and V ($line)"; else bad "--probe: $line"; fi
if [ -f "$WASM" ]; then
    lw=$(wasm --dims 20,16,12 --preset mitosis --steps 40 --seed 5 --probe 19,15,11 2>&1 | grep '^probe ')
    [ -n "$line" ] && [ "$line" = "$lw" ] && ok "--probe: native = wasm" || bad "--probe: native '$line' != wasm '$lw'"
fi

# 6. --json is one parsable line with the promised fields
line=$(native --size 16 --steps 5 --json | head -1)
if /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["steps"]==5 and d["cells_per_s"]>0 and d["steps_per_s"]>0 and "step" in d["ms"]' "$line"; then
    ok "--json summary"
else
    bad "--json: $line"
fi

finish
