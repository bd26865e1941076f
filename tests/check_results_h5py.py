#!/usr/bin/python3
"""Independent check of an edgebench results file (docs/results-schema.md).

Reads the file with h5py and numpy only -- none of edgebench's C code -- and
checks the schema: root attributes, every /devices, /scenarios and /runs
group with its attribute types, the sample datasets, the /summary table
against the run groups, and the summary statistics recomputed with numpy
from latency_ns (within 1e-6 relative).

Run with Debian's interpreter, which sees python3-h5py and python3-numpy:
    /usr/bin/python3 tests/check_results_h5py.py results.h5 \
        [--expect-runs N] [--expect-status ok,failed,...]

Exit status: 0 every check passed; 1 a check failed (each failure printed
as "FAIL: ..."); 2 bad usage or unreadable file; 77 h5py or numpy missing.
"""
import argparse
import math
import re
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the host
    print(f"skipped: {e} (apt-get install python3-h5py python3-numpy)", file=sys.stderr)
    sys.exit(77)

SCHEMA_MAJOR = 1
RTOL = 1e-6

RUN_STATUSES = {"ok", "failed", "crashed", "timeout", "skipped", "interrupted"}
RUN_STR_ATTRS = ["device", "scenario", "backend", "backend_version", "library_version",
                 "variant", "model_path", "condition", "condition_params", "sweep",
                 "message", "started", "finished", "status", "stability"]
RUN_I32_ATTRS = ["cell_index", "repetition", "threads", "stable"]
RUN_U64_ATTRS = ["warmup_n", "n", "peak_rss_bytes", "model_bytes", "outliers"]
RUN_F64_ATTRS = ["wall_s", "min", "p50", "p90", "p95", "p99", "p999", "max", "mean",
                 "stdev", "cv", "mad", "median_ci_lo", "median_ci_hi", "drift"]
SUMMARY_FIELDS = [("id", "S"), ("device", "S"), ("scenario", "S"), ("backend", "S"),
                  ("variant", "S"), ("condition", "S"), ("sweep", "S"),
                  ("repetition", "i4"), ("threads", "i4"), ("status", "S"), ("n", "u8"),
                  ("p50", "f8"), ("p90", "f8"), ("p99", "f8"), ("mean", "f8"), ("cv", "f8"),
                  ("peak_rss_bytes", "u8")]
# Added in schema 1.3 (a file created by 1.3 has them; one created earlier
# and appended to keeps its old columns). top1/topk/top_k mirror metrics.
SUMMARY_FIELDS_1_3 = [("p95", "f8"), ("model_bytes", "u8"), ("condition_params", "S"),
                      ("top1", "f8"), ("topk", "f8"), ("top_k", "i4"),
                      ("backend_options", "S")]
SUMMARY_METRICS = {"top1", "topk", "top_k"}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class Checker:
    def __init__(self):
        self.failures = []
        self.checks = 0

    def expect(self, cond, what):
        self.checks += 1
        if not cond:
            self.failures.append(what)
        return cond


def is_str_attr(v):
    return isinstance(v, str)


def dtype_of(v):
    return np.asarray(v).dtype


