"""A status change records one job; the mailer fans it out once per follower, crash or not."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from feedback_app.mail import JOB_LEASE, mailer
from feedback_app.store import Store, TinyStore, utcnow
from feedback_app.store.postgres.database import Database
from feedback_app.store.tinydb.storage import AtomicStorage
from tests.ideas.conftest import Board


@contextmanager
def _counting_writes(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Count what the block asks of the store: data-file writes per file on TinyDB; on
    PostgreSQL, transactions (reads included), under "transactions"."""
    writes: Counter[str] = Counter()
    with monkeypatch.context() as patch:
        if isinstance(store, TinyStore):
            real = AtomicStorage.write

            def write(self: AtomicStorage, data: dict) -> None:  # type: ignore[type-arg]
                writes[str(self.path)] += 1
                real(self, data)

            patch.setattr(AtomicStorage, "write", write)
        else:
            real_connection = Database.connection

            def connection(self: Database, *args: Any, **kwargs: Any) -> Any:
                writes["transactions"] += 1
                return real_connection(self, *args, **kwargs)

            patch.setattr(Database, "connection", connection)
        yield writes


def _followed_idea(board: Board, followers: int) -> int:
    idea = board.idea(f"Idea with {followers} followers")
    for n in range(followers):
        person = board.store.users.add(f"f{followers}-{n}@example.com", name=f"Тарас {n}")
        board.store.follows.set(idea, person.id, True)
    return idea


def _change_status(board: Board, idea: int) -> int:
    reply = board.staff_post(idea, "status", {"status": "planned", "response": "Заплановано"})
    assert reply.status_code == 302
    return reply.status_code


def test_a_status_change_makes_the_same_few_writes_whatever_the_followers(
    board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    few, many = _followed_idea(board, 2), _followed_idea(board, 120)
    board.staff_client()  # the staff account exists before counting
    with _counting_writes(board.store, monkeypatch) as small:
        _change_status(board, few)
    with _counting_writes(board.store, monkeypatch) as large:
        _change_status(board, many)
    # Rate-limit counters are written per post, not per follower: leave them out.
    durable = [sum(n for p, n in w.items() if "/limits/" not in p) for w in (small, large)]
    assert durable[0] == durable[1], (small, large)
    if isinstance(board.store, TinyStore):
        assert durable[0] <= 3, small
    assert board.store.messages.all() == [], "no email is composed inside the request"
    assert board.store.jobs.pending() == 2


def test_the_mailer_fans_a_job_out_once_even_after_a_crash(
    board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    idea = _followed_idea(board, 30)
    _change_status(board, idea)
    with board.app.app_context():
        worker = mailer()
        store: Store = worker.store

        def crash(*args: object, **kwargs: object) -> None:
            raise RuntimeError("the worker died before marking the job done")

        with monkeypatch.context() as patch:  # messages queued, job not marked done
            patch.setattr(store.jobs, "finish", crash)
            with pytest.raises(RuntimeError):
                worker.run_jobs()
        assert len(store.messages.all()) == 30
        assert worker.run_jobs() == 0, "the job is leased: not taken again at once"
        with _counting_writes(store, monkeypatch) as writes:
            worker.run_jobs(now=utcnow() + JOB_LEASE + timedelta(seconds=1))
        if isinstance(store, TinyStore):  # PostgreSQL queues them in one transaction
            shards = store.collections["messages"].size
            assert sum(n for p, n in writes.items() if "/messages/" in p) <= shards
    recipients = Counter(m.to for m in board.store.messages.all())
    assert len(recipients) == 30 and set(recipients.values()) == {1}, "nobody gets two emails"
    assert board.store.jobs.pending() == 0
    mail = board.store.messages.all()[0]
    assert "Status: Planned" in mail.text and "Заплановано" in mail.text
    assert "http://localhost/unsubscribe/" in mail.text and "Idea with 30 followers" in mail.subject
