#!/usr/bin/env bash
# edgebench inspect / backends as a user runs them: real files, exit codes,
# messages that name the file, the node and the problem.
. "$(dirname "$0")/lib.sh"
M="$EB_SOURCE_DIR/tests/data/models"

run_eb 0 inspect "$M/tiny_conv.onnx"
expect_in "$WORK/out" '^model: +.*tiny_conv.onnx'
expect_in "$WORK/out" 'x +float32 +1x1x8x8'
expect_in "$WORK/out" 'prob +float32 +1x10'
expect_in "$WORK/out" 'nodes: 6 +parameters: 690'
expect_in "$WORK/out" 'MACs: 2.94 K'
expect_in "$WORK/out" 'conv +Conv +1x4x8x8'
expect_in "$WORK/out" 'ref +'

run_eb 0 inspect "$M/tiny_conv.onnx" --format json
expect_in "$WORK/out" '"macs": 2944'
expect_in "$WORK/out" '"parameters": 690'
if [ -x /usr/bin/python3 ]; then
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["nodes"]==6 and len(d["graph"])==6 and d["graph"][0]["op"]=="Conv"' "$WORK/out" \
        || fail "inspect --format json is not the expected JSON"
fi

run_eb 0 inspect "$M/tiny_conv_dynamic_batch.onnx" --batch 3
expect_in "$WORK/out" 'x +float32 +3x1x8x8'

# an unknown op loads, and the report says which backend refuses which node
run_eb 0 inspect "$M/unknown_op.onnx"
expect_in "$WORK/out" "node 'n0' \\(FooBar\\): op FooBar is not implemented by ref"

# bad files: exit 2 with the file and the problem on stderr
run_eb 2 inspect "$M/truncated.onnx"
expect_in "$WORK/err" 'truncated.onnx: not a valid ONNX model'
run_eb 2 inspect "$M/bad_initializer.onnx"
expect_in "$WORK/err" "initializer 'w': holds 15 bytes but its shape needs 64"
run_eb 2 inspect "$M/external_data.onnx"
expect_in "$WORK/err" 'external data'
run_eb 2 inspect "$M/conv_channel_mismatch.onnx"
expect_in "$WORK/err" "node 'conv_bad' \\(Conv\\)"
run_eb 2 inspect "$M/dim_overflow.onnx"
expect_in "$WORK/err" 'overflows'
run_eb 2 inspect "$M/does_not_exist.onnx"
expect_in "$WORK/err" 'does_not_exist.onnx: cannot open'
run_eb 2 inspect
run_eb 2 inspect "$M/tiny_conv.onnx" --backend no_such_backend
expect_in "$WORK/err" "unknown backend 'no_such_backend'"

run_eb 0 backends
expect_in "$WORK/out" '^ref +available'
run_eb 0 backends --format json
expect_in "$WORK/out" '"name": "ref"'

run_eb 2 no-such-command
expect_in "$WORK/err" "unknown command 'no-such-command'"
run_eb 0 --version
expect_in "$WORK/out" '^edgebench [0-9]+\.[0-9]+\.[0-9]+'
finish
