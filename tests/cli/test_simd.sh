#!/usr/bin/env bash
# The simd backend through the CLI: listed and available, `inspect` shows
# which nodes run on which simd kernel (and which fall back to ref or are
# fused into a neighbour; QLinearConv and QLinearMatMul as well as QDQ
# groups; which depthwise layout), EB_SIMD_MAX_ISA caps the kernels, a bad cap is
# reported, and a scenario measures ref and simd side by side with one and
# two threads, fp32 and int8.
. "$(dirname "$0")/lib.sh"
M="$EB_SOURCE_DIR/models/quickstart_cnn.onnx"
Q="$EB_SOURCE_DIR/tests/data/qdq/qdq_convnet.onnx"

run_eb 0 backends
expect_in "$WORK/out" '^simd +available'

# fp32: convolutions as GEMM with the ReLU in the epilogue, pooling on simd;
# the first conv (one input channel) direct where the build has that kernel
run_eb 0 inspect "$M" --backend simd
expect_in "$WORK/out" '^where simd runs each node:'
if grep -q '__avx512' "$WORK/out"; then
    expect_in "$WORK/out" 'features.0/Conv +simd f32_conv_small__avx512[a-z]*: direct, rows read in place \+ Relu'
else
    expect_in "$WORK/out" 'features.0/Conv +simd f32_gemm_[0-9x]+__[a-z0-9]+: conv as GEMM.* \+ Relu'
fi
expect_in "$WORK/out" 'features.2/Relu +fused into'
expect_in "$WORK/out" 'MaxPool +simd f32_maxpool2d__'
expect_in "$WORK/out" 'classifier.0/Fla.* ref$'
expect_in "$WORK/out" 'Conv +Conv .* simd *$'

# int8 QDQ: the groups run as integer kernels, the depthwise one directly;
# the first conv (3 input channels, 3x3) direct with VNNI, else as a GEMM
run_eb 0 inspect "$Q" --backend simd
if grep -q 'conv1_15_node .*__avx512vnni' "$WORK/out"; then
    expect_in "$WORK/out" 'conv1_15_node +simd q8_conv_small__avx512vnni: QDQ direct, rows read in place$'
else
    expect_in "$WORK/out" 'conv1_15_node +simd q8_gemm_[0-9xc]+__[a-z0-9]+: QDQ conv as GEMM'
fi
EB_SIMD_MAX_ISA=avx2 run_eb 0 inspect "$Q" --backend simd
expect_in "$WORK/out" 'conv1_15_node +simd q8_gemm_[0-9xc]+__[a-z0-9]+: QDQ conv as GEMM'
expect_in "$WORK/out" 'conv3_45_node +simd q8_dwconv2d__[a-z0-9]+: QDQ depthwise 3x3/1'
expect_in "$WORK/out" 'q_19_node +fused into .conv1_15_node.'

# a DequantizeLinear outside any group (leaving the integer domain) on simd
run_eb 0 inspect "$EB_SOURCE_DIR/tests/data/qdq/qdq_fallback.onnx" --backend simd
expect_in "$WORK/out" 'dq_6_node +simd dequantize_q8__[a-z0-9]+$'

run_eb 0 inspect "$Q" --backend simd --format json
expect_in "$WORK/out" '"runs_on": "simd q8_'

# depthwise on 12x12 and 6x6 planes: read in place where the kernels are
# AVX-512 or AVX2 ones, channels-last with the portable kernels
D="$EB_SOURCE_DIR/tests/data/models/dw_split.onnx"
run_eb 0 inspect "$D" --backend simd
if grep -q 'dw1 .*__avx512' "$WORK/out"; then
    expect_in "$WORK/out" 'dw1 +simd f32_dwconv2d__avx512[a-z]*: depthwise 3x3/1, planes read in place \+ Clip'
    expect_in "$WORK/out" 'dw2 +simd f32_dwconv2d__avx512[a-z]*: depthwise 3x3/2, planes read in place$'
