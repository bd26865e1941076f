#!/usr/bin/env bash
# The single list of Debian packages edgebench needs, and their installer.
#
#   tools/install-deps.sh            install what is missing (build + test: make check)
#   tools/install-deps.sh --build    only what building and running need (make, make quickstart)
#   tools/install-deps.sh --check    only report what is missing (exit 1 if any)
#   tools/install-deps.sh --list     print the package list
#   tools/install-deps.sh --fuzz     also install what `make fuzz` needs (clang, libFuzzer)
#   EB_DEPS_OPTIONAL=1 ...           also install optional packages
#
# Installs with apt-get (as root, or through sudo when available). Packages
# already present are not touched, so re-running is cheap.
set -euo pipefail

# Build: compiler, build system and the libraries edgebench links.
BUILD_PKGS=(
  build-essential cmake pkg-config
  libprotobuf-c-dev protobuf-c-compiler libonnx-dev   # ONNX model loading (onnx.proto)
  libyaml-dev                                         # scenarios
  libhdf5-dev                                         # results store
  zlib1g-dev                                          # gzip-compressed IDX datasets
  libcpuid-dev                                        # x86 CPU identification
  libpapi-dev                                         # hardware/software counters
  libxnnpack-dev libpthreadpool-dev libdnnl-dev       # vendor delegates xnnpack, onednn (plugins)
  libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22  # vendor delegate armnn (.tflite through Arm NN 20.08)
)
# The build fetches ONNX Runtime's library with npm (onnxruntime-node) for the
# onnxruntime delegate; Debian's npm only where no npm is on PATH (a
# NodeSource nodejs ships its own).
command -v npm >/dev/null 2>&1 || BUILD_PKGS+=(npm)
# Tests: unit test framework, ONNX conformance data, the independent results
# reader and the fixture generators (Debian's Python, run as /usr/bin/python3).
TEST_PKGS=(
  libcmocka-dev
  libonnx-testdata
  python3 python3-numpy python3-onnx python3-h5py
  python3-flatbuffers                                 # .tflite fixtures and test nets (tools/tflite_writer.py)
  dataset-fashion-mnist                               # full test set: accuracy vs PyTorch
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user  # aarch64 cross builds, run under qemu
  g++-aarch64-linux-gnu                               # the armnn delegate's C++ shim in the aarch64 build (CpuAcc under qemu)
  openssh-server openssh-client                       # farm tests: a real sshd on loopback
  chromium python3-lxml                               # HTML report in headless Chromium; JUnit XSD check
  python3-pandas                                      # report --format csv/json read as a DataFrame
  python3-scipy                                       # McNemar p checked against scipy.stats.binomtest
  clang libclang-rt-14-dev                            # ThreadSanitizer build of the simd thread pool (make check-tsan)
)
# Optional: fixture training.
OPTIONAL_PKGS=(
  python3-torch python3-torchvision
)

# Fuzzing only (`make fuzz`, tests/fuzz): clang with libFuzzer and its
# sanitizer runtimes. The normal build, `make check` and `make check-asan`
# (gcc's ASan/UBSan) do not need them.
FUZZ_PKGS=(
  clang libclang-rt-dev
)

pkgs=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}")
if [ "${1:-}" = "--build" ]; then
  pkgs=("${BUILD_PKGS[@]}")
  shift
fi
if [ "${EB_DEPS_OPTIONAL:-0}" = 1 ]; then
  pkgs+=("${OPTIONAL_PKGS[@]}")
fi
if [ "${1:-}" = "--fuzz" ]; then
  pkgs+=("${FUZZ_PKGS[@]}")
  shift
fi

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${OPTIONAL_PKGS[@]}" "${FUZZ_PKGS[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "install-deps: missing: ${missing[*]}"
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 2
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
