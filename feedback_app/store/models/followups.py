"""Follow-ups: a promise to get back to a customer, usually a call after a low score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from .base import LINE, LINES, Record, utcnow

__all__ = ["RESCUE_WITHIN", "FollowUp", "FollowUpEvent", "FollowUpState"]

# A detractor is called within this time of answering.
RESCUE_WITHIN = timedelta(hours=48)


class FollowUpState(StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"
    RESOLVED = "resolved"


@dataclass
class FollowUpEvent(Record):
    """One step in a follow-up's history: a change of state or owner, or a note."""

    at: datetime
    by: int | None
    state: str = ""
    owner_id: int | None = None
    note: str = field(default="", metadata=LINES)


@dataclass
class FollowUp(Record):
    # "call" after a low score; "arrival" when an order did not arrive as promised.
    kind: str = field(metadata=LINE)
    user_id: int | None
    email: str = field(metadata=LINE)
    reason: str = field(metadata=LINES)
    due_at: datetime
    survey_id: int | None = None
    sale_id: int | None = None
    name: str = field(default="", metadata=LINE)
    owner_id: int | None = None
    state: FollowUpState = FollowUpState.OPEN
    outcome: str = field(default="", metadata=LINES)
    events: list[FollowUpEvent] = field(default_factory=list)
    overdue_notified_at: datetime | None = None
    # Set when it was resolved (with `done_by`).
    done_at: datetime | None = None
    done_by: int | None = None
    notes: str = field(default="", metadata=LINES)
    # What opened it, one follow-up per answer ("survey:<answer id>"; see `Records.add_once`).
    origin: str = field(default="", metadata=LINE)
    # False when the customer said no to "may we contact you?": no personal note by email.
    may_contact: bool = True
    language: str = field(default="", metadata=LINE)
    # The personal note emailed to the customer when it was resolved, if any.
    customer_note: str = field(default="", metadata=LINES)
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    def overdue(self, now: datetime) -> bool:
        """Nobody has reached the customer and the time to do so is past: once contacted,
        the rescue call happened in time or not, and the clock stops."""
        return self.state is FollowUpState.OPEN and now > self.due_at
