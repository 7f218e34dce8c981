"""Testimonials: a customer's words, with everything the FTC Endorsement Guides ask us to keep.

The original wording is never overwritten: a staff edit is kept beside it (`approved_text`)
and published only once the customer approved it. The consent text and its version, the
moment and an HMAC of the client address are kept, and so is any material connection, which
the published page discloses. The email is never published; only a testimonial whose email
was confirmed reaches moderation, and only a confirmed one can be published.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .base import LINE, LINES, Record, utcnow

__all__ = [
    "QUOTE_LENGTH",
    "ConnectionKind",
    "CreditStyle",
    "Photo",
    "Testimonial",
    "TestimonialState",
    "credit_line",
]

QUOTE_LENGTH = range(20, 1001)


class TestimonialState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class CreditStyle(StrEnum):
    """How the customer chose to be named on the site."""

    FULL = "full"  # Olena Kovalenko
    FIRST_INITIAL = "first_initial"  # Olena K.
    INITIALS = "initials"  # O. K.
    ANONYMOUS = "anonymous"  # no name at all


class ConnectionKind(StrEnum):
    """A material connection between the customer and the business, disclosed when published."""

    NONE = "none"
    EMPLOYEE = "employee"
    INCENTIVE = "incentive"  # received something in return
    OTHER = "other"


def credit_line(name: str, style: CreditStyle) -> str:
    """The name as the customer chose to be credited ("" when anonymous). A full name is kept
    exactly as written; the shortened styles are built from its words."""
    if style is CreditStyle.FULL:
        return name
    parts = name.split()
    if style is CreditStyle.ANONYMOUS or not parts:
        return ""
    if style is CreditStyle.FIRST_INITIAL:
        return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])
    return " ".join(f"{p[0]}." for p in parts)


@dataclass
class Testimonial(Record):
    original_text: str = field(metadata=LINES)
    rating: int
    credit_name: str = field(metadata=LINE)
    credit_role: str = field(default="", metadata=LINE)
    credit_company: str = field(default="", metadata=LINE)
    user_id: int | None = None
    # Never published. Confirmed by a link sent to it before the testimonial reaches staff.
    email: str = field(default="", metadata=LINE)
    email_confirmed_at: datetime | None = None
    credit_style: CreditStyle = CreditStyle.FULL
    # A staff edit, kept beside the original; published only once the customer approved it.
    approved_text: str = field(default="", metadata=LINES)
    customer_approved_edit: bool = False
    # When the customer approved the edit, or chose their own words back (approved_text "").
    edit_answered_at: datetime | None = None
    edited_at: datetime | None = None
    edited_by: int | None = None
    consent_text: str = field(default="", metadata=LINES)
    consent_version: str = field(default="", metadata=LINE)
    consented_at: datetime | None = None
    # HMAC-SHA256 of the client address, keyed with the secret key (a plain hash of an IPv4
    # address can be reversed by trying them all).
    consent_client: str = ""
    connection_kind: ConnectionKind = ConnectionKind.NONE
    connection: str = field(default="", metadata=LINES)  # the disclosure, in words
    photo_id: int | None = None
    survey_id: int | None = None
    # The single-use invitation link it was written through (unique in a store), if any.
    invite: str = field(default="", metadata=LINE)
    # The form it was sent from (a random id per form shown): sending the same form again
    # (a double click, a reload) finds this testimonial instead of storing a second one.
    submission: str = field(default="", metadata=LINE)
    language: str = field(default="", metadata=LINE)
    tags: list[str] = field(default_factory=list, metadata=LINE)
    featured: bool = False
    state: TestimonialState = TestimonialState.PENDING
    rejected_reason: str = field(default="", metadata=LINES)
    created_at: datetime = field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by: int | None = None
    withdrawn_at: datetime | None = None
    id: int = 0

    @property
    def edit_awaiting_customer(self) -> bool:
        return bool(self.approved_text) and self.approved_text != self.original_text and (
            not self.customer_approved_edit
        )

    @property
    def publishable(self) -> bool:
        """Approved, its email confirmed, consented, not withdrawn, and any edit approved by
        the customer."""
        return (
            self.state is TestimonialState.APPROVED
            and self.email_confirmed_at is not None
            and self.consented_at is not None
            and self.withdrawn_at is None
            and not self.edit_awaiting_customer
        )

    @property
    def published_text(self) -> str:
        return self.approved_text or self.original_text

    @property
    def credit(self) -> str:
        return credit_line(self.credit_name, self.credit_style)


@dataclass
class Photo(Record):
    """A testimonial's photo, already checked, stripped of metadata and resized (a few dozen
    KB): kept in the store so that backups, migrations and every host have it."""

    content_type: str
    data: str  # base64
    width: int
    height: int
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def content(self) -> bytes:
        """The picture file itself."""
        return base64.b64decode(self.data)
