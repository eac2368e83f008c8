#!/usr/bin/env bash
# test_cli_files.sh: the CLI's files and numbers end to end (build/native/rdsim).
#   --load refuses a header that claims more than the file holds with exact byte
#   counts and without allocating what it claims (run under a memory limit), says
#   when it is given a folder, and refuses a step count above 2^53-1;
#   --save and --mesh replace their file atomically: a failed write (full disk)
#   leaves the previous file as it was and nothing else; one path for two of
#   --save, --mesh, --trace (or --mesh/--trace and --load) is refused (exit 2)
#   before any work, and so is an output in no folder or naming a directory;
#   through a symbolic link the file it names is replaced and the link stays; a
#   FIFO is written to and stays a FIFO; a lost stdout (/dev/full) exits 1;
#   numbers follow one grammar (engine/num.h): decimal, whole, no spaces, a sign
#   only on reals, at most 63 characters; a bad one exits 2 naming the option.
# Ends with "N passed, N failed"; exit status non-zero on any failure.
# RDSIM overrides the binary (default build/native/rdsim, as make test builds it).
set -u
. "$(dirname "$0")/lib.sh"
# expect RC TEXT ARGS...: exit status RC and TEXT in stderr
expect() {
    local want_rc=$1 want=$2
    shift 2
    native "$@" >/dev/null 2>"$TMP/err"
    local rc=$?
    if [ $rc -eq "$want_rc" ] && grep -qF -- "$want" "$TMP/err"; then
        ok "exit $want_rc: $(printf '%q ' "$@")-> $want"
    else
        bad "$(printf '%q ' "$@"): rc $rc (want $want_rc), '$(head -2 "$TMP/err")' lacks '$want'"
    fi
}
# put_bytes FILE OFFSET OCTAL-ESCAPES: overwrite bytes in place
put_bytes() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

need_native
NATIVE=$(realpath "$NATIVE")

# ---- 1. --load: sizes checked before allocating ----
native --size 8 --steps 2 --save "$TMP/s8.rds" >/dev/null
[ "$(stat -c %s "$TMP/s8.rds")" -eq 4232 ] && ok "an 8^3 file is 4232 bytes" || bad "8^3 file size"
head -c 128 "$TMP/s8.rds" >"$TMP/big.rds"
put_bytes "$TMP/big.rds" 16 '\000\002\000\000\000\002\000\000\000\002\000\000' # 512^3
# The claim is 1 GiB; under a 600 MB address-space limit, allocating it would fail
# with "out of memory" instead of the size message.
# (Not under ASan, RDSIM_SANITIZED: its shadow memory cannot start in 600 MB; the plain
# build's run checks this.)
if [ -z "${RDSIM_SANITIZED:-}" ]; then
(ulimit -v 600000; exec "$NATIVE" --load "$TMP/big.rds" --threads 1 --steps 1) >/dev/null 2>"$TMP/err"
rc=$?
want="truncated: expected 1073741960 bytes for 512x512x512, got 128"
[ $rc -eq 1 ] && grep -qF "$want" "$TMP/err" && ok "128 bytes claiming 512^3: refused in 600 MB ($want)" ||
    bad "big claim: rc $rc, $(cat "$TMP/err")"
cat "$TMP/big.rds" | (ulimit -v 600000; exec "$NATIVE" --load /dev/stdin --threads 1 --steps 1) >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -qF "$want" "$TMP/err" && ok "the same through a pipe (size unknown ahead)" ||
    bad "big claim, pipe: rc $rc, $(cat "$TMP/err")"
fi
cp "$TMP/s8.rds" "$TMP/long.rds" && printf 'x' >>"$TMP/long.rds"
expect 1 "oversized: expected 4232 bytes for 8x8x8, got 4233" --load "$TMP/long.rds" --steps 0
head -c 4000 "$TMP/s8.rds" >"$TMP/short.rds"
expect 1 "truncated: expected 4232 bytes for 8x8x8, got 4000" --load "$TMP/short.rds" --steps 0
mkdir "$TMP/folder.rds"
expect 1 "Is a directory" --load "$TMP/folder.rds" --steps 0
expect 1 "No such file or directory" --load "$TMP/none.rds" --steps 0
cp "$TMP/s8.rds" "$TMP/step.rds"
put_bytes "$TMP/step.rds" 64 '\000\000\000\000\000\000\040\000' # 2^53
expect 1 "step count 9007199254740992 exceeds the largest allowed, 9007199254740991" --load "$TMP/step.rds" --steps 0
put_bytes "$TMP/step.rds" 64 '\377\377\377\377\377\377\037\000' # 2^53 - 1
native --load "$TMP/step.rds" --steps 0 >/dev/null 2>"$TMP/err" && ok "step count 2^53-1 loads" ||
    bad "2^53-1 refused: $(cat "$TMP/err")"

