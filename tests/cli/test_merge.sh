#!/usr/bin/env bash
# edgebench merge end to end: files from two "boards" (separate runs with
# their own device ids) merged into one; run ids renumbered, duplicates not
# copied twice, a conflicting device renamed (or refused with --strict), a
# file of another schema major version refused, and the merged file read
# back by h5py and reported per device.
. "$(dirname "$0")/lib.sh"
SC="$EB_SOURCE_DIR/tests/data/farm/fast.yaml"
have_h5py() { /usr/bin/python3 -c 'import h5py' 2>/dev/null; }

run_eb 0 run "$SC" -o "$WORK/a.h5" --device-id board-a --quiet
run_eb 0 run "$SC" -o "$WORK/b.h5" --device-id board-b --quiet
run_eb 0 run "$SC" -o "$WORK/b.h5" --device-id board-b --quiet --append

# 1. two boards: 1 + 2 runs, renumbered 1..3, both devices
run_eb 0 merge "$WORK/a.h5" "$WORK/b.h5" -o "$WORK/all.h5"
expect_in "$WORK/err" '3 runs added, 0 already present; 2 devices added'
run_eb 0 report "$WORK/all.h5" --format csv
expect_in "$WORK/out" '^000001,board-a,'
expect_in "$WORK/out" '^000002,board-b,'
expect_in "$WORK/out" '^000003,board-b,'

# 2. merging a file already merged adds nothing; a new run of board-a does
run_eb 0 merge "$WORK/a.h5" -o "$WORK/all.h5" --append
expect_in "$WORK/err" '0 runs added, 1 already present'
run_eb 0 run "$SC" -o "$WORK/a2.h5" --device-id board-a --quiet
run_eb 0 merge "$WORK/a2.h5" -o "$WORK/all.h5" --append
expect_in "$WORK/err" '1 runs added, 0 already present; 0 devices added'
run_eb 0 report "$WORK/all.h5" --format csv
expect_in "$WORK/out" '^000004,board-a,'

# 3. bad inputs: missing, not edgebench, the output itself, no -o
run_eb 2 merge "$WORK/nope.h5" -o "$WORK/x.h5"
expect_in "$WORK/err" 'nope.h5'
echo "not hdf5" >"$WORK/text.h5"
run_eb 2 merge "$WORK/a.h5" "$WORK/text.h5" -o "$WORK/x.h5"
expect_in "$WORK/err" 'text.h5'
run_eb 2 merge "$WORK/all.h5" -o "$WORK/all.h5" --append
expect_in "$WORK/err" 'output file too'
run_eb 2 merge "$WORK/a.h5"

if have_h5py; then
    # 4. the same device id, measured on a different machine: renamed
    cp "$WORK/a2.h5" "$WORK/other.h5"
    cp "$WORK/a2.h5" "$WORK/v2.h5"
    /usr/bin/python3 - "$WORK/other.h5" "$WORK/v2.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    d = f["devices/board-a"]
    key = sorted(k for k in d.attrs.keys() if k not in ("tags",))[0]
    d.attrs[key] = "another machine"
with h5py.File(sys.argv[2], "r+") as f:
    f.attrs["schema_version"] = "2.0"
