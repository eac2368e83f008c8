#!/usr/bin/env bash
# test_cli_files.sh: the CLI's files and numbers end to end (build/native/rdsim).
#   --load refuses a header that claims more than the file holds with exact byte
#   counts and without allocating what it claims (run under a memory limit), says
#   when it is given a folder, and refuses a step count above 2^53-1;
#   --save and --mesh replace their file atomically: a failed write (full disk)
#   leaves the previous file as it was and nothing else; one path for both is
#   refused (exit 2) before any work;
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
(ulimit -v 600000; exec "$NATIVE" --load "$TMP/big.rds" --threads 1 --steps 1) >/dev/null 2>"$TMP/err"
rc=$?
want="truncated: expected 1073741960 bytes for 512x512x512, got 128"
[ $rc -eq 1 ] && grep -qF "$want" "$TMP/err" && ok "128 bytes claiming 512^3: refused in 600 MB ($want)" ||
    bad "big claim: rc $rc, $(cat "$TMP/err")"
cat "$TMP/big.rds" | (ulimit -v 600000; exec "$NATIVE" --load /dev/stdin --threads 1 --steps 1) >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -qF "$want" "$TMP/err" && ok "the same through a pipe (size unknown ahead)" ||
    bad "big claim, pipe: rc $rc, $(cat "$TMP/err")"
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
expect 1 "cannot create a file beside $TMP/nodir/x.rds: No such file or directory" --size 8 --steps 1 --save "$TMP/nodir/x.rds"
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
expect 2 "--size 16 : must be 8..512" --size "16 "
expect 2 "--threads 2x: must be an integer 1..64" --threads 2x
expect 2 "--threads +2: must be an integer 1..64" --threads +2
expect 2 "--steps 1e3: must be an integer 0..10^12" --steps 1e3
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

finish
