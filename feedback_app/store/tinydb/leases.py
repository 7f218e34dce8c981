"""Claiming due work under short leases: the one way the outbox and the job queue hand out work.

A record is due when it is queued, its `next_attempt_at` has come and no lease on it is still
running. A claim takes up to `limit` due records, oldest first, writes each file at most once
(skipping, without taking its lock, a file whose cached view shows nothing due) and hands out
copies carrying the new lease: records in views are shared and must not be changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from .collection import Collection

__all__ = ["Leased", "claim_due", "is_due"]


class Leased(Protocol):
    id: int
    state: Any
    next_attempt_at: datetime
    lease_until: datetime | None


R = TypeVar("R", bound=Leased)


def is_due(record: Leased, now: datetime) -> bool:
    return (
        record.state == "queued"
        and record.next_attempt_at <= now
        and (record.lease_until is None or record.lease_until <= now)
    )


def claim_due(
    collection: Collection,
    view: str,
    decode: Callable[[dict[int, dict[str, Any]]], list[R]],
    lease: timedelta,
    now: datetime,
    limit: int | None,
) -> list[R]:
    """Up to `limit` due records of `collection` (decoded by the cached view `view`), each
    leased to the caller until `now + lease`."""
    claimed: list[R] = []
    until = (now + lease).isoformat()
    for index, shard in enumerate(collection.shards):
        room = None if limit is None else limit - len(claimed)
        if room is not None and room <= 0:
            break
        if not any(is_due(r, now) for r in collection.shard_view(index, view, decode)):
            continue  # nothing due here: no need to take the lock
        with shard.writing() as db:
            # The view is rebuilt from the data just re-read under the lock.
            due = [r for r in collection.shard_view(index, view, decode) if is_due(r, now)]
            due = sorted(due, key=lambda r: (r.next_attempt_at, r.id))[:room]
            if due:
                doc_ids = [collection.split_id(r.id)[1] for r in due]
                db.table(collection.name).update({"lease_until": until}, doc_ids=doc_ids)
        claimed += [dataclasses.replace(r, lease_until=now + lease) for r in due]  # type: ignore[type-var]
    return claimed
