"""A merge while people are voting on both ideas: one transaction on PostgreSQL, which must
neither deadlock with the votes nor lose or double one."""

from __future__ import annotations

import contextlib
import threading

import psycopg
import pytest

from feedback_app.store import Idea, IdeaClosed, Store
from tests.conftest import Backend
from tests.store.postgres.sessions import Background, wait_for_lock_waiters

pytestmark = pytest.mark.backends("postgresql")


def _vote_during(
    go: threading.Barrier,
    other: Store,
    offset: int,
    pair: tuple[int, int],
    failures: list[BaseException],
) -> None:
    """Demote the duplicate (refused once it is merged) and promote the original, for 30
    people."""
    original, duplicate = pair
    go.wait()
    try:
        for voter in range(30):
            with contextlib.suppress(IdeaClosed):
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
        assert store.votes.voters(duplicate) == {}
        for idea in (original, duplicate):
            summary = store.ideas.summary(idea)
            assert (summary.promotes, summary.demotes) == store.votes.tally(idea)


def test_a_vote_queued_behind_a_merge_is_refused_not_left_on_the_duplicate(
    store: Store, backend: Backend
) -> None:
    """The vote passed every check before the merge, then waited for the idea's lock behind
    it: once it gets the lock, the idea is a duplicate, and the vote is refused."""
    original = store.ideas.add(Idea("增加无糖饮品选项", "d", "Drinks", 1)).id
    duplicate = store.ideas.add(Idea("Sugar-free drinks", "d", "Drinks", 2)).id
    store.votes.cast(duplicate, 5, 1)
    merger, voter = backend.open(), backend.open()
    with psycopg.connect(backend.url) as holder:  # someone else's vote, not yet committed
        holder.execute("SELECT 1 FROM idea_ranks WHERE id = %s FOR UPDATE", (duplicate,))
        merge = Background(lambda: merger.ideas.merge(duplicate, original, 9, "Same idea"))
        wait_for_lock_waiters(backend.url, 1)
        vote = Background(lambda: voter.votes.cast(duplicate, 6, 1))
        wait_for_lock_waiters(backend.url, 2)
        holder.rollback()
        assert merge.result().merged_into == original
        with pytest.raises(IdeaClosed):
            vote.result()
    assert store.votes.voters(duplicate) == {}
    assert store.votes.voters(original) == {5: 1}
    summary = store.ideas.summary(original)
    assert (summary.promotes, summary.demotes) == (1, 0)
