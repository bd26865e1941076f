#!/usr/bin/env bash
# The vendor delegates end to end through the CLI: listed with their vendor
# library versions (or unavailable with the reason), a model run on each,
# the version recorded in the results, a node a delegate cannot take refused
# with a message (exit 3, cell failed) unless fallback=ref runs it on ref,
# and a bad option refused.
. "$(dirname "$0")/lib.sh"
: "${EB_BUILD_DIR:?}"
PLUGINS="$EB_BUILD_DIR/backends/plugins"
ORT_LIB="$EB_BUILD_DIR/onnxruntime-npm/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
export EDGEBENCH_BACKEND_PATH="$PLUGINS"
built() { [ -r "$PLUGINS/libedgebench_backend_$1.so" ]; }
if ! built xnnpack && ! built onednn && ! built onnxruntime; then
    echo "skipped: no delegate plugin built (install libxnnpack-dev / libdnnl-dev: tools/install-deps.sh)"
    exit 77
fi

# 1. onnxruntime without its library: unavailable, with the reason
if built onnxruntime; then
    CHECKS=$((CHECKS + 1))
    EDGEBENCH_ONNXRUNTIME_LIB=/nonexistent/libonnxruntime.so "$EDGEBENCH" backends >"$WORK/out" 2>&1 \
        || fail "backends exited $?"
    expect_in "$WORK/out" '^onnxruntime +unavailable'
    expect_in "$WORK/out" 'why: EDGEBENCH_ONNXRUNTIME_LIB=/nonexistent/libonnxruntime.so cannot be used'
fi
if [ -r "$ORT_LIB" ]; then
    export EDGEBENCH_ONNXRUNTIME_LIB="$ORT_LIB"
else
    echo "note: onnxruntime parts skipped: $ORT_LIB absent (delegate_fetch_onnxruntime fetches it with npm)"
fi

# 1b. the xnnpack / onednn plugin file without its implementation next to it
#     (as when the vendor library is missing): unavailable, with the reason
for d in xnnpack onednn; do
    built "$d" || continue
    mkdir -p "$WORK/lone_$d"
    cp "$PLUGINS/libedgebench_backend_$d.so" "$WORK/lone_$d/"
    CHECKS=$((CHECKS + 1))
    EDGEBENCH_BACKEND_PATH="$WORK/lone_$d" "$EDGEBENCH" backends >"$WORK/out" 2>&1 || fail "backends exited $?"
    expect_in "$WORK/out" "^$d +unavailable"
    expect_in "$WORK/out" "why: vendor library missing or unusable: .*libedgebench_delegate_$d.so"
done

# 2. listing with vendor versions
run_eb 0 backends
AVAIL=()
for d in xnnpack onednn onnxruntime; do
    if grep -Eq "^$d +available" "$WORK/out"; then AVAIL+=("$d"); fi
done
built xnnpack && expect_in "$WORK/out" '^xnnpack +available +1, library 0\.0~git'
built onednn && expect_in "$WORK/out" '^onednn +available +1, library [0-9]+\.[0-9]+\.[0-9]+'
[ -r "$ORT_LIB" ] && built onnxruntime && expect_in "$WORK/out" '^onnxruntime +available +1, library [0-9]+\.[0-9]+'

