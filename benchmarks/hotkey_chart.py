#!/usr/bin/env python3
"""Draws hot-key throughput against threads from RedisRateLimitBenchmark's JMH JSON results.

Usage: python3 benchmarks/hotkey_chart.py OUT.svg RESULT.json [RESULT.json ...]

Each RESULT.json is what `java -jar benchmarks.jar ... -t N -rf json -rff RESULT.json` writes (one file
per thread count, or one file holding several). The chart has one line per limiter -- ours, the
Spring-Cloud-Gateway-style script and Bucket4j's CAS proxy, all on one hot key -- with decisions per
second on a logarithmic axis. Standard library only: the SVG is written by hand.
"""
import json
import math
import sys

SERIES = [
    ("oursRedisHotKey", "ours (coalesced EVALSHA)", "#1f77b4"),
    ("scgStyleLuaHotKey", "SCG-style single Lua script", "#ff7f0e"),
    ("bucket4jCasHotKey", "Bucket4j CAS proxy", "#2ca02c"),
]


def load(paths):
    """Returns {benchmark method: {threads: ops/s}}."""
    points = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for run in json.load(f):
                method = run["benchmark"].rsplit(".", 1)[-1]
                metric = run["primaryMetric"]
                if metric["scoreUnit"] != "ops/s":
                    raise SystemExit(f"{path}: {method} measured in {metric['scoreUnit']}, expected ops/s")
                points.setdefault(method, {})[int(run["threads"])] = float(metric["score"])
    return points


def fmt(v):
    if v >= 1e6:
        return f"{v / 1e6:.1f} M"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k"
    return f"{v:.0f}"


def chart(points):
    series = [(m, label, colour) for m, label, colour in SERIES if m in points]
    if not series:
        raise SystemExit("no hot-key results in the input (expected " + ", ".join(s[0] for s in SERIES) + ")")
    threads = sorted({t for m, _, _ in series for t in points[m]})
    values = [v for m, _, _ in series for v in points[m].values()]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))
    if hi == lo:
        hi = lo * 10
    w, h = 720, 440
    left, right, top, bottom = 80, 230, 40, 60
    pw, ph = w - left - right, h - top - bottom

    def x(t):
        if len(threads) == 1:
            return left + pw / 2
        return left + pw * threads.index(t) / (len(threads) - 1)

    def y(v):
        return top + ph * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="15">Redis rate limiter, one hot key: decisions per second</text>']
    decade = lo
    while decade <= hi:
        yy = y(decade)
        out.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{left + pw}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" text-anchor="end">{fmt(decade)}</text>')
        decade *= 10
    for t in threads:
        out.append(f'<line x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" y2="{top + ph}" stroke="#eee"/>')
        out.append(f'<text x="{x(t):.1f}" y="{top + ph + 18}" text-anchor="middle">{t}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 18}" text-anchor="middle">JMH threads</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
    for i, (method, label, colour) in enumerate(series):
        pts = sorted(points[method].items())
        path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for t, v in pts:
            out.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"/>')
            out.append(f'<text x="{x(t) + 6:.1f}" y="{y(v) - 6:.1f}" fill="{colour}">{fmt(v)}</text>')
        ly = top + 20 + 22 * i
        out.append(f'<line x1="{left + pw + 16}" y1="{ly}" x2="{left + pw + 40}" y2="{ly}" stroke="{colour}" stroke-width="2.5"/>')
        out.append(f'<text x="{left + pw + 46}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    points = load(argv[2:])
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write(chart(points))
    for method, label, _ in SERIES:
        if method in points:
            row = ", ".join(f"{t} threads {fmt(v)}/s" for t, v in sorted(points[method].items()))
            print(f"{label}: {row}")


if __name__ == "__main__":
    main(sys.argv)
