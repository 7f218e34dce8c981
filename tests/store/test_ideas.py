from datetime import timedelta

import pytest

from feedback_app.store import (
    BoardQuery,
    Idea,
    IdeaStatus,
    NotFound,
    Stance,
    Store,
    trending_score,
    utcnow,
)
from tests.conftest import Backend

TEXTS = {
    "uk": "Більше безлактозних десертів",
    "ru": "Сделайте карту лояльности",
    "tl": "Mas maraming upuan sa labas",
    "it": "Cornetti vegani al mattino",
    "zh": "增加无糖饮品选项",
}


def _idea(store: Store, title: str = "Oat milk", days_old: int = 0, **kw: object) -> Idea:
    idea = Idea(title, "desc", "Drinks", author_id=1, **kw)  # type: ignore[arg-type]
    idea.created_at = utcnow() - timedelta(days=days_old)
    return store.ideas.add(idea)


def test_add_get_round_trip_keeps_unicode(store: Store) -> None:
    for lang, text in TEXTS.items():
        idea = _idea(store, text, tags=[lang, "😀"])
        got = store.ideas.get(idea.id)
        assert got.title == text
        assert got.tags == [lang, "😀"]
    assert store.ideas.count() == len(TEXTS)


def test_unknown_idea_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.ideas.get(12345)
    with pytest.raises(NotFound):
        store.ideas.get(0)


def test_set_status_keeps_history_and_what_changed(store: Store) -> None:
    idea = _idea(store)
    store.ideas.set_status(idea.id, IdeaStatus.PLANNED, "On the plan", by=7)
    done = store.ideas.set_status(
        idea.id, IdeaStatus.IMPLEMENTED, "Shipped", by=7, changed_note="Oat milk is free"
    )
    assert [c.status for c in done.history] == [IdeaStatus.PLANNED, IdeaStatus.IMPLEMENTED]
    assert done.official_response is not None and done.official_response.response == "Shipped"
    assert done.changed_note == "Oat milk is free"
    assert done.changed_on == utcnow().date()
    assert store.ideas.get(idea.id).status is IdeaStatus.IMPLEMENTED


def test_edit_changes_only_named_fields(store: Store) -> None:
    idea = _idea(store)
    store.ideas.edit(idea.id, title="Soy milk", tags=["soy"])
    got = store.ideas.get(idea.id)
    assert (got.title, got.tags, got.description) == ("Soy milk", ["soy"], "desc")


def test_list_sorts_by_top_new_and_discussed(store: Store) -> None:
    old = _idea(store, "old", days_old=10)
    new = _idea(store, "new", days_old=0)
    mid = _idea(store, "mid", days_old=5)
    for user in range(3):
        store.votes.cast(old.id, user + 1, 1)
    store.votes.cast(mid.id, 1, 1)
    store.comments.add(new.id, 1, "a", Stance.PRO)
    store.comments.add(new.id, 2, "b", Stance.CON)

    def titles(sort: str) -> list[str]:
        return [s.idea.title for s in store.ideas.list(BoardQuery(sort=sort)).items]

    assert titles("top") == ["old", "mid", "new"]
    assert titles("new") == ["new", "mid", "old"]
    assert titles("discussed")[0] == "new"
    first = store.ideas.list(BoardQuery(sort="top")).items[0]
    assert (first.promotes, first.demotes, first.score) == (3, 0, 3)


def test_trending_prefers_recent_votes_over_old_ones() -> None:
    now = utcnow()
    assert trending_score(5, now - timedelta(hours=1), now) > trending_score(
        20, now - timedelta(days=10), now
    )
    assert trending_score(0, now, now) == 0


def test_list_reflects_a_new_vote_immediately(store: Store) -> None:
    a, b = _idea(store, "a"), _idea(store, "b")
    store.votes.cast(a.id, 1, 1)
    assert store.ideas.list(BoardQuery(sort="top")).items[0].idea.id == a.id
    store.votes.cast(b.id, 1, 1)
    store.votes.cast(b.id, 2, 1)
    assert store.ideas.list(BoardQuery(sort="top")).items[0].idea.id == b.id


def test_list_paginates_and_filters(store: Store) -> None:
    for n in range(25):
        _idea(store, f"idea {n}", days_old=n, status=IdeaStatus.NEW)
    page2 = store.ideas.list(BoardQuery(sort="new", page=2, per_page=10))
    assert [s.idea.title for s in page2.items] == [f"idea {n}" for n in range(10, 20)]
    assert (page2.total, page2.pages, page2.has_next, page2.has_prev) == (25, 3, True, True)
    for n in range(0, 25, 2):
        store.ideas.set_status(store.ideas.all()[n].id, IdeaStatus.PLANNED, "soon", by=1)
    planned = store.ideas.list(BoardQuery(sort="new", statuses=frozenset({IdeaStatus.PLANNED})))
    assert planned.total == 13
    with pytest.raises(ValueError):
        BoardQuery(sort="loudest")


def test_summary_counts_votes_and_visible_comments(store: Store) -> None:
    idea = _idea(store)
    store.votes.cast(idea.id, 1, 1)
    store.votes.cast(idea.id, 2, -1)
    c = store.comments.add(idea.id, 1, "hidden later")
    store.comments.add(idea.id, 2, "stays")
    store.comments.set_hidden(c.id, True)
    s = store.ideas.summary(idea.id)
    assert (s.promotes, s.demotes, s.comments) == (1, 1, 1)


def test_add_many_gives_unique_ids(store: Store) -> None:
    ids = store.ideas.add_many(Idea(f"bulk {n}", "d", "Food", 1) for n in range(50))
    assert len(set(ids)) == 50
    assert store.ideas.get(ids[17]).title == "bulk 17"


def test_kept_rankings_match_a_fresh_sort_after_changes_elsewhere(
    store: Store, backend: Backend
) -> None:
    import random

    rng = random.Random(5)
    writer = backend.open()
    ids = [_idea(writer, f"idea {n}", days_old=n % 7).id for n in range(30)]
    now = utcnow()
    open_only = {"statuses": frozenset({IdeaStatus.NEW})}

    def order(s: Store, sort: str, **kw: object) -> list[int]:
        query = BoardQuery(sort=sort, per_page=100, **kw)  # type: ignore[arg-type]
        return [x.idea.id for x in s.ideas.list(query, now=now).items]

    for sort in ("trending", "top", "new", "discussed"):
        order(store, sort)
        order(store, sort, **open_only)
    for step in range(60):
        action = step % 5
        target = rng.choice(ids)
        if action == 0:
            writer.votes.cast(target, rng.randrange(50), rng.choice([-1, 0, 1]))
        elif action == 1:
            writer.comments.add(target, 1, "c")
        elif action == 2:
            ids.append(_idea(writer, f"late {step}").id)
        elif action == 3:
            writer.ideas.set_status(target, IdeaStatus.PLANNED, "planned", by=1)
        else:
            writer.votes.cast(target, rng.randrange(50), 1)
        fresh = backend.open()
        for sort in ("trending", "top", "new", "discussed"):
            assert order(store, sort) == order(fresh, sort), (step, sort)
            assert order(store, sort, **open_only) == order(fresh, sort, **open_only)
        fresh.close()
