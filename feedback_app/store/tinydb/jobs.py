"""Durable background jobs: work that fans out leaves the request as one record.

A status change on an idea with a thousand followers records ONE job (a single small write);
the mail worker claims it, works out the followers and queues their messages. A claim is a
short lease: a worker that dies mid-job leaves a lease that runs out, and another worker (or
the same one, restarted) takes the job again. Whatever a job produces must therefore be safe
to produce twice; the outbox does that with one key per (job, recipient), see messages.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..errors import NotFound
from ..models import Job, JobState, cancelled, finished, retried, utcnow
from .collection import Collection
from .leases import claim_due
from .records import add_once

__all__ = ["Jobs"]


class Jobs:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def add(self, job: Job) -> Job:
        """Record a job: one write, whatever the job will fan out to."""
        job.id = self._c.insert(job.to_doc())
        return job

    def schedule(self, job: Job) -> tuple[Job, bool]:
        """Add `job` unless one with its key exists: (the stored job, whether it is new)."""
        job_id, doc, added = add_once(self._c, job.to_doc(), "key")
        if added:
            job.id = job_id
            return job, True
        return Job.from_doc(doc, job_id), False

    def cancel(self, job_id: int) -> Job:
        doc = self._c.update(job_id, cancelled(utcnow()))
        if doc is None:
            raise NotFound(f"jobs {job_id}")
        return Job.from_doc(doc, job_id)

    def get(self, job_id: int) -> Job | None:
        doc = self._c.get(job_id)
        return Job.from_doc(doc, job_id) if doc is not None else None

    def claim(self, lease: timedelta, now: datetime | None = None, limit: int = 20) -> list[Job]:
        """Up to `limit` due jobs, oldest first, leased to the caller (see leases.py)."""
        return claim_due(self._c, "jobs", _decode, lease, now or utcnow(), limit)

    def finish(self, job_ids: list[int], now: datetime | None = None) -> None:
        """Mark jobs done (one write per file)."""
        self._c.update_many(dict.fromkeys(job_ids, finished(now or utcnow())))

    def retry(self, job_id: int, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt; `retry_at` None means give up."""
        self._c.update(job_id, retried(error, retry_at))

    def prune(self, done_before: datetime) -> int:
        """Forget jobs finished before `done_before`; return how many."""

        def old(job: Job) -> bool:
            finished = job.done_at
            return job.state is JobState.DONE and finished is not None and finished < done_before

        return self._c.remove_where("jobs", _decode, old)

    def remove(self, job_ids: list[int]) -> int:
        """Forget these jobs, whatever their state; only their files are written."""
        doomed = set(job_ids)
        return self._c.remove_where("jobs", _decode, lambda j: j.id in doomed)

    def all(self) -> list[Job]:
        found = [j for part in self._c.view("jobs", _decode) for j in part]
        return sorted(found, key=lambda j: (j.created_at, j.id))

    def pending(self) -> int:
        parts = self._c.view("jobs", _decode)
        return sum(1 for part in parts for j in part if j.state is JobState.QUEUED)


def _decode(records: dict[int, dict[str, Any]]) -> list[Job]:
    return [Job.from_doc(doc, jid) for jid, doc in records.items()]