fi
EB_SIMD_MAX_ISA=avx2 run_eb 0 inspect "$D" --backend simd
if grep -q 'dw1 .*__avx2' "$WORK/out"; then
    expect_in "$WORK/out" 'dw1 +simd f32_dwconv2d__avx2: depthwise 3x3/1, planes read in place \+ Clip'
    expect_in "$WORK/out" 'dw2 +simd f32_dwconv2d__avx2: depthwise 3x3/2, planes read in place$'
fi
EB_SIMD_MAX_ISA=c run_eb 0 inspect "$D" --backend simd
expect_in "$WORK/out" 'dw1 +simd f32_dwconv2d__c: depthwise 3x3/1, channels-last \+ Clip'
# int8 on the same planes with VNNI: 12x12 read in place one plane per
# call, 6x6 two planes per vector
run_eb 0 inspect "$EB_SOURCE_DIR/tests/data/qdq/qlinear_dw_split.onnx" --backend simd
if grep -q 'qdw1 .*__avx512vnni' "$WORK/out"; then
    expect_in "$WORK/out" 'qdw1 +simd q8_dwconv2d__avx512vnni: QLinearConv depthwise 3x3/1, planes read in place$'
    expect_in "$WORK/out" 'qdw2 +simd q8_dwconv2d__avx512vnni: QLinearConv depthwise 3x3/2, planes several per vector$'
fi

# a pointwise convolution over 1 MiB of output and the depthwise one after
# it as one step, band by band (on every ISA level); not where the
# pointwise output is also a graph output
F="$EB_SOURCE_DIR/tests/data/models/pw_dw_bands.onnx"
for cap in "" c; do
    EB_SIMD_MAX_ISA=$cap run_eb 0 inspect "$F" --backend simd
    expect_in "$WORK/out" 'pw_a +simd f32_gemm_[0-9x]+__[a-z0-9]+: 1x1 conv as GEMM \+ Clip, then depthwise 3x3/1 in bands of [0-9]+ rows \+ Relu$'
    expect_in "$WORK/out" "dw_a +fused into 'pw_a'"
    expect_in "$WORK/out" "relu_a +fused into 'pw_a'"
    expect_in "$WORK/out" 'pw_b +simd .*: 1x1 conv as GEMM, then depthwise 3x3/2 in bands of [0-9]+ rows \+ Clip$'
    expect_in "$WORK/out" 'pw_c +simd f32_gemm_[0-9x]+__[a-z0-9]+: 1x1 conv as GEMM$'
    expect_in "$WORK/out" 'dw_c +simd f32_dwconv2d__'
done
# profiled: the fused step's time is the pointwise node's, the depthwise
# node is not timed on its own
run_eb 0 profile "$F" --backend simd --iterations 3 --warmup 1
expect_in "$WORK/out" '^pw_a +Conv +[0-9.]+ '
expect_in "$WORK/out" '^dw_a +Conv +- '
# the same in int8 QDQ groups: on two threads each pair over 256 KiB runs as
# one step (its depthwise group not timed on its own), not pw_c's, whose
# pointwise output is also a graph output
Q="$EB_SOURCE_DIR/tests/data/qdq/qdq_pw_dw_bands.onnx"
run_eb 0 profile "$Q" --backend simd --threads 2 --iterations 3 --warmup 1
expect_in "$WORK/out" '^pw_a +Conv +[0-9.]+ '
expect_in "$WORK/out" '^dw_a +Conv +- '
expect_in "$WORK/out" '^dw_b +Conv +- '
expect_in "$WORK/out" '^dw_c +Conv +[0-9.]+ '
# inverted-residual blocks on two threads, int8 and fp32: pointwise,
# depthwise, projection and the Add of the block's input one step; an Add
# of another block's tensor stays a step of its own
for B in qdq/qdq_blocks.onnx models/blocks.onnx; do
    run_eb 0 profile "$EB_SOURCE_DIR/tests/data/$B" --backend simd --threads 2 --iterations 3 \
        --warmup 1
    expect_in "$WORK/out" '^pw_a +Conv +[0-9.]+ '
    expect_in "$WORK/out" '^pj_a +Conv +- '
    expect_in "$WORK/out" '^add_a +Add +- '
    expect_in "$WORK/out" '^pj_d +Conv +- '
    expect_in "$WORK/out" '^add_d +Add +[0-9.]+ '
