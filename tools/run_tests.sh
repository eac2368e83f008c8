#!/usr/bin/env bash
# run_tests.sh: runs every test suite after `make test` has built them, prints each
# suite's own output, then a summary table and ONE closing line "N passed, N failed".
# Exit status 0 only if every suite ran and nothing failed.
#   native  cmocka programs, build/native/tests/*
#   asan    the same under AddressSanitizer + UBSan, build/asan/tests/*
#   tsan    the threaded ones under ThreadSanitizer, build/tsan/tests/*
#   wasm    the same cmocka programs built with emcc, run under Node
#   scripts tests/test_*.sh and tests/test_*.py (CLI, native-vs-WASM, peer libraries); the
#           CLI scripts also with rdsim under ASan + UBSan (build/asan/rdsim)
#   e2e     Caddy + headless Chromium, and Firefox under Xvfb (puppeteer-core): the page
#           (app), its controls (page), every pool size (threads), the page at its limits (limits)
set -u
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
NODE="node --no-experimental-fetch"
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}

total_pass=0
total_fail=0
summary=()

# Counts tests in a suite's output: cmocka, node --test (TAP) and our plain lines.
count() { # $1 = output file; prints "pass fail"
    awk '
        /^\[  PASSED  \] [0-9]+ test/ { p += $4 }
        /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
        /^# pass [0-9]+/ { p += $3 }
        /^# fail [0-9]+/ { f += $3 }
        /^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
        END { printf "%d %d\n", p, f }' "$1"
}

run() { # $1 = suite/test label, rest = command
    local label=$1
    shift
    local out
    out=$(mktemp)
    echo "=== $label"
    timeout "$SUITE_TIMEOUT" "$@" >"$out" 2>&1
    local rc=$?
    cat "$out"
    read -r p f < <(count "$out")
    # A program that crashed or timed out without reporting a failure counts as one.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "!!! $label exited with status $rc"
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    summary+=("$(printf '%-44s %5d passed %5d failed' "$label" "$p" "$f")")
    rm -f "$out"
}

for t in build/native/tests/test_*; do [ -x "$t" ] && run "native $(basename "$t")" "$t"; done
for t in build/asan/tests/test_*; do [ -x "$t" ] && run "asan $(basename "$t")" "$t"; done
for t in build/tsan/tests/test_*; do [ -x "$t" ] && run "tsan $(basename "$t")" env TSAN_OPTIONS=halt_on_error=1 "$t"; done
for t in build/wasm/tests/test_*.js; do [[ -f "$t" && "$t" != *.worker.js ]] && run "wasm $(basename "$t" .js)" $NODE "$t"; done
for t in tests/test_*.sh; do [ -f "$t" ] && run "script $(basename "$t")" bash "$t"; done
for t in tests/test_*.py; do [ -f "$t" ] && run "script $(basename "$t")" /usr/bin/python3 "$t"; done
# The CLI's own scripts again with rdsim under ASan + UBSan (RDSIM_SANITIZED: the checks
# that cap the address space, which ASan's shadow memory cannot start under, are left out).
for t in tests/test_cli_files.sh tests/test_cli_hash.sh; do
    run "asan script $(basename "$t")" env RDSIM=build/asan/rdsim RDSIM_SANITIZED=1 bash "$t"
done

run "e2e server (Caddy)" node --test --test-reporter=tap tests/e2e/server.test.mjs
for t in app page settings controls threads limits lab fkmap budget tools slices probe; do
    run "e2e chromium $t" env BROWSER=chromium node --test --test-reporter=tap "tests/e2e/$t.test.mjs"
    run "e2e firefox (Xvfb) $t" env BROWSER=firefox xvfb-run -a -s "-screen 0 1280x800x24" \
        node --test --test-reporter=tap "tests/e2e/$t.test.mjs"
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "${total_pass} passed, ${total_fail} failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
