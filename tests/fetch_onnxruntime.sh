#!/usr/bin/env bash
# Fetch ONNX Runtime's real libonnxruntime.so for the onnxruntime delegate's
# tests: the npm package onnxruntime-node ships prebuilt linux x64/arm64
# libraries. Installed with --ignore-scripts (nothing of the package runs)
# into DEST under the build tree; later runs reuse it.
#   tests/fetch_onnxruntime.sh DEST     exit 0: present, 77: skipped (why printed)
set -u
DEST=${1:?usage: fetch_onnxruntime.sh DEST}
VERSION=${EB_ONNXRUNTIME_NPM_VERSION:-1.30.0}
case "$(uname -m)" in
    x86_64) ARCH=x64 ;;
    aarch64) ARCH=arm64 ;;
    *) echo "skipped: onnxruntime-node ships no library for $(uname -m)"; exit 77 ;;
esac
LIB="$DEST/node_modules/onnxruntime-node/bin/napi-v6/linux/$ARCH/libonnxruntime.so.1"
if [ -r "$LIB" ]; then
    echo "onnxruntime: $LIB"
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "skipped: npm is not installed (Debian package npm), so onnxruntime tests skip"
    exit 77
fi
mkdir -p "$DEST"
if ! timeout 600 npm install --prefix "$DEST" --ignore-scripts --no-audit --no-fund \
        "onnxruntime-node@$VERSION" >"$DEST/npm.log" 2>&1; then
    echo "skipped: npm install onnxruntime-node@$VERSION failed (registry unreachable?):"
    tail -5 "$DEST/npm.log"
    exit 77
fi
if [ ! -r "$LIB" ]; then
    echo "skipped: onnxruntime-node@$VERSION has no $LIB"
    exit 77
fi
echo "onnxruntime: fetched $LIB"
