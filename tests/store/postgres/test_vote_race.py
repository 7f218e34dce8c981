"""Votes on one idea from many threads and processes at once: every idea's tallies (kept on
its row for the listings) equal its votes, and no vote is counted twice."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from feedback_app.store import BoardQuery, Idea, Store, open_store
from tests.conftest import Backend
from tests.store.processes import run_together

pytestmark = pytest.mark.backends("postgresql")

VOTERS = 40


def _consistent(store: Store, idea_id: int) -> tuple[int, int]:
    """The tallies the listing shows, after checking them against the votes themselves."""
    voters = store.votes.voters(idea_id)
    counted = (sum(v > 0 for v in voters.values()), sum(v < 0 for v in voters.values()))
    assert store.votes.tally(idea_id) == counted
    summary = store.ideas.summary(idea_id)
    assert (summary.promotes, summary.demotes) == counted, "the idea's row agrees"
    listed = store.ideas.list(BoardQuery(sort="top")).items
    assert [(s.promotes, s.demotes) for s in listed if s.idea.id == idea_id] == [counted]
    return counted


def test_threads_racing_on_the_same_votes_count_each_once(store: Store, backend: Backend) -> None:
    idea = store.ideas.add(Idea("Oat milk at no extra charge", "d", "Drinks", 1)).id
    stores = [backend.open() for _ in range(8)]
    start = threading.Barrier(len(stores))
    failures: list[BaseException] = []

    def vote(worker: int, other: Store) -> None:
        rng = random.Random(worker)
        start.wait()
        try:
            for _ in range(3):  # every worker votes for every voter: the same rows, at once
                for voter in rng.sample(range(VOTERS), VOTERS):
                    other.votes.cast(idea, voter, rng.choice([1, 1, -1, 0]))
        except BaseException as exc:  # reported below, with the test's own assertion
            failures.append(exc)

    threads = [threading.Thread(target=vote, args=(n, s)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    _consistent(store, idea)
    for voter in range(VOTERS):  # and a last, known vote from each settles every row
        store.votes.cast(idea, voter, 1 if voter % 4 else -1)
    assert _consistent(store, idea) == (30, 10)


def _voter(settings: dict[str, Any], worker: int, idea: int, start: Any) -> None:
    store = open_store(settings)
    rng = random.Random(100 + worker)
    start.wait()
    for voter in rng.sample(range(VOTERS), VOTERS):
        store.votes.cast(idea, voter, 1)
        store.votes.cast(idea, 10_000 + worker * VOTERS + voter, rng.choice([1, -1]))
    store.close()


def test_processes_voting_at_once_lose_and_double_nothing(store: Store, backend: Backend) -> None:
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1)).id
    run_together(_voter, [(backend.settings, n, idea) for n in range(4)])
    up, down = _consistent(store, idea)
    assert up + down == VOTERS + 4 * VOTERS, "the shared voters once, each worker's own once"
    assert up >= VOTERS
