"""Several processes writing the same data at once: nothing lost, no id given twice."""

from __future__ import annotations

from typing import Any

from feedback_app.store import BoardQuery, Idea, Store, open_store
from tests.conftest import Backend
from tests.store.processes import run_together

PROCESSES = 4
WRITES = 250


def _comment_writer(settings: dict[str, Any], worker: int, idea_ids: list[int], start: Any) -> None:
    store = open_store(settings)
    start.wait()
    for n in range(WRITES):
        store.comments.add(idea_ids[n % len(idea_ids)], worker, f"worker {worker} comment {n}")
    store.close()


def _voter(settings: dict[str, Any], worker: int, idea_ids: list[int], start: Any) -> None:
    store = open_store(settings)
    start.wait()
    for n in range(WRITES):
        store.votes.cast(idea_ids[n % len(idea_ids)], worker * 10_000 + n, 1)
    store.close()


def test_four_processes_insert_1000_records_without_loss_or_id_reuse(
    store: Store, backend: Backend
) -> None:
    ideas = [store.ideas.add(Idea(f"idea {n}", "d", "c", 1)).id for n in range(2)]
    run_together(_comment_writer, [(backend.settings, w, ideas) for w in range(PROCESSES)])
    found = [c for i in ideas for c in store.comments.for_idea(i)]
    assert len(found) == PROCESSES * WRITES
    assert len({c.id for c in found}) == PROCESSES * WRITES, "every id is unique"
    assert store.comments.count() == PROCESSES * WRITES
    assert [store.ideas.summary(i).comments for i in ideas] == [PROCESSES * WRITES // 2] * 2
    assert store.check() == 2 + PROCESSES * WRITES


def test_four_processes_cast_1000_votes_without_loss(store: Store, backend: Backend) -> None:
    ideas = [store.ideas.add(Idea(f"idea {n}", "d", "c", 1)).id for n in range(3)]
    run_together(_voter, [(backend.settings, w, ideas) for w in range(PROCESSES)])
    assert store.votes.count() == PROCESSES * WRITES
    assert sum(up for up, _ in store.votes.tallies().values()) == PROCESSES * WRITES
    listed = store.ideas.list(BoardQuery(sort="top")).items
    assert {s.idea.id: s.promotes for s in listed} == {i: store.votes.tally(i)[0] for i in ideas}
    assert store.check() == 3 + PROCESSES * WRITES
