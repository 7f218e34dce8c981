"""Bulk loads (`cast_many`, `comments.add_many`) recount the figures of the ideas they touch.
A vote or a comment committed while the load waited for an idea must be in that count: the
recount may not overwrite the figure with one counted before it arrived."""

from __future__ import annotations

import psycopg
import pytest

from feedback_app.store import Comment, Idea, Store, Vote
from feedback_app.store.postgres import PgStore
from tests.conftest import Backend
from tests.store.postgres.sessions import Background, wait_for_lock_waiters

pytestmark = pytest.mark.backends("postgresql")


def test_a_vote_committed_during_cast_many_is_counted(store: Store, backend: Backend) -> None:
    idea = store.ideas.add(Idea("Добавьте овсяное молоко", "d", "Drinks", 1)).id
    with psycopg.connect(backend.url) as live:  # a vote in progress, as `cast` makes it
        live.execute("SELECT 1 FROM idea_ranks WHERE id = %s FOR UPDATE", (idea,))
        live.execute(
            "INSERT INTO votes (idea_id, user_id, value, at) VALUES (%s, 7, 1, now())", (idea,)
        )
        live.execute("UPDATE idea_ranks SET promotes = promotes + 1 WHERE id = %s", (idea,))
        load = Background(lambda: store.votes.cast_many([Vote(idea, 8, 1), Vote(idea, 9, -1)]))
        wait_for_lock_waiters(backend.url, 1)
        live.commit()
        assert load.result() == 2
    assert store.votes.voters(idea) == {7: 1, 8: 1, 9: -1}
    summary = store.ideas.summary(idea)
    assert (summary.promotes, summary.demotes) == (2, 1)


def test_a_comment_added_during_add_many_is_counted(store: PgStore, backend: Backend) -> None:
    idea = store.ideas.add(Idea("Più caffè decaffeinato", "d", "Drinks", 1)).id
    with psycopg.connect(backend.url) as live:  # a comment in progress, as `add` makes it
        live.execute("SELECT 1 FROM idea_ranks WHERE id = %s FOR UPDATE", (idea,))
        store.comments.table.insert(Comment(idea, 7, "Sì, anche la sera.").to_doc(), live)
        live.execute("UPDATE idea_ranks SET comments = comments + 1 WHERE id = %s", (idea,))
        load = Background(lambda: store.comments.add_many([Comment(idea, 8, "Anche io")]))
        wait_for_lock_waiters(backend.url, 1)
        live.commit()
        load.result()
    assert store.ideas.summary(idea).comments == len(store.comments.for_idea(idea)) == 2