PY
    run_eb 0 merge "$WORK/a.h5" "$WORK/other.h5" -o "$WORK/conf.h5"
    expect_in "$WORK/err" "device 'board-a' differs from the one already merged .*renamed to 'board-a~2'"
    run_eb 0 report "$WORK/conf.h5" --format csv
    expect_in "$WORK/out" '^000002,board-a~2,'
    run_eb 2 merge "$WORK/a.h5" "$WORK/other.h5" -o "$WORK/strict.h5" --strict
    expect_in "$WORK/err" "device 'board-a' differs"
    # 5. another schema major version: refused, nothing written
    run_eb 2 merge "$WORK/a.h5" "$WORK/v2.h5" -o "$WORK/v.h5"
    expect_in "$WORK/err" 'v2.h5: results schema 2.0 is newer'
    expect_in "$WORK/err" 'nothing was written'
    CHECKS=$((CHECKS + 1))
    [ -e "$WORK/v.h5" ] && fail "a refused merge wrote $WORK/v.h5"

    # 6. an independent reader: runs, summary rows and provenance agree
    CHECKS=$((CHECKS + 1))
    /usr/bin/python3 - "$WORK/all.h5" <<'PY' || fail "h5py disagrees with the merged file"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    runs = sorted(f["runs"].keys())
    assert runs == ["000001", "000002", "000003", "000004"], runs
    rows = f["summary"][:]
    assert [r["id"].decode() for r in rows] == runs, rows["id"]
    assert [r["device"].decode() for r in rows] == ["board-a", "board-b", "board-b", "board-a"]
    for r in runs:
        g = f["runs"][r]
        assert g.attrs["merged_from"].split(":")[0] in ("a.h5", "b.h5", "a2.h5"), g.attrs["merged_from"]
        assert g["latency_ns"].shape[0] == g.attrs["n"] > 0
    assert f["runs/000003"].attrs["merged_from"] == "b.h5:000002"
    assert sorted(f["devices"].keys()) == ["board-a", "board-b"]
PY
fi

# 7. the report of a multi-device file compares devices side by side
run_eb 0 report "$WORK/all.h5"
expect_in "$WORK/out" 'board-a'
expect_in "$WORK/out" 'board-b'

# 8. the by-device table pools a device's runs of a cell: three
#    repetitions on each device (board b's file merged in twice: its runs
#    are kept once), and nothing is silently dropped: each device's cell is
#    the median of its runs' p50s, with their count
sed -e 's/repetitions: 1/repetitions: 3/' "$EB_SOURCE_DIR/tests/data/farm/fast.yaml" >"$WORK/rep.yaml"
sed -i "s|path: ../../../models|path: $EB_SOURCE_DIR/models|" "$WORK/rep.yaml"
run_eb 0 run "$WORK/rep.yaml" -o "$WORK/ra.h5" --device-id pool-a --quiet
run_eb 0 run "$WORK/rep.yaml" -o "$WORK/rb.h5" --device-id pool-b --quiet
run_eb 0 merge "$WORK/ra.h5" "$WORK/rb.h5" "$WORK/rb.h5" -o "$WORK/pool.h5"
run_eb 0 report "$WORK/pool.h5" --format md
expect_in "$WORK/out" '^\| farm_fast ref/default/plain \| [0-9.]+ \[3 runs\] \| [0-9.]+ \([0-9.]+x\) \[3 runs\] \|$'
expect_not_in "$WORK/out" 'rep [0-9] \|'
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/pool.h5" "$WORK/out" <<'PY' || fail "the pooled by-device cells are not the medians of the runs"
import re, sys, statistics
import h5py
f = h5py.File(sys.argv[1], "r")
p50 = {"pool-a": [], "pool-b": []}
for run in f["runs"].values():
    p50[run.attrs["device"]].append(run.attrs["p50"])
row = [l for l in open(sys.argv[2]) if l.startswith("| farm_fast ref/default/plain |")][0]
cells = [c.strip() for c in row.strip().strip("|").split("|")][1:]
unit = re.search(r"^## By device: p50 (\S+)", open(sys.argv[2]).read(), re.M).group(1)
ns = {"ns": 1, "µs": 1e3, "ms": 1e6, "s": 1e9}[unit]
got = [float(c.split()[0]) for c in cells]
want = [statistics.median(p50["pool-a"]) / ns, statistics.median(p50["pool-b"]) / ns]
ok = len(p50["pool-a"]) == 3 and len(p50["pool-b"]) == 3 and \
    all(abs(g - w) <= 0.051 * (1 + 1e-6 * w) for g, w in zip(got, want))
if not ok:
    print(f"table {got} {unit}, medians {want}, runs {p50}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
finish
