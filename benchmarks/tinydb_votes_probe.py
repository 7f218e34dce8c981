"""Probe: TinyDB durable votes/s from 4 processes against the machine's own ceiling.

    python -m benchmarks.tinydb_votes_probe [--ideas 10000 --votes 100000 --per-process 500]

Seeds a board, then in one run measures, with every process started, its store opened and
warmed before a shared start signal (so process start-up is not counted):

* the ceiling: 4 processes each replacing its own 4 KB file atomically and durably
  (`feedback_app.files.replace_file`: write, fsync, rename, fsync of the folder), measured
  before and after the votes and averaged, since the disk's pace drifts;
* 4 processes casting new votes on random ideas through the store (with `--hot`, all on one
  idea: every vote then waits for the same file's lock);
* one vote's latency in a single process, and `ideas.list` right after another process voted.

Prints one line of figures per measure and the ratio the issue sets (votes/s ≥ 50 % of the
ceiling). A probe for the TinyDB backend's own work; `benchmarks/store.py` is the benchmark.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import p50_p95, timed
from benchmarks.dataset import FIRST_SEEDED_USER, USERS, seed_board
from feedback_app.files import replace_file
from feedback_app.store import BoardQuery, TinyStore

PROCESSES = 4
NEW_VOTER = FIRST_SEEDED_USER + USERS


def _replacer(folder: str, worker: int, count: int, start: Any, out: Any) -> None:
    path = Path(folder) / f"ref-{worker}.bin"
    payload = os.urandom(4096)
    start.wait()
    began = time.perf_counter()
    for _ in range(count):
        os.close(replace_file(path, payload))
    out.put(time.perf_counter() - began)


def _voter(root: str, worker: int, ideas: list[int], count: int, start: Any, out: Any) -> None:
    store = TinyStore(root)
    store.votes.count()  # warm: every vote file parsed once, as in a long-running server
    rng = random.Random(worker)
    latencies = []
    start.wait()
    for n in range(count):
        idea, user = rng.choice(ideas), NEW_VOTER + 1_000_000 * (worker + 1) + n
        began = time.perf_counter()
        store.votes.cast(idea, user, 1)
        latencies.append((time.perf_counter() - began) * 1000)
    out.put(latencies)


def _run(target: Any, args: tuple[Any, ...]) -> tuple[float, list[Any]]:
    """Start PROCESSES workers, release them together; wall seconds and their results."""
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(PROCESSES + 1), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args[:1], w, *args[1:], start, out))
             for w in range(PROCESSES)]  # fmt: skip
    for p in procs:
        p.start()
    start.wait()
    began = time.perf_counter()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join()
    return elapsed, results


def _foreign_voter(root: str, ideas: list[int], commands: Any, acks: Any) -> None:
    store = TinyStore(root)
    store.votes.count()
    rng = random.Random(99)
    n = 0
    while commands.get():
        store.votes.cast(rng.choice(ideas), NEW_VOTER + 50_000_000 + n, 1)
        n += 1
        acks.put(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--per-process", type=int, default=500)
    parser.add_argument("--hot", action="store_true", help="every vote on the same idea")
    parser.add_argument("--data", type=Path, help="a folder on the disk to measure (default /tmp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="voicebox-probe-", dir=args.data) as tmp:
        root = Path(tmp) / "data"
        began = time.perf_counter()
        store = TinyStore(root)
        ideas = seed_board(store, args.ideas, args.votes, args.comments)
        print(f"seeded {args.ideas:,} ideas, {args.votes:,} votes in "
              f"{time.perf_counter() - began:.1f} s")  # fmt: skip
        ref_folder = Path(tmp) / "reference"
        ref_folder.mkdir()
        n = args.per_process

        ref1, _ = _run(_replacer, (str(ref_folder), n))
        before = store.votes.count()
        elapsed, lat = _run(_voter, (str(root), ideas[:1] if args.hot else ideas, n))
        lost = before + PROCESSES * n - store.votes.count()
        ref2, _ = _run(_replacer, (str(ref_folder), n))

        ceiling = PROCESSES * n / ((ref1 + ref2) / 2)
        votes_per_s = PROCESSES * n / elapsed
        c50, c95 = p50_p95([x for part in lat for x in part])
        print(
            f"ceiling (4 x atomic 4 KB replace + fsync): {ceiling:,.0f}/s "
            f"(runs {PROCESSES * n / ref1:,.0f} and {PROCESSES * n / ref2:,.0f})"
        )
        print(f"store (4 x votes): {votes_per_s:,.0f}/s  ratio {votes_per_s / ceiling:.2f}  "
              f"vote p50 {c50:.2f} ms p95 {c95:.2f} ms  lost {lost}")  # fmt: skip

        store.ideas.list(BoardQuery())
        rng = random.Random(3)
        single = timed(
            lambda: store.votes.cast(rng.choice(ideas), NEW_VOTER + rng.randrange(10**8), 1), 300
        )
        s50, s95 = p50_p95(single)
        listing = timed(lambda: store.ideas.list(BoardQuery()), 300)
        l50, l95 = p50_p95(listing)
        ctx = multiprocessing.get_context("spawn")
        commands, acks = ctx.Queue(), ctx.Queue()
        foreign = ctx.Process(target=_foreign_voter, args=(str(root), ideas, commands, acks))
        foreign.start()
        after: list[float] = []
        for _ in range(200):
            commands.put(True)
            acks.get()
            after += timed(lambda: store.ideas.list(BoardQuery()), 1)
        commands.put(False)
        foreign.join()
        a50, a95 = p50_p95(after)
        print(
            f"single-process vote p50 {s50:.2f} ms p95 {s95:.2f} ms; list p50 {l50:.2f} "
            f"p95 {l95:.2f} ms; list after a foreign vote p50 {a50:.2f} p95 {a95:.2f} ms"
        )


if __name__ == "__main__":
    main()
