"""The board's revision on PostgreSQL while a change is being committed: it moves at once, is
not settled until the change is visible, and never makes one writer wait for another."""

from __future__ import annotations

import time

import psycopg
import pytest

from feedback_app.store import BoardQuery, Idea
from feedback_app.store.postgres import PgStore
from tests.conftest import Backend

pytestmark = pytest.mark.backends("postgresql")


def _promotes(store: PgStore, idea_id: int) -> int:
    listed = store.ideas.list(BoardQuery(sort="top")).items
    return next(s.promotes for s in listed if s.idea.id == idea_id)


def test_a_vote_being_committed_is_counted_but_not_settled(backend: Backend) -> None:
    store, voter = backend.open(), backend.open()
    assert isinstance(store, PgStore) and isinstance(voter, PgStore)
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1)).id
    before = store.board_revision(settled=True)
    with voter.db.connection() as conn:
        voter.votes.cast_in(conn, idea, 7, 1)
        counted = store.board_revision()
        assert counted != before, "the revision moves with the write, before its commit"
        assert _promotes(store, idea) == 0, "the vote is not visible yet"
        assert store.board_revision(settled=True) is None, "so nothing read now may be kept"
    settled = store.board_revision(settled=True)
    assert settled == counted, "once committed, the same revision is settled"
    assert _promotes(store, idea) == 1


def test_a_rolled_back_write_leaves_the_revision_settled(backend: Backend) -> None:
    store, voter = backend.open(), backend.open()
    assert isinstance(voter, PgStore)
    idea = store.ideas.add(Idea("增加无糖饮品选项", "d", "Drinks", 1)).id
    with pytest.raises(RuntimeError), voter.db.connection() as conn:
        voter.votes.cast_in(conn, idea, 7, 1)
        raise RuntimeError("the request failed after its vote")
    assert store.board_revision(settled=True) is not None
    assert _promotes(store, idea) == 0


def test_writers_do_not_wait_for_each_other_nor_for_the_settled_read(backend: Backend) -> None:
    store = backend.open()
    assert isinstance(store, PgStore)
    ideas = [store.ideas.add(Idea(f"Idea {n}", "d", "Food", 1)).id for n in range(3)]
    with store.db.connection() as first, store.db.connection() as second:
        store.votes.cast_in(first, ideas[0], 7, 1)  # holds the board's lock, shared
        second.execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail, not hang
        started = time.monotonic()
        store.votes.cast_in(second, ideas[1], 8, 1)
        store.ideas.edit(ideas[2], title="无糖饮品")  # committed alone, meanwhile
        assert store.board_revision(settled=True) is None
        assert time.monotonic() - started < 1.5
    assert [_promotes(store, i) for i in ideas[:2]] == [1, 1]
    assert store.board_revision(settled=True) is not None


def test_the_revision_is_read_through_connections_the_server_dropped(backend: Backend) -> None:
    """As after a restart of the server: every pooled connection is broken, and the read
    moves on to a new one instead of failing."""
    store = backend.open()
    assert isinstance(store, PgStore)
    with store.db.connection() as one, store.db.connection() as two:  # two in the pool
        pooled = [one.info.backend_pid, two.info.backend_pid]
    before = store.board_revision(settled=True)
    with psycopg.connect(backend.url, autocommit=True) as admin:
        for pid in pooled:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert store.board_revision() == before
    assert store.board_revision(settled=True) == before