done

# squeeze-excite: the Mul of the feature map by one value per channel
run_eb 0 inspect "$EB_SOURCE_DIR/tests/data/models/silu_se.onnx" --backend simd
expect_in "$WORK/out" 'excite +simd f32_scale__[a-z0-9]+: Mul by one value per channel$'

# Concats whose inputs lie back to back in their output are not run: the
# producers write into it (nested too); the others copy, and profile shows
# the elided ones as not timed, on simd and on ref
C="$EB_SOURCE_DIR/tests/data/models/concat_place.onnx"
run_eb 0 inspect "$C" --backend simd
for n in c1 c2 m; do
    expect_in "$WORK/out" "^ *[0-9]+  $n +elided: its inputs are written in place inside its output\$"
done
for n in e f g h k; do
    expect_in "$WORK/out" "^ *[0-9]+  $n +ref\$"
done
for b in simd ref; do
    run_eb 0 profile "$C" --backend $b --iterations 3 --warmup 1
    expect_in "$WORK/out" '^c2 +Concat +- '
    expect_in "$WORK/out" '^e +Concat +[0-9.]+ '
    expect_in "$WORK/out" 'or a Concat whose inputs were written in place'
done

# QOperator int8: QLinearMatMul on the int8 GEMM kernels, whatever the rank of a
run_eb 0 inspect "$EB_SOURCE_DIR/tests/data/qdq/qlinear_matmul.onnx" --backend simd
expect_in "$WORK/out" 'mm1 +simd q8_gemm_[0-9xc]+__[a-z0-9]+: QLinearMatMul$'
expect_in "$WORK/out" 'mm4 +simd q8_gemm_[0-9xc]+__[a-z0-9]+: QLinearMatMul$'

# direct convolution where the build has it: a 3-channel stem and grouped
# convs of 12-32 output channels per group; rows narrower than 7 as GEMM
D2="$EB_SOURCE_DIR/tests/data/models/direct_conv.onnx"
run_eb 0 inspect "$D2" --backend simd
if grep -q '__avx512' "$WORK/out"; then
    expect_in "$WORK/out" 'stem +simd f32_conv_small__avx512[a-z]*: direct, rows read in place \+ Relu$'
    expect_in "$WORK/out" 'g16 +simd f32_conv_small__avx512[a-z]*: grouped conv direct, rows read in place \+ Clip$'
    expect_in "$WORK/out" 'g12 +simd f32_conv_small__avx512[a-z]*: grouped conv direct'
    expect_in "$WORK/out" 'g24 +simd f32_conv_small__avx512[a-z]*: grouped conv direct'
fi
expect_in "$WORK/out" 'narrow +simd f32_gemm_[0-9x]+__[a-z0-9]+: grouped conv as GEMM$'
# a direct stem over 1 MiB of output and the max pool after it as one step,
# band by band; not where the stem's output is also a graph output
CP="$EB_SOURCE_DIR/tests/data/models/conv_pool_bands.onnx"
run_eb 0 inspect "$CP" --backend simd
if grep -q '__avx512' "$WORK/out"; then
    expect_in "$WORK/out" 'conv_a +simd f32_conv_small__avx512[a-z]*: direct, rows read in place \+ Relu, then max pool 3x3/2 in bands of [0-9]+ rows$'
    expect_in "$WORK/out" "pool_a +fused into 'conv_a'"
    expect_in "$WORK/out" 'conv_b +simd .*\+ Clip, then max pool 2x2/2 in bands of [0-9]+ rows$'
    expect_in "$WORK/out" 'conv_c +simd f32_conv_small__avx512[a-z]*: direct, rows read in place$'
    expect_in "$WORK/out" 'pool_c +simd f32_maxpool2d__'
    run_eb 0 profile "$CP" --backend simd --threads 2 --iterations 3 --warmup 1
    expect_in "$WORK/out" '^conv_a +Conv +[0-9.]+ '
    expect_in "$WORK/out" '^pool_a +MaxPool +- '