# 3. the quickstart model on every available delegate, 1 and 2 threads
{
    echo "edgebench: 1"
    echo "name: delegates"
    echo "model: {path: $EB_SOURCE_DIR/models/quickstart_cnn.onnx}"
    echo "backends:"
    for d in "${AVAIL[@]}"; do
        echo "  - {name: $d, threads: 1}"
        echo "  - {name: $d, threads: 2}"
    done
    echo "run:"
    echo "  warmup: {iterations: 2, min_time_ms: 0}"
    echo "  measure: {iterations: 20, min_time_ms: 0}"
} >"$WORK/all.yaml"
n=$((2 * ${#AVAIL[@]}))
run_eb 0 run "$WORK/all.yaml" -o "$WORK/all.h5"
expect_in "$WORK/err" "$n of $n cells: $n ok"
run_eb 0 report "$WORK/all.h5" --format csv
for d in "${AVAIL[@]}"; do
    # library_version is the 6th column: recorded, not empty
    expect_in "$WORK/out" "^[0-9]+,[^,]*,[^,]*,$d,1,[^,]+,"
done

# 3b. onnxruntime's library option: another file for one cell, a bad path
#     refused with the path and the loader's reason
if [ -r "$ORT_LIB" ] && built onnxruntime; then
    {
        echo "edgebench: 1"
        echo "name: ortlib"
        echo "model: {path: $EB_SOURCE_DIR/models/quickstart_cnn.onnx}"
        echo "backends:"
        echo "  - {name: onnxruntime, options: {library: $ORT_LIB, graph_optimization: basic}}"
        echo "  - {name: onnxruntime, options: {library: $WORK/nonexistent.so}}"
        echo "run:"
        echo "  warmup: {iterations: 1, min_time_ms: 0}"
        echo "  measure: {iterations: 5, min_time_ms: 0}"
    } >"$WORK/ortlib.yaml"
    run_eb 3 run "$WORK/ortlib.yaml" -o "$WORK/ortlib.h5"
    expect_in "$WORK/err" '\[1/2\] onnxruntime\{graph_optimization=basic,library=[^}]*\} / default / plain: ok'
    expect_in "$WORK/err" "onnxruntime: option library=$WORK/nonexistent.so: .*cannot open shared object file"
fi

# 4. a node xnnpack cannot take (Conv with weights fed at run time): refused
#    with the node and the reason; with fallback=ref that node runs on ref
if built xnnpack; then
    cat >"$WORK/refuse.yaml" <<YAML
edgebench: 1
name: refuse
model: {path: $EB_SOURCE_DIR/tests/data/qdq/qdq_fallback.onnx}
backends:
  - {name: xnnpack}
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0}
YAML
    run_eb 3 run "$WORK/refuse.yaml" -o "$WORK/refuse.h5"
    expect_in "$WORK/err" "node 'conv_runtime_w_10_node' \(Conv\): not supported by backend 'xnnpack': weights and bias must be constants \(option fallback=ref runs it on ref\)"
    sed 's/{name: xnnpack}/{name: xnnpack, options: {fallbak: ref}}/' "$WORK/refuse.yaml" >"$WORK/badopt.yaml"
    run_eb 3 run "$WORK/badopt.yaml" -o "$WORK/badopt.h5"
    expect_in "$WORK/err" "xnnpack: unknown option 'fallbak' \(xnnpack takes fallback=ref\|none, int8=0\|1\)"
fi
# 5. fallback=ref: the node goes to ref, the rest stays on the delegate
#    (EDGEBENCH_DELEGATE_VERBOSE=1 reports the split; isolation none so the
#    line reaches our stderr); outputs are compared with ref by
#    tests/test_delegate_outputs.c
for d in xnnpack onednn; do
    built "$d" || continue
    cat >"$WORK/fb.yaml" <<YAML
edgebench: 1
name: fallback
model: {path: $EB_SOURCE_DIR/tests/data/qdq/qdq_fallback.onnx}
backends:
  - {name: $d, options: {fallback: ref}}
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0}
  isolation: none
YAML
    CHECKS=$((CHECKS + 1))
    EDGEBENCH_DELEGATE_VERBOSE=2 "$EDGEBENCH" run "$WORK/fb.yaml" -o "$WORK/fb_$d.h5" >"$WORK/out" 2>"$WORK/err" \
        || fail "fallback run on $d exited $?"
    expect_in "$WORK/err" "$d: node 'conv_runtime_w_10_node' \(Conv\) runs on ref: weights and bias must be"
    expect_in "$WORK/err" "$d: .*qdq_fallback.onnx: 10 nodes on $d in 2 segments, 1 on ref in 1 segment"
    expect_in "$WORK/err" '1 of 1 cells: 1 ok'
done

# 6. onednn options
if built onednn; then
    {
        echo "edgebench: 1"
        echo "name: fallback"
        echo "model: {path: $EB_SOURCE_DIR/models/quickstart_cnn.onnx}"
        echo "backends:"
        echo "  - {name: onednn, options: {fallback: ref, fuse: 0}}"
        echo "  - {name: onednn, options: {fuse: maybe}}"
        echo "  - {name: onednn, options: {max_isa: avx2}}"
        echo "  - {name: onednn, options: {max_isa: sse9}}"
        echo "run:"
        echo "  warmup: {iterations: 1, min_time_ms: 0}"
        echo "  measure: {iterations: 5, min_time_ms: 0}"
    } >"$WORK/onednn.yaml"
    run_eb 3 run "$WORK/onednn.yaml" -o "$WORK/onednn.h5"
    expect_in "$WORK/err" '\[1/4\] onednn\{fallback=ref,fuse=0\} / default / plain: ok'
    expect_in "$WORK/err" "onednn: option fuse does not take 'maybe'"
    # the ISA cap (default below AMX): a named ISA runs, an unknown one is
    # refused with the list
    expect_in "$WORK/err" '\[3/4\] onednn\{max_isa=avx2\} / default / plain: ok'
    expect_in "$WORK/err" "onednn: max_isa does not take 'sse9' \(all, avx2, "
fi
finish
