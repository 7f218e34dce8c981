"""The durable mail outbox's messages, and the background jobs that fan out into them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .base import LINE, Record, utcnow

__all__ = ["Job", "JobState", "Message", "MessageState"]


class MessageState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass
class Message(Record):
    """An email in the durable outbox: queued, retried with backoff, sent once."""

    to: str = field(metadata=LINE)
    subject: str = field(metadata=LINE)  # a header: a line break in it would fail every try
    text: str
    html: str = ""
    unsubscribe: str = ""
    state: MessageState = MessageState.QUEUED
    attempts: int = 0
    next_attempt_at: datetime = field(default_factory=utcnow)
    lease_until: datetime | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0


class JobState(StrEnum):
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job(Record):
    """One piece of background work: `kind` names the handler, `payload` is its input."""

    kind: str
    payload: dict[str, Any]
    key: str = field(default_factory=lambda: secrets.token_hex(8))
    state: JobState = JobState.QUEUED
    attempts: int = 0
    next_attempt_at: datetime = field(default_factory=utcnow)
    lease_until: datetime | None = None
    last_error: str = ""
    done_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0
