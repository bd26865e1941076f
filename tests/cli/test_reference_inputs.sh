#!/usr/bin/env bash
# The reference comparison feeds the reference model each variant's own
# input, so a variant taking another input (size, type or layout) cannot be
# compared with it: validate and run refuse the scenario, naming the
# variant and both inputs, instead of writing one model's input into the
# other's buffer (a crash, heap corruption, or silently wrong agreement).
. "$(dirname "$0")/lib.sh"
TINY="$EB_SOURCE_DIR/tests/data/models/tiny_conv.onnx"       # x: float32 1x1x8x8 -> 10
CNN="$EB_SOURCE_DIR/models/quickstart_cnn.onnx"              # image: float32 1x1x28x28 -> 10
D="$EB_SOURCE_DIR/tests/data/fashion"
variants() { # FILE INPUTS_YAML
    cat >"$1" <<YAML
edgebench: 1
name: refin
model:
  variants:
    small: $TINY
    big: $CNN
  reference: small
$2
backends: [ref]
run:
  warmup: {iterations: 1, min_time_ms: 0}
  measure: {iterations: 10, min_time_ms: 0, max_time_ms: 5000}
YAML
}
variants "$WORK/random.yaml" "inputs: {kind: random, seed: 1}"
variants "$WORK/data.yaml" "inputs: {kind: dataset, path: $D/t100-images.npy, labels: $D/t100-labels.npy}"
for s in random data; do
    run_eb 2 validate "$WORK/$s.yaml"
    expect_in "$WORK/err" "$s.yaml:6:10: model.variants.big: cannot be compared with the reference variant 'small': its input 'image' is float32 1x1x28x28, the reference's 'x' is float32 1x1x8x8"
    run_eb 2 run "$WORK/$s.yaml" -o "$WORK/$s.h5"
    expect_in "$WORK/err" 'model.variants.big: cannot be compared with the reference variant'
    CHECKS=$((CHECKS + 1))
    [ -e "$WORK/$s.h5" ] && fail "$s: a refused run created its results file"
    # without the comparison the same variants run (each on its own input)
    run_eb 0 run "$WORK/$s.yaml" -o "$WORK/$s.h5" --set accuracy.reference=off
done
# the same model twice compares as before
sed "s|big: .*|big: $TINY|" "$WORK/random.yaml" >"$WORK/same.yaml"
run_eb 0 validate "$WORK/same.yaml"
finish