# ---- 2. atomic --save / --mesh ----
mkdir "$TMP/out"
native --size 8 --steps 3 --save "$TMP/out/a.rds" --mesh "$TMP/out/a.ply" >/dev/null
h8=$(hash_of native --load "$TMP/out/a.rds" --steps 0)
cp "$TMP/out/a.ply" "$TMP/a.ply.before"
# a full disk: a 16 KiB file size limit; the 32^3 state (262 KB) and its mesh do not fit
(ulimit -f 16; trap '' XFSZ; exec "$NATIVE" --size 32 --steps 3 --save "$TMP/out/a.rds" --mesh "$TMP/out/a.ply") \
    >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -qF -- "--save: state file: cannot write $TMP/out/a.rds: File too large" "$TMP/err" &&
    ok "full disk: --save fails with the reason" || bad "full disk --save: rc $rc, $(cat "$TMP/err")"
grep -qF -- "--mesh: cannot write $TMP/out/a.ply: File too large" "$TMP/err" &&
    ok "full disk: --mesh fails with the reason" || bad "full disk --mesh: $(cat "$TMP/err")"
[ "$(hash_of native --load "$TMP/out/a.rds" --steps 0)" = "$h8" ] && ok "full disk: the previous state file is intact" ||
    bad "the previous state file changed"
cmp -s "$TMP/out/a.ply" "$TMP/a.ply.before" && ok "full disk: the previous mesh is intact" || bad "the previous mesh changed"
left=$(ls -A "$TMP/out" | tr '\n' ' ')
[ "$left" = "a.ply a.rds " ] && ok "full disk: no partial or temporary file left" || bad "left in the folder: $left"
# outputs checked before the run (a 512^3 run of 10^12 steps would not end)
big=(--size 512 --steps 1000000000000)
expect 2 "--save $TMP/nodir/x.rds: no folder $TMP/nodir" "${big[@]}" --save "$TMP/nodir/x.rds"
expect 2 "--mesh $TMP/nodir/x.ply: no folder $TMP/nodir" "${big[@]}" --mesh "$TMP/nodir/x.ply"
expect 2 "--trace $TMP/nodir/t.json: no folder $TMP/nodir" "${big[@]}" --trace "$TMP/nodir/t.json"
expect 2 "--save $TMP/out/: is a directory" "${big[@]}" --save "$TMP/out/"
expect 2 "--save $TMP/out: is a directory" "${big[@]}" --save "$TMP/out"
(cd "$TMP/out" && timeout 20 "$NATIVE" "${big[@]}" --save .) >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -qF -- "--save .: is a directory" "$TMP/err" && ok "--save .: exit 2 before the run" ||
    bad "--save .: rc $rc, $(cat "$TMP/err")"
mkdir "$TMP/out/sub.ply"
expect 2 "--mesh $TMP/out/sub.ply: is a directory" "${big[@]}" --mesh "$TMP/out/sub.ply"
rmdir "$TMP/out/sub.ply"
# one path for two outputs: refused before any work (a 512^3 run of 10^12 steps would not end)
for pair in "x.ply x.ply" "./x.ply x.ply" "$TMP/out/../out/x.ply $TMP/out/x.ply"; do
    set -- $pair
    (cd "$TMP/out" && timeout 20 "$NATIVE" --size 512 --steps 1000000000000 --mesh "$1" --save "$2") \
        >/dev/null 2>"$TMP/err"
    rc=$?
    [ $rc -eq 2 ] && grep -qF "name the same file" "$TMP/err" && [ ! -e "$TMP/out/x.ply" ] &&
        ok "--mesh $1 --save $2: exit 2 before any work" || bad "--mesh $1 --save $2: rc $rc, $(cat "$TMP/err")"
