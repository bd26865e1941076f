#!/usr/bin/env bash
# How much of one inference the per-node profile accounts for: for each
# model fixture and backend with a profile hook (ref, simd, onednn), the sum of the nodes'
# median times against the median inference time, measured by
# `edgebench profile` in one process (issue: "the per-op profile sums to
# within 5% of the measured latency on ref and simd"). Real time, so a
# benchmark, not a test; on a loaded machine read the medians.
#   bench/bench_profile.sh [BUILD] [ITERATIONS]
# Prints one line per model and backend and "within 5%: K of N".
set -u
BUILD=${1:-build}
N=${2:-500}
EB="$BUILD/harness/edgebench"
SRC=$(cd "$(dirname "$0")/.." && pwd)
ok=0 all=0
printf '%-50s %-5s %12s %12s %9s\n' model backend "p50 µs" "nodes µs" coverage
for m in models/fashion/fp32.onnx models/fashion/int8.onnx models/mobilenet_v2/mobilenet_v2_050_96.onnx \
         models/mobilenet_v2/mobilenet_v2_050_96_int8.onnx models/quickstart_cnn.onnx; do
    for b in ref simd onednn; do
        "$EB" backends 2>/dev/null | grep -Eq "^$b +available" || continue
        out=$("$EB" profile "$SRC/$m" --backend "$b" --iterations "$N" --format json) || {
            echo "$m on $b: edgebench profile failed"; continue; }
        line=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)
c = p["coverage"]
print("%.1f %.1f %.1f %d" % (p["inference_p50_ns"] / 1e3, p["nodes_sum_ns"] / 1e3, 100 * c, abs(c - 1) <= 0.05))')
        set -- $line
        printf '%-50s %-5s %12s %12s %8s%%\n' "$m" "$b" "$1" "$2" "$3"
        all=$((all + 1))
        ok=$((ok + $4))
    done
done
echo "within 5%: $ok of $all"
