"""A transaction PostgreSQL aborts to break a deadlock (or a serialization conflict) is run
again, whole, after a short pause: the person's vote goes through instead of a 503. One that
keeps failing gives up as before (Unavailable), and other failures are not retried."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from feedback_app.store import Idea, Store, Unavailable
from feedback_app.store.postgres import PgStore
from feedback_app.store.postgres.database import RETRIES
from tests.conftest import Backend
from tests.store.postgres.sessions import Background, wait_for_lock_waiters

pytestmark = pytest.mark.backends("postgresql")


def test_a_vote_chosen_to_break_a_deadlock_is_cast_again(store: Store, backend: Backend) -> None:
    idea = store.ideas.add(Idea("Magdagdag ng ube latte", "d", "Drinks", 1)).id
    with psycopg.connect(backend.url) as other:
        # This session waits a minute before looking for deadlocks: the vote's session, which
        # looks after a second, is the one PostgreSQL aborts.
        other.execute("SET deadlock_timeout = '60s'")
        other.execute(
            "INSERT INTO votes (idea_id, user_id, value, at) VALUES (%s, 7, -1, now())", (idea,)
        )
        vote = Background(lambda: store.votes.cast(idea, 7, 1))
        wait_for_lock_waiters(backend.url, 1)  # the vote holds the idea, waits for the row
        other.execute("SELECT 1 FROM idea_ranks WHERE id = %s FOR UPDATE", (idea,))  # deadlock
        other.rollback()
        assert vote.result() == 1
    assert store.votes.voters(idea) == {7: 1}
    summary = store.ideas.summary(idea)
    assert (summary.promotes, summary.demotes) == (1, 0)


def _failing(state: str, attempts: list[int]) -> Any:
    def work(conn: psycopg.Connection[Any]) -> None:
        attempts.append(1)
        conn.execute(f"DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '{state}'; END $$")

    return work


@pytest.mark.parametrize("state", ["40P01", "40001"])  # deadlock, serialization failure
def test_a_transaction_that_keeps_failing_gives_up_after_a_few_tries(
    store: PgStore, state: str
) -> None:
    attempts: list[int] = []
    with pytest.raises(Unavailable):
        store.db.run(_failing(state, attempts))
    assert len(attempts) == RETRIES + 1


def test_other_failures_are_not_tried_again(store: PgStore) -> None:
    attempts: list[int] = []
    with pytest.raises(Unavailable):
        store.db.run(_failing("55P03", attempts))  # lock_not_available: a lock_timeout
    assert len(attempts) == 1
