# Makefile: the whole project, read top to bottom.
#   make serve   builds the web app and serves it on http://localhost:$(PORT)
#   make test    runs every suite (native, sanitizers, WASM under Node, browsers)
#   make bench   runs every benchmark; results in build/bench/*.json
#   make help    lists the other targets
# Each of serve/test/bench first runs tools/setup.sh, which installs what is
# missing (Debian packages, SDL2 and cmocka for WASM, npm packages) and is quick
# when nothing is.

SHELL := /bin/bash
.DEFAULT_GOAL := all

# ---- where things go -------------------------------------------------------------
PORT    ?= 8080
BUILD   := build
NATIVE  := $(BUILD)/native
WASM    := $(BUILD)/wasm
WEBROOT := $(BUILD)/web
GEN     := $(BUILD)/gen
CACHE   ?= $(HOME)/.cache/rdsim
SDL2    := $(CACHE)/sdl2-wasm
CMOCKA_WASM := $(CACHE)/cmocka-wasm
BUILD_ID := $(shell git describe --always --dirty 2>/dev/null || echo dev)

# Debian's emscripten needs Debian's node modules (acorn) whatever node is first on PATH.
export NODE_PATH := /usr/share/nodejs
CC    := gcc
CXX   := g++
EMCC  := emcc
NODE  := node --no-experimental-fetch
PYTHON := /usr/bin/python3

# ---- compiler flags ----------------------------------------------------------------
# Determinism: no contraction into FMA (WASM has none), no fast-math, on both targets.
DETERMINISM := -ffp-contract=off -fno-fast-math
WARNINGS    := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=gnu11 $(WARNINGS) $(DETERMINISM) -Iengine

# Native: vector extensions compile to SSE/AVX. NATIVE_ARCH may be overridden
# (e.g. NATIVE_ARCH=-march=x86-64) for a portable binary; results stay bit-identical.
NATIVE_ARCH   ?= -march=native
NATIVE_CFLAGS := $(COMMON_CFLAGS) -O3 $(NATIVE_ARCH) -pthread -g
NATIVE_LDLIBS := -pthread -lm
# Sanitizer builds of the engine and its tests (debuggable, same sources).
ASAN_CFLAGS := $(COMMON_CFLAGS) -O1 -g -pthread -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TSAN_CFLAGS := $(COMMON_CFLAGS) -O1 -g -pthread -fsanitize=thread

# WASM: pthreads + SIMD128 (same vector-extension source as native).
WASM_CFLAGS  := $(COMMON_CFLAGS) -O3 -msimd128 -pthread
WASM_MEMORY  := -Wno-pthreads-mem-growth -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=128MB -sMAXIMUM_MEMORY=4GB \
                -sTOTAL_STACK=4MB -sDEFAULT_PTHREAD_STACK_SIZE=1MB
# Growth with pthreads only slows JS access to the heap (one mesh copy per frame),
# not WASM code; it lets one build serve grids from 8^3 to 512^3.
# Node programs (tests, CLI): real files, all pool threads pre-started.
WASM_NODE_LDFLAGS := -pthread $(WASM_MEMORY) -sEXIT_RUNTIME=1 -sNODERAWFS=1 \
                     -sENVIRONMENT=node -sPTHREAD_POOL_SIZE=9