def close(a, b):
    """Equal within RTOL relative (absolute near zero), NAN equal to NAN."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= RTOL * max(abs(a), abs(b), 1.0)


def median_ci_lo_rank(n, confidence=0.95):
    """Largest 0-based rank lo with P(lo < B <= n-1-lo) = 1 - 2 P(B <= lo) >=
    confidence, B ~ binomial(n, 1/2); None when even (0, n-1) covers less."""
    log_half_n = n * math.log(0.5)
    lg_n1 = math.lgamma(n + 1)
    cdf = 0.0
    lo = None
    for k in range(0, n // 2 + 1):
        cdf += math.exp(lg_n1 - math.lgamma(k + 1) - math.lgamma(n - k + 1) + log_half_n)
        if 1.0 - 2.0 * cdf >= confidence:
            lo = k
        else:
            break
    return lo


def expected_stats(x):
    """The summary statistics of samples x (measurement order), as
    harness/stats defines them: type-7 percentiles, sample stdev, unscaled
    MAD, binomial median CI, robust 3-sigma outliers, drift of thirds."""
    n = len(x)
    nan = float("nan")
    if n == 0:
        return {k: nan for k in RUN_F64_ATTRS if k != "wall_s"} | {"outliers": 0}
    f = x.astype(np.float64)
    s = np.sort(f)
    p = {q: float(np.percentile(s, v)) for q, v in
         [("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("p999", 99.9)]}
    mean = float(np.mean(f))
    stdev = float(np.std(f, ddof=1)) if n >= 2 else nan
    cv = nan if n < 2 else (0.0 if stdev == 0 else stdev / mean)
    mad_raw = float(np.median(np.abs(s - p["p50"])))
    mad = mad_raw if n >= 2 else nan
    lo = median_ci_lo_rank(n) if n >= 6 else None
    ci_lo, ci_hi = (float(s[lo]), float(s[n - 1 - lo])) if lo is not None else (nan, nan)
    dev = np.abs(s - p["p50"])
    scale = 1.4826 * mad_raw
    if mad_raw == 0:
        scale = 1.2533 * float(np.mean(dev))
    outliers = 0 if scale == 0 else int(np.count_nonzero(dev > 3.0 * scale))
    third = n // 3
    if third == 0:
        drift = nan
    else:
        first = float(np.median(f[:third]))
        last = float(np.median(f[n - third:]))
        drift = (0.0 if last == 0 else math.inf) if first == 0 else (last - first) / first
    out = dict(min=float(s[0]), max=float(s[-1]), mean=mean, stdev=stdev, cv=cv, mad=mad,
               median_ci_lo=ci_lo, median_ci_hi=ci_hi, drift=drift, outliers=outliers)
    out.update(p)
    return out


def check_root(c, f):
    a = f.attrs
    c.expect(a.get("format") == "edgebench",
             f"root attribute format is {a.get('format')!r}, expected 'edgebench'")
    v = a.get("schema_version")
    m = re.match(r"^(\d+)\.(\d+)$", v) if is_str_attr(v) else None
    if c.expect(m is not None, f"root attribute schema_version {v!r} is not 'MAJOR.MINOR'"):
        c.expect(int(m.group(1)) == SCHEMA_MAJOR,
                 f"schema major version {m.group(1)}, this checker knows {SCHEMA_MAJOR}")
    for k in ("tool_version", "created", "command"):
        c.expect(is_str_attr(a.get(k)), f"root attribute {k} missing or not a string")
    c.expect(is_str_attr(a.get("created")) and ISO_UTC.match(a.get("created")) is not None,
             f"root attribute created {a.get('created')!r} is not ISO 8601 UTC")
    for g in ("devices", "scenarios", "runs"):
        c.expect(isinstance(f.get(g), h5py.Group), f"/{g} missing or not a group")
    c.expect(isinstance(f.get("summary"), h5py.Dataset), "/summary missing or not a dataset")
    print(f"root: format={a.get('format')} schema_version={v} tool_version={a.get('tool_version')} "
          f"created={a.get('created')}")


def check_devices(c, f):
    devs = f.get("devices", {})
    for name, g in devs.items():
        c.expect(isinstance(g, h5py.Group), f"/devices/{name} is not a group")
        for k, v in g.attrs.items():
            # Since 1.3 a value that is exactly a number is stored as one
            # (int64 or float64), so a numeric-looking string is wrong.
            if isinstance(v, (np.integer, np.floating)):
                c.expect(np.ndim(v) == 0 and v.dtype in (np.int64, np.uint64, np.float64),
                         f"/devices/{name}: attribute {k} is a {v.dtype} number")
            elif c.expect(is_str_attr(v), f"/devices/{name}: attribute {k} is neither text "
                          f"nor a number"):
                c.expect(not re.fullmatch(r"-?(0|[1-9][0-9]{0,17})", v),
                         f"/devices/{name}: attribute {k}={v!r} is a number stored as text")
    print(f"devices: {len(devs)} ({', '.join(devs.keys())})")
    return set(devs.keys())


def check_scenarios(c, f):
    scens = f.get("scenarios", {})
    for name, g in scens.items():
        w = f"/scenarios/{name}"
        a = g.attrs
        c.expect(is_str_attr(a.get("yaml")), f"{w}: yaml missing or not a string")
        paths = a.get("model_paths")
        shas = a.get("model_sha256")
        sizes = a.get("model_bytes")
        if not c.expect(paths is not None and shas is not None and sizes is not None,
                        f"{w}: model_paths, model_sha256 or model_bytes missing"):
            continue
        n = int(a.get("n_models", -1))
        c.expect(len(paths) == len(shas) == len(sizes) == n,
                 f"{w}: n_models={n} but {len(paths)} paths, {len(shas)} hashes, "
                 f"{len(sizes)} sizes")
        c.expect(dtype_of(sizes) == np.uint64, f"{w}: model_bytes is {dtype_of(sizes)}, not uint64")
        for h in shas:
            c.expect(isinstance(h, str) and re.match(r"^[0-9a-f]{64}$", h) is not None,
                     f"{w}: model hash {h!r} is not 64 lower-case hex digits")
    print(f"scenarios: {len(scens)} ({', '.join(scens.keys())})")
    return set(scens.keys())


def check_run(c, rid, g, devices, scenarios):
    """Check /runs/<rid>; returns its attributes (for the /summary check)."""
    w = f"/runs/{rid}"
    a = g.attrs
    bad = set()
    for names, test, what in [
            (RUN_STR_ATTRS, is_str_attr, "a string"),
            (RUN_I32_ATTRS, lambda v: dtype_of(v) == np.int32, "int32"),
            (RUN_U64_ATTRS, lambda v: dtype_of(v) == np.uint64, "uint64"),
            (RUN_F64_ATTRS, lambda v: dtype_of(v) == np.float64, "float64")]:
        for k in names:
            if not c.expect(k in a and test(a[k]), f"{w}: attribute {k} missing or not {what}"):
                bad.add(k)
    if "status" not in bad:
        c.expect(a["status"] in RUN_STATUSES, f"{w}: unknown status {a['status']!r}")
    if "stable" not in bad:
        c.expect(int(a["stable"]) in (0, 1), f"{w}: stable is {a['stable']}, not 0 or 1")
    if "stability" not in bad:
        c.expect(a["stability"] != "", f"{w}: empty stability verdict")
    # 1.2: optional (runs appended to a 1.1 file lack it); when present a
    # string of key=value entries sorted by key, joined by ","
    if "backend_options" in a and c.expect(is_str_attr(a["backend_options"]),
                                           f"{w}: backend_options is not a string"):
        opts = a["backend_options"]
        keys = [e.split("=", 1)[0] for e in re.split(r"(?<!\\),", opts)] if opts else []
        c.expect(keys == sorted(keys, key=lambda k: k.encode()),
                 f"{w}: backend_options {opts!r} is not sorted by key")
    if "device" not in bad and a["device"] not in devices:
        print(f"note: {w}: device {a['device']!r} has no /devices entry")
    if "scenario" not in bad and a["scenario"] not in scenarios:
        print(f"note: {w}: scenario {a['scenario']!r} has no /scenarios entry")
    check_condition(c, w, g)
    n = None if "n" in bad else int(a["n"])
    data = {}
    for ds in ("latency_ns", "t_ns"):
        d = g.get(ds)
        if not c.expect(isinstance(d, h5py.Dataset), f"{w}: dataset {ds} missing"):
            continue
        c.expect(d.dtype == np.uint64, f"{w}/{ds}: dtype {d.dtype}, expected uint64")
        if c.expect(d.ndim == 1 and d.shape[0] == n, f"{w}/{ds}: shape {d.shape}, n is {n}"):
            data[ds] = d[...]
    t = data.get("t_ns")
    if t is not None:
        c.expect(len(t) < 2 or bool(np.all(np.diff(t.astype(np.int64)) >= 0)),
                 f"{w}/t_ns is not non-decreasing")
    lat = data.get("latency_ns")
    if lat is not None:
        for k, v in expected_stats(lat).items():
            if k in bad:
                continue
            if k == "outliers":
                c.expect(int(a[k]) == v, f"{w}: outliers stored {int(a[k])}, recomputed {v}")
            else:
                c.expect(close(a[k], v), f"{w}: {k} stored {float(a[k])!r}, recomputed {v!r}")
    check_extras(c, w, g)
    return a


LOAD_PATTERNS = ("multi_stream", "server", "offline")


def check_load(c, w, g, m):
    """Schema 1.4 load patterns: a run with the text load.pattern has
    latency_ns = its completed queries, issued >= completed, and under
    server load/trials float64 [k][6] whose rows say issued >= completed."""
    if m is None or "load.pattern" not in m.attrs:
        return
    pat = m.attrs["load.pattern"]
    pat = pat.decode() if isinstance(pat, bytes) else str(pat)
    if not c.expect(pat in LOAD_PATTERNS, f"{w}: load.pattern {pat!r}"):
        return
    for k in ("load.params",):
        c.expect(k in m.attrs and is_str_attr(m.attrs[k]), f"{w}: text {k} missing")
    for k in ("load.issued", "load.completed", "load.inferences", "load.achieved_qps",
              "load.inferences_per_s", "load.samples_per_query"):
        c.expect(k in m.attrs, f"{w}: metric {k} missing")
    if "load.issued" in m.attrs and "load.completed" in m.attrs:
        iss, comp = int(m.attrs["load.issued"]), int(m.attrs["load.completed"])
        c.expect(iss >= comp, f"{w}: load.issued {iss} < load.completed {comp}")
        if g.attrs.get("status") in ("ok", b"ok"):
            c.expect(int(g.attrs["n"]) == comp, f"{w}: n {int(g.attrs['n'])} != load.completed {comp}")
    if pat == "server":
        t = g.get("load/trials")
        if c.expect(isinstance(t, h5py.Dataset), f"{w}: load/trials missing"):
            c.expect(t.dtype == np.float64 and t.ndim == 2 and t.shape[1] == 6,
                     f"{w}/load/trials: {t.dtype} {t.shape}, expected float64 [k][6]")
            rows = t[...]
            c.expect(bool(np.all(rows[:, 2] >= rows[:, 3])), f"{w}/load/trials: completed > issued")


EXTRA_NAME = re.compile(r"^[A-Za-z0-9_.+:-]{1,63}$")
OUTPUT_DTYPES = tuple(np.dtype(t) for t in ("float32", "float64", "int8", "uint8", "int16",
                                            "uint16", "int32", "int64"))


def check_condition(c, w, g):
    """Schema 1.4: /runs/<id>/condition holds the condition typed, one
    scalar attribute per parameter (float64, int64 or a string) and `kind`;
    the text attribute condition_params says the same values."""
    cg = g.get("condition")
    if cg is None:
        return
    if not c.expect(isinstance(cg, h5py.Group), f"{w}/condition is not a group"):
        return
    c.expect("kind" in cg.attrs and is_str_attr(cg.attrs["kind"]), f"{w}/condition: no kind")
    typed = {k: v for k, v in cg.attrs.items() if k != "kind"}
    for k, v in typed.items():
        c.expect(is_str_attr(v) or dtype_of(v) in (np.float64, np.int64),
                 f"{w}/condition: {k} is not float64, int64 or a string")
    text = g.attrs.get("condition_params", "")
    pairs = [p.split("=", 1) for p in text.split(";")] if text else []
    c.expect([k for k, _ in pairs] == list(typed),
             f"{w}/condition: parameters {list(typed)} in another order than {text!r}")
    for k, v in pairs:
        if k not in typed:
            continue
        t = typed[k]
        same = (t == v) if is_str_attr(t) else (float(v) == float(t))
        c.expect(same, f"{w}/condition: {k} is {t!r}, the text says {v!r}")


def check_extras(c, w, g):
    """Schema 1.1 run extras: metrics/ attributes are float64 or strings;
    every other dataset under the run is 1-D or 2-D float64, uint8 or int64
    at most one group deep; the accuracy arrays are consistent with n.
    Schema 1.3: outputs/<name> is [outputs_samples] + a tensor's shape in an
    output element type; golden_worst/<name> is float64 [k][5]."""
    m = g.get("metrics")
    if m is not None:
        for k, v in m.attrs.items():
            c.expect(EXTRA_NAME.match(k) is not None, f"{w}/metrics: bad metric name {k!r}")
            c.expect(is_str_attr(v) or dtype_of(v) == np.float64,
                     f"{w}/metrics: {k} is neither float64 nor a string")
    def visit(name, obj):
        if not isinstance(obj, h5py.Dataset) or name in ("latency_ns", "t_ns"):
            return
        c.expect(name.count("/") <= 1, f"{w}/{name}: deeper than one group")
        if name.startswith("outputs/"):
            c.expect(obj.dtype in OUTPUT_DTYPES, f"{w}/{name}: dtype {obj.dtype}, not an output type")
            c.expect(1 <= obj.ndim <= 8, f"{w}/{name}: rank {obj.ndim}")
            kept = m.attrs.get("outputs_samples") if m is not None else None
            c.expect(kept is not None and obj.shape[0] == int(kept),
                     f"{w}/{name}: {obj.shape[0]} samples, outputs_samples says {kept}")
            return
        if name.startswith("golden_worst/"):
            c.expect(obj.dtype == np.float64 and obj.ndim == 2 and obj.shape[1] == 5,
                     f"{w}/{name}: {obj.dtype} {obj.shape}, expected float64 [k][5]")
            return
        c.expect(obj.dtype in (np.float64, np.uint8, np.int64),
                 f"{w}/{name}: dtype {obj.dtype}, expected float64, uint8 or int64")
        c.expect(obj.ndim in (1, 2), f"{w}/{name}: rank {obj.ndim}")
    g.visititems(visit)
    check_load(c, w, g, m)
    corr = g.get("accuracy/correct")
    if corr is not None and m is not None and "top1" in m.attrs and "accuracy_samples" in m.attrs:
        n = len(corr)
        c.expect(n == int(m.attrs["accuracy_samples"]),
                 f"{w}: accuracy/correct has {n} entries, accuracy_samples says "
                 f"{m.attrs['accuracy_samples']}")
        c.expect(abs(float(corr[...].sum()) / max(n, 1) - float(m.attrs["top1"])) < 1e-9,
                 f"{w}: top1 is not the mean of accuracy/correct")


def check_summary(c, f, runs, metrics):
    ds = f["summary"]
    names = ds.dtype.names or ()
    fields = SUMMARY_FIELDS + [fk for fk in SUMMARY_FIELDS_1_3 if fk[0] in names]
    if "p95" not in names:
        print("summary: created before schema 1.3 (no p95, model_bytes, accuracy columns)")
    for field, kind in fields:
        if not c.expect(field in names, f"/summary: no field {field}"):
            return
        dt = ds.dtype[field]
        if kind == "S":
            c.expect(dt.kind == "S", f"/summary.{field}: {dt}, expected a fixed-length string")
        else:
            c.expect(dt == np.dtype(kind), f"/summary.{field}: {dt}, expected {kind}")
    c.expect(ds.ndim == 1 and ds.maxshape == (None,), f"/summary: shape {ds.shape} "
             f"maxshape {ds.maxshape}, expected 1-D and extendible")
    c.expect(ds.chunks is not None, "/summary is not chunked")
    rows = ds[...]
    c.expect(len(rows) == len(runs), f"/summary has {len(rows)} rows, /runs has {len(runs)} groups")
    seen = set()
    for row in rows:
        rid = row["id"].decode()
        c.expect(rid not in seen, f"/summary: id {rid} appears twice")
        seen.add(rid)
        a = runs.get(rid)
        if not c.expect(a is not None, f"/summary: row {rid} has no /runs/{rid}"):
            continue
        m = metrics.get(rid, {})
        for field, kind in fields[1:]:
            v = row[field]
            if field in SUMMARY_METRICS:
                if field in m:
                    c.expect(close(v, m[field]),
                             f"/summary row {rid}: {field}={v!r}, metrics have {m[field]!r}")
                else:
                    c.expect(np.isnan(v) if kind == "f8" else int(v) == 0,
                             f"/summary row {rid}: {field}={v!r} for a run without it")
                continue
            if field not in a:
                continue  # reported with the run
            if kind == "S":
                c.expect(v.decode() == a[field],
                         f"/summary row {rid}: {field}={v.decode()!r}, run has {a[field]!r}")
            elif kind == "f8":
                c.expect(close(v, a[field]),
                         f"/summary row {rid}: {field}={v!r}, run has {a[field]!r}")
            else:
                c.expect(int(v) == int(a[field]),
                         f"/summary row {rid}: {field}={v}, run has {a[field]}")
    print(f"summary: {len(rows)} rows, fields {', '.join(names)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--expect-runs", type=int, help="number of /runs groups")
    ap.add_argument("--expect-status", help="comma-separated statuses of the runs in id order")
    args = ap.parse_args()

    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        print(f"{args.file}: cannot open as HDF5: {e}", file=sys.stderr)
        return 2
    c = Checker()
    with f:
        check_root(c, f)
        devices = check_devices(c, f)
        scenarios = check_scenarios(c, f)
        runs = {}
        run_grp = f.get("runs", {})
        for rid in sorted(run_grp.keys(), key=lambda s: (len(s), s)):
            c.expect(re.match(r"^\d{6,}$", rid) is not None, f"/runs/{rid}: id is not 6+ digits")
            runs[rid] = check_run(c, rid, run_grp[rid], devices, scenarios)
        statuses = [str(runs[r].get("status")) for r in runs]
        print(f"runs: {len(run_grp)} ({', '.join(f'{r}={s}' for r, s in zip(runs, statuses))}); "
              f"attributes, dtypes, latency_ns/t_ns lengths, t_ns order and statistics "
              f"recomputed with numpy (rtol {RTOL:g})")
        if "summary" in f:
            metrics = {rid: dict(g["metrics"].attrs) for rid, g in run_grp.items()
                       if isinstance(g.get("metrics"), h5py.Group)}
            check_summary(c, f, runs, metrics)
        if args.expect_runs is not None:
            c.expect(len(run_grp) == args.expect_runs,
                     f"{len(run_grp)} runs, expected {args.expect_runs}")
        if args.expect_status is not None:
            want = [s for s in args.expect_status.split(",") if s]
            c.expect(statuses == want, f"statuses {','.join(statuses)}, expected {','.join(want)}")

    for msg in c.failures:
        print(f"FAIL: {args.file}: {msg}")
    if c.failures:
        print(f"{args.file}: {len(c.failures)} of {c.checks} checks failed")
        return 1
    print(f"{args.file}: all {c.checks} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
