"""Several processes writing one data folder at once, and a writer killed mid-flight."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from feedback_app.store import Idea, TinyStore

PROCESSES = 4
WRITES = 250


def _comment_writer(root: str, worker: int, idea_ids: list[int]) -> None:
    store = TinyStore(root)
    for n in range(WRITES):
        store.comments.add(idea_ids[n % len(idea_ids)], worker, f"worker {worker} comment {n}")


def _voter(root: str, worker: int, idea_ids: list[int]) -> None:
    store = TinyStore(root)
    for n in range(WRITES):
        store.votes.cast(idea_ids[n % len(idea_ids)], worker * 10_000 + n, 1)


def _run_workers(target: object, root: Path, idea_ids: list[int]) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=target, args=(str(root), w, idea_ids))  # type: ignore[arg-type]
        for w in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0


def _all_files_valid(root: Path) -> None:
    """Every data file is whole: its data line and each change after it parse, and no line
    was cut short; every record decodes with its model."""
    files = list(root.glob("*/*.json"))
    assert files
    for f in files:
        raw = f.read_bytes()
        assert raw.endswith(b"\n"), f"{f} ends in a line cut short"
        data, *changes = raw.splitlines()
        assert isinstance(orjson.loads(data), dict)
        assert all(isinstance(orjson.loads(line), list) for line in changes)
    TinyStore(root).check()


def test_four_processes_insert_1000_records_without_loss_or_id_reuse(data_dir: Path) -> None:
    store = TinyStore(data_dir)
    ideas = [store.ideas.add(Idea(f"idea {n}", "d", "c", 1)).id for n in range(2)]
    _run_workers(_comment_writer, data_dir, ideas)
    found = [c for i in ideas for c in store.comments.for_idea(i)]
    assert len(found) == PROCESSES * WRITES
    assert len({c.id for c in found}) == PROCESSES * WRITES, "every id is unique"
    assert store.comments.count() == PROCESSES * WRITES
    _all_files_valid(data_dir)


def test_four_processes_cast_1000_votes_without_loss(data_dir: Path) -> None:
    store = TinyStore(data_dir)
    ideas = [store.ideas.add(Idea(f"idea {n}", "d", "c", 1)).id for n in range(3)]
    _run_workers(_voter, data_dir, ideas)
    assert store.votes.count() == PROCESSES * WRITES
    assert sum(up for up, _ in store.votes.tallies().values()) == PROCESSES * WRITES
    _all_files_valid(data_dir)


CRASHING_WRITER = textwrap.dedent(
    """
    import sys
    from feedback_app.store import TinyStore
    from feedback_app.store.tinydb import storage
    if sys.argv[3] == "rewrite-often":  # fold the journal into the file every few writes
        storage._COMPACT_AT_LEAST = 0
    store = TinyStore(sys.argv[1])
    idea = int(sys.argv[2])
    n = 0
    while True:
        comment = store.comments.add(idea, 1, f"comment {n}")
        store.votes.cast(idea, 100_000 + n, 1)
        print(comment.id, 100_000 + n, flush=True)
        n += 1
    """
)


@pytest.mark.parametrize("journal", ["append", "rewrite-often"])
def test_every_acknowledged_write_survives_kill_9(data_dir: Path, journal: str) -> None:
    """Killed while appending a change, or while folding changes into a rewritten file."""
    store = TinyStore(data_dir)
    idea = store.ideas.add(Idea("crash me", "d", "c", 1)).id
    acknowledged: list[tuple[int, int]] = []
    for delay in (0.3, 0.7, 1.1):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASHING_WRITER, str(data_dir), str(idea), journal],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # the child is running and writing
        acknowledged.append(tuple(map(int, first.split())))  # type: ignore[arg-type]
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        # Only whole lines count: a line cut short by the kill was never acknowledged.
        whole_lines = rest.split("\n")[:-1]
        acknowledged += [tuple(map(int, line.split())) for line in whole_lines]  # type: ignore[misc]
    after = TinyStore(data_dir)
    after.check()
    comment_ids = {c.id for c in after.comments.for_idea(idea)}
    voters = set(after.votes.voters(idea))
    missing = [(c, u) for c, u in acknowledged if c not in comment_ids or u not in voters]
    assert len(acknowledged) > 10
    assert missing == []
