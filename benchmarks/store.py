"""Store benchmark: the sharded, cached store against naive TinyDB on the same data.

    python -m benchmarks.store [--json FILE] [--ideas 10000 --votes 100000 --comments 20000]

Seeds a board, then in the same run measures a vote write, a list read (first page of the
trending board, and of one category's board) and one idea read, through the store and through
TinyDB used as its docs show (default JSONStorage, one file). Then 4 processes cast 250 votes
each on the same folder, and one process lists right after another voted. Prints a Markdown
table; `--json` writes it.
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from benchmarks.common import Target, p50_p95, peak_rss_mb, report, timed
from benchmarks.dataset import FIRST_SEEDED_USER, USERS, board_arguments, seed_board
from feedback_app.store import BoardQuery, TinyStore

NEW_VOTER = FIRST_SEEDED_USER + USERS  # above every seeded person: each vote is a new one


def _concurrent_voter(root: str, worker: int, ideas: list[int], count: int, out: Any) -> None:
    store = TinyStore(root)
    rng = random.Random(worker)
    latencies = []
    for n in range(count):
        idea, user = rng.choice(ideas), NEW_VOTER + 1_000_000 * (worker + 1) + n
        start = time.perf_counter()
        store.votes.cast(idea, user, 1)
        latencies.append((time.perf_counter() - start) * 1000)
    out.put(latencies)


def _foreign_voter(root: str, ideas: list[int], commands: Any, acks: Any) -> None:
    store = TinyStore(root)
    rng = random.Random(99)
    n = 0
    while commands.get():
        store.votes.cast(rng.choice(ideas), NEW_VOTER + 50_000_000 + n, 1)
        n += 1
        acks.put(n)


def _naive(root: str, ideas: int, votes: int, comments: int, out: Any) -> None:
    """TinyDB as its README uses it: one JSON file, Query lookups, score kept on the idea."""
    scratch = TinyStore(Path(root) / "source")
    ids = seed_board(scratch, ideas, votes, comments)
    db = TinyDB(Path(root) / "naive.json")
    tallies = scratch.votes.tallies()
    by_new_id = {}
    idea_docs = []
    for n, idea in enumerate(scratch.ideas.all(), start=1):
        up, down = tallies.get(idea.id, (0, 0))
        idea_docs.append({**idea.to_doc(), "score": up - down})
        by_new_id[idea.id] = n
    db.table("ideas").insert_multiple(idea_docs)
    db.table("votes").insert_multiple(
        {"idea_id": by_new_id[i], "user_id": u, "value": v}
        for i in ids
        for u, v in scratch.votes.voters(i).items()
    )
    db.table("comments").insert_multiple(
        {**c.to_doc(), "idea_id": by_new_id[c.idea_id]} for i in ids for c in
        scratch.comments.for_idea(i)
    )  # fmt: skip
    rng = random.Random(7)
    vote, idea_q = Query(), Query()

    def cast() -> None:
        idea, user = rng.randrange(1, ideas + 1), NEW_VOTER + rng.randrange(1_000_000)
        db.table("votes").upsert(
            {"idea_id": idea, "user_id": user, "value": 1},
            (vote.idea_id == idea) & (vote.user_id == user),
        )
        doc = db.table("ideas").get(doc_id=idea)
        db.table("ideas").update({"score": doc["score"] + 1}, doc_ids=[idea])

    def list_page() -> None:
        sorted(db.table("ideas").all(), key=lambda d: d["score"], reverse=True)[:20]

    def read_one() -> None:
        idea = rng.randrange(1, ideas + 1)
        db.table("ideas").get(doc_id=idea)
        db.table("comments").count(idea_q.idea_id == idea)

    out.put({"write": timed(cast, 15), "list": timed(list_page, 15), "read": timed(read_one, 15)})


def main(argv: list[str] | None = None) -> int:
    parser = board_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args(argv)
    ctx = multiprocessing.get_context("spawn")

    with tempfile.TemporaryDirectory(prefix="voicebox-bench-") as tmp:
        root = Path(tmp) / "data"
        print(f"seeding {args.ideas:,} ideas, {args.votes:,} votes, {args.comments:,} comments")
        start = time.perf_counter()
        store = TinyStore(root)
        ideas = seed_board(store, args.ideas, args.votes, args.comments)
        print(f"seeded in {time.perf_counter() - start:.1f} s")

        naive_out = ctx.Queue()
        naive = ctx.Process(
            target=_naive, args=(str(Path(tmp) / "naive"), args.ideas, args.votes, args.comments,
                                 naive_out),
        )  # fmt: skip
        naive.start()

        rng = random.Random(3)
        store.ideas.list(BoardQuery())  # warm: the first read parses every file once
        vote_n = iter(range(10**9))
        write = timed(lambda: store.votes.cast(rng.choice(ideas), NEW_VOTER + next(vote_n), 1),
                      args.samples)  # fmt: skip
        listing = timed(lambda: store.ideas.list(BoardQuery()), args.samples)
        filtered = timed(
            lambda: store.ideas.list(BoardQuery(category="Drinks")),
            args.samples,
        )
        one = timed(lambda: store.ideas.summary(rng.choice(ideas)), args.samples)

        commands, acks = ctx.Queue(), ctx.Queue()
        foreign = ctx.Process(target=_foreign_voter, args=(str(root), ideas, commands, acks))
        foreign.start()
        after_foreign = []
        for _ in range(min(100, args.samples)):
            commands.put(True)
            acks.get()
            after_foreign += timed(lambda: store.ideas.list(BoardQuery()), 1)
        commands.put(False)
        foreign.join()

        naive_result = naive_out.get()
        naive.join()

        before = store.votes.count()
        out = ctx.Queue()
        voters = [
            ctx.Process(target=_concurrent_voter, args=(str(root), w, ideas, 250, out))
            for w in range(4)
        ]
        start = time.perf_counter()
        for p in voters:
            p.start()
        concurrent = [x for _ in voters for x in out.get()]
        for p in voters:
            p.join()
        elapsed = time.perf_counter() - start
        lost = before + 1000 - store.votes.count()

    w50, w95 = p50_p95(write)
    l50, l95 = p50_p95(listing)
    f50, f95 = p50_p95(filtered)
    o50, o95 = p50_p95(one)
    nw50, nw95 = p50_p95(naive_result["write"])
    nl50, nl95 = p50_p95(naive_result["list"])
    _, no95 = p50_p95(naive_result["read"])
    rows = {
        "vote_write_p50_ms": Target(w50),
        "vote_write_p95_ms": Target(w95, 10),
        "list_read_p50_ms": Target(l50),
        "list_read_p95_ms": Target(l95, 5),
        "filtered_list_read_p50_ms": Target(f50),
        "filtered_list_read_p95_ms": Target(f95, 5),
        "list_read_after_foreign_write_p95_ms": Target(p50_p95(after_foreign)[1], 10),
        "idea_read_p50_ms": Target(o50),
        "idea_read_p95_ms": Target(o95),
        "naive_vote_write_p95_ms": Target(nw95),
        "naive_list_read_p95_ms": Target(nl95),
        "naive_idea_read_p95_ms": Target(no95),
        "write_speedup": Target(nw50 / w50, 50, at_least=True),
        "read_speedup": Target(nl50 / l50, 100, at_least=True),
        "concurrent_votes_per_s": Target(1000 / elapsed, 300, at_least=True),
        "concurrent_vote_p95_ms": Target(p50_p95(concurrent)[1], 30),
        "peak_rss_mb": Target(peak_rss_mb(), 300),
        "lost_writes": Target(lost, 0),
    }
    ok = report(
        f"Store benchmark: {args.ideas:,} ideas, {args.votes:,} votes, {args.comments:,} comments "
        "(speedups compare medians measured in this run)",
        rows,
        args.json,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
