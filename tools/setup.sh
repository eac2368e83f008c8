#!/usr/bin/env bash
# setup.sh: installs what building, serving and testing need, idempotently.
# Called by `make setup` (which `make serve`, `make test` and `make bench` run first).
# Every step checks before it acts, so a second run takes about a second.
#   1. Debian packages (apt-get), only those missing.
#   2. SDL2 for WASM, built from Debian's libsdl2 source package (non-threaded),
#      and cmocka for WASM from Debian's cmocka source package; both cached under
#      $RD_CACHE (default ~/.cache/rdsim), keyed by version. The sources come through
#      tools/apt_source.sh, which needs no deb-src entries and changes nothing in /etc/apt.
#   3. npm test dependencies from package-lock.json (npm ci), when the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${RD_CACHE:-$HOME/.cache/rdsim}
export NODE_PATH=/usr/share/nodejs
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
did=0  # set when a step had work to do

# --- 1. Debian packages --------------------------------------------------------
PKGS=(emscripten caddy libcglm-dev chromium firefox-esr xvfb xauth libcmocka-dev
      cmake make gcc g++ libtbb-dev libomp-dev clang llvm libclang-rt-14-dev hyperfine
      python3-numpy python3-scipy python3-skimage python3-vtk9 dpkg-dev xz-utils admesh)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    did=1
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Source packages come through tools/apt_source.sh, which keeps its own deb-src index
# (a new machine has no deb-src entries) and leaves /etc/apt as it is.
unpack_source() { # $1 = source package, $2 = directory; prints the unpacked tree's path
    tools/apt_source.sh unpack "$1" "$2" >&2
    find "$2" -mindepth 1 -maxdepth 1 -type d | head -n1
}

# --- 2a. SDL2 for WASM -----------------------------------------------------------
SDL_VER=$(tools/apt_source.sh version libsdl2)
SDL_DIR="$CACHE/sdl2-wasm-${SDL_VER}"
if [ ! -f "$SDL_DIR/lib/libSDL2.a" ]; then
    echo "setup: building SDL2 ${SDL_VER} for WASM (about 4 minutes, once)"
    did=1
    work=$(mktemp -d)
    src=$(unpack_source libsdl2 "$work/src")
    (mkdir "$work/build" && cd "$work/build" &&
     emcmake cmake "$src" -DCMAKE_BUILD_TYPE=Release -DSDL_SHARED=OFF -DSDL_STATIC=ON \
        -DSDL_THREADS=OFF -DSDL_TEST=OFF -DCMAKE_INSTALL_PREFIX="$SDL_DIR.tmp" >/dev/null &&
     emmake make -j"$(nproc)" >/dev/null && emmake make install >/dev/null)
    rm -rf "$SDL_DIR" && mv "$SDL_DIR.tmp" "$SDL_DIR" && rm -rf "$work"
fi
ln -sfn "$SDL_DIR" "$CACHE/sdl2-wasm"

# --- 2b. cmocka for WASM (one C file) ---------------------------------------------
CM_VER=$(dpkg-query -W -f='${Version}' libcmocka-dev)
CM_DIR="$CACHE/cmocka-wasm-${CM_VER}"
if [ ! -f "$CM_DIR/lib/libcmocka.a" ]; then
    echo "setup: building cmocka ${CM_VER} for WASM"
    did=1
    work=$(mktemp -d)
    src=$(unpack_source cmocka "$work/src")
    (cd "$work" && mkdir -p "$CM_DIR.tmp/lib" "$CM_DIR.tmp/include" &&
     emcc -O2 -pthread -D_UINTPTR_T -DHAVE_SIGNAL_H -DHAVE_INTTYPES_H -DHAVE_STRINGS_H \
        -DHAVE_STRUCT_TIMESPEC -DHAVE_CLOCK_REALTIME -DHAVE_GCC_THREAD_LOCAL_STORAGE \
        -I"$src/include" -c "$src/src/cmocka.c" -o cmocka.o &&
     emar rcs "$CM_DIR.tmp/lib/libcmocka.a" cmocka.o && cp "$src/include/cmocka.h" "$CM_DIR.tmp/include/")
    rm -rf "$CM_DIR" && mv "$CM_DIR.tmp" "$CM_DIR" && rm -rf "$work"
fi
ln -sfn "$CM_DIR" "$CACHE/cmocka-wasm"

# --- 3. npm test dependencies -------------------------------------------------------
if [ ! -f node_modules/.lock-stamp ] || ! cmp -s package-lock.json node_modules/.lock-stamp; then
    echo "setup: npm ci"
    did=1
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.lock-stamp
fi
[ "$did" = 1 ] || echo "setup: nothing to do"
