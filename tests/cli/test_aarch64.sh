#!/usr/bin/env bash
# edgebench on Arm: cross-build the whole project for aarch64
# (tools/cross-aarch64.sh: gcc-aarch64-linux-gnu, a sysroot of Debian arm64
# packages), run its unit tests and the ONNX conformance suite under
# qemu-aarch64, run the quickstart scenario under qemu-aarch64, and read and
# report the results file it wrote with the x86 edgebench.
#
# Subset run under qemu (QEMU_SKIP below), each for a reason:
# - test_cell and the CLI shell tests start the edgebench binary as a new
#   process (isolated cells re-execute /proc/self/exe), which qemu-user
#   cannot do without binfmt_misc; the quickstart here runs with
#   isolation: none for the same reason;
# - the `timing` group (real-time proofs: calibrated busy loops, duty
#   cycles), which emulation distorts; test_thermal and test_sensor, which
#   used to check wall-clock behaviour too, stay skipped (now clock-free,
#   they have not been tried under qemu yet);
# - conformance_simd*: the simd backend's aarch64 kernels have their own
#   qemu tests (tests/CMakeLists.txt), and two more conformance runs under
#   emulation would double this test's time.
# conformance_ref (the portable kernels built for aarch64) does run.
. "$(dirname "$0")/lib.sh"
for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
    if ! command -v "$tool" >/dev/null; then
        echo "skipped: $tool not found (gcc-aarch64-linux-gnu, qemu-user; tools/install-deps.sh)"
        exit 77
    fi
done
A64="$EB_BUILD_DIR/aarch64"
EB_CROSS_QUIET=1 EB_CROSS_JOBS=2 "$EB_SOURCE_DIR/tools/cross-aarch64.sh" "$A64" >"$WORK/cross.log" 2>&1
rc=$?
if [ "$rc" = 77 ]; then
    grep skipped "$WORK/cross.log"
    exit 77
fi
CHECKS=$((CHECKS + 1))
if [ "$rc" != 0 ]; then
    fail "tools/cross-aarch64.sh failed ($rc)"
    tail -30 "$WORK/cross.log" >&2
    finish
fi
cat "$WORK/cross.log"
EB64="$A64/harness/edgebench"
SYSROOT="$A64/sysroot"
expect_in "$WORK/cross.log" 'machine: AArch64'

# 1. the program runs under emulation and knows it is on aarch64
CHECKS=$((CHECKS + 1))
qemu-aarch64 -L "$SYSROOT" "$EB64" --version >"$WORK/out" 2>"$WORK/err" || fail "--version under qemu"
expect_in "$WORK/out" '^edgebench [0-9]'
CHECKS=$((CHECKS + 1))
qemu-aarch64 -L "$SYSROOT" "$EB64" backends >"$WORK/out" 2>"$WORK/err" || fail "backends under qemu"
expect_in "$WORK/out" 'ref'

# 2. the unit tests and the conformance suite of the aarch64 build
CHECKS=$((CHECKS + 1))
QEMU_SKIP='^(cli_.*|test_cell|test_thermal|test_sensor|conformance_simd.*)$'
if ! ctest --test-dir "$A64" -E "$QEMU_SKIP" -LE timing -j2 --output-on-failure >"$WORK/ctest.log" 2>&1; then
    fail "aarch64 unit tests under qemu-aarch64"
    grep -E 'Failed|FAILED|ERROR|tests passed' "$WORK/ctest.log" | head -30 >&2
fi
grep -E 'tests passed|Total Test time' "$WORK/ctest.log"

# 3. the quickstart under qemu, reported on this host
CHECKS=$((CHECKS + 1))
(cd "$WORK" && qemu-aarch64 -L "$SYSROOT" "$EB64" run "$EB_SOURCE_DIR/scenarios/quickstart.yaml" \
    -o "$WORK/q64.h5" --set run.isolation=none --device-id qemu-aarch64) >"$WORK/out" 2>"$WORK/err" ||
    { fail "quickstart under qemu-aarch64"; cat "$WORK/err" >&2; }
run_eb 0 report "$WORK/q64.h5"
cat "$WORK/out"
expect_in "$WORK/out" '^000001 +ref +default +plain'
expect_in "$WORK/out" ' ok +[1-9][0-9]* '   # 200, or fewer when max_time_ms caps it
run_eb 0 report "$WORK/q64.h5" --format csv
expect_in "$WORK/out" '^000001,qemu-aarch64,quickstart,ref,'
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 - "$WORK/q64.h5" <<'PY' || fail "the aarch64 results file, read by h5py"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f["devices/qemu-aarch64"].attrs["arch"] == "aarch64", dict(f["devices/qemu-aarch64"].attrs)
n = int(f["runs/000001"].attrs["n"])
assert 0 < n <= 200 and f["runs/000001/latency_ns"].shape == (n,), n
PY
fi
finish
