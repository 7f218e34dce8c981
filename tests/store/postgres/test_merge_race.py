"""A merge while people are voting on both ideas: one transaction on PostgreSQL, which must
neither deadlock with the votes nor lose or double one."""

from __future__ import annotations

import threading

import pytest

from feedback_app.store import Idea, Store
from tests.conftest import Backend

pytestmark = pytest.mark.backends("postgresql")


def _vote_during(
    go: threading.Barrier,
    other: Store,
    offset: int,
    pair: tuple[int, int],
    failures: list[BaseException],
) -> None:
    """Take back a vote on the duplicate and promote the original, for 30 people."""
    original, duplicate = pair
    go.wait()
    try:
        for voter in range(30):
            other.votes.cast(duplicate, voter, -1)
            other.votes.cast(original, 100 + offset * 30 + voter, 1)
    except BaseException as exc:  # reported by the test
        failures.append(exc)


def test_votes_arriving_during_a_merge_are_all_counted_once(store: Store, backend: Backend) -> None:
    failures: list[BaseException] = []
    for round_ in range(5):
        original = store.ideas.add(Idea(f"Oat milk free {round_}", "d", "Drinks", 1)).id
        duplicate = store.ideas.add(Idea(f"Free oat milk {round_}", "d", "Drinks", 2)).id
        for voter in range(30):
            store.votes.cast(duplicate, voter, 1)
        voters = [backend.open() for _ in range(4)]
        go = threading.Barrier(len(voters) + 1)
        threads = [
            threading.Thread(
                target=_vote_during, args=(go, other, n, (original, duplicate), failures)
            )
            for n, other in enumerate(voters)
        ]
        for thread in threads:
            thread.start()
        go.wait()
        try:
            store.ideas.merge(duplicate, original, by=9, response="Same idea")
        except BaseException as exc:
            failures.append(exc)
        for thread in threads:
            thread.join()
        for other in voters:
            other.close()
        assert failures == [], failures
        for idea in (original, duplicate):
            summary = store.ideas.summary(idea)
            assert (summary.promotes, summary.demotes) == store.votes.tally(idea)
