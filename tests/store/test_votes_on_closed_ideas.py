"""A closed idea (merged into another, or archived) takes no votes, however late the vote:
the store refuses it with IdeaClosed at the moment it would be stored, so no vote is ever
left on a merged duplicate, where nobody would count it."""

from __future__ import annotations

import threading
import time

import pytest

from feedback_app.store import Idea, IdeaClosed, IdeaStatus, Store
from tests.conftest import Backend


def _pair(store: Store) -> tuple[int, int]:
    original = store.ideas.add(Idea("Овсяне молоко без доплати", "d", "Drinks", 1)).id
    duplicate = store.ideas.add(Idea("Oat milk at no extra charge", "d", "Drinks", 2)).id
    return original, duplicate


def test_a_vote_on_a_merged_idea_is_refused_and_its_votes_stay_moved(store: Store) -> None:
    original, duplicate = _pair(store)
    store.votes.cast(duplicate, 5, 1)
    store.ideas.merge(duplicate, original, by=9, response="Same idea")
    for voter, value in ((6, 1), (7, -1), (5, 0), (5, -1)):
        with pytest.raises(IdeaClosed):
            store.votes.cast(duplicate, voter, value)
    assert store.votes.voters(duplicate) == {}
    assert store.votes.voters(original) == {5: 1}
    summary = store.ideas.summary(original)
    assert (summary.promotes, summary.demotes) == (1, 0)
    store.votes.cast(original, 6, 1)  # the original takes them
    assert store.votes.tally(original) == (2, 0)


def test_an_archived_idea_takes_votes_again_once_reopened(store: Store) -> None:
    idea, _ = _pair(store)
    store.votes.cast(idea, 5, 1)
    store.ideas.set_status(idea, IdeaStatus.ARCHIVED, "", by=9)
    with pytest.raises(IdeaClosed):
        store.votes.cast(idea, 6, 1)
    with pytest.raises(IdeaClosed):
        store.votes.cast(idea, 5, 0)
    assert store.votes.voters(idea) == {5: 1}, "the votes it had are kept, unchanged"
    store.ideas.set_status(idea, IdeaStatus.UNDER_REVIEW, "Back on the table", by=9)
    store.votes.cast(idea, 6, 1)
    assert store.votes.tally(idea) == (2, 0)


def test_votes_racing_a_merge_end_on_the_original_or_are_refused(
    store: Store, backend: Backend
) -> None:
    """Threads keep voting on the duplicate, each as a new person, while it is merged and a
    moment after: every vote acknowledged is counted on the original, every other one was
    refused, and the duplicate holds none."""
    original, duplicate = _pair(store)
    merged = threading.Event()
    accepted: list[int] = []
    refused: list[int] = []
    failures: list[BaseException] = []

    def vote(worker: int) -> None:
        other = backend.open()
        try:
            for n in range(10_000):
                voter = 1000 * worker + n
                try:
                    other.votes.cast(duplicate, voter, 1)
                    accepted.append(voter)
                except IdeaClosed:
                    refused.append(voter)
                if merged.is_set() and n >= 5 and len(refused) >= 3:
                    return
        except BaseException as exc:  # reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=vote, args=(worker,)) for worker in (1, 2, 3)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    store.ideas.merge(duplicate, original, by=9, response="Same idea")
    merged.set()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert refused, "votes after the merge were refused"
    assert store.votes.voters(duplicate) == {}
    assert set(store.votes.voters(original)) == set(accepted)
    summary = store.ideas.summary(original)
    assert (summary.promotes, summary.demotes) == (len(accepted), 0)
