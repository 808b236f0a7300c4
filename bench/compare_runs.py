"""
Compare several ``make bench`` runs (their results.json files): per scenario, throughput as a share of the
floor measured in the same run, and p99, for each run and as the median of a group of runs.

    python -m bench.compare_runs before=var/a.json,var/b.json after=var/c.json,var/d.json

Prints a Markdown table. Ratios are within a run (each run's own floor, the mean of the floor before and after
the endpoints); the spread is the lowest and highest of the group.
"""

import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROWS = ["floor", "overview", "step", "quiz", "dashboard", "catalogue", "verify"]


def _load(path: str) -> dict[str, Any]:
    results = json.loads(Path(path).read_text())
    web = results["web"]
    floor = web["floor_throughput"]
    by_name = {r["name"]: r for r in web["endpoints"]}
    rows: dict[str, dict[str, Any]] = {
        "floor": {
            "label": "Floor: bare Django view",
            "rps": floor,
            "share": None,
            "p99": max(r["p99_ms"] for r in web["floor"]),
            "floors": [round(r["throughput"]) for r in web["floor"]],
        }
    }
    for name in ROWS[1:]:
        if name in by_name:
            r = by_name[name]
            rows[name] = {
                "label": r["label"],
                "rps": r["throughput"],
                "share": r["throughput"] / floor,
                "p99": r["p99_ms"],
            }
    return rows


def _fmt_share(values: list[float]) -> str:
    if not values:
        return "–"
    median = statistics.median(values)
    spread = f" ({min(values) * 100:.1f}–{max(values) * 100:.1f})" if len(values) > 1 else ""
    return f"{median * 100:.1f} %{spread}"


def main() -> None:
    groups = []
    for arg in sys.argv[1:]:
        name, paths = arg.split("=", 1)
        groups.append((name, [_load(p) for p in paths.split(",")]))
    header = (
        "| scenario | "
        + " | ".join(
            f"{name}: req/s per run | {name}: of floor, median (range) | {name}: p99 ms per run" for name, _ in groups
        )
        + " |"
    )
    print(header)
    print("|---|" + "--:|--:|--:|" * len(groups))
    for row in ROWS:
        label = next((run[row]["label"] for _, runs in groups for run in runs if row in run), row)
        cells = []
        for _name, runs in groups:
            present = [run[row] for run in runs if row in run]
            if row == "floor":
                cells.append(" / ".join("–".join(str(f) for f in r["floors"]) for r in present))
                cells.append("–")
            else:
                cells.append(" / ".join(f"{r['rps']:.1f}" for r in present) or "–")
                cells.append(_fmt_share([r["share"] for r in present]))
            cells.append(" / ".join(f"{r['p99']:,.0f}" for r in present) or "–")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
