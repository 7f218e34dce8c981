"""The schema's migrations: applied on open, once, under a lock; a newer schema refused."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

import psycopg
import psycopg.types.json
import pytest

from feedback_app.store import BoardQuery, Idea, SchemaError
from feedback_app.store.models import Sale
from feedback_app.store.postgres import PgStore
from feedback_app.store.postgres.migrations import MIGRATIONS
from tests.store.processes import run_together

pytestmark = pytest.mark.backends("postgresql")

NEWEST = MIGRATIONS[-1][0]


def _versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY 1")]


def test_a_fresh_database_gets_the_newest_schema_on_open(new_database: Callable[[], str]) -> None:
    url = new_database()
    store = PgStore(url)
    assert store.schema_version() == NEWEST
    assert _versions(url) == [v for v, _ in MIGRATIONS]
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1))
    assert store.ideas.get(idea.id).title == "Більше безлактозних десертів"
    store.close()


def test_upgrading_again_changes_nothing(new_database: Callable[[], str]) -> None:
    url = new_database()
    store = PgStore(url)
    idea = store.ideas.add(Idea("Cornetti vegani", "d", "Food", 1))
    assert store.upgrade() == []
    again = PgStore(url)
    assert again.upgrade() == [] and _versions(url) == [v for v, _ in MIGRATIONS]
    assert again.ideas.get(idea.id).title == "Cornetti vegani"
    store.close()
    again.close()


def test_version_3_lists_the_tags_of_ideas_stored_before_it(
    new_database: Callable[[], str],
) -> None:
    """Ideas tagged under version 2 are found by their tags once version 3 is applied."""
    url = new_database()
    store = PgStore(url)
    for n, tags in enumerate([["vegan"], ["vegan", "seasonal"], [], ["сезон", "vegan"]]):
        store.ideas.add(Idea(f"Idea {n}", "d", "Food", 1, tags=tags))
    store.close()
    with psycopg.connect(url) as conn:  # back to version 2, as a database made before 3 was
        conn.execute("DROP TABLE idea_tags")
        conn.execute("DROP FUNCTION idea_tags_follow, idea_tags_clear CASCADE")
        conn.execute("DROP FUNCTION board_changed CASCADE")  # and version 4's revision
        conn.execute("DROP SEQUENCE board_revision")
        conn.execute("DROP TABLE audit, replies")  # and version 5's console tables
        conn.execute("DELETE FROM schema_version WHERE version >= 3")
    upgraded = PgStore(url)
    for tag, titles in (("vegan", ["Idea 0", "Idea 1", "Idea 3"]), ("сезон", ["Idea 3"])):
        page = upgraded.ideas.list(BoardQuery(sort="new", tag=tag))
        assert (sorted(s.idea.title for s in page.items), page.total) == (titles, len(titles))
    upgraded.close()


def test_a_database_from_a_newer_voicebox_is_refused_and_left_alone(
    new_database: Callable[[], str],
) -> None:
    url = new_database()
    store = PgStore(url)
    idea = store.ideas.add(Idea("增加无糖饮品选项", "d", "Drinks", 1))
    store.close()
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (NEWEST + 1,))
    with pytest.raises(SchemaError, match="newer") as err:
        PgStore(url)
    assert "\n" not in str(err.value)
    assert _versions(url)[-1] == NEWEST + 1
    reader = PgStore(url, upgrade=False)
    assert reader.ideas.get(idea.id).title == "增加无糖饮品选项", "the data was not touched"
    reader.close()


def _open_when_told(url: str, results: Any, start: Any) -> None:
    start.wait()
    store = PgStore(url, upgrade=False)
    results.put(store.upgrade())
    store.close()


def test_two_processes_upgrading_at_once_both_succeed_once(
    new_database: Callable[[], str],
) -> None:
    url = new_database()
    results = multiprocessing.get_context("spawn").Queue()
    run_together(_open_when_told, [(url, results)] * 3)
    applied = sorted((results.get(timeout=5) for _ in range(3)), key=len)
    assert applied == [[], [], [v for v, _ in MIGRATIONS]], "one applies, the others wait"
    assert _versions(url) == [v for v, _ in MIGRATIONS]


def test_a_database_of_schema_1_keeps_its_records_and_gains_the_follow_up_loop(
    new_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made by the release before the follow-up loop: its survey answers and
    testimonials (documents without the new fields) read back after the upgrade, and the new
    collections work, with one sale per order reference."""
    url = new_database()
    monkeypatch.setattr("feedback_app.store.postgres.migrations.MIGRATIONS", MIGRATIONS[:1])
    old = PgStore(url)
    assert old.schema_version() == 1
    old_doc = {
        "email": "olena@example.com",
        "order_ref": "ORD-1",
        "score": 3,
        "reason": "Довго чекав",
        "user_id": None,
        "created_at": "2026-11-01T10:00:00+00:00",
    }
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO surveys (created_at, doc) VALUES (%s, %s)",
                     (old_doc["created_at"], psycopg.types.json.Jsonb(old_doc)))  # fmt: skip
    old.close()
    monkeypatch.setattr("feedback_app.store.postgres.migrations.MIGRATIONS", MIGRATIONS)
    store = PgStore(url)
    assert store.schema_version() == NEWEST
    (survey,) = store.surveys.all()
    assert (survey.reason, survey.score, survey.effort, survey.link) == ("Довго чекав", 3, None, "")
    assert [s.id for s in store.surveys.find(email="olena@example.com")] == [survey.id]
    sale = Sale("olena@example.com", "ORD-1", survey.created_at)
    assert store.sales.add_once(sale, "order_ref")[1]
    # the unique index backs add_once up
    with pytest.raises(psycopg.errors.UniqueViolation), psycopg.connect(url) as conn:
        conn.execute("INSERT INTO sales (created_at, doc) VALUES (now(), %s)",
                     (psycopg.types.json.Jsonb(sale.to_doc()),))  # fmt: skip
    store.close()
