#!/usr/bin/env python3
"""Medians, ranges and ratios per cell from RESULT lines (bench/scripts/side-by-side.sh, or any raftlog bench --json output).

Usage: bench/scripts/summarize.py FILE...
Throughput cells (W1, W1k) compare appends/s; W2 compares p99. Lines of different generator builds are not
comparable (their measuring code differs): the generator stamp is printed beside each system.
"""
import json
import statistics
import sys


def results(paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("RESULT "):
                    yield json.loads(line[len("RESULT "):])


def main(paths):
    cells = {}
    floors = []
    for r in results(paths):
        if r.get("system", "").endswith("-floor"):
            floors.append(r)  # the machine's own ceilings, measured beside the systems
            continue
        cells.setdefault((r["workload"], r["durable"]), {}).setdefault(r["system"], []).append(r)
    for (workload, durable), systems in cells.items():
        latency = workload == "W2"
        figure = {}
        lines = []
        for system, runs in systems.items():
            if latency:
                p99 = [x["p99_us"] for x in runs]
                figure[system] = statistics.median(p99)
                lines.append(f"  {system}: p50/p99 {statistics.median(x['p50_us'] for x in runs):.0f}/{figure[system]:.0f} us"
                             f" [p99 {min(p99):.0f}-{max(p99):.0f}]")
            else:
                ops = [x["ops_per_s"] for x in runs]
                figure[system] = statistics.median(ops)
                lines.append(f"  {system}: {figure[system] / 1000:.0f}k/s [{min(ops) / 1000:.0f}-{max(ops) / 1000:.0f}k]"
                             f" p99.9 {statistics.median(x['p999_us'] for x in runs) / 1000:.2f} ms")
            lines[-1] += f" n={len(runs)} generator={runs[0].get('generator', '?')}"
        ratio = ""
        if "raftlog" in figure and len(figure) > 1:
            best = min(v for k, v in figure.items() if k != "raftlog") if latency \
                else max(v for k, v in figure.items() if k != "raftlog")
            ratio = f"raftlog / best peer {figure['raftlog'] / best:.2f}x" + (" (p99)" if latency else "")
        print(f"{workload} durable={durable} {ratio}")
        print("\n".join(lines))
    for f in floors:
        if "p99_us" in f:
            print(f"{f['system']}: p50/p99 {f['p50_us']:.0f}/{f['p99_us']:.0f} us")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
