"""Store benchmark: votes and listings through the store, beside a reference in the same run.

    python -m benchmarks.store --backend tinydb|postgresql --scale default|ideastorm [--json FILE]

Seeds a board (default: 10,000 ideas, 100,000 votes, 20,000 comments; ideastorm: 20,000
ideas, 1,000,000 votes, 100,000 comments), then measures one process's vote writes, one
idea's page, and list reads: every sort with every filter, page 1 and page 50. Then rounds
of 4 processes casting votes at once, each round first the reference (see reference.py: plain
SQL on PostgreSQL, durable atomic file replaces for TinyDB), then the store; every vote the
store acknowledged is counted afterwards by a fresh store, with its idea's tally.
Prints Markdown tables; `--json` writes the figures (list_cases: p95 per case).
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.backends import bench_store, settle
from benchmarks.common import Target, p50_p95, peak_rss_mb, report, timed
from benchmarks.dataset import (
    FIRST_SEEDED_USER,
    TAGS,
    USERS,
    board_arguments,
    parse_board_arguments,
    seed_board,
)
from benchmarks.reference import replace_files, sql_votes
from feedback_app.store import SORTS, BoardQuery, IdeaStatus, open_store

NEW_VOTER = FIRST_SEEDED_USER + USERS  # above every seeded person: each vote is a new one
PROCESSES = 4
# Every filter the board offers, one typical value each. The text matches most ideas (the
# seeded texts use 15 words): the dearest case for a search.
FILTERS: dict[str, dict[str, Any]] = {
    "all": {},
    "category": {"category": "Drinks"},
    "status": {"statuses": frozenset({IdeaStatus.PLANNED})},
    "tag": {"tag": TAGS[0]},
    "text": {"text": "oat milk"},
    "mine": {"author_id": FIRST_SEEDED_USER + 7},
    "voted": {"voted_by": FIRST_SEEDED_USER + 11},
}
PAGES = (1, 50)
# (votes per process per round, targets) per backend
PLANS: dict[str, dict[str, Any]] = {
    "postgresql": {"votes": 1500, "vote_p95": 5, "list_p95": 10, "per_s": 2000, "ratio": 0.7},
    "tinydb": {"votes": 250, "vote_p95": 10, "list_p95": 5, "per_s": 300, "ratio": 0.5},
}


def _voter(settings: dict[str, Any], worker: int, first_user: int, ideas: list[int], count: int,
           ready: Any, go: Any, out: Any) -> None:  # fmt: skip
    store = open_store(settings)
    rng = random.Random(worker)
    store.votes.value(ideas[0], first_user)  # connect, read once: the round times votes only
    ready.put(True)
    go.wait()
    latencies, voted = [], set()
    for n in range(count):
        idea = rng.choice(ideas)
        start = time.perf_counter()
        store.votes.cast(idea, first_user + n, 1)
        latencies.append((time.perf_counter() - start) * 1000)
        voted.add(idea)
    out.put((latencies, voted))


def _reference(settings: dict[str, Any], worker: int, first_user: int, ideas: list[int],
               count: int, ready: Any, go: Any, out: Any) -> None:  # fmt: skip
    ready.put(True)
    go.wait()
    if settings["DATABASE_URL"]:
        out.put((sql_votes(settings["DATABASE_URL"], ideas, first_user, count, worker), set()))
    else:
        out.put((replace_files(Path(settings["DATA_DIR"]).parent / "ceiling", count, worker),
                 set()))  # fmt: skip


def _round(target: Any, settings: dict[str, Any], first_user: int, ideas: list[int],
           count: int) -> tuple[float, list[float], set[int]]:  # fmt: skip
    """Run `target` in 4 processes at once: (seconds from go to the last vote, latencies,
    ideas voted on)."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=target, args=(settings, w, first_user + w * 1_000_000, ideas, count,
                                         ready, go, out))
        for w in range(PROCESSES)
    ]  # fmt: skip
    for p in workers:
        p.start()
    for _ in workers:
        ready.get(timeout=120)
    start = time.perf_counter()
    go.set()
    results = [out.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - start
    for p in workers:
        p.join()
    return elapsed, [x for r in results for x in r[0]], set().union(*(r[1] for r in results))


def _list_cases(store: Any, samples: int) -> dict[str, list[float]]:
    cases = {}
    for sort in SORTS:
        for name, filters in FILTERS.items():
            for page in PAGES:
                query = BoardQuery(sort=sort, page=page, **filters)
                store.ideas.list(query)  # warm: a backend may build a ranking once
                cases[f"{sort}/{name}/p{page}"] = timed(lambda q=query: store.ideas.list(q),
                                                        samples)  # fmt: skip
    return cases


def _print_cases(cases: dict[str, list[float]]) -> None:
    print("\nlist read p95 ms per case (sort x filter, page 1 / page 50)\n")
    print("| sort | " + " | ".join(FILTERS) + " |")
    print("|---|" + "---:|" * len(FILTERS))
    for sort in SORTS:
        cells = [
            " / ".join(f"{p50_p95(cases[f'{sort}/{name}/p{page}'])[1]:.1f}" for page in PAGES)
            for name in FILTERS
        ]
        print(f"| {sort} | " + " | ".join(cells) + " |")


def _miscounted(settings: dict[str, Any], expected: int, voted: set[int]) -> int:
    """Votes missing from a fresh store, plus ideas whose kept tally disagrees with their
    votes (each counted once)."""
    fresh = open_store(settings)
    try:
        missing = abs(expected - fresh.votes.count())
        wrong = 0
        for idea in voted:
            summary = fresh.ideas.summary(idea)
            wrong += (summary.promotes, summary.demotes) != fresh.votes.tally(idea)
        return missing + wrong
    finally:
        fresh.close()


def main(argv: list[str] | None = None) -> int:
    parser = board_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=300, help="single-process votes")
    parser.add_argument("--list-samples", type=int, default=20, help="reads per list case")
    parser.add_argument("--rounds", type=int, default=2, help="concurrent rounds")
    parser.add_argument("--concurrent-votes", type=int, help="votes per process per round")
    args = parse_board_arguments(parser, argv)
    plan = PLANS[args.backend]
    per_process = args.concurrent_votes or plan["votes"]

    with tempfile.TemporaryDirectory(prefix="voicebox-bench-") as tmp, \
            bench_store(args.backend, Path(tmp)) as (store, settings):  # fmt: skip
        print(f"{args.backend}: seeding {args.ideas:,} ideas, {args.votes:,} votes, "
              f"{args.comments:,} comments")  # fmt: skip
        start = time.perf_counter()
        ideas = seed_board(store, args.ideas, args.votes, args.comments)
        seeded_s = time.perf_counter() - start
        print(f"seeded in {seeded_s:.1f} s")

        rng = random.Random(3)
        settle(settings)
        store.ideas.list(BoardQuery())
        voter = iter(range(NEW_VOTER, NEW_VOTER + 10**6))
        write = timed(lambda: store.votes.cast(rng.choice(ideas), next(voter), 1), args.samples)
        one = timed(lambda: store.ideas.summary(rng.choice(ideas)), args.samples)
        cases = _list_cases(store, args.list_samples)

        store_s = reference_s = 0.0
        store_latencies: list[float] = []
        lost = 0
        for n in range(args.rounds):
            first = NEW_VOTER + 100_000_000 * (n + 1)
            settle(settings)
            elapsed, _, _ = _round(_reference, settings, first, ideas, per_process)
            reference_s += elapsed
            before = store.votes.count()
            settle(settings)
            elapsed, latencies, voted = _round(_voter, settings, first + 50_000_000, ideas,
                                               per_process)  # fmt: skip
            store_s += elapsed
            store_latencies += latencies
            lost += _miscounted(settings, before + len(latencies), voted)
            print(f"round {n + 1}: store {len(latencies) / elapsed:.0f} votes/s")

    all_lists = [x for samples in cases.values() for x in samples]
    total = PROCESSES * per_process * args.rounds
    store_rate, reference_rate = total / store_s, total / reference_s
    ceiling = "plain SQL" if args.backend == "postgresql" else "file replaces"
    targets = args.backend == "postgresql" or args.scale == "default"
    rows = {
        "backend": Target(args.backend),
        "scale": Target(args.scale),
        "seed_s": Target(seeded_s),
        "vote_write_p50_ms": Target(p50_p95(write)[0]),
        "vote_write_p95_ms": Target(p50_p95(write)[1], plan["vote_p95"] if targets else None),
        "idea_read_p95_ms": Target(p50_p95(one)[1]),
        "list_read_p50_ms": Target(p50_p95(all_lists)[0]),
        "list_read_p95_ms": Target(p50_p95(all_lists)[1], plan["list_p95"] if targets else None),
        "list_read_worst_case_p95_ms": Target(max(p50_p95(s)[1] for s in cases.values())),
        "concurrent_votes_per_s": Target(store_rate, plan["per_s"] if targets else None, True),
        "concurrent_vote_p95_ms": Target(p50_p95(store_latencies)[1]),
        "reference_votes_per_s": Target(reference_rate),
        "reference_ratio": Target(store_rate / reference_rate,
                                  plan["ratio"] if targets else None, True),
        "peak_rss_mb": Target(peak_rss_mb()),
        "lost_writes": Target(lost, 0),
    }  # fmt: skip
    _print_cases(cases)
    ok = report(
        f"Store benchmark, {args.backend} at {args.scale} scale: {args.ideas:,} ideas, "
        f"{args.votes:,} votes, {args.comments:,} comments; {PROCESSES} processes x "
        f"{per_process} votes x {args.rounds} rounds, reference: {ceiling} in the same run",
        rows,
        args.json,
        {"list_cases": {name: round(p50_p95(s)[1], 3) for name, s in cases.items()}},
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
