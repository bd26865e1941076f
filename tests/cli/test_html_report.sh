#!/usr/bin/env bash
# The HTML report end to end: real runs of the test plugin "chaos" with the
# extras other subsystems record added by tests/data/gate/add_extras.py, the
# report written as one self-contained HTML file and opened in headless
# Chromium (Debian's chromium, started here): the DOM holds every chart, the
# console logs no error, and a screenshot shows the charts drawn. The same
# charts as standalone SVG files, each well-formed and rendered alone.
. "$(dirname "$0")/lib.sh"
export EDGEBENCH_BACKEND_PATH="$EB_TEST_PLUGIN_DIR"
D="$EB_SOURCE_DIR/tests/data/gate"

/usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null || { echo "skipped: python3-h5py not installed (tools/install-deps.sh)"; exit 77; }
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "skipped: chromium not installed (tools/install-deps.sh installs it)"; exit 77; }

run_eb 0 run "$D/rich.yaml" -o "$WORK/rich.h5" --quiet
CHECKS=$((CHECKS + 1))
/usr/bin/python3 "$D/add_extras.py" "$WORK/rich.h5" || fail "add_extras.py"

run_eb 0 report "$WORK/rich.h5" --format html -o "$WORK/report.html"
expect_in "$WORK/report.html" '^<!DOCTYPE html>'
expect_not_in "$WORK/report.html" '<script|<link|src=|@import'
# every chart kind is drawn (the extras give each one data)
for id in latency_cdf latency_timeline accuracy_severity accuracy_drift tradeoff roofline; do
    expect_in "$WORK/report.html" "<h2 id=\"$id\">"
done
# no condition drifts here: that chart alone says why it is not drawn
expect_in "$WORK/report.html" 'Not drawn: no run stores per-sample accuracy under a drifting condition'
expect_not_in "$WORK/report.html" 'Not drawn: no (cell|device|condition)'
expect_in "$WORK/report.html" 'noise: top-1 against sigma'
expect_in "$WORK/report.html" 'temperature \(°C, right axis\)'
expect_in "$WORK/report.html" 'chaos-vm peak|peak 50 GFLOP/s'

# Chromium: a fresh profile in $WORK, no network needed (file://)
chrome() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$WORK/profile" --enable-logging=stderr --v=0 "$@"
}
chrome --dump-dom "file://$WORK/report.html" >"$WORK/dom.html" 2>"$WORK/console.log"
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/dom.html" <<'PY' || fail "the DOM Chromium built lacks the charts"
import re, sys
dom = open(sys.argv[1]).read()
svgs = re.findall(r"<svg[^>]*>(.*?)</svg>", dom, re.S)
# CDF, timelines (a panel per cell), severity, trade-off, roofline
assert len(svgs) == 5, len(svgs)
for s in svgs:
    assert re.search(r"<polyline[^>]*points=\"[0-9]|<circle", s), s[:200]
print("%d charts in the DOM" % len(svgs))
PY
expect_not_in "$WORK/console.log" 'CONSOLE.*(rror|Uncaught)|Refused to|ERR_FILE_NOT_FOUND'

chrome --screenshot="$WORK/shot.png" --window-size=1200,5400 "file://$WORK/report.html" \
    >/dev/null 2>>"$WORK/console.log"
CHECKS=$((CHECKS + 1))
if [ -s "$WORK/shot.png" ]; then
    /usr/bin/python3 "$D/check_screenshot.py" "$WORK/shot.png" --min-pixels 100 --min-colours 3 \
        || fail "the screenshot shows no charts"
else
    fail "chromium wrote no screenshot"; tail -5 "$WORK/console.log" >&2
fi

# a file without accuracy: the trade-off says so instead of drawing zeros
run_eb 0 run "$D/rich.yaml" -o "$WORK/plain.h5" --quiet
CHECKS=$((CHECKS + 1))
/usr/bin/python3 "$D/add_extras.py" "$WORK/plain.h5" --no-accuracy || fail "add_extras.py --no-accuracy"
run_eb 0 report "$WORK/plain.h5" --format html -o "$WORK/plain.html"
expect_in "$WORK/plain.html" 'Not drawn: no condition sweeps a numeric parameter with top-1 measured'

# standalone SVG files
run_eb 0 report "$WORK/rich.h5" --format svg -o "$WORK/svg"
expect_in "$WORK/out" 'svg/latency_cdf.svg'
expect_in "$WORK/out" 'svg/latency_timeline_6.svg'
expect_in "$WORK/out" 'svg/roofline.svg'
CHECKS=$((CHECKS + 1))
/usr/bin/python3 - "$WORK/svg" <<'PY' || fail "standalone SVG files"
import os, sys
import xml.etree.ElementTree as ET
d = sys.argv[1]
files = sorted(os.listdir(d))
assert len(files) == 10, files
for f in files:
    root = ET.parse(os.path.join(d, f)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", (f, root.tag)
    marks = [e for e in root.iter() if e.tag.endswith(("polyline", "circle"))]
    assert marks, f
PY
chrome --dump-dom "file://$WORK/svg/tradeoff.svg" >"$WORK/svgdom.html" 2>/dev/null
expect_in "$WORK/svgdom.html" '<circle class="eb-point"'
expect_not_in "$WORK/svgdom.html" 'This page contains the following errors'
run_eb 2 report "$WORK/rich.h5" --format svg
expect_in "$WORK/err" 'give -o DIR'
finish
