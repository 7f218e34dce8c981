"""The mail outbox and the job queue on PostgreSQL.

Claims take due rows with `FOR UPDATE SKIP LOCKED`: hosts claiming at the same moment each
get different rows without waiting for one another, and a lease (as in the TinyDB store)
hands a row to another claimant only once it runs out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from psycopg.types.json import Jsonb

from ..errors import NotFound
from ..models import (
    Job,
    JobState,
    Message,
    MessageState,
    Outcome,
    Record,
    cancelled,
    finished,
    requeued,
    retried,
    settle_change,
    utcnow,
)
from .database import Database
from .doctable import Doc, DocTable
from .records import lock_value

__all__ = ["PgJobs", "PgMessages"]

R = TypeVar("R", bound=Record)


def _queue_columns(finished_field: str) -> Callable[[Doc], dict[str, Any]]:
    def columns(doc: Doc) -> dict[str, Any]:
        done = doc.get(finished_field)
        lease = doc.get("lease_until")
        return {
            "key": doc.get("key"),
            "state": doc["state"],
            "next_attempt_at": datetime.fromisoformat(doc["next_attempt_at"]),
            "lease_until": datetime.fromisoformat(lease) if lease else None,
            "finished_at": datetime.fromisoformat(done) if done else None,
            "created_at": datetime.fromisoformat(doc["created_at"]),
        }

    return columns


def _claim(table: DocTable, lease: timedelta, now: datetime, limit: int | None) -> list[Any]:
    """Up to `limit` due rows, oldest first, leased until `now + lease` (see store/leases.py)."""
    until = now + lease
    with table.db.connection() as conn:
        # The due rows are chosen in a CTE, which runs once: as an `IN (subquery)` the
        # planner may run the LIMITed subquery again and lease more rows than asked for.
        rows = conn.execute(
            f"WITH due AS (SELECT id FROM {table.name} WHERE state = 'queued' "
            "AND next_attempt_at <= %(now)s AND (lease_until IS NULL OR lease_until <= %(now)s) "
            "ORDER BY next_attempt_at, id LIMIT %(limit)s FOR UPDATE SKIP LOCKED) "
            f"UPDATE {table.name} t SET lease_until = %(until)s, "
            "doc = jsonb_set(t.doc, '{lease_until}', to_jsonb(%(stamp)s::text)) "
            "FROM due WHERE t.id = due.id RETURNING t.id, t.doc",
            {"until": until, "stamp": until.isoformat(), "now": now, "limit": limit},
        ).fetchall()
    found = [table.decode(record_id, doc) for record_id, doc in rows]
    return sorted(found, key=lambda r: (r.next_attempt_at, r.id))


class PgMessages:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.table = DocTable(db, "messages", Message, _queue_columns("sent_at"))

    def enqueue(self, message: Message) -> Message:
        message.id = self.table.insert(message.to_doc())
        return message

    def enqueue_keyed(self, messages: list[tuple[str, Message]]) -> int:
        """Queue messages each under a unique key, skipping keys already queued (by any
        host). Returns how many were new."""
        added = 0
        with self._db.connection() as conn:
            for key, message in dict(messages).items():
                row = conn.execute(
                    "INSERT INTO messages (key, state, next_attempt_at, created_at, doc) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO NOTHING RETURNING id",
                    (key, message.state.value, message.next_attempt_at, message.created_at,
                     Jsonb({**message.to_doc(), "key": key})),
                ).fetchone()  # fmt: skip
                added += row is not None
        return added

    def get(self, message_id: int) -> Message | None:
        doc = self.table.get(message_id)
        return Message.from_doc(doc, message_id) if doc is not None else None

    def claim_due(
        self, lease: timedelta, now: datetime | None = None, limit: int | None = None
    ) -> list[Message]:
        return _claim(self.table, lease, now or utcnow(), limit)

    def settle(self, outcomes: dict[int, Outcome], now: datetime | None = None) -> None:
        stamp = (now or utcnow()).isoformat()
        self.table.update_many(
            {message_id: settle_change(outcome, stamp) for message_id, outcome in outcomes.items()}
        )

    def requeue(self, message_id: int, now: datetime | None = None) -> Message:
        doc = self.table.update(message_id, requeued(now or utcnow()))
        if doc is None:
            raise NotFound(f"messages {message_id}")
        return Message.from_doc(doc, message_id)

    def prune(self, sent_before: datetime) -> int:
        return self.table.delete(
            "state = %s AND finished_at < %s", (MessageState.SENT.value, sent_before)
        )

    def remove(self, message_ids: list[int]) -> int:
        return self.table.delete("id = ANY(%s)", (list(message_ids),))

    def all(self) -> list[Message]:
        return self.table.select(order="created_at DESC, id DESC")

    def pending(self) -> int:
        return self.table.count("state = %s", (MessageState.QUEUED.value,))


class PgJobs:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.table = DocTable(db, "jobs", Job, _queue_columns("done_at"))

    def add(self, job: Job) -> Job:
        job.id = self.table.insert(job.to_doc())
        return job

    def get(self, job_id: int) -> Job | None:
        doc = self.table.get(job_id)
        return Job.from_doc(doc, job_id) if doc is not None else None

    def schedule(self, job: Job) -> tuple[Job, bool]:
        """Add `job` unless one with its key exists: (the stored job, whether it is new)."""
        with self._db.connection() as conn:
            lock_value(conn, "jobs", "key", job.key)
            row = conn.execute("SELECT id, doc FROM jobs WHERE key = %s", (job.key,)).fetchone()
            if row is not None:
                return Job.from_doc(row[1], row[0]), False
            job.id = self.table.insert(job.to_doc(), conn)
        return job, True

    def cancel(self, job_id: int) -> Job:
        doc = self.table.update(job_id, cancelled(utcnow()))
        if doc is None:
            raise NotFound(f"jobs {job_id}")
        return Job.from_doc(doc, job_id)

    def claim(self, lease: timedelta, now: datetime | None = None, limit: int = 20) -> list[Job]:
        return _claim(self.table, lease, now or utcnow(), limit)

    def finish(self, job_ids: list[int], now: datetime | None = None) -> None:
        self.table.update_many(dict.fromkeys(job_ids, finished(now or utcnow())))

    def retry(self, job_id: int, error: str, retry_at: datetime | None) -> None:
        self.table.update(job_id, retried(error, retry_at))

    def prune(self, done_before: datetime) -> int:
        return self.table.delete(
            "state = %s AND finished_at < %s", (JobState.DONE.value, done_before)
        )

    def remove(self, job_ids: list[int]) -> int:
        return self.table.delete("id = ANY(%s)", (list(job_ids),))

    def all(self) -> list[Job]:
        return self.table.select(order="created_at, id")

    def pending(self) -> int:
        return self.table.count("state = %s", (JobState.QUEUED.value,))
