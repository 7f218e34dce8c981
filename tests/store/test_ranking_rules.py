"""Trending is its own order, by the documented formula score / (age in hours + 2) ** 1.5.

The expected orders below are worked out by hand from picked ages and votes, so a trending
listing that quietly falls back to "new" or "top" (or changes the gravity) fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from feedback_app.store import BoardQuery, Idea, Store, utcnow
from tests.conftest import sign_in

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a whole minute: trending ages by the minute

# title: (age in hours, promotions). Trending score by hand, score / (age + 2) ** 1.5:
#   Veteran  30 / 102 ** 1.5 = 30 / 1030.2 = 0.029
#   Riser    20 /   6 ** 1.5 = 20 /   14.70 = 1.361
#   Fresh     1 / 2.5 ** 1.5 =  1 /    3.95 = 0.253
#   Newborn   1 /   2 ** 1.5 =  1 /    2.83 = 0.354
#   Weekday   6 /   9 ** 1.5 =  6 /   27.0  = 0.222  (with gravity 1 it would be 0.667 > Newborn)
SEED = {
    "Veteran": (100.0, 30),
    "Riser": (4.0, 20),
    "Fresh": (0.5, 1),
    "Newborn": (0.0, 1),
    "Weekday": (7.0, 6),
}
TRENDING = ["Riser", "Newborn", "Fresh", "Weekday", "Veteran"]
NEW = ["Newborn", "Fresh", "Riser", "Weekday", "Veteran"]
TOP = ["Veteran", "Riser", "Weekday", "Newborn", "Fresh"]  # ties broken by newest first


def _seed(store: Store, now: datetime) -> dict[int, str]:
    titles = {}
    voter = 1000
    for title, (age, votes) in SEED.items():
        created = now - timedelta(hours=age)
        idea = store.ideas.add(Idea(title, "d", "Drinks", 1, created_at=created))
        titles[idea.id] = title
        for _ in range(votes):
            voter += 1
            store.votes.cast(idea.id, voter, 1)
    return titles


def _order(store: Store, sort: str, titles: dict[int, str], now: datetime) -> list[str]:
    return [titles[s.idea.id] for s in store.ideas.list(BoardQuery(sort=sort), now=now).items]


def test_trending_follows_the_gravity_formula_not_new_or_top(store: Store) -> None:
    titles = _seed(store, NOW)
    assert _order(store, "trending", titles, NOW) == TRENDING
    assert _order(store, "new", titles, NOW) == NEW
    assert _order(store, "top", titles, NOW) == TOP


def test_trending_order_changes_as_ideas_age(store: Store) -> None:
    """A day later Riser (28 h old) has 20 / 30 ** 1.5 = 0.122 and Newborn (24 h) 1 / 26 ** 1.5
    = 0.0075; Veteran (124 h) 30 / 126 ** 1.5 = 0.0212 now beats Newborn and Fresh."""
    titles = _seed(store, NOW)
    later = NOW + timedelta(hours=24)
    # Weekday 6 / 33 ** 1.5 = 0.0317; Fresh 1 / 26.5 ** 1.5 = 0.0073
    assert _order(store, "trending", titles, later) == [
        "Riser", "Weekday", "Veteran", "Newborn", "Fresh"
    ]  # fmt: skip


def test_the_board_shows_trending_by_the_formula(client: FlaskClient, store: Store) -> None:
    sign_in(client, store.users.add("reader@example.com").id)
    _seed(store, utcnow())
    page = client.get("/ideas?sort=trending").get_data(as_text=True)
    positions = [page.index(f">{title}</a>") for title in TRENDING]
    assert positions == sorted(positions), "the board lists trending ideas in formula order"
    newest = client.get("/ideas?sort=new").get_data(as_text=True)
    positions = [newest.index(f">{title}</a>") for title in NEW]
    assert positions == sorted(positions)
    front = client.get("/").get_data(as_text=True)
    positions = [front.index(f">{title}</a>") for title in TRENDING]
    assert positions == sorted(positions), "the front page's trending ideas, in formula order"
