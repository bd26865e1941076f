# edgebench validate: good scenarios exit 0 with their cell count, bad ones
# exit 2 with "file:line:column: message" naming the key.
. "$(dirname "$0")/lib.sh"

D="$EB_SOURCE_DIR/tests/data/scenarios"

# --- valid scenarios ---------------------------------------------------------
run_eb 0 validate "$D/good_minimal.yaml"
expect_in "$WORK/out" '^ok: 1 cell$'

run_eb 0 validate "$D/good_sweep.yaml"
expect_in "$WORK/out" '^ok: 40 cells$'

# every shipped example scenario is valid
for f in "$EB_SOURCE_DIR"/scenarios/*.yaml; do
    [ -e "$f" ] || continue
    run_eb 0 validate "$f"
    expect_in "$WORK/out" '^ok: [0-9]+ cells?$'
done

# the table: header, one row per cell in order, then the count
run_eb 0 validate "$D/good_sweep.yaml" --matrix
expect_in "$WORK/out" '^index +backend +threads +variant +condition +sweep +repetition$'
expect_in "$WORK/out" '^ +0 +ref +1 +fp32 +plain +run\.measure\.iterations=50 +0$'
expect_in "$WORK/out" '^ +1 +ref +1 +fp32 +plain +run\.measure\.iterations=50 +1$'
expect_in "$WORK/out" '^ +8 +ref\{mode=fast\} +1 +fp32 +plain +threads=1;options\.tile=32;run\.measure\.iterations=50 +0$'
expect_in "$WORK/out" '^ +39 +ref\{mode=fast\} +2 +unsorted +plain +threads=2;options\.tile=64;run\.measure\.iterations=100 +1$'
CHECKS=$((CHECKS + 1))
rows=$(grep -cE '^ +[0-9]+ ' "$WORK/out")
[ "$rows" = 40 ] || fail "--matrix printed $rows rows, expected 40"

run_eb 0 validate "$D/good_minimal.yaml" --matrix
expect_in "$WORK/out" '^ +0 +ref +1 +default +plain +- +0$'

# overrides
run_eb 0 validate "$D/good_sweep.yaml" --set run.repetitions=1 --set 'backends.1.threads=[1,2,4]'
expect_in "$WORK/out" '^ok: 28 cells$'
run_eb 0 validate "$D/good_minimal.yaml" --set run.isolation=none --set 'backends[0].threads=[1,2]' --matrix
expect_in "$WORK/out" 'threads=2'
expect_in "$WORK/out" '^ok: 2 cells$'

# json
run_eb 0 validate "$D/good_minimal.yaml" --format json --matrix
expect_in "$WORK/out" '"valid": true'
expect_in "$WORK/out" '"cells": 1'
expect_in "$WORK/out" '"model_path": ".*/tests/data/models/tiny_conv\.onnx"'
if command -v python3 >/dev/null; then
    CHECKS=$((CHECKS + 1))
    python3 -m json.tool "$WORK/out" >/dev/null || fail "--format json output is not JSON"
fi

# --- invalid scenarios: exit 2, position and message ----------------------------
run_eb 2 validate "$D/bad_unknown_key.yaml"
expect_in "$WORK/err" "bad_unknown_key\.yaml:7:5: unknown key 'itertions' in run\.measure \(did you mean 'iterations'\?\)"

run_eb 2 validate "$D/bad_wrong_type.yaml"
expect_in "$WORK/err" "bad_wrong_type\.yaml:6:25: run\.measure\.iterations: expected an integer, got string 'abc'"

run_eb 2 validate "$D/bad_out_of_range.yaml"
expect_in "$WORK/err" "bad_out_of_range\.yaml:6:14: backends\[0\]\.threads: 0 is out of range \(1 to 1024\)"

run_eb 2 validate "$D/bad_missing_model.yaml"
expect_in "$WORK/err" "bad_missing_model\.yaml:3:9: model\.path: model file not found: /.*/tests/data/models/no_such_model\.onnx"

run_eb 2 validate "$D/bad_unknown_backend.yaml"
expect_in "$WORK/err" "bad_unknown_backend\.yaml:5:5: backends\[0\]: unknown backend 'refx' \(did you mean 'ref'\? known backends: .*ref"

run_eb 2 validate "$D/bad_malformed.yaml"
expect_in "$WORK/err" "bad_malformed\.yaml:4:12: malformed YAML: mapping values are not allowed in this context"

run_eb 2 validate "$D/bad_version.yaml"
expect_in "$WORK/err" "bad_version\.yaml:1:12: edgebench: unsupported scenario format version 2 \(this edgebench reads version 1\)"

run_eb 2 validate "$D/bad_not_sweepable.yaml"
expect_in "$WORK/err" "bad_not_sweepable\.yaml:6:16: run\.repetitions: expected an integer, got a list \(a list sweeps only inputs\.batch, backends\[\]\.threads"

# every error of a file, in file order
run_eb 2 validate "$D/bad_many.yaml"
expect_in "$WORK/err" "bad_many\.yaml:5:9: inputs\.kind: unknown kind 'images' \(valid kinds: random, dataset\)"
expect_in "$WORK/err" "bad_many\.yaml:9:5: duplicate key 'threads' in backends\[0\] \(first at line 8, column 5\)"
expect_in "$WORK/err" "bad_many\.yaml:11:14: run\.isolation: unknown value 'nonee' \(did you mean 'none'\?"
expect_in "$WORK/err" "bad_many\.yaml:13:5: conditions\[0\]: missing required key 'name'"
CHECKS=$((CHECKS + 1))
[ "$(wc -l <"$WORK/err")" = 4 ] || fail "bad_many.yaml: expected 4 error lines, got $(wc -l <"$WORK/err")"

run_eb 2 validate "$D/bad_many.yaml" --format json
expect_in "$WORK/out" '"valid": false'
expect_in "$WORK/out" '"line": 5, "column": 9, "message": "inputs\.kind: unknown kind'
expect_in "$WORK/out" '"errors_total": 4'

# bad overrides name the --set
run_eb 2 validate "$D/good_minimal.yaml" --set run.mesure.iterations=10
expect_in "$WORK/err" "good_minimal\.yaml: --set run\.mesure\.iterations=10: unknown key 'mesure' in run \(did you mean 'measure'\?\)"
run_eb 2 validate "$D/good_minimal.yaml" --set run.isolation=nonee
expect_in "$WORK/err" "--set run\.isolation=nonee: run\.isolation: unknown value 'nonee'"
run_eb 2 validate "$D/good_minimal.yaml" --set backends.3.threads=2
expect_in "$WORK/err" "--set backends\.3\.threads=2: backends has 1 entry: index 3 is out of range"

# usage and unreadable files
run_eb 2 validate
expect_in "$WORK/err" '^usage: edgebench validate'
run_eb 2 validate "$D/good_minimal.yaml" --format xml
run_eb 2 validate "$D/good_minimal.yaml" --bogus
run_eb 2 validate "$WORK/no_such.yaml"
expect_in "$WORK/err" "no_such\.yaml: cannot open the scenario: No such file or directory"

finish
