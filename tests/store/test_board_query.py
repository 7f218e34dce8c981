"""Board listings asked as data: every sort and filter of `BoardQuery`, through the store.

These tests speak only the store contract (`store.ideas.list(BoardQuery(...))` and the writes
any backend offers), so every backend must pass them. The board below is small enough to
check each answer by hand; the comments give the figures each order follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from feedback_app.store import (
    DONE_STATUSES,
    SORTS,
    BoardQuery,
    Idea,
    IdeaStatus,
    Stance,
    Store,
)
from tests.conftest import Backend

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
S = IdeaStatus


@dataclass(frozen=True)
class Seed:
    key: str
    title: str
    description: str
    category: str
    tags: tuple[str, ...]
    author: int
    age_hours: float
    votes: tuple[int, ...]  # one vote per voter; VOTER's votes come on top
    comments: int
    status: IdeaStatus


# score = promotes - demotes; trending = score / (age in hours + 2) ** 1.5
SEEDS = (
    #                                                                     score trending comments
    Seed("A", "Більше безлактозних десертів", "Для всіх", "Food", ("vegan", "десерти"), 1,
         1, (1,), 0, S.NEW),                                          #  2   0.385     0
    Seed("B", "增加无糖饮品选项", "燕麦奶 please", "Drinks", ("sugar-free",), 2,
         30, (1, 1, 1, 1, 1), 1, S.PLANNED),                            #  5   0.028     1
    Seed("C", "Cornetti vegani al mattino", "Senza burro", "Food", ("vegan",), 1,
         3, (), 3, S.IMPLEMENTED),                                   # -1  -0.089     3
    Seed("D", "Mas maraming upuan sa labas", "Sa tag-init", "Stores", (), 3,
         240, (1,) * 8, 2, S.PARTIALLY_IMPLEMENTED),                    #  8   0.002     2
    Seed("E", "Сделайте карту лояльности", "Бонусы", "Drinks", (), 2,
         2, (), 0, S.ARCHIVED),                                         #  0   0         0
)  # fmt: skip

ORDERS = {
    "top": "DBAEC",
    "new": "AECBD",
    "discussed": "CDBAE",  # ties (A, E: no comments) go newest first
    "trending": "ABDEC",
}

# Voter 10 promotes A and demotes C: "voted_by" means a vote either way.
VOTER = 10


@pytest.fixture
def board(store: Store) -> dict[str, int]:
    """Seed the board; returns each seed's key -> idea id."""
    ids: dict[str, int] = {}
    voters = iter(range(100, 200))
    for seed in SEEDS:
        created = NOW - timedelta(hours=seed.age_hours)
        idea = Idea(seed.title, seed.description, seed.category, seed.author,
                    tags=list(seed.tags), created_at=created)  # fmt: skip
        idea = store.ideas.add(idea)
        ids[seed.key] = idea.id
        for value in seed.votes:
            store.votes.cast(idea.id, next(voters), value)
        for n in range(seed.comments):
            store.comments.add(idea.id, 50 + n, f"comment {n}", Stance.PRO)
        if seed.status is not S.NEW:
            store.ideas.edit(idea.id, status=seed.status)
    store.votes.cast(ids["A"], VOTER, 1)
    store.votes.cast(ids["C"], VOTER, -1)
    return ids


def _keys(store: Store, board: dict[str, int], query: BoardQuery) -> str:
    by_id = {idea_id: key for key, idea_id in board.items()}
    return "".join(by_id[s.idea.id] for s in store.ideas.list(query, now=NOW).items)


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_gives_its_order(store: Store, board: dict[str, int], sort: str) -> None:
    assert _keys(store, board, BoardQuery(sort=sort)) == ORDERS[sort]


def test_each_sort_has_an_expected_order() -> None:
    assert set(ORDERS) == set(SORTS)


def test_listing_carries_live_figures(store: Store, board: dict[str, int]) -> None:
    top = store.ideas.list(BoardQuery(sort="top", per_page=1), now=NOW).items[0]
    figures = (top.idea.id, top.promotes, top.demotes, top.score, top.comments)
    assert figures == (board["D"], 8, 0, 8, 2)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "Food"}, "AC"),
        ({"category": "Stores"}, "D"),
        ({"category": "Nowhere"}, ""),
        ({"statuses": frozenset({S.PLANNED})}, "B"),
        ({"statuses": DONE_STATUSES}, "DC"),
        ({"statuses": frozenset({S.ARCHIVED, S.NEW})}, "AE"),
        ({"tag": "vegan"}, "AC"),
        ({"tag": "десерти"}, "A"),
        ({"tag": "veg"}, ""),  # a tag matches whole, not as a prefix
        ({"author_id": 1}, "AC"),
        ({"author_id": 2}, "BE"),
        ({"author_id": 99}, ""),
        ({"voted_by": VOTER}, "AC"),
        ({"voted_by": 9999}, ""),
        ({"text": "ДЕСЕРТІВ"}, "A"),
        ({"text": "燕麦"}, "B"),  # the description is searched too
        ({"text": "vegani mattino"}, "C"),
        ({"text": "vegani pizza"}, ""),  # every word must match
        ({"text": "upuan"}, "D"),
        ({"category": "Food", "tag": "vegan", "statuses": DONE_STATUSES}, "C"),
        ({"category": "Drinks", "author_id": 2}, "BE"),
        ({"category": "Food", "voted_by": VOTER, "text": "десертів"}, "A"),
    ],
)
def test_each_filter_keeps_only_its_ideas_in_order(
    store: Store, board: dict[str, int], filters: dict[str, object], expected: str
) -> None:
    """Every set filter must hold; the order stays the sort's ("top" here)."""
    query = BoardQuery(sort="top", **filters)  # type: ignore[arg-type]
    assert _keys(store, board, query) == expected
    assert store.ideas.list(query, now=NOW).total == len(expected)


