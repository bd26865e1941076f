# Thin wrapper over CMake so a new user needs one command per job:
#   make            install missing Debian packages, build
#   make check      ... and run every test (unit, CLI end-to-end, ONNX conformance)
#   make quickstart ... and run the shipped default scenario, then report it
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
EDGEBENCH = $(BUILD)/harness/edgebench

.PHONY: all deps test-deps build check check-tsan quickstart conformance bench bench-heldout gate-proof gate-proof-ci gate-proof-models clean

all: build

# `make` and `make quickstart` install only what building and running need;
# `make check` (and the sanitizer builds) add the test packages.
deps:
	tools/install-deps.sh --build

test-deps:
	tools/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Every test but the `timing` group in parallel, then the timing group (real-
# time proofs: a real duty cycle's slowdown, fixtures written in real time)
# alone, a failure retried once so a burst of other load does not fail the
# check; each prints its measured figure (tests/CMakeLists.txt, labels).
check: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE timing
	cd $(BUILD) && ctest --output-on-failure -j1 -L timing --repeat until-pass:2
	$(MAKE) check-tsan

# ThreadSanitizer build (clang) of the thread pool's stress test and the simd
# kernel and backend tests, which run the pool with several threads. Any
# race report fails the test (halt_on_error). make check runs it too.
TSAN_BUILD ?= build-tsan
TSAN_TESTS = test_simd_pool test_simd_kernels test_simd_backend
check-tsan: test-deps
	CC=clang cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEB_SANITIZE=thread
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target $(TSAN_TESTS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -R '^(test_simd_pool|test_simd_kernels|test_simd_backend)$$'

quickstart: build
	$(EDGEBENCH) run scenarios/quickstart.yaml -o $(BUILD)/quickstart.h5
	$(EDGEBENCH) report $(BUILD)/quickstart.h5

bench: build
	$(BUILD)/bench/bench_timing_loop
	$(BUILD)/bench/bench_store
	$(BUILD)/bench/bench_backends

# simd / ONNX Runtime on six torchvision CNNs the kernels were not tuned on
# (tools/make_heldout_cnns.py, generated on first use).
bench-heldout: build
	bench/bench_heldout.sh $(BUILD)

# The regression gate's A/A and A/B proof: 20 trials of the same scenario
# twice (never "slower") and of 10% / 2% slower candidates (always / never
# caught at a 5% tolerance). About 80 runs, a minute or two.
gate-proof: build
	$(BUILD)/bench/bench_gate_aa_ab --trials 20

# The whole CI gate (run, gate --confirm; and edgebench ab) on A/A, +3%,
# +10% and -20% candidates, 20 trials each mode; run it beside load to see
# a shared runner (docs/ci-gating.md, "How well it works here").
gate-proof-ci: build
	bench/bench_gate_ci.sh $(BUILD) 20 300 60 confirm
	bench/bench_gate_ci.sh $(BUILD) 20 300 60 ab 2

# The same gate on real models the project has never seen (generated with
# fresh weights and shapes): A/A, a slower and a faster model per seed,
# interleaved (ab) and as two runs with --confirm. Several minutes.
gate-proof-models: build
	bench/bench_gate_models.sh $(BUILD) 3 3 simd 300 ab 2
	bench/bench_gate_models.sh $(BUILD) 3 3 simd 300 confirm

conformance: build
	$(EDGEBENCH) conformance --backend ref

# Fuzzing (tests/fuzz, docs/security.md "Hostile files and fuzzing"): installs
# clang, builds every reader's libFuzzer target with ASan+UBSan in build-fuzz,
# runs each for FUZZ_TIME seconds (FUZZ_TARGETS to pick some). New inputs go
# to build-fuzz/fuzz/corpus, crash reproducers to build-fuzz/fuzz/artifacts.
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME ?= 60
FUZZ_TARGETS ?= $(filter-out common replay,$(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
fuzz: deps
	tools/install-deps.sh --fuzz
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DEB_SANITIZE=fuzzer-no-link,address,undefined -DEB_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	tests/fuzz/run_fuzz.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_TARGETS)

# The unit and CLI tests (and the fuzz corpus replay) under gcc's
# AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan. Tests that
# cannot be meaningful under a sanitizer skip themselves, saying why; leaks
# inside vendor libraries are suppressed (tests/lsan-vendor.supp).
ASAN_BUILD ?= build-asan
check-asan: test-deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEB_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1:handle_segv=0} \
		LSAN_OPTIONS=$${LSAN_OPTIONS:-suppressions=$(CURDIR)/tests/lsan-vendor.supp} \
		UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		ctest --output-on-failure -j$(JOBS) -LE timing
	cd $(ASAN_BUILD) && ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1:handle_segv=0} \
		LSAN_OPTIONS=$${LSAN_OPTIONS:-suppressions=$(CURDIR)/tests/lsan-vendor.supp} \
		UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		ctest --output-on-failure -j1 -L timing --repeat until-pass:2

clean:
	rm -rf $(BUILD)