done
ln -s a.ply "$TMP/out/link.ply"
expect 2 "name the same file" --size 8 --steps 1 --mesh "$TMP/out/link.ply" --save "$TMP/out/a.ply"
rm "$TMP/out/link.ply"
cmp -s "$TMP/out/a.ply" "$TMP/a.ply.before" && ok "refused runs left the mesh alone" || bad "a refused run wrote"
# --trace is an output too: against --save, --mesh and the --load file
cp "$TMP/out/a.rds" "$TMP/a.rds.before"
expect 2 "--save $TMP/out/a.rds and --trace $TMP/out/a.rds name the same file" "${big[@]}" --save "$TMP/out/a.rds" \
    --trace "$TMP/out/a.rds"
expect 2 "--mesh $TMP/out/a.ply and --trace $TMP/out/./a.ply name the same file" "${big[@]}" --mesh "$TMP/out/a.ply" \
    --trace "$TMP/out/./a.ply"
expect 2 "--trace $TMP/out/a.rds and --load $TMP/out/a.rds name the same file" --load "$TMP/out/a.rds" \
    --steps 1000000000000 --trace "$TMP/out/a.rds"
expect 2 "--mesh $TMP/out/s.ply and --load $TMP/out/s.ply name the same file" --load "$TMP/out/s.ply" \
    --steps 1000000000000 --mesh "$TMP/out/s.ply"
cmp -s "$TMP/out/a.rds" "$TMP/a.rds.before" && cmp -s "$TMP/out/a.ply" "$TMP/a.ply.before" &&
    ok "refused --trace runs left the state and the mesh alone" || bad "a refused --trace run wrote"
# --load and --save of one file continue it in place (atomically)
h1=$(hash_of native --load "$TMP/out/a.rds" --steps 1)
native --load "$TMP/out/a.rds" --steps 1 --save "$TMP/out/a.rds" >/dev/null 2>"$TMP/err" &&
    [ "$(hash_of native --load "$TMP/out/a.rds" --steps 0)" = "$h1" ] && ok "--load f --save f continues f in place" ||
    bad "--load f --save f: $(cat "$TMP/err")"
cp "$TMP/a.rds.before" "$TMP/out/a.rds"
# two outputs to /dev/null: written through, never a conflict
native --size 8 --steps 1 --save /dev/null --trace /dev/null >/dev/null 2>"$TMP/err" && [ -c /dev/null ] &&
    ok "--save /dev/null --trace /dev/null: written through" || bad "--save /dev/null: $(cat "$TMP/err")"

# ---- 2b. links and special files: the file behind a link is written, a FIFO is written to ----
mkdir "$TMP/ln"
cp "$TMP/out/a.rds" "$TMP/ln/real.rds"
ln -s real.rds "$TMP/ln/link.rds"
h3=$(hash_of native --size 8 --steps 3 --seed 4)
native --size 8 --steps 3 --seed 4 --save "$TMP/ln/link.rds" >/dev/null 2>"$TMP/err"
[ -L "$TMP/ln/link.rds" ] && [ "$(readlink "$TMP/ln/link.rds")" = real.rds ] && ok "--save LINK: the link stays a link" ||
    bad "--save LINK: the link was replaced: $(ls -l "$TMP/ln" | tr '\n' ' ') $(cat "$TMP/err")"
[ -n "$h3" ] && [ "$(hash_of native --load "$TMP/ln/real.rds" --steps 0)" = "$h3" ] &&
    ok "--save LINK: the file it names holds the new state" || bad "--save LINK: the real file was not updated"
left=$(ls -A "$TMP/ln" | tr '\n' ' ')
[ "$left" = "link.rds real.rds " ] && ok "--save LINK: no temporary file left" || bad "left in the folder: $left"
ln -s ../ln/real.rds "$TMP/out/far.ply" && ln -s nofile.ply "$TMP/ln/dangling.ply"
native --size 8 --steps 3 --mesh "$TMP/out/far.ply" --mesh "$TMP/ln/dangling.ply" >/dev/null 2>"$TMP/err"
[ -L "$TMP/ln/dangling.ply" ] && [ -f "$TMP/ln/nofile.ply" ] && head -c 3 "$TMP/ln/nofile.ply" | grep -q ply &&
    ok "--mesh DANGLING-LINK: the file it names is made, the link stays" || bad "dangling link: $(ls -l "$TMP/ln" | tr '\n' ' ')"
