"""Store functions behind the board: search, similar ideas, merging, following."""

from __future__ import annotations

import pytest

from feedback_app.store import Conflict, Idea, IdeaStatus, Store


def _idea(store: Store, title: str, description: str = "d", author: int = 1) -> int:
    return store.ideas.add(Idea(title, description, "Drinks", author)).id


def test_search_finds_words_in_every_language(store: Store) -> None:
    ids = {
        "uk": _idea(store, "Більше безлактозних десертів"),
        "ru": _idea(store, "Тихий зал", "Отдельная зона без музыки"),
        "tl": _idea(store, "Mas maraming upuan sa labas"),
        "it": _idea(store, "Caffè decaffeinato"),
        "zh": _idea(store, "增加无糖饮品选项", "比如无糖燕麦拿铁"),
        "en": _idea(store, "Oat milk at no extra charge"),
    }
    assert store.ideas.matching("ДЕСЕРТІВ") == {ids["uk"]}
    assert store.ideas.matching("музыки") == {ids["ru"]}
    assert store.ideas.matching("upuan labas") == {ids["tl"]}
    assert store.ideas.matching("caffè") == {ids["it"]}
    assert store.ideas.matching("无糖") == {ids["zh"]}
    assert store.ideas.matching("燕麦") == {ids["zh"]}, "description is searched too"
    assert store.ideas.matching("ＯＡＴ") == {ids["en"]}, "full-width letters match"
    assert store.ideas.matching("oat pizza") == set(), "every word must match"


def test_similar_ideas_leave_out_closed_ones(store: Store) -> None:
    open_one = _idea(store, "Oat milk at no extra charge")
    closed = _idea(store, "Free oat milk please")
    store.ideas.set_status(closed, IdeaStatus.ARCHIVED, "", by=1)
    _idea(store, "Open at 6 am")
    found = [i.id for i in store.ideas.similar("oat milk for free")]
    assert found == [open_one]
    assert store.ideas.similar("xy") == []


def test_merge_moves_votes_without_counting_anyone_twice(store: Store) -> None:
    original = _idea(store, "Oat milk free", author=1)
    duplicate = _idea(store, "Free oat milk", author=2)
    store.votes.cast(original, 10, 1)
    store.votes.cast(duplicate, 10, 1)  # voted on both: keeps one vote
    store.votes.cast(duplicate, 11, 1)
    store.votes.cast(duplicate, 12, -1)
    store.follows.set(duplicate, 13, True)
    merged = store.ideas.merge(duplicate, original, by=99, response="Same idea")
    assert merged.status is IdeaStatus.DUPLICATE and merged.merged_into == original
    assert store.votes.voters(original) == {10: 1, 11: 1, 12: -1}
    assert store.votes.voters(duplicate) == {}
    assert {2, 10, 11, 12, 13} <= store.ideas.followers(original)
    again = store.ideas.merge(duplicate, original, by=99, response="Same idea")
    assert len(again.history) == 1, "merging twice changes nothing more"
    assert store.votes.tally(original) == (2, 1)


def test_merge_refuses_nonsense(store: Store) -> None:
    a, b, c = (_idea(store, t) for t in ("a", "b", "c"))
    with pytest.raises(Conflict):
        store.ideas.merge(a, a, by=1, response="")
    store.ideas.merge(a, b, by=1, response="")
    with pytest.raises(Conflict):
        store.ideas.merge(a, c, by=1, response="")
    with pytest.raises(Conflict):
        store.ideas.merge(c, a, by=1, response=""), "a closed idea is no original"


def test_followers_are_author_voters_and_choices(store: Store) -> None:
    idea = _idea(store, "Tea", author=1)
    store.votes.cast(idea, 2, 1)
    store.follows.set(idea, 3, True)
    assert store.ideas.followers(idea) == {1, 2, 3}
    store.follows.set(idea, 2, False)
    store.follows.set(idea, 1, False)
    assert store.ideas.followers(idea) == {3}
    assert not store.ideas.is_following(idea, 2)
    store.follows.set(idea, 2, True)
    assert store.ideas.is_following(idea, 2)


def test_changing_a_choice_keeps_one_record(store: Store) -> None:
    idea = _idea(store, "Tea")
    for following in (True, False, True, False):
        store.follows.set(idea, 7, following)
    assert store.follows.choices(idea) == {7: False}
    assert store.check() == 2, "the idea and one follow record"
