#!/usr/bin/env bash
# Every cell records the process CPU time of each measured inference next to
# its wall time (the run extra cpu_ns), and budgets gate on it (cpu_p50_ms).
# Checks the wiring only: that the figures exist and are plausible, never a
# verdict that depends on how loaded the machine is.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
S="$EB_SOURCE_DIR/tests/data/gate/chaos_ab.yaml"
run_eb 0 run "$S" -o "$WORK/a.h5" --quiet --set run.measure.iterations=40 \
    --set run.measure.min_time_ms=0 --set backends.0.options.delay_us=200
printf 'budgets:\n  - {metric: cpu_p50_ms, max: 1000}\n  - {metric: latency_p50_ms, max: 1000}\n' >"$WORK/b.yaml"
run_eb 0 gate "$WORK/a.h5" --budgets "$WORK/b.yaml" --json "$WORK/g.json"
expect_in "$WORK/out" 'PASS +cpu_p50_ms .* CPU time p50 [0-9.e-]+ ms <= max 1000 ms'
CHECKS=$((CHECKS + 1))
python3 - "$WORK/g.json" "$WORK/a.h5" <<'PY' || fail "CPU times"
import json, sys
d = json.load(open(sys.argv[1]))
cpu, wall = d["checks"][0]["value"], d["checks"][1]["value"]
# the chaos backend busy-waits 0.2 ms: its CPU time is most of its wall time
assert 0.05 < cpu <= wall * 1.2, (cpu, wall)
try:
    import h5py
except ImportError:
    sys.exit(0)
with h5py.File(sys.argv[2], "r") as f:
    run = f["runs"][sorted(f["runs"])[0]]
    names = []
    run.visit(names.append)
    key = [n for n in names if n.endswith("cpu_ns")]
    assert key, names
    v = run[key[0]][()]
    assert v.dtype.kind == "i" and len(v) == len(run["latency_ns"][()]), (v.dtype, len(v))
PY
finish
