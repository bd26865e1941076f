#!/usr/bin/env bash
# Bad dataset inputs through the CLI: each gets a message naming the file or
# key and the problem, and a defined exit code; cells that did run are kept.
. "$(dirname "$0")/lib.sh"
F="$EB_SOURCE_DIR/tests/data/fashion"
M="$EB_SOURCE_DIR/models"

scenario() { # NAME BODY: write $WORK/NAME.yaml with a fashion fp32 model
    {
        echo "edgebench: 1"
        echo "model: {path: $M/fashion/fp32.onnx}"
        echo "backends: [ref]"
        echo "run: {warmup: {iterations: 1, min_time_ms: 0}, measure: {iterations: 20, min_time_ms: 0}}"
        printf '%s\n' "$2"
    } >"$WORK/$1.yaml"
}

# a samples file that does not exist: caught when the scenario loads
scenario missing "inputs: {kind: dataset, path: $WORK/nope.gz}"
run_eb 2 validate "$WORK/missing.yaml"
expect_in "$WORK/err" "missing.yaml:[0-9]+:[0-9]+: inputs.path: $WORK/nope.gz: file not found"

# a drift of a parameter the kind does not have
scenario drift "inputs: {kind: dataset, path: $F/t1k-images-idx3-ubyte.gz}
conditions: [{name: d, kind: noise, drift: {param: p, from: 0, to: 1}}]"
run_eb 2 validate "$WORK/drift.yaml"
expect_in "$WORK/err" "drift.param: 'p' is not a parameter of kind noise \(sigma\)"

# a truncated IDX file: the cell fails naming the file, the run exits 3
head -c 5000 <(gzip -dc "$F/t1k-images-idx3-ubyte.gz") >"$WORK/cut.idx"
scenario cut "inputs: {kind: dataset, path: $WORK/cut.idx}"
run_eb 3 run "$WORK/cut.yaml" -o "$WORK/cut.h5"
expect_in "$WORK/err" "failed"
run_eb 0 report "$WORK/cut.h5"
expect_in "$WORK/out" "cut.idx: truncated: the header promises 784000 elements"

# a transform condition on random inputs is refused with the reason; the
# plain cell before it is measured and kept
scenario random "conditions: [{name: clean, kind: plain}, {name: n, kind: noise, sigma: 0.1}]"
run_eb 3 run "$WORK/random.yaml" -o "$WORK/random.h5"
run_eb 0 report "$WORK/random.h5"
expect_in "$WORK/out" "^000001 .* clean .* ok "
expect_in "$WORK/out" "condition kind noise transforms input samples: it needs .inputs: \{kind: dataset\}."

# samples that do not fit the model and may not be resized
cat >"$WORK/shape.yaml" <<YAML
edgebench: 1
model: {path: $M/mobilenet_v2/mobilenet_v2_050_96.onnx}
inputs: {kind: dataset, path: $F/t100-images.npy, labels: $F/t100-labels.npy, resize: none}
backends: [ref]
run: {warmup: {iterations: 0, min_time_ms: 0}, measure: {iterations: 2, min_time_ms: 0}}
YAML
run_eb 3 run "$WORK/shape.yaml" -o "$WORK/shape.h5"
run_eb 0 report "$WORK/shape.h5"
expect_in "$WORK/out" "t100-images.npy: samples are 28x28 with 1 channel; model input 'input' wants 96x96 with 3 and resize is none"

# ... and with the default bilinear resize and channel replication it runs
sed -i 's/, resize: none//' "$WORK/shape.yaml"
run_eb 0 run "$WORK/shape.yaml" -o "$WORK/shape2.h5"
finish
