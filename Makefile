# Thin wrapper over CMake so a new user needs one command per job:
#   make            install missing Debian packages, build
#   make check      ... and run every test (unit, CLI end-to-end, ONNX conformance)
#   make quickstart ... and run the shipped default scenario, then report it
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
EDGEBENCH = $(BUILD)/harness/edgebench

.PHONY: all deps build check quickstart conformance bench clean

all: build

deps:
	tools/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

quickstart: build
	$(EDGEBENCH) run scenarios/quickstart.yaml -o $(BUILD)/quickstart.h5
	$(EDGEBENCH) report $(BUILD)/quickstart.h5

bench: build
	$(BUILD)/bench/bench_timing_loop
	$(BUILD)/bench/bench_store

conformance: build
	$(EDGEBENCH) conformance --backend ref

clean:
	rm -rf $(BUILD)
