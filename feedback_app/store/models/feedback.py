"""What customers tell us beyond the board: survey answers, testimonials, and the follow-ups
they call for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .base import LINE, LINES, Record, utcnow

__all__ = ["FollowUp", "SurveyResponse", "Testimonial", "TestimonialState"]


class TestimonialState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass
class SurveyResponse(Record):
    email: str = field(metadata=LINE)
    order_ref: str = field(metadata=LINE)
    score: int
    reason: str = field(default="", metadata=LINES)
    user_id: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def category(self) -> str:
        """Net Promoter grouping: promoter (9-10), passive (7-8), detractor (0-6)."""
        if self.score >= 9:
            return "promoter"
        return "passive" if self.score >= 7 else "detractor"


@dataclass
class Testimonial(Record):
    """A customer's words, with everything the FTC Endorsement Guides ask us to keep."""

    user_id: int
    original_text: str = field(metadata=LINES)
    rating: int
    credit_name: str = field(metadata=LINE)
    credit_role: str = field(default="", metadata=LINE)
    credit_company: str = field(default="", metadata=LINE)
    approved_text: str = field(default="", metadata=LINES)
    customer_approved_edit: bool = False
    consent_text: str = field(default="", metadata=LINES)
    consent_version: str = field(default="", metadata=LINE)
    consented_at: datetime | None = None
    connection: str = field(default="", metadata=LINES)
    tags: list[str] = field(default_factory=list, metadata=LINE)
    featured: bool = False
    state: TestimonialState = TestimonialState.PENDING
    created_at: datetime = field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by: int | None = None
    withdrawn_at: datetime | None = None
    id: int = 0

    @property
    def publishable(self) -> bool:
        """Approved, consented, not withdrawn, and any edit approved by the customer."""
        edited = bool(self.approved_text) and self.approved_text != self.original_text
        return (
            self.state is TestimonialState.APPROVED
            and self.consented_at is not None
            and self.withdrawn_at is None
            and (not edited or self.customer_approved_edit)
        )

    @property
    def published_text(self) -> str:
        return self.approved_text or self.original_text


@dataclass
class FollowUp(Record):
    """A promise to get back to a customer: a call after a low score, a thank-you, ..."""

    kind: str = field(metadata=LINE)
    user_id: int | None
    email: str = field(metadata=LINE)
    reason: str = field(metadata=LINES)
    due_at: datetime
    survey_id: int | None = None
    done_at: datetime | None = None
    done_by: int | None = None
    notes: str = field(default="", metadata=LINES)
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0