# ---- sources -------------------------------------------------------------------------
# The engine library is every engine/*.c but the two entry points.
ENGINE_MAINS := engine/api.c engine/rdsim.c
ENGINE_SRC   := $(filter-out $(ENGINE_MAINS),$(wildcard engine/*.c))
ENGINE_HDR   := $(wildcard engine/*.h)
TEST_SRC     := $(wildcard tests/test_*.c)
TEST_NAMES   := $(patsubst tests/%.c,%,$(TEST_SRC))
TEST_HDR     := $(wildcard tests/*.h)
APP_SRC      := $(wildcard app/*.c)
APP_HDR      := $(wildcard app/*.h)
SHADERS      := $(wildcard shaders/*.vert shaders/*.frag)
WEB_STATIC   := $(wildcard web/*.html web/*.js web/*.css)
ASSETS       := $(wildcard assets/*)

# ---- top-level targets -----------------------------------------------------------------
.PHONY: all setup native wasm web serve test bench fuzz clean help

all: native wasm web

setup:
	@tools/setup.sh

help:
	@echo "make serve [PORT=8080]  build and serve the app (Caddy, cross-origin isolated)"
	@echo "make test               every test suite, one pass/fail summary"
	@echo "make bench              every benchmark; JSON in $(BUILD)/bench/"
	@echo "make native | wasm | web  build one side only"
	@echo "make fuzz               fuzz the state-file reader (buffer and file) for a bounded time"
	@echo "make starts             start the page 50 times per thread count in both browsers"
	@echo "make clean              remove $(BUILD)/"

clean:
	rm -rf $(BUILD)

# ---- native engine, CLI and tests ------------------------------------------------------
# One template per build flavour: $(1) = directory, $(2) = CFLAGS.
define engine_flavour
$(1)/engine/%.o: engine/%.c $(ENGINE_HDR) | $(1)/engine
	$(CC) $(2) -c $$< -o $$@
$(1)/libengine.a: $(patsubst engine/%.c,$(1)/engine/%.o,$(ENGINE_SRC))
	rm -f $$@ && ar rcs $$@ $$^
$(1)/tests/%: tests/%.c $(TEST_HDR) $(1)/libengine.a | $(1)/tests
	$(CC) $(2) -Itests $$< $(1)/libengine.a -lcmocka $(NATIVE_LDLIBS) -o $$@
$(1)/engine $(1)/tests:
	mkdir -p $$@
endef
$(eval $(call engine_flavour,$(NATIVE),$(NATIVE_CFLAGS)))
$(eval $(call engine_flavour,$(BUILD)/asan,$(ASAN_CFLAGS)))
$(eval $(call engine_flavour,$(BUILD)/tsan,$(TSAN_CFLAGS)))

$(NATIVE)/rdsim: engine/rdsim.c $(NATIVE)/libengine.a
	$(CC) $(NATIVE_CFLAGS) $< $(NATIVE)/libengine.a $(NATIVE_LDLIBS) -o $@

# rdsim under ASan + UBSan: the CLI script tests run it too (tools/run_tests.sh).
$(BUILD)/asan/rdsim: engine/rdsim.c $(BUILD)/asan/libengine.a
	$(CC) $(ASAN_CFLAGS) $< $(BUILD)/asan/libengine.a $(NATIVE_LDLIBS) -o $@

NATIVE_TESTS := $(addprefix $(NATIVE)/tests/,$(TEST_NAMES))
ASAN_TESTS   := $(addprefix $(BUILD)/asan/tests/,$(TEST_NAMES))
# ThreadSanitizer runs the tests that exercise threads.
TSAN_TESTS   := $(addprefix $(BUILD)/tsan/tests/,$(filter test_pool test_gs test_mc test_lab test_stats test_slice test_closed,$(TEST_NAMES)))

native: $(NATIVE)/rdsim $(NATIVE_TESTS)

# ---- WASM engine (browser worker, Node CLI and tests) ----------------------------------
$(WASM)/engine/%.o: engine/%.c $(ENGINE_HDR) | $(WASM)/engine
	$(EMCC) $(WASM_CFLAGS) -c $< -o $@
$(WASM)/libengine.a: $(patsubst engine/%.c,$(WASM)/engine/%.o,$(ENGINE_SRC))
	rm -f $@ && emar rcs $@ $^
$(WASM)/engine $(WASM)/tests $(WEBROOT) $(GEN):
	mkdir -p $@
# emcc's Node programs are CommonJS; the repository's package.json says "module" (for
# the e2e tests), so each directory holding such programs gets its own marker.
%/package.json:
	mkdir -p $(@D) && echo '{"type": "commonjs"}' > $@

$(WASM)/tests/%.js: tests/%.c $(TEST_HDR) $(WASM)/libengine.a | $(WASM)/tests $(WASM)/package.json
	$(EMCC) $(WASM_CFLAGS) -D_UINTPTR_T -I$(CMOCKA_WASM)/include -Itests $< $(WASM)/libengine.a \
	    $(CMOCKA_WASM)/lib/libcmocka.a $(WASM_NODE_LDFLAGS) -o $@

$(WASM)/rdsim.js: engine/rdsim.c $(WASM)/libengine.a | $(WASM)/package.json
	$(EMCC) $(WASM_CFLAGS) $< $(WASM)/libengine.a $(WASM_NODE_LDFLAGS) -o $@

WASM_TESTS := $(addprefix $(WASM)/tests/,$(addsuffix .js,$(TEST_NAMES)))
wasm: $(WASM)/rdsim.js $(WASM_TESTS)

# The compute worker's engine: MODULARIZE factory createEngine(), loaded by
# web/compute_worker.js. The exported functions are engine/api.c's public ones.
# PTHREAD_POOL_SIZE pre-starts the pool's Web Workers (threads - 1 of them), but never
# fewer than one: emscripten 3.1.6 releases its 'wasm-instantiate' run dependency only
# from the last pre-started worker's load callback (src/preamble.js), so a pool size
# that evaluates to 0 at run time leaves the module waiting forever (?threads=1).
ENGINE_EXPORTS = $(shell tools/api_exports.sh engine/api.c)
ENGINE_LDFLAGS = -pthread $(WASM_MEMORY) -sMODULARIZE=1 -sEXPORT_NAME=createEngine \
    -sENVIRONMENT=web,worker -sPTHREAD_POOL_SIZE='Math.max(1,Module.poolThreads|0)' \
    -sEXPORTED_FUNCTIONS=_malloc,_free,$(ENGINE_EXPORTS) \
    -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8
$(WEBROOT)/engine.js: engine/api.c $(WASM)/libengine.a $(GEN)/build_id | $(WEBROOT)
	$(EMCC) $(WASM_CFLAGS) -DBUILD_ID='"$(BUILD_ID)"' $< $(WASM)/libengine.a $(ENGINE_LDFLAGS) -o $@

# The build id (git describe) changes with every commit; this file changes with it,
# so what embeds the id (engine.js, build.json) is rebuilt, and nothing else.
$(GEN)/build_id: FORCE | $(GEN)
	@echo '$(BUILD_ID)' | cmp -s - $@ || echo '$(BUILD_ID)' > $@
.PHONY: FORCE
FORCE:

# ---- app (main thread: SDL2 + cglm + WebGL2) -------------------------------------------
# cglm is header-only: include a directory holding only cglm/, never all of /usr/include.
$(GEN)/include/cglm: | $(GEN)
	mkdir -p $(GEN)/include && ln -sfn /usr/include/cglm $@
$(GEN)/shaders.h: $(SHADERS) tools/embed_shaders.sh | $(GEN)
	tools/embed_shaders.sh $(SHADERS) > $@

APP_CFLAGS  := -std=gnu11 $(WARNINGS) -O2 -Iapp -I$(GEN) -I$(GEN)/include -I$(SDL2)/include
APP_LDFLAGS := -L$(SDL2)/lib -lSDL2 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2 \
    -sMODULARIZE=1 -sEXPORT_NAME=createApp -sENVIRONMENT=web -sALLOW_MEMORY_GROWTH=1 \
    -sEXPORTED_FUNCTIONS=_main,_app_wake,_app_paint_at,_app_probe_ray,_app_camera_state,_app_camera_set,_app_camera_view,_app_camera_zoom,_app_camera_orbit,_app_camera_pan,_app_set_shown_range,_app_set_colormap,_app_set_surface,_app_set_clip,_app_set_profile,_app_slice_count,_app_request_redraw,_app_set_continuous,_app_set_pixel_scale,_app_plane_hover,_app_plane_grab,_app_plane_drag,_app_plane_release \
    -sEXPORTED_RUNTIME_METHODS=HEAPF32 --js-library app/app_lib.js
# The app compiles one engine file: engine/colormap.c, the colour ramp it shares with mesh exports.
$(WEBROOT)/app.js: $(APP_SRC) $(APP_HDR) engine/colormap.c engine/colormap.h engine/slice.h engine/mesh.h app/app_lib.js $(GEN)/shaders.h $(GEN)/include/cglm | $(WEBROOT)
	$(EMCC) $(APP_CFLAGS) $(DETERMINISM) -Iengine $(APP_SRC) engine/colormap.c $(APP_LDFLAGS) -o $@

# ---- web root: only built files, nothing else is served ----------------------------------
$(WEBROOT)/%: web/% | $(WEBROOT)
	cp $< $@
$(WEBROOT)/%: assets/% | $(WEBROOT)
	cp $< $@
$(WEBROOT)/build.json: $(WEBROOT)/engine.js $(WEBROOT)/app.js $(GEN)/build_id
	echo '{"build_id": "$(BUILD_ID)"}' > $@
# The settings' description (engine/schema.c), for the page to build its panel before
# the engine has started; the worker's engine sends the same document (the page checks).
$(WEBROOT)/schema.json: $(NATIVE)/rdsim | $(WEBROOT)
	$(NATIVE)/rdsim --schema > $@
# uPlot (npm, from package-lock.json): the threads lab's speedup chart (web/lab.js).
UPLOT_DIST := node_modules/uplot/dist
UPLOT_FILES := $(WEBROOT)/uPlot.iife.min.js $(WEBROOT)/uPlot.min.css
$(WEBROOT)/uPlot.%: $(UPLOT_DIST)/uPlot.% | $(WEBROOT)
	cp $< $@
web: $(WEBROOT)/engine.js $(WEBROOT)/app.js $(WEBROOT)/build.json $(WEBROOT)/schema.json $(UPLOT_FILES) \
     $(patsubst web/%,$(WEBROOT)/%,$(WEB_STATIC)) $(patsubst assets/%,$(WEBROOT)/%,$(ASSETS))

serve: setup
	@$(MAKE) --no-print-directory web
	@echo "Serving $(CURDIR)/$(WEBROOT) at http://localhost:$(PORT)/  (Ctrl-C stops)"
	@PORT=$(PORT) WEBROOT=$(CURDIR)/$(WEBROOT) caddy run --config Caddyfile --adapter caddyfile

# ---- tests -------------------------------------------------------------------------------
# tools/run_tests.sh runs each suite, echoes its output and ends with one summary line.
test: setup
	@$(MAKE) --no-print-directory -j$$(nproc) native wasm web $(ASAN_TESTS) $(BUILD)/asan/rdsim $(TSAN_TESTS)
	@tools/run_tests.sh

# Start-up reliability in both browsers (tests/e2e/starts.mjs): STARTS_RUNS starts in a
# row per thread count; prints failures and watchdog retries. Not part of `make test`.
STARTS_RUNS ?= 50
STARTS_THREADS ?= 1,2,4
.PHONY: starts
starts: setup
	@$(MAKE) --no-print-directory web
	BROWSER=chromium node tests/e2e/starts.mjs --runs $(STARTS_RUNS) --threads $(STARTS_THREADS)
	BROWSER=firefox xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/starts.mjs --runs $(STARTS_RUNS) --threads $(STARTS_THREADS)

# ---- benchmarks ----------------------------------------------------------------------------
BENCH_OUT := $(BUILD)/bench
bench: setup
	@$(MAKE) --no-print-directory native wasm
	@mkdir -p $(BENCH_OUT)
	@$(MAKE) --no-print-directory $(BENCH_BIN)/bench_pool $(BENCH_BIN)/bench_pool.cjs
	$(NODE) $(BENCH_BIN)/bench_pool.cjs --threads 2 --emit $(BENCH_OUT)/pool_wasm.txt
	$(BENCH_BIN)/bench_pool --threads 2 --json $(BENCH_OUT)/pool.json --wasm $(BENCH_OUT)/pool_wasm.txt
	@$(MAKE) --no-print-directory $(BENCH_BIN)/bench_mc $(BENCH_BIN)/bench_mc.cjs
	$(PYTHON) bench/bench_mc.py --threads 2 --json $(BENCH_OUT)/mc.json
	@$(MAKE) --no-print-directory $(BENCH_BIN)/bench_gs $(BENCH_BIN)/bench_gs.cjs
	$(BENCH_BIN)/bench_gs --json $(BENCH_OUT)/gs.json --wasm-cmd "$(NODE) $(BENCH_BIN)/bench_gs.cjs"
	@$(MAKE) --no-print-directory $(BENCH_BIN)/bench_trace
	$(BENCH_BIN)/bench_trace --json $(BENCH_OUT)/trace.json

BENCH_BIN := $(BENCH_OUT)/bin
$(BENCH_BIN):
	mkdir -p $@

# pool (issue 3): ours vs gcc's OpenMP (libgomp) and oneTBB at the same thread count,
# and our side built for WASM (run under Node first; the native run reads its figures).
# The WASM build gets a fixed heap (no growth: no slow JS heap wrappers) and a
# package.json that makes Node load the emitted worker .js files as CommonJS.
$(BENCH_BIN)/bench_pool: bench/bench_pool.c bench/peer_omp.c bench/peer_tbb.cpp bench/bench_pool_peers.h \
                         $(NATIVE)/libengine.a | $(BENCH_BIN)
	$(CC) $(NATIVE_CFLAGS) -Ibench -c bench/bench_pool.c -o $@.o
	$(CC) $(NATIVE_CFLAGS) -fopenmp -Ibench -c bench/peer_omp.c -o $@_omp.o
	$(CXX) -std=c++17 $(WARNINGS) -O3 $(NATIVE_ARCH) -pthread -Ibench -c bench/peer_tbb.cpp -o $@_tbb.o
	$(CXX) $@.o $@_omp.o $@_tbb.o $(NATIVE)/libengine.a -fopenmp -ltbb $(NATIVE_LDLIBS) -o $@
$(BENCH_BIN)/bench_pool.cjs: bench/bench_pool.c bench/bench_pool_peers.h $(WASM)/libengine.a | $(BENCH_BIN)/package.json
	$(EMCC) $(WASM_CFLAGS) -DBENCH_NO_PEERS -Ibench bench/bench_pool.c $(WASM)/libengine.a -pthread \
	    -sINITIAL_MEMORY=512MB -sTOTAL_STACK=4MB -sDEFAULT_PTHREAD_STACK_SIZE=1MB -sEXIT_RUNTIME=1 \
	    -sNODERAWFS=1 -sENVIRONMENT=node -sPTHREAD_POOL_SIZE=9 -o $@

# marching cubes (issue 5): ours natively and under Node vs vtkFlyingEdges3D,
# vtkMarchingCubes and skimage (bench/bench_mc.py times the peers on the same raw
# volumes). bench_mc is also the volume -> mesh tool of tests/test_mc_peers.py.
$(BENCH_BIN)/bench_mc: bench/bench_mc.c tests/mc_fields.h $(NATIVE)/libengine.a | $(BENCH_BIN)
	$(CC) $(NATIVE_CFLAGS) bench/bench_mc.c $(NATIVE)/libengine.a $(NATIVE_LDLIBS) -o $@
$(BENCH_BIN)/bench_mc.cjs: bench/bench_mc.c tests/mc_fields.h $(WASM)/libengine.a | $(BENCH_BIN)/package.json
	$(EMCC) $(WASM_CFLAGS) bench/bench_mc.c $(WASM)/libengine.a -pthread \
	    -sINITIAL_MEMORY=1GB -sTOTAL_STACK=4MB -sDEFAULT_PTHREAD_STACK_SIZE=1MB -sEXIT_RUNTIME=1 \
	    -sNODERAWFS=1 -sENVIRONMENT=node -sPTHREAD_POOL_SIZE=9 -o $@

# Gray-Scott step (issue 4): ours at 128^3 and 256^3, 1 and 2 threads, against a
# STREAM-like triad roofline (bytes/s / 16) and a straightforward OpenMP C step, and
# our side built for WASM (the native run starts it under Node once per round, so
# the two builds alternate on the same machine state).
$(BENCH_BIN)/bench_gs: bench/bench_gs.c bench/peer_gs_omp.c $(NATIVE)/libengine.a | $(BENCH_BIN)
	$(CC) $(NATIVE_CFLAGS) -c bench/bench_gs.c -o $@.o
	$(CC) $(NATIVE_CFLAGS) -fopenmp -c bench/peer_gs_omp.c -o $@_omp.o
	$(CC) $@.o $@_omp.o $(NATIVE)/libengine.a -fopenmp $(NATIVE_LDLIBS) -o $@
$(BENCH_BIN)/bench_gs.cjs: bench/bench_gs.c $(WASM)/libengine.a | $(BENCH_BIN)/package.json
	$(EMCC) $(WASM_CFLAGS) -DBENCH_NO_PEERS bench/bench_gs.c $(WASM)/libengine.a -pthread \
	    -sINITIAL_MEMORY=1GB -sTOTAL_STACK=4MB -sDEFAULT_PTHREAD_STACK_SIZE=1MB -sEXIT_RUNTIME=1 \
	    -sNODERAWFS=1 -sENVIRONMENT=node -sPTHREAD_POOL_SIZE=9 -o $@

# pool timeline (issue 10): the cost of recording the trace on the step and on meshing,
# at 128^3 with 2 threads, recording off vs on in alternation (target: under 1 %).
$(BENCH_BIN)/bench_trace: bench/bench_trace.c $(NATIVE)/libengine.a | $(BENCH_BIN)
	$(CC) $(NATIVE_CFLAGS) $< $(NATIVE)/libengine.a $(NATIVE_LDLIBS) -o $@

# ---- fuzzing ---------------------------------------------------------------------------------
# libFuzzer (clang) on the .rds reader, FUZZ_SECONDS for each of two targets:
#   fuzz_rds       rds_read on a buffer (the page's Load state)
#   fuzz_rds_file  rds_load on a file and a pipe (rdsim --load)
# both seeded with two valid files (fuzz_rds_file also with a 128-byte header that
# claims 512^3). Any allocation above FUZZ_MALLOC_MB (or a process above
# FUZZ_RSS_MB) is a finding: a header claiming a big grid must be refused before
# the reader allocates what it claims. Findings go to $(FUZZ_DIR)/crash-* (oom-*).
FUZZ_SECONDS ?= 60
FUZZ_MALLOC_MB ?= 64
FUZZ_RSS_MB ?= 2048
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_ENGINE := engine/rds.c engine/hash.c engine/gs.c engine/chunk.c engine/grid.c engine/pool.c engine/plat.c
FUZZ_RUN = -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -rss_limit_mb=$(FUZZ_RSS_MB) \
           -malloc_limit_mb=$(FUZZ_MALLOC_MB) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/
$(FUZZ_DIR)/fuzz_%: tests/fuzz_%.c tests/fuzz_rds.h $(FUZZ_ENGINE) $(ENGINE_HDR)
	mkdir -p $(FUZZ_DIR)
	clang $(COMMON_CFLAGS) -O1 -g -pthread -fsanitize=fuzzer,address,undefined -Itests $< $(FUZZ_ENGINE) -lm -o $@
.PHONY: fuzz-run
fuzz: setup
	@$(MAKE) --no-print-directory fuzz-run
fuzz-run: $(FUZZ_DIR)/fuzz_rds $(FUZZ_DIR)/fuzz_rds_file $(NATIVE)/rdsim
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/corpus_file
	$(NATIVE)/rdsim --dims 8,8,8 --steps 2 --save $(FUZZ_DIR)/corpus/seed_8.rds
	$(NATIVE)/rdsim --dims 8,9,10 --stencil 27 --boundary zeroflux --steps 2 --save $(FUZZ_DIR)/corpus/seed_27.rds
	cp $(FUZZ_DIR)/corpus/seed_8.rds $(FUZZ_DIR)/corpus/seed_27.rds $(FUZZ_DIR)/corpus_file/
	head -c 128 $(FUZZ_DIR)/corpus/seed_8.rds > $(FUZZ_DIR)/corpus_file/claims_512.rds
	printf '\000\002\000\000\000\002\000\000\000\002\000\000' | \
	    dd of=$(FUZZ_DIR)/corpus_file/claims_512.rds bs=1 seek=16 conv=notrunc status=none
	$(FUZZ_DIR)/fuzz_rds $(FUZZ_RUN) $(FUZZ_DIR)/corpus
	$(FUZZ_DIR)/fuzz_rds_file $(FUZZ_RUN) $(FUZZ_DIR)/corpus_file

# Every preset alive in 3D and distinct from every other: 5000 steps from its own start at
# 48^3 and at the page's default size (tests/test_presets_alive.py, about 3.5 min on 2 cores;
# `make test` runs it too, and tests/test_preset.c is the fast check). This target runs it
# alone; PRESETS_ARGS passes options on, e.g. PRESETS_ARGS="--sizes 48 --only coral,worms".
PRESETS_ARGS ?=
.PHONY: presets-check
presets-check: $(NATIVE)/rdsim
	$(PYTHON) tests/test_presets_alive.py $(PRESETS_ARGS)

# browser (issue 14): the page end to end in headless Chromium (SwiftShader) and Firefox
# under Xvfb (llvmpipe) at 64^3, 128^3 and 256^3 with 2 threads, against rdsim natively
# and under Node (bench/browser.mjs); both browsers' rows in one JSON. A few minutes.
.PHONY: bench-browser
bench: bench-browser
bench-browser: setup
	@$(MAKE) --no-print-directory native wasm web
	@mkdir -p $(BENCH_OUT)
	BROWSER=chromium node bench/browser.mjs --json $(BENCH_OUT)/browser.json
	BROWSER=firefox xvfb-run -a -s "-screen 0 1280x800x24" node bench/browser.mjs --append --json $(BENCH_OUT)/browser.json
