"""The durable outbox: every email is stored before any attempt to send it.

Delivery claims a message with a lease (under the file lock), so several processes can
deliver from one queue without sending a message twice; a process that dies mid-send leaves
a lease that runs out, and the message is tried again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .collection import Collection
from .models import Message, MessageState, utcnow

__all__ = ["Messages"]


class Messages:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def enqueue(self, message: Message) -> Message:
        message.id = self._c.insert(message.to_doc())
        return message

    def get(self, message_id: int) -> Message | None:
        doc = self._c.get(message_id)
        return Message.from_doc(doc, message_id) if doc is not None else None

    def claim_due(self, lease: timedelta, now: datetime | None = None) -> list[Message]:
        """Queued messages whose time has come, leased to the caller."""
        now = now or utcnow()
        claimed: list[Message] = []
        for index, shard in enumerate(self._c.shards):
            if not any(_due(m, now) for m in self._c.shard_view(index, "queue", _decode)):
                continue  # nothing due here: no need to take the lock
            with shard.writing() as db:
                table = db.table(self._c.name)
                for doc in table.all():
                    message = Message.from_doc(dict(doc), self._c.join_id(index, doc.doc_id))
                    if _due(message, now):
                        message.lease_until = now + lease
                        table.update({"lease_until": message.lease_until.isoformat()},
                                     doc_ids=[doc.doc_id])  # fmt: skip
                        claimed.append(message)
        return claimed

    def mark_sent(self, message_id: int) -> None:
        def change(doc: dict[str, Any]) -> dict[str, Any]:
            return {**doc, "state": MessageState.SENT.value, "sent_at": utcnow().isoformat(),
                    "lease_until": None, "attempts": doc["attempts"] + 1}  # fmt: skip

        self._c.update(message_id, change)

    def mark_failed(self, message_id: int, error: str, retry_at: datetime | None) -> None:
        """Record a failed attempt; `retry_at` None means give up."""

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            state = MessageState.QUEUED if retry_at else MessageState.FAILED
            return {**doc, "state": state.value, "last_error": error[:500],
                    "attempts": doc["attempts"] + 1, "lease_until": None,
                    "next_attempt_at": (retry_at or utcnow()).isoformat()}  # fmt: skip

        self._c.update(message_id, change)

    def all(self) -> list[Message]:
        """Every message, newest first."""
        found = [m for part in self._c.view("queue", _decode) for m in part]
        return sorted(found, key=lambda m: (m.created_at, m.id), reverse=True)

    def pending(self) -> int:
        parts = self._c.view("queue", _decode)
        return sum(1 for part in parts for m in part if m.state is MessageState.QUEUED)


def _due(message: Message, now: datetime) -> bool:
    return (
        message.state is MessageState.QUEUED
        and message.next_attempt_at <= now
        and (message.lease_until is None or message.lease_until <= now)
    )


def _decode(records: dict[int, dict[str, Any]]) -> list[Message]:
    return [Message.from_doc(doc, mid) for mid, doc in records.items()]