rm "$TMP/out/far.ply"
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/fifo.out" &
reader=$!
timeout 20 "$NATIVE" --size 8 --steps 3 --seed 4 --save "$TMP/fifo" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -ne 0 ] && kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
[ $rc -eq 0 ] && [ -p "$TMP/fifo" ] && ok "--save FIFO: exit 0, still a FIFO" ||
    bad "--save FIFO: rc $rc, $(ls -l "$TMP/fifo") $(cat "$TMP/err")"
[ "$(stat -c %s "$TMP/fifo.out")" -eq 4232 ] && [ "$(hash_of native --load "$TMP/fifo.out" --steps 0)" = "$h3" ] &&
    ok "--save FIFO: the reader got the whole state" || bad "--save FIFO: the reader got $(stat -c %s "$TMP/fifo.out") bytes"
cat "$TMP/fifo" >"$TMP/trace.out" &
reader=$!
timeout 20 "$NATIVE" --size 8 --steps 1 --trace "$TMP/fifo" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -ne 0 ] && kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null
[ $rc -eq 0 ] && [ -p "$TMP/fifo" ] && grep -q traceEvents "$TMP/trace.out" && ok "--trace FIFO: the reader got the trace" ||
    bad "--trace FIFO: rc $rc, $(head -c 80 "$TMP/trace.out") $(cat "$TMP/err")"

# ---- 2c. stdout that cannot be written: exit 1 with the reason ----
if [ -c /dev/full ]; then
    for args in "--size 8 --steps 1 --hash" "--size 8 --steps 1 --json" "--schema" "--list-presets"; do
        native $args >/dev/full 2>"$TMP/err"
        rc=$?
        [ $rc -eq 1 ] && grep -qF "rdsim: cannot write the output: No space left on device" "$TMP/err" &&
            ok "$args >/dev/full: exit 1, says so" || bad "$args >/dev/full: rc $rc, $(cat "$TMP/err")"
    done
else
    ok "no /dev/full: the stdout checks are skipped"
fi

# ---- 3. one number grammar ----
h10=$(hash_of native --size 16 --steps 5 --seed 10)
h010=$(hash_of native --size 16 --steps 5 --seed 010)
h8s=$(hash_of native --size 16 --steps 5 --seed 8)
[ -n "$h10" ] && [ "$h010" = "$h10" ] && [ "$h010" != "$h8s" ] && ok "--seed 010 is decimal 10 (as the page reads it)" ||
    bad "--seed 010: $h010, 10: $h10, 8: $h8s"
[ "$(hash_of native --size 016 --steps 5 --seed 10)" = "$h10" ] && ok "--size 016 is 16" || bad "--size 016"
hmax=$(hash_of native --size 8 --steps 1 --seed 18446744073709551615)
[ -n "$hmax" ] && ok "--seed 2^64-1 accepted" || bad "--seed 2^64-1 refused"
seedr="must be a decimal integer 0..18446744073709551615"
expect 2 "--seed  -1: $seedr" --seed " -1"
expect 2 "--seed -1: $seedr" --seed -1
expect 2 "--seed +1: $seedr" --seed +1
expect 2 "--seed 0x10: $seedr" --seed 0x10
expect 2 "--seed 7 : $seedr" --seed "7 "
expect 2 "--seed 18446744073709551616: $seedr" --seed 18446744073709551616
expect 2 "--seed : $seedr" --seed ""
dimsr="must be X,Y,Z: three integers 8..512"
for d in ",8,8,8" "8,8,8," "8,,8" "8, 8,8" "8,8,8,8" " 8,8,8" "8,8,+8" "8,8,08a"; do
    expect 2 "--dims $d: $dimsr" --dims "$d"
done
[ "$(hash_of native --dims 16,16,016 --steps 5 --seed 10)" = "$h10" ] && ok "--dims 16,16,016 = --size 16" || bad "--dims 016"
expect 2 "--dims and --size both set the grid; give one" --dims 16,8,8 --size 8 --steps 1
expect 2 "--dims and --size both set the grid; give one" --size 8 --dims 8,8,8 --steps 1
# a negative zero is zero: the same parameter map, so the same hash
[ "$(hash_of native --size 8 --steps 3 --map --F-min -0)" = "$(hash_of native --size 8 --steps 3 --map --F-min 0)" ] &&
    ok "--F-min -0 is --F-min 0" || bad "--F-min -0 gave another hash than 0"
