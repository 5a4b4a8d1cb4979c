#!/usr/bin/env python3
"""Plots Braid vs ONNX Runtime latency as an SVG bar chart.

usage: bench/plot_peer_comparison.py RAW.jsonl OUT.svg

RAW.jsonl is what `run_peer_comparison.sh --raw FILE` writes (one JSON line
per process run). For every (model, threads) pair the chart shows the ratio
of Braid's median latency to ONNX Runtime's (each the median over rounds of a
process's median), with reference lines at 1.0 (parity) and 1.5.
Standard library only.
"""
import json
import statistics
import sys
from xml.sax.saxutils import escape


def ratios(rows):
    keys = []
    for r in rows:
        key = (r["model"], r["threads"])
        if key not in keys:
            keys.append(key)
    out = []
    for model, threads in keys:
        medians = {}
        for runtime in ("braid", "ort"):
            vals = [r.get("median_ms") for r in rows if r["model"] == model
                    and r["threads"] == threads and r["runtime"] == runtime]
            if vals and None not in vals:
                medians[runtime] = statistics.median(vals)
        if len(medians) == 2 and medians["ort"] > 0:
            out.append((model, threads, medians["braid"] / medians["ort"]))
    return out


def svg(bars):
    width, height = 760, 360
    left, right, top, bottom = 60, 20, 40, 90
    plot_w, plot_h = width - left - right, height - top - bottom
    top_ratio = max([2.0] + [b[2] * 1.1 for b in bars])
    y = lambda v: top + plot_h * (1 - v / top_ratio)
    slot = plot_w / max(1, len(bars))
    colors = {1: "#4c72b0", 2: "#dd8452"}
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
        'font-family="sans-serif" font-size="11">' % (width, height),
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="%d" y="20" font-size="14">Braid median latency / ONNX Runtime '
        'median latency (lower is better)</text>' % left,
    ]
    for v in (0.5, 1.0, 1.5, 2.0):
        if v > top_ratio:
            continue
        dash = ' stroke-dasharray="4,3"' if v != 1.0 else ""
        parts.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#888"%s/>'
                     % (left, width - right, y(v), y(v), dash))
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%.1f</text>'
                     % (left - 6, y(v) + 4, v))
    for i, (model, threads, ratio) in enumerate(bars):
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                     % (x, y(ratio), w, y(0) - y(ratio), colors.get(threads, "#55a868")))
        parts.append('<text x="%.1f" y="%.1f" text-anchor="middle">%.2f</text>'
                     % (x + w / 2, y(ratio) - 4, ratio))
        label = "%s t=%d" % (model, threads)
        parts.append('<text transform="translate(%.1f,%d) rotate(-40)" '
                     'text-anchor="end">%s</text>' % (x + w / 2, top + plot_h + 14, escape(label)))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    rows = [json.loads(line) for line in open(argv[1]) if line.strip()]
    bars = ratios(rows)
    if not bars:
        sys.exit("plot_peer_comparison.py: no model has both a Braid and an ORT measurement in %s" % argv[1])
    with open(argv[2], "w") as f:
        f.write(svg(bars))


if __name__ == "__main__":
    main(sys.argv)
