#!/usr/bin/env bash
# The HTML report's charts as a person reads them (issue 18), on a real
# run like a user's: three backends (ref, simd swept over threads 1 and 2,
# the test plugin chaos), three Fashion-MNIST variants (fp32, int8,
# pruned50), a clean, a noisy (sigma swept) and a drifting condition, on two
# devices (--device-id runs merged with `edgebench merge`). Opened in
# headless Chromium with a page script that writes the box of every <text>
# of every chart as Chromium rendered it (getBoundingClientRect) into the
# DOM; checked: no two texts of a chart overlap, every chart has marks
# (or its section says why it is not drawn), and the key lies outside
# every plot area. Also: the run table has device and scenario columns,
# the variant tables show the stability verdict, the by-device table is
# there, and the drift condition gets its accuracy-over-drift chart.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "skipped: chromium not installed (tools/install-deps.sh installs it)"; exit 77; }
S="$EB_SOURCE_DIR"

cat >"$WORK/s.yaml" <<YAML
edgebench: 1
name: fashion-charts
model:
  variants:
    fp32: $S/models/fashion/fp32.onnx
    int8: $S/models/fashion/int8.onnx
    pruned50: $S/models/fashion/pruned50.onnx
  reference: fp32
inputs:
  kind: dataset
  path: $S/tests/data/fashion/t1k-images-idx3-ubyte.gz
  labels: $S/tests/data/fashion/t1k-labels-idx1-ubyte.gz
  normalize: {scale: 0.00392156862745098, mean: 0.2860, std: 0.3530}
backends:
  - ref
  - {name: simd, threads: [1, 2]}
  - {name: chaos, options: {mode: ok, delay_us: 200}}
run:
  warmup: {iterations: 2, min_time_ms: 0}
  measure: {iterations: 40, min_time_ms: 0}
metrics: {op_profile: on, op_profile_iterations: 10}
conditions:
  - {name: clean, kind: plain}
  - {name: noise, kind: noise, sigma: [0.1, 0.3], seed: 1}
  - {name: noise-drift, kind: noise, seed: 2, drift: {param: sigma, from: 0.0, to: 0.4}}
YAML
run_eb 0 run "$WORK/s.yaml" -o "$WORK/a.h5" --device-id board-a --quiet
run_eb 0 run "$WORK/s.yaml" -o "$WORK/b.h5" --device-id board-b --quiet --backend simd
run_eb 0 merge "$WORK/a.h5" "$WORK/b.h5" -o "$WORK/m.h5" --quiet
run_eb 0 report "$WORK/m.h5" --format html -o "$WORK/r.html"
H="$WORK/r.html"
expect_not_in "$H" '<script|<link|src=|@import'
# tables: identity columns, runs, by device, variants with their verdicts
expect_in "$H" '<th class="l">device</th><th class="l">scenario</th><th class="l">backend</th>'
expect_in "$H" '<h2 id="runs">Runs</h2>'
expect_in "$H" '<td class="l">board-b</td><td class="l">fashion-charts</td>'
expect_in "$H" '<h2 id="by_device">By device: p50 µs \(ratio to board-a\)</h2>'
expect_in "$H" '<table class="variants">'
expect_in "$H" '<th class="l">stability</th>'
expect_in "$H" '<td class="l">(stable|<span class="warn">unstable \([^)]+\))'
# every chart section: drawn, or a line saying why not
for id in latency_cdf latency_timeline accuracy_severity accuracy_drift tradeoff roofline op_profile; do
    expect_in "$H" "<h2 id=\"$id\">"
done
expect_in "$H" 'Rolling top-1 \(last [0-9]+ samples\) against the drifting parameter'
expect_in "$H" 'Top-1 accuracy against the swept condition parameter'
expect_in "$H" "Time per inference by op type"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$H" <<'PY' || fail "a chart section has neither a chart nor a reason"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
parts = re.split(r'<h2 id="(latency_cdf|latency_timeline|accuracy_severity|accuracy_drift|tradeoff|roofline|op_profile)">', html)
for name, body in zip(parts[1::2], parts[2::2]):
    body = body.split("<h2", 1)[0]
    assert "<svg" in body or re.search(r'<p class="empty">Not drawn: \w', body), name
    # roofline needs the device peak the probe reads from the CPU frequency
    assert "<svg" in body or name == "roofline", name + " not drawn"
PY

# Chromium: the page plus a script that writes every chart's boxes into the DOM
cat "$H" - >"$WORK/boxes.html" <<'JS'
<script>
const charts = [];
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
for (const svg of document.querySelectorAll("svg.eb-chart")) {
  charts.push({
    title: svg.querySelector("title").textContent,
    texts: [...svg.querySelectorAll("text")].map(t => box(t).concat([t.textContent])),
    plots: [...svg.querySelectorAll("rect.eb-plot")].map(box),
    keys: [...svg.querySelectorAll("g.eb-key")].map(box),
    marks: [...svg.querySelectorAll(".eb-point, .eb-bar, polyline.eb-series")]
             .filter(m => m.tagName != "polyline" || m.getAttribute("points").length > 0).map(box),
  });
}
const pre = document.createElement("pre");
pre.id = "eb-boxes";
pre.textContent = JSON.stringify(charts);
document.body.appendChild(pre);
</script>
JS
chrome() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$WORK/profile" --window-size=1400,3000 "$@"
}
chrome --dump-dom "file://$WORK/boxes.html" >"$WORK/dom.html" 2>"$WORK/console.log"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/dom.html" <<'PY' || fail "the charts as Chromium drew them"
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<pre id="eb-boxes">(.*?)</pre>', dom, re.S)
assert m, "the page script wrote no boxes"
charts = json.loads(html.unescape(m.group(1)))
assert len(charts) == 7, [c["title"] for c in charts]

def cut(a, b, slack=0.5):
    return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack

bad = 0
for c in charts:
    texts = [t for t in c["texts"] if t[2] > t[0]]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if cut(texts[i], texts[j]):
                print("%s: %r overlaps %r" % (c["title"][:40], texts[i][4], texts[j][4]))
                bad += 1
    assert c["marks"], c["title"] + ": no marks"
    assert c["plots"], c["title"] + ": no plot area"
    for k in c["keys"]:
        for p in c["plots"]:
            assert not cut(k, p, 0), c["title"] + ": the key is inside a plot area"
        for mk in c["marks"]:
            assert not cut(k, mk, 0), c["title"] + ": the key covers a mark"
    print("%-70s %3d texts, %3d marks, %2d panels" % (c["title"][:70], len(texts), len(c["marks"]), len(c["plots"])))
assert bad == 0, "%d overlapping texts" % bad
PY
chrome --screenshot="$WORK/shot.png" "file://$WORK/r.html" >/dev/null 2>>"$WORK/console.log"
CHECKS=$((CHECKS + 1))
[ -s "$WORK/shot.png" ] || fail "chromium wrote no screenshot"
[ -n "${EB_KEEP_SHOTS:-}" ] && cp "$WORK/shot.png" "$WORK/r.html" "$EB_KEEP_SHOTS"/
finish