# map ranges without the map: the run goes on (same hash as without them) and says they did nothing
expect 0 "note: --F-max has no effect without --map" --size 8 --steps 1 --F-max 0.09
[ "$(hash_of native --size 16 --steps 5 --seed 10 --k-min 0.04 --F-max 0.09)" = "$h10" ] &&
    ok "map ranges without --map leave the run as it was" || bad "map ranges without --map changed the run"
native --size 8 --steps 1 --map --k-min 0.04 >/dev/null 2>"$TMP/err"
if grep -q "note" "$TMP/err"; then bad "a note with --map: $(cat "$TMP/err")"; else ok "no note when the map is on"; fi
expect 2 "--size 16 : must be 8..512" --size "16 "
expect 2 "--threads 2x: must be an integer 1..64" --threads 2x
expect 2 "--threads +2: must be an integer 1..64" --threads +2
expect 2 "--steps 1e3: must be an integer 0..10^12" --steps 1e3
# --scaling's step range: a usage error before the pool is built
expect 2 "--steps 0: with --scaling must be 1..1000000" --scaling 1 --steps 0
expect 2 "--steps 1000001: with --scaling must be 1..1000000" --scaling 1,2 --steps 1000001
# a refused real shows the float refused (fewest digits that read back as it), never a rounding of it
expect 2 "dt = 1.0000001: must be a finite number in (0, 1]" --dt 1.0000001
expect 2 "k = 1.0000001: must be a finite number in [0, 1]" --k 1.0000001
expect 2 "parameter map: k from 0.03 to 1.0000001: each end" --map --k-max 1.0000001
expect 2 "F = 1.0000001: must be a finite number in [0, 1]" --F 1.00000011920928955 # the same float as 1.0000001
expect 2 "--stencil 07.0: must be 7, 19 or 27" --stencil 07.0
fr="must be a decimal number"
for v in " 0.03" "0.03 " "+0.03" "1e" "inf" "nan" "0x1p-5" "0,03" "1e39"; do
    expect 2 "--F $v: $fr" --F "$v"
done
expect 2 "--iso -inf: must be a decimal number in [0, 1]" --iso -inf
expect 2 "--iso 1.5: must be a decimal number in [0, 1]" --iso 1.5
expect 2 "F = -0.1" --F -0.1 # a number, out of range: the parameter check says so
[ "$(hash_of native --size 16 --steps 5 --seed 10 --F .035 --k 0.0640)" = "$(hash_of native --size 16 --steps 5 --seed 10)" ] &&
    ok "--F .035 --k 0.0640 = the preset's 0.035, 0.064" || bad "--F .035"
# longer than 63 characters: refused as too long, never cut to the first 63
z62=$(printf '0%.0s' $(seq 62))
[ "$(hash_of native --size "${z62}8" --steps 5 --seed 10)" = "$(hash_of native --size 8 --steps 5 --seed 10)" ] &&
    ok "a 63-character --size (zeros, then 8) is 8" || bad "63 characters refused"
expect 2 "too long (64 characters, at most 63); must be 8..512" --size "0${z62}8"
expect 2 "too long (65 characters, at most 63)" --seed "00${z62}1"
z59=$(printf '0%.0s' $(seq 59))
[ "$(hash_of native --dims "8,8,${z59:1}8" --steps 5 --seed 10)" = "$(hash_of native --size 8 --steps 5 --seed 10)" ] &&
    ok "a 63-character --dims is read whole" || bad "63-character --dims"
expect 2 "too long (64 characters, at most 63)" --dims "8,8,${z59}8"
expect 2 "too long (66 characters, at most 63)" --F "0.${z62}35"
# the typed colour range: from below to, each in 0..1; unused without custom (said)
expect 2 "--color-min 0.6 must be below --color-max 0.4" --color-range custom --color-min 0.6 --color-max 0.4
expect 2 "--color-min 0.5 must be below --color-max 0.5" --color-range custom --color-min 0.5 --color-max 0.5
expect 2 "--color-max 1.5: must be a decimal number in [0, 1]" --color-range custom --color-max 1.5
native --size 8 --steps 1 --color-min 0.6 --color-max 0.4 --mesh "$TMP/n.ply" 2>"$TMP/err" &&
    grep -qF "note: --color-min/--color-max have no effect without --color-range custom" "$TMP/err" &&
    ok "--color-min/--color-max without custom: run, and said" || bad "--color-min without custom: $(cat "$TMP/err")"

finish
