"""Claiming due work under short leases: the one way the outbox and the job queue hand out work.

A record is due when it is queued, its `next_attempt_at` has come and no lease on it is still
running. A claim takes up to `limit` due records, the oldest due first across all files (as
on PostgreSQL), writes each file holding one at most once (a file holding none is not even
locked) and hands out copies carrying the new lease: records in views are shared and must not
be changed.
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
    """Up to `limit` due records of `collection` (decoded by the cached view `view`), the
    oldest due first whichever file holds them, each leased to the caller until `now + lease`.

    The candidates are picked from the cached views, without a lock; each file holding some
    is then locked once, and only those still due under its lock are leased (another process
    may have taken some meanwhile: the claim is then smaller, never wrong)."""

    def order(record: Leased) -> tuple[datetime, int]:
        return (record.next_attempt_at, record.id)

    candidates = sorted(
        (r for index in range(collection.size)
         for r in collection.shard_view(index, view, decode) if is_due(r, now)),
        key=order,
    )[:limit]  # fmt: skip
    wanted: dict[int, set[int]] = {}
    for record in candidates:
        wanted.setdefault(collection.shard_index_for(record.id), set()).add(record.id)
    claimed: list[R] = []
    until = (now + lease).isoformat()
    for index, ids in sorted(wanted.items()):
        with collection.shards[index].writing() as db:
            # The view is rebuilt from the data just re-read under the lock.
            fresh = collection.shard_view(index, view, decode)
            due = [r for r in fresh if r.id in ids and is_due(r, now)]
            if due:
                doc_ids = [collection.split_id(r.id)[1] for r in due]
                db.table(collection.name).update({"lease_until": until}, doc_ids=doc_ids)
        claimed += [dataclasses.replace(r, lease_until=now + lease) for r in due]  # type: ignore[type-var]
    return sorted(claimed, key=order)
