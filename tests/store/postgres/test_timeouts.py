"""A request stuck behind someone else's lock, or in a statement that will not end, answers
503 with the 'Temporarily unavailable' page after the configured wait, instead of hanging.
Long work (bulk loads, backups, migrations) runs without those limits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from flask import Flask

from feedback_app.store import Idea, Store, Vote
from feedback_app.store.postgres import PgStore
from tests.conftest import Backend, app_store, csrf_token, sign_in

pytestmark = pytest.mark.backends("postgresql")


@pytest.mark.parametrize(
    "limits",
    [
        {"DB_LOCK_TIMEOUT_S": 0.5, "DB_STATEMENT_TIMEOUT_S": 0},
        {"DB_LOCK_TIMEOUT_S": 0, "DB_STATEMENT_TIMEOUT_S": 0.5},
    ],
    ids=["lock", "statement"],
)
def test_a_vote_stuck_behind_a_lock_answers_503_then_works(
    make_app: Callable[..., Flask], backend: Backend, limits: dict[str, float]
) -> None:
    app = make_app(**limits)
    store = app_store(app)
    client = app.test_client()
    sign_in(client, store.users.add("giulia@example.com", name="Giulia Rossi").id)
    idea = store.ideas.add(Idea("Più caffè decaffeinato", "d", "Drinks", 1)).id
    token = csrf_token(client, f"/ideas/{idea}")
    with psycopg.connect(backend.url) as holder:  # a transaction that does not end
        holder.execute("SELECT 1 FROM idea_ranks WHERE id = %s FOR UPDATE", (idea,))
        release = threading.Timer(6, holder.rollback)  # without limits: the vote waits 6 s
        release.start()
        started = time.monotonic()
        reply = client.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1"})
        waited = time.monotonic() - started
        release.cancel()
    assert reply.status_code == 503
    assert "Temporarily unavailable" in reply.get_data(as_text=True)
    assert waited < 2.5, f"the vote waited {waited:.1f} s"
    again = client.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1"})
    assert again.status_code == 302
    assert store.votes.tally(idea) == (1, 0)


def _limits(conn: psycopg.Connection[Any]) -> tuple[str, str]:
    lock = conn.execute("SHOW lock_timeout").fetchone()
    statement = conn.execute("SHOW statement_timeout").fetchone()
    assert lock and statement
    return lock[0], statement[0]


def test_limits_apply_to_requests_not_to_long_work(backend: Backend) -> None:
    store = PgStore(backend.url, lock_timeout_s=2, statement_timeout_s=30)
    try:
        with store.db.connection() as conn:
            assert _limits(conn) == ("2s", "30s")
        with store.db.connection(bulk=True) as conn:
            assert _limits(conn) == ("0", "0")
        with store.db.connection() as conn:
            assert _limits(conn) == ("2s", "30s"), "a bulk transaction leaves no trace"
        conn = store.db.dedicated()  # migrations, backups, restores, named locks
        try:
            assert _limits(conn) == ("0", "0")
        finally:
            conn.close()
    finally:
        store.close()
    unset = PgStore(backend.url)  # settings that name no limits (`voicebox migrate`): none
    try:
        with unset.db.connection() as conn:
            assert _limits(conn) == ("0", "0")
    finally:
        unset.close()


def test_a_bulk_load_waits_out_a_lock_longer_than_the_limits(
    store: Store, backend: Backend
) -> None:
    idea = store.ideas.add(Idea("增加无糖饮品选项", "d", "Drinks", 1)).id
    limited = PgStore(backend.url, lock_timeout_s=0.2, statement_timeout_s=0.2)
    try:
        with psycopg.connect(backend.url) as holder:
            holder.execute("SELECT 1 FROM idea_ranks WHERE id = %s FOR UPDATE", (idea,))
            release = threading.Timer(1, holder.rollback)
            release.start()
            assert limited.votes.cast_many([Vote(idea, n, 1) for n in range(1, 51)]) == 50
            release.join()
    finally:
        limited.close()
    assert store.ideas.summary(idea).promotes == 50
