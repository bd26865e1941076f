#!/usr/bin/env bash
# `edgebench conformance --backend onnxruntime` over every ONNX node test of
# the ops it claims. xnnpack and onednn must pass everything they claim
# (ctests conformance_xnnpack / conformance_onednn); ONNX Runtime's CPU
# provider, run whole, has known deviations from Debian's onnx 1.12 test
# data, listed here with the reason. The test fails on any other failure,
# and on a listed one that starts passing (so the list stays true); a listed
# one that is now skipped (refused before it runs) is only noted.
. "$(dirname "$0")/lib.sh"
: "${EB_BUILD_DIR:?}"
ORT_LIB="$EB_BUILD_DIR/onnxruntime-npm/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
export EDGEBENCH_BACKEND_PATH="$EB_BUILD_DIR/backends/plugins"
if [ ! -r "$EDGEBENCH_BACKEND_PATH/libedgebench_backend_onnxruntime.so" ]; then
    echo "skipped: the onnxruntime plugin is not built"
    exit 77
fi
if [ ! -r "$ORT_LIB" ]; then
    echo "skipped: $ORT_LIB absent (ctest delegate_fetch_onnxruntime installs it with npm)"
    exit 77
fi
export EDGEBENCH_ONNXRUNTIME_LIB="$ORT_LIB"
if [ ! -d /usr/share/libonnx-testdata/data/node ]; then
    echo "skipped: Debian's libonnx-testdata is not installed"
    exit 77
fi
KNOWN="
test_bitshift_left_uint16          no uint16 BitShift kernel in the CPU provider
test_bitshift_right_uint16         no uint16 BitShift kernel
test_max_int16                     no int16 Max kernel
test_max_uint16                    no uint16 Max kernel
test_min_int16                     no int16 Min kernel
test_min_uint16                    no uint16 Min kernel
test_pow_types_float32_uint32      no Pow kernel for an unsigned exponent
test_pow_types_float32_uint64      no Pow kernel for an unsigned exponent
test_gru_batchwise                 layout=1 (batch-major) RNNs are not implemented
test_lstm_batchwise                layout=1 RNN
test_simple_rnn_batchwise          layout=1 RNN
test_resize_downsample_scales_cubic_align_corners   ONNX Runtime's align_corners downsampling differs from onnx 1.12's reference
test_resize_downsample_scales_linear_align_corners  same
test_maxunpool_export_with_output_shape             ONNX Runtime places the values differently with output_shape
test_training_dropout              training-mode Dropout draws its own random mask
test_training_dropout_default      same
test_training_dropout_default_mask same
test_training_dropout_mask         same
test_cast_BFLOAT16_to_FLOAT        edgebench's conformance runner: bfloat16 test data is read as uint16
test_cast_FLOAT_to_BFLOAT16        same
test_castlike_BFLOAT16_to_FLOAT_expanded  same
test_castlike_FLOAT_to_BFLOAT16_expanded  same
test_cast_FLOAT_to_STRING          edgebench's conformance runner reads no string tensors
"
"$EDGEBENCH" conformance --backend onnxruntime -v >"$WORK/out" 2>"$WORK/err"
rc=$?
CHECKS=$((CHECKS + 1))
summary=$(grep '^conformance onnxruntime:' "$WORK/out")
echo "$summary"
[ -n "$summary" ] || { fail "no summary line (exit $rc)"; sed 's/^/  /' "$WORK/err" >&2; }
grep '^FAIL ' "$WORK/out" | sed 's/^FAIL \([^:]*\):.*/\1/' | sort >"$WORK/failed"
echo "$KNOWN" | awk 'NF {print $1}' | sort >"$WORK/known"
CHECKS=$((CHECKS + 1))
new=$(comm -23 "$WORK/failed" "$WORK/known")
[ -z "$new" ] || { fail "new conformance failures on onnxruntime:"; grep -F "$new" "$WORK/out" >&2; }
grep '^PASS ' "$WORK/out" | sed 's/^PASS //' | sort >"$WORK/passed"
CHECKS=$((CHECKS + 1))
fixed=$(comm -12 "$WORK/passed" "$WORK/known")
[ -z "$fixed" ] || fail "listed as known but passing now (update the list): $fixed"
# a listed test the loader now refuses is skipped: neither fails nor passes
for t in $(comm -13 "$WORK/failed" "$WORK/known" | comm -23 - "$WORK/passed"); do
    echo "note: $t is skipped now: $(grep "^SKIP $t:" "$WORK/out" | cut -c1-160)"
done
# at least the ops the fixture models use pass
for t in test_conv_with_strides_padding test_gemm_default_single_elem_vector_bias test_relu \
         test_maxpool_2d_default test_quantizelinear test_dequantizelinear; do
    CHECKS=$((CHECKS + 1))
    "$EDGEBENCH" conformance --backend onnxruntime --filter "$t" -v >"$WORK/one" 2>&1 \
        && grep -q "^PASS $t\$" "$WORK/one" || fail "$t does not pass on onnxruntime"
done
finish
