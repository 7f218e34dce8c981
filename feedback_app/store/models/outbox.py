"""The durable mail outbox's messages, and the background jobs that fan out into them."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .base import LINE, Record, utcnow, without_nul

__all__ = [
    "Job",
    "JobState",
    "Message",
    "MessageState",
    "Outcome",
    "cancelled",
    "finished",
    "requeued",
    "retried",
    "settle_change",
]


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
    CANCELLED = "cancelled"  # by staff, before it ran (a scheduled email not to send)


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


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to: sent, failed (to retry at `retry_at`, or never when
    it is None), or `released` untried, to be claimed again at once."""

    sent: bool = False
    error: str = ""
    retry_at: datetime | None = None
    released: bool = False
    # The lease this outcome settles: when the message has been claimed again since (the
    # lease ran out), the outcome is the other claimant's to record, not this one's.
    lease_until: datetime | None = None


def settle_change(
    outcome: Outcome, stamp: str
) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """The change of a message's document that records `outcome` (both backends use it)."""

    def change(doc: dict[str, Any]) -> dict[str, Any] | None:
        held = outcome.lease_until
        if held is not None and doc.get("lease_until") != held.isoformat():
            return None
        if outcome.released:
            return {**doc, "lease_until": None}
        if outcome.sent:
            return {**doc, "state": MessageState.SENT.value, "sent_at": stamp,
                    "lease_until": None, "attempts": doc["attempts"] + 1}  # fmt: skip
        state = MessageState.QUEUED if outcome.retry_at else MessageState.FAILED
        return {**doc, "state": state.value, "last_error": without_nul(outcome.error[:500]),
                "attempts": doc["attempts"] + 1, "lease_until": None,
                "next_attempt_at": (outcome.retry_at.isoformat() if outcome.retry_at
                                    else stamp)}  # fmt: skip

    return change


def finished(now: datetime) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The change of a job's document that marks it done (both backends use it)."""
    done = now.isoformat()

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "state": JobState.DONE.value, "done_at": done, "lease_until": None}

    return change


def cancelled(now: datetime) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """The change of a job's document that cancels it, if it has not run (both backends)."""
    done = now.isoformat()

    def change(doc: dict[str, Any]) -> dict[str, Any] | None:
        if doc["state"] != JobState.QUEUED.value:
            return None
        return {**doc, "state": JobState.CANCELLED.value, "done_at": done, "lease_until": None}

    return change


def requeued(now: datetime) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """The change of a message's document that queues a failed message again, due at `now`,
    with a fresh set of attempts (both backends use it); any other message is left alone.
    Its last error stays, to be read until the next attempt replaces it."""
    due = now.isoformat()

    def change(doc: dict[str, Any]) -> dict[str, Any] | None:
        if doc["state"] != MessageState.FAILED.value:
            return None
        return {**doc, "state": MessageState.QUEUED.value, "attempts": 0,
                "next_attempt_at": due, "lease_until": None}  # fmt: skip

    return change


def retried(error: str, retry_at: datetime | None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The change of a job's document that records a failed attempt (both backends use it)."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        state = JobState.QUEUED if retry_at else JobState.FAILED
        return {**doc, "state": state.value, "last_error": without_nul(error[:500]),
                "lease_until": None, "attempts": doc["attempts"] + 1,
                "next_attempt_at": (retry_at or utcnow()).isoformat()}  # fmt: skip

    return change
