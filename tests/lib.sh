# tests/lib.sh: what the script tests (tests/test_*.sh) share; sourced, never run.
# It moves to the repository root, makes a scratch folder $TMP (removed on exit), and
# counts checks: `ok TEXT` and `bad TEXT` print "ok   TEXT" / "FAIL TEXT"; `finish`
# prints the closing "N passed, N failed" (the line tools/run_tests.sh counts) and
# exits, non-zero if anything failed. $NATIVE is the native CLI (RDSIM overrides it,
# default build/native/rdsim); `native ARGS` runs it, `hash_of CMD ARGS` prints the
# state_hash that CMD ARGS --hash reports (empty if none).
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
NATIVE=${RDSIM:-build/native/rdsim}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ] && exit 0
    exit 1
}
native() { "$NATIVE" "$@"; }
hash_of() { "$@" --hash 2>&1 | sed -n 's/^state_hash \([0-9a-f]\{16\}\)$/\1/p' | tail -1; }
# need_native: stop with one failure if the native CLI is not built
need_native() { [ -x "$NATIVE" ] || { bad "missing $NATIVE (make native)"; finish; }; }
