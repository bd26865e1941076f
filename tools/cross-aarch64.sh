#!/usr/bin/env bash
# Cross-build the whole of edgebench for aarch64 on an x86 Debian host.
#
#   tools/cross-aarch64.sh [BUILD_DIR]      (default: build-aarch64)
#   tools/cross-aarch64.sh --sysroot-only [BUILD_DIR]
#
# 1. Makes an arm64 sysroot from Debian's own arm64 packages (the -dev
#    packages edgebench links, with their dependency closure), downloaded by
#    apt-get with a private state/cache directory and an empty dpkg status,
#    and unpacked with dpkg-deb -x. The host's dpkg database and architecture
#    list are never touched. The sysroot is cached in BUILD_DIR/sysroot-<key>,
#    keyed by the package list, and reused while the key matches.
# 2. Configures BUILD_DIR with cmake/toolchain-aarch64.cmake (protoc-c runs
#    on the host) and builds everything: the program, the plugins, the tests.
#
# Needs: gcc-aarch64-linux-gnu (g++-aarch64-linux-gnu for the armnn
# delegate; without it that plugin is left out), apt-get, dpkg-deb, cmake, protoc-c and the
# Debian archive (tools/install-deps.sh installs the tools). Exit codes:
# 0 built, 77 a cross tool is missing (the reason is printed), 1 failed.
# Env: EB_CROSS_JOBS (default nproc), EB_CROSS_QUIET=1 (less build output).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sysroot_only=0
if [ "${1:-}" = "--sysroot-only" ]; then sysroot_only=1; shift; fi
build=${1:-build-aarch64}
mkdir -p "$build"
build=$(cd "$build" && pwd)
jobs=${EB_CROSS_JOBS:-$(nproc 2>/dev/null || echo 2)}

# The arm64 packages of the sysroot. libcpuid is x86-only in Debian (the
# aarch64 host probe reads hwcaps instead); PAPI is optional for the build
# and left out to keep the download small. Arm NN 20.08 with its TfLite
# parser, and both its CPU backends: CpuAcc (Arm's Compute Library, NEON;
# Debian builds it for arm64 only) and CpuRef, so the armnn delegate is
# cross-built and tests/cli/test_aarch64.sh can see it pick CpuAcc under
# qemu; libstdc++-12-dev gives the cross g++ the sysroot's C++ headers.
PKGS=(
  libc6-dev
  libyaml-dev
  libhdf5-dev
  zlib1g-dev
  libprotobuf-c-dev
  libcmocka-dev
  libstdc++-12-dev
  libarmnn-dev
  libarmnntfliteparser-dev
  libarmnn-cpuacc-backend22
  libarmnn-cpuref-backend22
)

for tool in aarch64-linux-gnu-gcc apt-get dpkg-deb cmake protoc-c sha256sum flock; do
  if ! command -v "$tool" >/dev/null; then
    echo "cross-aarch64: skipped: $tool not found (tools/install-deps.sh installs the cross tools)"
    exit 77
  fi
done

key=$( (printf '%s\n' "${PKGS[@]}"; echo arm64) | sha256sum | cut -c1-12)
sysroot="$build/sysroot-$key"
aptdir="$build/apt-arm64"

# One cross build at a time per build directory (ctest runs tests in
# parallel, and more than one test uses the aarch64 build).
exec 9>"$build/.cross.lock"
flock 9

make_sysroot() {
  echo "cross-aarch64: making the arm64 sysroot $sysroot (${PKGS[*]})"
  rm -rf "$aptdir" "$sysroot.tmp"
  mkdir -p "$aptdir"/{lists/partial,cache/archives/partial,state} "$sysroot.tmp"
  : >"$aptdir/status"
  local apt=(apt-get -q
    -o "APT::Architecture=arm64" -o "APT::Architectures::=arm64"
    -o "Dir::State=$aptdir/state" -o "Dir::State::Lists=$aptdir/lists"
    -o "Dir::State::status=$aptdir/status" -o "Dir::Cache=$aptdir/cache"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "Debug::NoLocking=1" -o "APT::Install-Recommends=false"
    -o "APT::Sandbox::User=root")
  "${apt[@]}" update >"$aptdir/update.log" 2>&1 || {
    cat "$aptdir/update.log"; echo "cross-aarch64: apt-get update (arm64) failed"; exit 1; }
  # With an empty status every dependency is "missing", so --download-only
  # fetches the whole closure the sysroot needs.
  "${apt[@]}" install -y --download-only "${PKGS[@]}" >"$aptdir/download.log" 2>&1 || {
    cat "$aptdir/download.log"; echo "cross-aarch64: downloading arm64 packages failed"; exit 1; }
  local n=0
  for deb in "$aptdir"/cache/archives/*.deb; do
    dpkg-deb -x "$deb" "$sysroot.tmp"
    n=$((n + 1))
  done
  # Absolute symlinks (libfoo.so -> /lib/...) would point into the host:
  # make them relative to the sysroot.
  while IFS= read -r link; do
    target=$(readlink "$link")
    case "$target" in
      /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot.tmp$target")" "$link" ;;
    esac
  done < <(find "$sysroot.tmp" -type l)
  # Debian makes hdf5.pc with update-alternatives in a maintainer script,
  # which dpkg-deb -x does not run.
  local pc="$sysroot.tmp/usr/lib/aarch64-linux-gnu/pkgconfig"
  if [ ! -e "$pc/hdf5.pc" ] && [ -e "$pc/hdf5-serial.pc" ]; then
    ln -s hdf5-serial.pc "$pc/hdf5.pc"
  fi
  rm -rf "$aptdir/cache/archives"/*.deb
  mv "$sysroot.tmp" "$sysroot"
  echo "cross-aarch64: sysroot ready: $n packages, $(du -sh "$sysroot" | cut -f1)"
}

if [ ! -d "$sysroot" ]; then
  make_sysroot
else
  echo "cross-aarch64: reusing the sysroot $sysroot"
fi
ln -sfn "sysroot-$key" "$build/sysroot"
if [ "$sysroot_only" = 1 ]; then exit 0; fi

# onnx.proto is an input of the host's protoc-c, so it is the host's file.
onnx_proto=/usr/include/onnx/onnx.proto
if [ ! -f "$onnx_proto" ]; then
  echo "cross-aarch64: skipped: $onnx_proto missing (libonnx-dev)"
  exit 77
fi
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchain-aarch64.cmake" \
  -DEB_SYSROOT="$sysroot" -DONNX_PROTO="$onnx_proto" >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log"; echo "cross-aarch64: configure failed"; exit 1; }
if [ "${EB_CROSS_QUIET:-0}" = 1 ]; then
  cmake --build "$build" -j"$jobs" >"$build/build.log" 2>&1 || {
    tail -50 "$build/build.log"; echo "cross-aarch64: build failed"; exit 1; }
else
  cmake --build "$build" -j"$jobs"
fi
machine=$(aarch64-linux-gnu-readelf -h "$build/harness/edgebench" | sed -n 's/^ *Machine: *//p')
echo "cross-aarch64: built $build/harness/edgebench (machine: $machine)"
