"""The durable outbox: every email is stored before any attempt to send it.

Delivery claims messages in batches, each with its own short lease, writing each file once per
claim; several processes can deliver from one queue without sending a message twice, and a
process that dies mid-send holds its few messages only until their leases run out. Outcomes
are recorded in batches too (one write per file), and sent mail is pruned after a set time, so
the files, and with them every write, stay small.

Messages fanned out from a job carry a `key` (one per job and recipient) stored beside the
record: queuing the same key twice stores it once, so a job taken again after a crash sends
nobody a second email. Keyed messages are routed by their key, so a key's uniqueness is
checked under one file's lock (a message imported with an id that names another file leaves
a pointer in that file, see strays.py).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Any

from ..errors import NotFound
from ..models import Message, MessageState, Outcome, requeued, settle_change, utcnow
from .collection import Collection
from .leases import claim_due
from .strays import stray_shards

__all__ = ["Messages", "route_key"]


class Messages:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def enqueue(self, message: Message) -> Message:
        message.id = self._c.insert(message.to_doc())
        return message

    def enqueue_keyed(self, messages: list[tuple[str, Message]]) -> int:
        """Queue messages each under a unique key, skipping keys already queued; each file is
        written at most once. Returns how many were new."""
        by_shard: dict[int, dict[str, Message]] = {}
        for key, message in messages:
            by_shard.setdefault(self._c.shard_index_for(route_key(key)), {})[key] = message
        added = 0
        for index, group in sorted(by_shard.items()):
            with self._c.shards[index].writing() as db:
                known = self._c.shard_view(index, "keys", _keys, raw=True)
                new = [
                    {**m.to_doc(), "key": k}
                    for k, m in group.items()
                    if k not in known and not stray_shards(self._c, k, route_key(k))
                ]
                if new:
                    db.table(self._c.name).insert_multiple(new)
                added += len(new)
        return added

    def get(self, message_id: int) -> Message | None:
        doc = self._c.get(message_id)
        return Message.from_doc(doc, message_id) if doc is not None else None

    def claim_due(
        self, lease: timedelta, now: datetime | None = None, limit: int | None = None
    ) -> list[Message]:
        """Up to `limit` queued messages whose time has come, each leased to the caller until
        `now + lease`; each file is written at most once."""
        return claim_due(self._c, "queue", _decode, lease, now or utcnow(), limit)

    def settle(self, outcomes: dict[int, Outcome], now: datetime | None = None) -> None:
        """Record the outcome of each claimed message, writing each file once."""
        stamp = (now or utcnow()).isoformat()
        self._c.update_many(
            {message_id: settle_change(outcome, stamp) for message_id, outcome in outcomes.items()}
        )

    def requeue(self, message_id: int, now: datetime | None = None) -> Message:
        doc = self._c.update(message_id, requeued(now or utcnow()))
        if doc is None:
            raise NotFound(f"messages {message_id}")
        return Message.from_doc(doc, message_id)

    def prune(self, sent_before: datetime) -> int:
        """Forget mail sent before `sent_before` (queued and failed mail is kept); return how
        many messages went. Only files holding such mail are written."""

        def old(message: Message) -> bool:
            sent = message.sent_at
            return message.state is MessageState.SENT and sent is not None and sent < sent_before

        return self._c.remove_where("queue", _decode, old)

    def remove(self, message_ids: list[int]) -> int:
        """Forget these messages, whatever their state; only their files are written."""
        doomed = set(message_ids)
        return self._c.remove_where("queue", _decode, lambda m: m.id in doomed)

    def all(self) -> list[Message]:
        """Every message, newest first."""
        found = [m for part in self._c.view("queue", _decode) for m in part]
        return sorted(found, key=lambda m: (m.created_at, m.id), reverse=True)

    def pending(self) -> int:
        parts = self._c.view("queue", _decode)
        return sum(1 for part in parts for m in part if m.state is MessageState.QUEUED)


def route_key(key: str) -> int:
    # crc32, not hash(): hash() of a str differs between processes.
    return zlib.crc32(key.encode())


def _keys(table: dict[str, dict[str, Any]]) -> set[str]:
    return {doc["key"] for doc in table.values() if "key" in doc}


def _decode(records: dict[int, dict[str, Any]]) -> list[Message]:
    return [Message.from_doc(doc, mid) for mid, doc in records.items()]
