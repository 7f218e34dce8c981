"""Print several benchmark runs side by side: one column per JSON file written with --json.

    python -m benchmarks.side_by_side out/store-*.json

Rows are the metrics in the order the first file has them; a cell shows the value and, where
the run had a target for it, the target and whether it was met (✓) or missed (✗).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["main", "table"]

_SKIP = {"targets", "list_cases", "backend", "scale"}


def _cell(run: dict[str, Any], name: str) -> str:
    value = run.get(name)
    if value is None:
        return "–"
    text = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
    target = run.get("targets", {}).get(name)
    if not target:
        return text
    bound, verdict = target.rsplit(" ", 1)
    bound = bound.replace(">=", "≥").replace("<=", "≤")
    return f"{text} ({bound} {'✓' if verdict == 'ok' else '✗'})"


def table(runs: list[dict[str, Any]]) -> str:
    """The Markdown table of `runs` (each a benchmark's JSON), one column per run."""
    names = [n for n in runs[0] if n not in _SKIP]
    names += [n for run in runs[1:] for n in run if n not in _SKIP and n not in names]
    heads = [f"{run.get('backend', '?')} · {run.get('scale', '?')}" for run in runs]
    lines = ["| metric | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(runs)]
    lines += [f"| {n} | " + " | ".join(_cell(run, n) for run in runs) + " |" for n in names]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    print(table([json.loads(f.read_text()) for f in args.files]))


if __name__ == "__main__":
    main()
