import pytest

from feedback_app.store import Idea, Store, Vote
from tests.conftest import Backend


@pytest.fixture
def idea_id(store: Store) -> int:
    return store.ideas.add(Idea("Oat milk", "d", "Drinks", 1)).id


def test_one_vote_per_person_changeable_and_retractable(store: Store, idea_id: int) -> None:
    store.votes.cast(idea_id, 5, 1)
    store.votes.cast(idea_id, 5, 1)
    assert store.votes.tally(idea_id) == (1, 0)
    store.votes.cast(idea_id, 5, -1)
    assert store.votes.tally(idea_id) == (0, 1)
    assert store.votes.value(idea_id, 5) == -1
    store.votes.cast(idea_id, 5, 0)
    assert store.votes.tally(idea_id) == (0, 0)
    assert store.votes.value(idea_id, 5) == 0
    assert store.votes.count() == 0


def test_vote_values_are_checked(store: Store, idea_id: int) -> None:
    with pytest.raises(ValueError):
        store.votes.cast(idea_id, 5, 2)


def test_tallies_and_ideas_voted_by(store: Store, idea_id: int) -> None:
    other = store.ideas.add(Idea("Decaf", "d", "Drinks", 1)).id
    store.votes.cast(idea_id, 1, 1)
    store.votes.cast(idea_id, 2, 1)
    store.votes.cast(other, 1, -1)
    assert store.votes.tallies() == {idea_id: (2, 0), other: (0, 1)}
    assert store.votes.ideas_voted_by(1) == {idea_id: 1, other: -1}
    assert store.votes.ideas_voted_by(99) == {}
    assert store.votes.voters(idea_id) == {1: 1, 2: 1}


def test_cast_many_keeps_one_vote_per_person(store: Store, idea_id: int) -> None:
    store.votes.cast(idea_id, 1, -1)
    stored = store.votes.cast_many(
        [Vote(idea_id, 1, 1), Vote(idea_id, 2, 1), Vote(idea_id, 2, -1), Vote(idea_id, 3, 0)]
    )
    assert stored == 2
    assert store.votes.tally(idea_id) == (1, 1)
    assert store.votes.value(idea_id, 1) == 1
    assert store.votes.count() == 2


def test_a_second_store_on_the_same_data_sees_votes(
    store: Store, backend: Backend, idea_id: int
) -> None:
    other = backend.open()
    other.votes.cast(idea_id, 8, 1)
    assert store.votes.tally(idea_id) == (1, 0)
    store.votes.cast(idea_id, 9, 1)
    assert other.votes.tally(idea_id) == (2, 0)
    other.close()
