#!/usr/bin/env bash
# Fetch ONNX Runtime's real libonnxruntime.so for the onnxruntime delegate:
# the npm package onnxruntime-node ships prebuilt linux x64/arm64 libraries.
# Installed with --ignore-scripts (nothing of the package runs) into DEST;
# later runs reuse it. With PLACE, the library is also copied to
# PLACE/libonnxruntime.so.1, where the plugin looks for it (the build puts it
# in <build>/backends/plugins/onnxruntime, the install in
# lib/edgebench/backends/onnxruntime).
#   tools/fetch_onnxruntime.sh DEST [PLACE]    exit 0: present, 77: not fetched (why printed)
#   tools/fetch_onnxruntime.sh --optional ...  the same, but exit 0 when not fetched
#                                              (the build: no network is no build failure)
set -u
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
DEST=${1:?usage: fetch_onnxruntime.sh [--optional] DEST [PLACE]}
PLACE=${2:-}
VERSION=${EB_ONNXRUNTIME_NPM_VERSION:-1.30.0}
not_fetched() {
    echo "onnxruntime: not fetched: $*"
    echo "onnxruntime: the delegate stays unavailable (edgebench backends says why)"
    [ "$optional" = 1 ] && exit 0
    exit 77
}
case "$(uname -m)" in
    x86_64) ARCH=x64 ;;
    aarch64) ARCH=arm64 ;;
    *) not_fetched "onnxruntime-node ships no library for $(uname -m)" ;;
esac
LIB="$DEST/node_modules/onnxruntime-node/bin/napi-v6/linux/$ARCH/libonnxruntime.so.1"
place() {
    [ -n "$PLACE" ] || return 0
    mkdir -p "$PLACE"
    if ! cmp -s "$LIB" "$PLACE/libonnxruntime.so.1"; then
        cp "$LIB" "$PLACE/libonnxruntime.so.1.tmp" && mv "$PLACE/libonnxruntime.so.1.tmp" "$PLACE/libonnxruntime.so.1"
    fi
    echo "onnxruntime: $PLACE/libonnxruntime.so.1 (onnxruntime-node@$VERSION)"
}
if [ -r "$LIB" ]; then
    echo "onnxruntime: $LIB"
    place
    exit 0
fi
if ! command -v npm >/dev/null; then
    not_fetched "npm is not installed (Debian package npm)"
fi
mkdir -p "$DEST"
echo "onnxruntime: fetching onnxruntime-node@$VERSION with npm (about 290 MB, once)"
if ! timeout 600 npm install --prefix "$DEST" --ignore-scripts --no-audit --no-fund \
        "onnxruntime-node@$VERSION" >"$DEST/npm.log" 2>&1; then
    tail -5 "$DEST/npm.log"
    not_fetched "npm install onnxruntime-node@$VERSION failed (registry unreachable?)"
fi
if [ ! -r "$LIB" ]; then
    not_fetched "onnxruntime-node@$VERSION has no $LIB"
fi
echo "onnxruntime: fetched $LIB"
place
