#!/usr/bin/env bash
# A run's per-node profile (metrics.op_profile, docs/profiling.md), as a
# user meets it: the Fashion CNN fp32 and int8 on ref and simd (and the
# chaos plugin, which has no profile hook), profiled after the measured
# loop. Checked: the stored arrays (a time per graph node, the node lines
# the same as `inspect` lists), the metrics, the measured samples untouched
# by the extra pass, the reason stored for a backend without the hook, the
# text / Markdown lines and the HTML chart and tables; a damaged profile
# read back; scenario errors. Nothing depends on how long anything took.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
PY=/usr/bin/python3
S="$EB_SOURCE_DIR"
cat >"$WORK/s.yaml" <<YAML
edgebench: 1
name: op-profile
model:
  variants: {fp32: $S/models/fashion/fp32.onnx, int8: $S/models/fashion/int8.onnx}
backends:
  - ref
  - {name: simd, threads: [1, 2]}
  - {name: chaos, options: {mode: ok, delay_us: 50}}
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 25, min_time_ms: 0}
metrics: {op_profile: on, op_profile_iterations: 15}
YAML
run_eb 0 run "$WORK/s.yaml" -o "$WORK/r.h5" --quiet
for v in fp32 int8; do
    run_eb 0 inspect "$S/models/fashion/$v.onnx" --format json --backend ref
    cp "$WORK/out" "$WORK/i_$v.json"
done
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/r.h5" "$WORK/i_fp32.json" "$WORK/i_int8.json" <<'PY' || fail "the stored profiles"
import json, math, sys
import h5py
f = h5py.File(sys.argv[1], "r")
graph = {v: json.load(open(p))["graph"] for v, p in (("fp32", sys.argv[2]), ("int8", sys.argv[3]))}
seen = set()
for rid in f["runs"]:
    r = f["runs"][rid]
    a = dict(r.attrs)
    b = a["backend"].decode() if isinstance(a["backend"], bytes) else a["backend"]
    v = a["variant"].decode() if isinstance(a["variant"], bytes) else a["variant"]
    m = r["metrics"].attrs
    # the extra pass leaves the measured samples alone
    assert len(r["latency_ns"]) == 25, (rid, len(r["latency_ns"]))
    if b == "chaos":
        assert "profile" not in r, rid
        assert m["profile_unavailable"] == "backend 'chaos' implements no profile hook", dict(m)
        seen.add(b)
        continue
    ns = r["profile/node_ns"][:]
    lines = bytes(r["profile/nodes"][:]).decode().split("\n")
    assert lines[-1] == "", lines[-1:]
    nodes = [l.split("\t") for l in lines[:-1]]
    want = [[n["op"], n["name"]] for n in graph[v]]
    assert nodes == want, (rid, nodes[:3], want[:3])
    assert len(ns) == len(nodes), (len(ns), len(nodes))
    timed = [t for t in ns if not math.isnan(t)]
    # ref times every node of the fp32 model; a fused int8 group and simd's
    # fused activations are timed as one node, the others of it untimed
    if b == "ref" and v == "fp32":
        assert all(not math.isnan(t) for t in ns), (rid, ns)
    if v == "fp32":
        heavy = [ns[i] for i, n in enumerate(nodes) if n[0] in ("Conv", "Gemm")]
        assert len(heavy) == 4 and all(t > 0 for t in heavy), (rid, heavy)
    assert timed and all(t > 0 for t in timed), (rid, ns)
    assert m["profile_iterations"] == 15, dict(m)
    s = m["profile_nodes_sum_ms"]
    assert abs(s - sum(timed) / 1e6) < 1e-6 * max(1, s), (s, sum(timed))
    assert m["profile_inference_ms"] > 0
    assert abs(m["profile_coverage"] - s / m["profile_inference_ms"]) < 1e-9
    seen.add(b)
assert seen == {"ref", "simd", "chaos"}, seen
PY
# text and Markdown: a line per run, largest op types first
run_eb 0 report "$WORK/r.h5"
expect_in "$WORK/out" '^Where the time goes \(op profile\):$'
expect_in "$WORK/out" '^  [0-9]{6} ref/fp32/plain rep 0: [0-9.]+ µs per inference \(15 profiled\), the 10 timed nodes cover [0-9.]+%: [A-Za-z]+ [0-9.]+% \([0-9]+ nodes?\)'
expect_in "$WORK/out" "^  [0-9]{6} chaos\\{delay_us=50,mode=ok\\}/int8/plain rep 0: not profiled: backend 'chaos' implements no profile hook$"
run_eb 0 report "$WORK/r.h5" --format md
expect_in "$WORK/out" '^## Where the time goes \(op profile\)$'
expect_in "$WORK/out" '^- [0-9]{6} simd/int8/plain threads=2 rep 0: [0-9.]+ µs per inference'
# HTML: the chart (bars for ref and simd only) and a table per variant
run_eb 0 report "$WORK/r.h5" --format html -o "$WORK/r.html"
H="$WORK/r.html"
expect_in "$H" '<h2 id="op_profile">Where the time goes \(op profile\)</h2>'
expect_in "$H" 'Time per inference by op type'
expect_in "$H" '<rect class="eb-bar" [^>]*><title>ref · Conv: [0-9.]+ µs per inference \([0-9.]+% of it\), 2 nodes</title>'
expect_not_in "$H" '<title>chaos'
expect_in "$H" "<p>Not profiled: backend &#39;chaos&#39; implements no profile hook \\(2 cells\\)\\.</p>"
expect_in "$H" '<details><summary>fp32 · plain \(10 nodes timed\)</summary>'
expect_in "$H" '<th class="l">node</th><th class="l">op</th><th>ref µs</th><th>simd threads=1 µs</th><th>simd threads=2 µs</th>'
expect_in "$H" '<td class="l">/conv2/Conv</td><td class="l">Conv</td><td>[0-9.]+</td><td>[0-9.]+</td><td>[0-9.]+</td>'
# a damaged file: the node lines no longer match the times
CHECKS=$((CHECKS + 1))
"$PY" - "$WORK/r.h5" <<'PY' || fail "could not damage the copy"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r+")
r = f["runs"]["000001"]
lines = bytes(r["profile/nodes"][:]).decode().split("\n")
del r["profile/nodes"]
r["profile/nodes"] = np.frombuffer("\n".join(lines[2:]).encode(), dtype=np.uint8)
PY
run_eb 0 report "$WORK/r.h5"
expect_in "$WORK/out" '^  000001 ref/fp32/plain rep 0: profile arrays do not fit together \(a damaged or edited file\)$'
run_eb 0 report "$WORK/r.h5" --format html -o "$WORK/d.html"
# scenario errors name the key
sed 's/op_profile: on/op_profile: maybe/' "$WORK/s.yaml" >"$WORK/bad.yaml"
run_eb 2 validate "$WORK/bad.yaml"
expect_in "$WORK/err" 'op_profile'
sed 's/op_profile_iterations: 15/op_profile_iterations: 0/' "$WORK/s.yaml" >"$WORK/bad.yaml"
run_eb 2 validate "$WORK/bad.yaml"
expect_in "$WORK/err" 'op_profile_iterations'
finish
