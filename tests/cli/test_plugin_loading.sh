#!/usr/bin/env bash
# Plugin loading end to end through the CLI: a delegate whose vendor library
# is missing (then present), one built for another ABI version, one whose
# entry point returns NULL. Each is listed by `edgebench backends` with the
# reason and never breaks the rest. A scenario naming the delegate without
# its library records the cell as skipped with the reason (exit 0); one
# naming a plugin that did not load fails validation (exit 2). A plugin
# crashing in run() is covered by test_run.sh (chaos mode=crash: the cell is
# recorded "crashed", exit 3, the run goes on).
. "$(dirname "$0")/lib.sh"
: "${EB_BUILD_DIR:?}"
BROKEN="$EB_BUILD_DIR/tests/backends/broken"
VENDOR="$EB_BUILD_DIR/tests/backends/vendor"
if [ ! -r "$BROKEN/libedgebench_backend_null_entry.so" ]; then
    echo "skipped: test plugins not built in $BROKEN"
    exit 77
fi
export EDGEBENCH_BACKEND_PATH="$BROKEN"
unset LD_LIBRARY_PATH

# 1. listing: each broken plugin says why; built-ins stay available
run_eb 0 backends
expect_in "$WORK/out" '^ref +available'
expect_in "$WORK/out" '^needs_vendor +unavailable'
expect_in "$WORK/out" 'why: vendor library missing or unusable: libeb_test_vendor.so: cannot open shared object file'
expect_in "$WORK/out" 'libedgebench_backend_abi_future.so not loaded'
expect_in "$WORK/out" 'backend ABI version 3, this edgebench speaks version 2 \(built for a newer edgebench\)'
expect_in "$WORK/out" 'libedgebench_backend_null_entry.so not loaded'
expect_in "$WORK/out" 'edgebench_backend_entry\(\) returned NULL'
run_eb 0 backends --format json
CHECKS=$((CHECKS + 1))
/usr/bin/python3 -c '
import json, sys
d = {e["name"]: e for e in json.load(open(sys.argv[1]))}
nv = d["needs_vendor"]
assert nv["loaded"] and not nv["available"] and "libeb_test_vendor.so" in nv["why"], nv
assert not d["libedgebench_backend_abi_future.so"]["loaded"]
assert "ABI version 3" in d["libedgebench_backend_abi_future.so"]["why"]
assert d["ref"]["available"]
' "$WORK/out" || fail "backends --format json does not carry the load failures"

# 2. the vendor library present: the same plugin is available with its version
CHECKS=$((CHECKS + 1))
LD_LIBRARY_PATH="$VENDOR" "$EDGEBENCH" backends >"$WORK/out" 2>"$WORK/err" || fail "backends with the vendor library exited $?"
expect_in "$WORK/out" '^needs_vendor +available +1, library test-vendor 1.0'

# 3. a scenario naming the delegate without its library: the cell is
#    skipped with the reason, the run completes (exit 0)
cat >"$WORK/nv.yaml" <<YAML
edgebench: 1
name: nv
model:
  path: $EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx
backends:
  - name: needs_vendor
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0}
YAML
run_eb 0 run "$WORK/nv.yaml" -o "$WORK/nv.h5"
expect_in "$WORK/err" "needs_vendor / default / plain: skipped: backend 'needs_vendor' is unavailable here: vendor library missing or unusable: libeb_test_vendor.so"
expect_in "$WORK/err" '1 of 1 cells: 0 ok, .* 1 skipped'
# ... and runs once the library is there
CHECKS=$((CHECKS + 1))
LD_LIBRARY_PATH="$VENDOR" "$EDGEBENCH" run "$WORK/nv.yaml" -o "$WORK/nv2.h5" >"$WORK/out" 2>"$WORK/err" \
    || fail "run with the vendor library present exited $?"
expect_in "$WORK/err" '1 of 1 cells: 1 ok'

# 4. a scenario naming a plugin that did not load: bad input, exit 2, no file
sed 's/name: needs_vendor/name: abi_future/' "$WORK/nv.yaml" >"$WORK/abi.yaml"
run_eb 2 run "$WORK/abi.yaml" -o "$WORK/abi.h5"
expect_in "$WORK/err" "unknown backend 'abi_future'"
CHECKS=$((CHECKS + 1))
[ ! -e "$WORK/abi.h5" ] || fail "a scenario with an unloadable backend created a results file"
finish
