"""Running several processes against one store at the same moment."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any


def run_together(target: Callable[..., None], calls: list[tuple[Any, ...]]) -> None:
    """Run `target(*args, start)` in a spawned process for each args of `calls`; `start` is
    an event each waits on, set once all have started, so their work overlaps. Returns once
    every process has exited, each with status 0."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=target, args=(*args, start)) for args in calls]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0, f"a worker ended with {worker.exitcode}"
