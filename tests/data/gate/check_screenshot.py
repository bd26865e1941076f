#!/usr/bin/env python3
"""Check that a Chromium screenshot of an edgebench HTML report shows drawn
charts: decodes the PNG (zlib + PNG row filters, no imaging library needed)
and counts pixels of the chart palette (reports/svg.c). A page whose SVGs
failed to render is white and grey text only.

usage: /usr/bin/python3 check_screenshot.py SHOT.png [--min-pixels N] [--min-colours K]
Prints the pixel count of each palette colour found (of the pixels sampled:
every second one of every second row).
"""
import argparse
import struct
import sys
import zlib

PALETTE = {"blue": (0x1f, 0x77, 0xb4), "red": (0xd6, 0x27, 0x28), "green": (0x2c, 0xa0, 0x2c),
           "orange": (0xff, 0x7f, 0x0e), "purple": (0x94, 0x67, 0xbd)}


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            if depth != 8 or ctype not in (2, 6):
                raise SystemExit("%s: unsupported PNG (depth %d, colour type %d)" % (path, depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("--min-pixels", type=int, default=100)
    ap.add_argument("--min-colours", type=int, default=2)
    a = ap.parse_args()
    w, h, bpp, rows = read_png(a.png)
    counts = {k: 0 for k in PALETTE}
    # every second pixel of every second row: a chart's lines are wider than that
    for row in rows[::2]:
        for x in range(0, w * bpp, 2 * bpp):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if r > 230 and g > 230 and b > 230:
                continue  # background
            for name, (pr, pg, pb) in PALETTE.items():
                if abs(r - pr) < 24 and abs(g - pg) < 24 and abs(b - pb) < 24:
                    counts[name] += 1
    print("%dx%d: %s" % (w, h, ", ".join("%s %d" % kv for kv in counts.items())))
    drawn = [k for k, v in counts.items() if v >= a.min_pixels]
    if len(drawn) < a.min_colours:
        print("charts not rendered: fewer than %d palette colours with %d+ pixels" %
              (a.min_colours, a.min_pixels), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
