#!/usr/bin/env bash
# The SDK installs: `cmake --install` to a fresh prefix gives everything a
# backend plugin needs out of tree (headers, libedgebench_sdk.a, the CMake
# package, edgebench.pc), and the example plugin (examples/plugin) built
# against that prefix, with CMake and with a one-line pkg-config compile, is
# found by the installed program with no environment variable, exports only
# its entry point, and computes what ref computes. A plugin built for an
# older backend ABI is listed as refused with the reason.
. "$(dirname "$0")/lib.sh"
: "${EB_BUILD_DIR:?}"
unset EDGEBENCH_BACKEND_PATH EDGEBENCH_ONNXRUNTIME_LIB PKG_CONFIG_PATH CMAKE_PREFIX_PATH
for tool in cmake cc pkg-config nm; do
    if ! command -v "$tool" >/dev/null; then
        echo "skipped: $tool is not installed (needed to build a plugin out of tree)"
        exit 77
    fi
done
# A sanitizer build's libedgebench_sdk.a needs the sanitizer's run time,
# which a plugin (linked --no-undefined, loaded by any edgebench) must not.
SANITIZE=$(sed -n 's/^EB_SANITIZE:STRING=//p' "$EB_BUILD_DIR/CMakeCache.txt" 2>/dev/null)
if [ -n "$SANITIZE" ]; then
    echo "skipped: sanitizer build (EB_SANITIZE=$SANITIZE): its installed SDK is instrumented"
    exit 77
fi
EXAMPLE="$EB_SOURCE_DIR/examples/plugin"
MLP="$EB_SOURCE_DIR/tests/data/models/example_mlp.onnx"
PREFIX="$WORK/prefix"

# 0. the committed model is what examples/plugin/make_mlp.py writes
if /usr/bin/python3 -c 'import numpy, onnx' 2>/dev/null; then
    CHECKS=$((CHECKS + 1))
    if ! { /usr/bin/python3 "$EXAMPLE/make_mlp.py" "$WORK/mlp.onnx" && cmp -s "$WORK/mlp.onnx" "$MLP"; }; then
        fail "tests/data/models/example_mlp.onnx differs from what examples/plugin/make_mlp.py writes"
    fi
else
    echo "note: python3-onnx absent, not regenerating example_mlp.onnx"
fi

# 1. install the build tree at a prefix it was not configured for
if ! cmake --install "$EB_BUILD_DIR" --prefix "$PREFIX" >"$WORK/install.log" 2>&1; then
    fail "cmake --install failed"; sed 's/^/  | /' "$WORK/install.log" | tail -5 >&2
    finish
fi
PC=$(dirname "$(find "$PREFIX" -name edgebench.pc | head -1)")
PKGDIR=$(dirname "$(find "$PREFIX" -name edgebench-config.cmake | head -1)")
for f in "$PREFIX/include/edgebench/backend.h" "$PREFIX/include/edgebench/graph.h" \
    "$PC/edgebench.pc" "$PKGDIR/edgebench-config-version.cmake" "$PKGDIR/edgebench-targets.cmake"; do
    CHECKS=$((CHECKS + 1))
    [ -r "$f" ] || fail "not installed: ${f#"$PREFIX"/}"
