"""Shared helpers for the benchmarks: percentiles, the table, the JSON file."""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["Target", "peak_rss_mb", "percentile", "report", "timed"]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds taken by each of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), percentile(samples, 95)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Target:
    """A figure with the bound the issue set for it."""

    def __init__(self, value: Any, limit: float | None = None, at_least: bool = False) -> None:
        self.value, self.limit, self.at_least = value, limit, at_least

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return ""
        ok = self.value >= self.limit if self.at_least else self.value <= self.limit
        return "ok" if ok else "MISSED"

    @property
    def bound(self) -> str:
        if self.limit is None:
            return ""
        return f"{'>=' if self.at_least else '<='} {self.limit:g}"


def report(
    title: str, rows: dict[str, Target], json_path: Path | None, extra: dict[str, Any] | None = None
) -> bool:
    """Print a Markdown table (for the README) and write the JSON (the rows' values, and
    `extra` as it is); True when all targets are met."""
    print(f"\n{title}\n")
    print("| metric | value | target | |")
    print("|---|---:|---|---|")
    for name, t in rows.items():
        value = f"{t.value:.2f}" if isinstance(t.value, float) else str(t.value)
        print(f"| {name} | {value} | {t.bound} | {t.verdict} |")
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        figures = {**{k: t.value for k, t in rows.items()}, **(extra or {})}
        figures["targets"] = {k: f"{t.bound} {t.verdict}" for k, t in rows.items() if t.bound}
        json_path.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"\nwrote {json_path}")
    return all(t.verdict != "MISSED" for t in rows.values())