fi
EB_SIMD_MAX_ISA=avx2 run_eb 0 inspect "$D2" --backend simd
expect_in "$WORK/out" 'g16 +simd f32_gemm_[0-9x]+__[a-z0-9]+: grouped conv as GEMM \+ Clip$'
run_eb 0 profile "$D2" --backend simd --iterations 3
expect_in "$WORK/out" 'g24'

# projections split along K on two and three threads (their inputs written
# by a planar depthwise step and Adds, split by channels): measured, with
# ref's outputs on the same inputs as the reference
KS="$EB_SOURCE_DIR/tests/data/models/k_split.onnx"
cat >"$WORK/k.yaml" <<YAML
edgebench: 1
name: simd-k-split
model: {path: $KS}
inputs: {kind: random, seed: 3}
backends:
  - {name: simd, threads: 2}
  - {name: simd, threads: 3}
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 5, min_time_ms: 0}
  repetitions: 1
YAML
run_eb 0 run "$WORK/k.yaml" -o "$WORK/k.h5"
expect_in "$WORK/err" '2 of 2 cells: 2 ok'
run_eb 0 report "$WORK/k.h5" --format json
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "simd split along K does not agree with ref"
import json, sys
for r in json.load(open(sys.argv[1]))["runs"]:
    m = r["metrics"]
    print("simd threads", r.get("threads"), {k: m[k] for k in ("reference_compared",
                                                             "max_abs_err", "cosine")})
    assert r["status"] == "ok", r["status"]
    assert m["reference_compared"] >= 1, m
    assert m["max_abs_err"] <= 1e-4 and m["cosine"] >= 0.999999, m
PY

# the portable kernels on request, and a cap that names nothing
EB_SIMD_MAX_ISA=c run_eb 0 inspect "$M" --backend simd
expect_in "$WORK/out" 'simd f32_gemm_4x8__c'
expect_in "$WORK/out" 'features.0/Conv +simd f32_gemm_4x8__c: conv as GEMM.* \+ Relu'
EB_SIMD_MAX_ISA=sse9 run_eb 0 inspect "$M" --backend simd
expect_in "$WORK/out" "EB_SIMD_MAX_ISA 'sse9' is not an ISA level"

# a measured run: ref and simd, one and two threads, fp32 and int8
cat >"$WORK/s.yaml" <<YAML
edgebench: 1
name: simd-cli
model:
  path: $M
inputs:
  kind: random
  seed: 1
backends:
  - name: ref
    threads: 1
  - name: simd
    threads: 1
  - name: simd
    threads: 2
run:
  warmup:
    iterations: 2
    min_time_ms: 0
  measure:
    iterations: 20
    min_time_ms: 0
  repetitions: 1
  isolation: process
  timeout_s: 60
conditions:
  - name: plain
    kind: plain
YAML
run_eb 0 run "$WORK/s.yaml" -o "$WORK/s.h5"
expect_in "$WORK/err" '3 of 3 cells: 3 ok'
run_eb 0 report "$WORK/s.h5"
expect_in "$WORK/out" ' simd '
sed "s|$M|$Q|" "$WORK/s.yaml" >"$WORK/q.yaml"
run_eb 0 run "$WORK/q.yaml" -o "$WORK/q.h5"
expect_in "$WORK/err" '3 of 3 cells: 3 ok'
finish
