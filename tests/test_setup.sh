#!/usr/bin/env bash
# test_setup.sh: tools/setup.sh as a new machine meets it. A new Debian machine has no
# deb-src entries, so the set-up's source-package path (SDL2 and cmocka for WASM) must work
# from binary sources alone. This runs the real tools/setup.sh under a temporary APT
# configuration that holds only the machine's binary repositories (APT_CONFIG) and an empty
# cache (RD_CACHE; only the SDL2 build, ~4 minutes, is reused from the real cache), so
# cmocka comes through the whole fresh path: private source index, download, build.
# Then: /etc/apt is unchanged, and a second run has nothing to do.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
check() { # $1 = description, rest = command
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); echo "ok: $what"; else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
real_cache=${RD_CACHE:-$HOME/.cache/rdsim}

# An APT configuration with the machine's Debian binary repositories and nothing else.
mkdir -p "$tmp/apt/parts"
tools/apt_source.sh binary-sources > "$tmp/apt/sources.list"
cat > "$tmp/apt/apt.conf" <<EOF
Dir::Etc::SourceList "$tmp/apt/sources.list";
Dir::Etc::SourceParts "$tmp/apt/parts";
EOF
export APT_CONFIG="$tmp/apt/apt.conf"
check "the test configuration has binary sources" test -s "$tmp/apt/sources.list"
check "the test configuration has no deb-src entries" bash -c "! grep -q '^deb-src' '$tmp/apt/sources.list'"
check "source look-ups fail under it, as on a new machine" bash -c '! apt-cache showsrc cmocka 2>/dev/null | grep -q "^Package: cmocka"'

etc_before=$(find /etc/apt -type f -exec md5sum {} + | sort)

# An empty cache but for the SDL2 build, which is keyed by the version the source index gives.
mkdir -p "$tmp/cache"
for d in "$real_cache"/sdl2-wasm-*; do
    [ -d "$d" ] && [ ! -L "$d" ] && ln -s "$d" "$tmp/cache/$(basename "$d")"
done
ms() { echo $(($(date +%s%N) / 1000000)); }
start=$(ms)
RD_CACHE="$tmp/cache" tools/setup.sh > "$tmp/first.log" 2>&1
rc=$?
first=$(($(ms) - start))
sed 's/^/  | /' "$tmp/first.log"
check "setup from binary sources only exits 0" test "$rc" = 0
check "it built cmocka for WASM from the source package" grep -q "setup: building cmocka" "$tmp/first.log"
cm=$(find "$tmp/cache" -maxdepth 1 -name 'cmocka-wasm-*' -type d | head -n1)
check "the cmocka build is in the cache" test -f "$cm/lib/libcmocka.a" -a -f "$cm/include/cmocka.h"
check "its private source index is in the cache" bash -c "compgen -G '$tmp/cache/apt/lists/*_Sources*' >/dev/null"
check "the SDL2 build was found by the version from that index" bash -c "! grep -q 'building SDL2' '$tmp/first.log'"
check "the cache links point at the builds" test -f "$tmp/cache/sdl2-wasm/lib/libSDL2.a" -a -f "$tmp/cache/cmocka-wasm/lib/libcmocka.a"
check "/etc/apt is unchanged" test "$etc_before" = "$(find /etc/apt -type f -exec md5sum {} + | sort)"

# Nothing to do the second time, and it says so.
start=$(ms)
RD_CACHE="$tmp/cache" tools/setup.sh > "$tmp/second.log" 2>&1
rc=$?
second=$(($(ms) - start))
check "a second run exits 0" test "$rc" = 0
check "a second run has nothing to do" test "$(cat "$tmp/second.log")" = "setup: nothing to do"
echo "# first run (fresh source path) ${first} ms, second run ${second} ms"

# The source tool refuses what it cannot do, with a reason.
out=$(RD_CACHE="$tmp/cache" tools/apt_source.sh version no-such-source-package-xyz 2>&1)
rc=$?
check "an unknown source package is refused" test "$rc" != 0
check "with its name in the reason" grep -q "no source package 'no-such-source-package-xyz'" <<<"$out"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