done
CHECKS=$((CHECKS + 1))
[ -n "$(find "$PREFIX" -name libedgebench_sdk.a)" ] || fail "libedgebench_sdk.a is not installed"
export PKG_CONFIG_PATH="$PC"
PLUGINDIR=$(realpath -m "$(pkg-config --variable=plugindir edgebench)")
ABI=$(pkg-config --variable=abi_version edgebench)
CHECKS=$((CHECKS + 1))
case "$PLUGINDIR" in
"$PREFIX"/*/edgebench/backends) ;;
*) fail "edgebench.pc's plugindir is $PLUGINDIR, not under $PREFIX (not relocatable?)" ;;
esac
CHECKS=$((CHECKS + 1))
grep -q "^#define EB_BACKEND_ABI_VERSION ${ABI}u\$" "$PREFIX/include/edgebench/backend.h" ||
    fail "edgebench.pc's abi_version ($ABI) is not the installed backend.h's"

# exports_only_entry FILE: its dynamic symbols are edgebench_backend_entry alone
exports_only_entry() {
    CHECKS=$((CHECKS + 1))
    local exported
    exported=$(nm -D --defined-only "$1" | awk '$2 ~ /[TDBRVWi]/ {print $3}' | sort | tr '\n' ' ')
    [ "$exported" = "edgebench_backend_entry " ] ||
        fail "$(basename "$1") exports more than edgebench_backend_entry: $(echo "$exported" | cut -c1-200)"
}

# 2. the example with CMake: find_package(edgebench) from the prefix, and
#    `cmake --install` puts it in the package's plugin directory
CHECKS=$((CHECKS + 1))
if ! cmake -S "$EXAMPLE" -B "$WORK/build-cmake" -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_BUILD_TYPE=Release >"$WORK/cmake.log" 2>&1 ||
    ! cmake --build "$WORK/build-cmake" >>"$WORK/cmake.log" 2>&1 ||
    ! cmake --install "$WORK/build-cmake" >>"$WORK/cmake.log" 2>&1; then
    fail "the example plugin does not build and install with CMake"
    sed 's/^/  | /' "$WORK/cmake.log" | tail -15 >&2
    finish
fi
CHECKS=$((CHECKS + 1))
CMAKE_PLUGINDIR=$(sed -n 's/^-- edgebench SDK: .*, plugins go to //p' "$WORK/cmake.log")
[ "$(realpath -m "$CMAKE_PLUGINDIR")" = "$PLUGINDIR" ] ||
    fail "the CMake package's EDGEBENCH_PLUGIN_DIR ($CMAKE_PLUGINDIR) is not edgebench.pc's plugindir ($PLUGINDIR)"
CHECKS=$((CHECKS + 1))
! grep -q 'warning:' "$WORK/cmake.log" ||
    fail "the example plugin compiles with warnings: $(grep -m1 'warning:' "$WORK/cmake.log")"
PLUGIN="$PLUGINDIR/libedgebench_backend_example.so"
CHECKS=$((CHECKS + 1))
[ -r "$PLUGIN" ] || fail "cmake --install did not put the plugin in $PLUGINDIR"
exports_only_entry "$PLUGIN"

# 3. the installed program finds it with no variable set, and says where from
INSTALLED="$PREFIX/bin/edgebench"
EDGEBENCH="$INSTALLED" run_eb 0 backends
expect_in "$WORK/out" "^example +available +1\\.0 +\\($PLUGIN\\)"
expect_in "$WORK/out" '^  ops: Gemm MatMul Add Relu Flatten Reshape$'

# 4. supports(): the MLP runs whole; a CNN's other ops are refused by name
EDGEBENCH="$INSTALLED" run_eb 0 inspect "$MLP" --backend example
expect_in "$WORK/out" '^example runs every node$'
EDGEBENCH="$INSTALLED" run_eb 0 inspect "$EB_SOURCE_DIR/models/quickstart_cnn.onnx" --backend example
expect_in "$WORK/out" "node '.*' \\(Conv\\): op Conv is not implemented by the example backend"
expect_in "$WORK/out" "node '.*' \\(MaxPool\\): op MaxPool is not implemented by the example backend"

# 5. a scenario on the MLP through the installed program: example's outputs
#    against ref's on the same inputs (docs/accuracy.md, "Against the reference")
cat >"$WORK/mlp.yaml" <<EOF2
edgebench: 1
name: sdk-example
model: {path: $MLP}
inputs: {kind: random, seed: 7}
backends: [ref, example]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0}
EOF2
EDGEBENCH="$INSTALLED" run_eb 0 run "$WORK/mlp.yaml" -o "$WORK/mlp.h5"
expect_in "$WORK/err" '2 of 2 cells: 2 ok'
EDGEBENCH="$INSTALLED" run_eb 0 report "$WORK/mlp.h5" --format json
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "example's outputs do not agree with ref's"
import json, sys
runs = {r["backend"]: r for r in json.load(open(sys.argv[1]))["runs"]}
m = runs["example"]["metrics"]
print("example vs ref:", {k: m[k] for k in ("reference_compared", "max_abs_err", "cosine",
                                           "agreement_with_reference")})
assert runs["example"]["status"] == "ok", runs["example"]["status"]
assert m["reference_compared"] >= 1, m
assert m["max_abs_err"] <= 1e-5, m
assert m["cosine"] >= 0.99999 and m["agreement_with_reference"] == 1, m
PY

# 6. the ONNX node tests of the ops it claims (docs/conformance.md): every
#    one it accepts passes; those it refuses (uint8 Add, 3-D MatMul) skip
if [ -d /usr/share/libonnx-testdata/data/node ]; then
    EDGEBENCH="$INSTALLED" run_eb 0 conformance --backend example
    expect_in "$WORK/out" '^conformance example: ([3-9][0-9]|[1-9][0-9]{2,}) passed, 0 failed'
else
    echo "note: libonnx-testdata absent, conformance of the example skipped"
fi

# 7. the same sources with one pkg-config line, installed over the CMake build
CHECKS=$((CHECKS + 1))
mkdir -p "$WORK/pc"
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
if ! cc -std=c11 -O2 -Wall -Wextra -shared -fPIC -fvisibility=hidden \
    -o "$WORK/pc/libedgebench_backend_example.so" "$EXAMPLE"/*.c \
    $(pkg-config --cflags --libs edgebench) 2>"$WORK/pc.log" || [ -s "$WORK/pc.log" ]; then
    fail "the pkg-config build failed or warned"; sed 's/^/  | /' "$WORK/pc.log" | head -10 >&2
fi
exports_only_entry "$WORK/pc/libedgebench_backend_example.so"
cp "$WORK/pc/libedgebench_backend_example.so" "$PLUGIN"
EDGEBENCH="$INSTALLED" run_eb 0 run "$WORK/mlp.yaml" -o "$WORK/mlp-pc.h5"
expect_in "$WORK/err" '2 of 2 cells: 2 ok'

# 8. a plugin built for the ABI before this one: refused, with the reason;
#    the rest stay available
cat >"$WORK/old_abi.c" <<'EOF2'
#include "edgebench/backend.h"
static const eb_backend old = {.abi_version = EB_BACKEND_ABI_VERSION - 1,
                               .struct_size = sizeof(eb_backend), .name = "old_abi"};
EB_BACKEND_EXPORT const eb_backend *edgebench_backend_entry(void) { return &old; }
EOF2
CHECKS=$((CHECKS + 1))
# shellcheck disable=SC2046
cc -std=c11 -shared -fPIC -fvisibility=hidden -o "$PLUGINDIR/libedgebench_backend_old_abi.so" \
    "$WORK/old_abi.c" $(pkg-config --cflags edgebench) || fail "the old-ABI plugin did not compile"
EDGEBENCH="$INSTALLED" run_eb 0 backends
expect_in "$WORK/out" 'libedgebench_backend_old_abi.so not loaded'
expect_in "$WORK/out" "backend ABI version $((ABI - 1)), this edgebench speaks version $ABI \\(built against an older edgebench SDK: rebuild it against this one\\)"
expect_in "$WORK/out" "^example +available .*\\($PLUGIN\\)"
expect_in "$WORK/out" '^ref +available'
finish
