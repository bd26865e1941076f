#!/usr/bin/env bash
# simd against ONNX Runtime (and ref's outputs) on CNNs the kernels were not
# tuned on (issue 19: "<= 1.2 on CNNs the project has never seen"):
# tools/make_heldout_cnns.py writes them into <build>/models/heldout the
# first time, then one bench_backends run measures simd and onnxruntime side
# by side, one thread, medians of the rounds. Real time, so a benchmark, not
# a test: on a loaded machine compare the "cpu ms" column.
#   bench/bench_heldout.sh [BUILD] [ROUNDS]
set -eu
BUILD=${1:-build}
ROUNDS=${2:-3}
SRC=$(cd "$(dirname "$0")/.." && pwd)
DIR="$BUILD/models/heldout"
/usr/bin/python3 "$SRC/tools/make_heldout_cnns.py" "$DIR" >/dev/null || {
    echo "bench_heldout: cannot write the models (needs python3-torch, python3-torchvision," \
         "python3-onnx: tools/install-deps.sh with EB_DEPS_OPTIONAL=1)" >&2
    exit 2
}
# every model loads and ref runs every node: the precondition of a fair ratio
for m in "$DIR"/*.onnx; do
    "$BUILD/harness/edgebench" inspect "$m" | grep -q 'ref runs every node' ||
        echo "bench_heldout: $(basename "$m"): ref does not run every node" >&2
done
exec "$BUILD/bench/bench_backends" --threads 1 --rounds "$ROUNDS" --backend simd \
    --backend onnxruntime --no-kernels "$DIR"/*.onnx