def test_filters_combine_with_every_sort(store: Store, board: dict[str, int]) -> None:
    for sort, order in ORDERS.items():
        food = "".join(k for k in order if k in "AC")
        assert _keys(store, board, BoardQuery(sort=sort, category="Food")) == food


def test_pages_split_the_order_and_count_everything(store: Store, board: dict[str, int]) -> None:
    pages = [
        store.ideas.list(BoardQuery(sort="new", page=n, per_page=2), now=NOW) for n in (1, 2, 3)
    ]
    by_id = {idea_id: key for key, idea_id in board.items()}
    assert ["".join(by_id[s.idea.id] for s in p.items) for p in pages] == ["AE", "CB", "D"]
    assert [(p.total, p.pages, p.has_prev, p.has_next) for p in pages] == [
        (5, 3, False, True), (5, 3, True, True), (5, 3, True, False)
    ]  # fmt: skip
    beyond = store.ideas.list(BoardQuery(sort="new", page=4, per_page=2), now=NOW)
    assert (beyond.items, beyond.total, beyond.page) == ([], 5, 4)


def test_a_short_page_is_the_start_of_a_long_one(store: Store, board: dict[str, int]) -> None:
    """The front page (5 ideas) and the board (20) show the same trending order."""
    short = _keys(store, board, BoardQuery(per_page=2))
    assert short == _keys(store, board, BoardQuery(per_page=20))[:2] == "AB"


def test_kept_filtered_rankings_follow_changes(
    store: Store, backend: Backend, board: dict[str, int]
) -> None:
    """A listing asked for again sees ideas enter, leave and move, whoever wrote the change."""
    food = BoardQuery(sort="top", category="Food")
    vegan = BoardQuery(sort="top", tag="vegan")
    done = BoardQuery(sort="top", statuses=DONE_STATUSES)
    assert [_keys(store, board, q) for q in (food, vegan, done)] == ["AC", "AC", "DC"]

    writer = backend.open()  # another process, as far as the store can tell
    writer.ideas.edit(board["E"], category="Food", tags=["vegan"])
    writer.ideas.set_status(board["A"], S.IMPLEMENTED, "Done", by=1, changed_note="On the menu")
    for voter in range(500, 504):
        writer.votes.cast(board["C"], voter, 1)  # C: -1 + 4 = 3, above A's 2
    writer.ideas.edit(board["A"], tags=["dessert"])

    assert _keys(store, board, food) == "CAE"
    assert _keys(store, board, vegan) == "CE"
    assert _keys(store, board, done) == "DCA"


def test_voted_by_and_text_see_the_latest_writes(store: Store, board: dict[str, int]) -> None:
    mine = BoardQuery(sort="top", voted_by=VOTER)
    found = BoardQuery(sort="top", text="gelato")
    assert (_keys(store, board, mine), _keys(store, board, found)) == ("AC", "")
    store.votes.cast(board["D"], VOTER, 1)
    store.votes.cast(board["C"], VOTER, 0)  # a withdrawn vote is no vote
    store.ideas.edit(board["B"], title="Gelato senza zucchero")
    assert (_keys(store, board, mine), _keys(store, board, found)) == ("DA", "B")


def test_an_idea_in_several_languages_is_found_by_each(store: Store) -> None:
    texts = ["Тихий зал для роботи", "Тихий зал для работы", "Tahimik na silid",
             "Sala silenziosa", "安静的房间"]  # fmt: skip
    ids = [store.ideas.add(Idea(t, "", "Stores", 1)).id for t in texts]
    for word, index in [("роботи", 0), ("работы", 1), ("TAHIMIK", 2), ("silenziosa", 3),
                        ("安静", 4)]:  # fmt: skip
        page = store.ideas.list(BoardQuery(sort="new", text=word))
        assert [s.idea.id for s in page.items] == [ids[index]], word
        assert page.items[0].idea.title == texts[index]


def test_a_query_is_plain_comparable_data() -> None:
    one = BoardQuery(category="Food", statuses=frozenset({"planned", S.NEW}))  # type: ignore[arg-type]
    two = BoardQuery(category="Food", statuses=frozenset({S.PLANNED, S.NEW}))
    assert one == two and hash(one) == hash(two)
    assert one.statuses == {S.PLANNED, S.NEW}
    assert BoardQuery(page=3, per_page=20).offset == 40


@pytest.mark.parametrize(
    "wrong",
    [{"sort": "loudest"}, {"page": 0}, {"per_page": 0}, {"statuses": frozenset({"maybe"})}],
)
def test_a_query_that_cannot_be_answered_is_refused(wrong: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        BoardQuery(**wrong)  # type: ignore[arg-type]
