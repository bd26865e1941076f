#!/usr/bin/env bash
# bench_backends' targets block (issue 19) judges only the ratios the issue
# sets a target for: the int8 speed-up over fp32 on every thread count,
# simd / ONNX Runtime on one thread, thread scaling on MobileNet-v2@224
# only; the other ratios it prints are marked "(no target)". The verdict is
# about which lines carry a target, not about the figures in them.
. "$(dirname "$0")/lib.sh"
: "${EB_BUILD_DIR:?}"
BENCH="$EB_BUILD_DIR/bench/bench_backends"
if [ ! -x "$BENCH" ]; then
    echo "skipped: bench_backends is not built"
    exit 77
fi
FP32="$EB_SOURCE_DIR/models/mobilenet_v2/mobilenet_v2_050_96.onnx"
INT8="$EB_SOURCE_DIR/models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx"
CHECKS=$((CHECKS + 1))
timeout 300 "$BENCH" --threads 1,2 --rounds 1 --min-time 0.02 --no-kernels --backend simd \
    "$FP32" "$INT8" >"$WORK/out" 2>"$WORK/err" || fail "bench_backends exited $?"
expect_in "$WORK/out" '^targets \(issue 19'
# the int8 speed-up: a target on one and on two threads
expect_in "$WORK/out" '^  1 thread\(s\): simd int8 speed-up over fp32.*0\.5@96 .*\(target >= '
expect_in "$WORK/out" '^  2 thread\(s\): simd int8 speed-up over fp32.*0\.5@96 .*\(target >= '
# two threads over one on a small model: printed, no target
expect_in "$WORK/out" '^  2 thread\(s\): simd 2 threads over 1, MobileNet-v2 0\.5@96 fp32 .*\(no target\)$'
expect_in "$WORK/out" '^  2 thread\(s\): simd 2 threads over 1, MobileNet-v2 0\.5@96 int8 .*\(no target\)$'
expect_not_in "$WORK/out" '2 threads over 1, MobileNet-v2 0\.5@96.*(met|MISSED)'
finish
