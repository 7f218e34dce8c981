"""Sales a shop reports, and the people they were made to: where the follow-up loop starts.

A `Sale` is one order (won) or one lost deal, known by the shop's order reference, so a sale
reported twice (a CSV imported again, a shop system retrying its call) is stored once. A
`Contact` is what Voicebox knows of one address across sales, surveys and testimonials: the
language to write in and whether, and when, we may ask it something again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from .base import LINE, Record, utcnow

__all__ = [
    "ASK_GAP",
    "TESTIMONIAL_INVITE_GAP",
    "Contact",
    "Sale",
    "SaleOutcome",
]

# Nobody is asked to answer anything more than once in this time (a thank-you is not an ask).
ASK_GAP = timedelta(days=30)
# Nobody is invited to write a testimonial more than once in this time.
TESTIMONIAL_INVITE_GAP = timedelta(days=90)


class SaleOutcome(StrEnum):
    WON = "won"
    LOST = "lost"


@dataclass
class Sale(Record):
    """One order or lost deal. `order_ref` is unique in a store (see `Records.add_once`)."""

    email: str = field(metadata=LINE)
    order_ref: str = field(metadata=LINE)
    sold_at: datetime
    outcome: SaleOutcome = SaleOutcome.WON
    name: str = field(default="", metadata=LINE)
    language: str = field(default="en", metadata=LINE)
    touchpoint: str = field(default="", metadata=LINE)
    # Where it came from: "csv", "api:<integration name>", "demo".
    source: str = field(default="", metadata=LINE)
    # Set when the retention period has passed: the address and name are gone, the figures stay.
    anonymised_at: datetime | None = None
    # When its emails were scheduled: recording the sale again (a re-import, a retried API
    # call) schedules nothing more, even after the done jobs were pruned.
    scheduled_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0


@dataclass
class Contact(Record):
    """One address: how to speak to it, and whether we may. `email` is unique in a store and
    always normalised (`normalise_email`)."""

    email: str = field(metadata=LINE)
    name: str = field(default="", metadata=LINE)
    language: str = field(default="en", metadata=LINE)
    # One click in any follow-up email: nothing more is scheduled or sent to this address.
    opted_out_at: datetime | None = None
    # Delivery failed permanently (an SMTP 5xx): nothing more is sent until staff lift it.
    suppressed_at: datetime | None = None
    suppressed_reason: str = ""
    # The last question asked (survey invitation, check-in, lost-sale question) and the key
    # of the job that asked it: the same job run again after a crash is not a second ask.
    last_asked_at: datetime | None = None
    last_asked_by: str = ""
    testimonial_invited_at: datetime | None = None
    # The start of this repeat customer's check-ins (every VOICEBOX_CHECKIN_EVERY_DAYS from
    # here), set once, when a second sale is won: one series of check-ins per person.
    checkins_from: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def reachable(self) -> bool:
        return self.opted_out_at is None and self.suppressed_at is None

    def may_ask(self, now: datetime, by: str, gap: timedelta = ASK_GAP) -> bool:
        """Whether the job `by` may ask this person something at `now` (the 30-day rule;
        `gap` is VOICEBOX_ASK_GAP_DAYS)."""
        if not self.reachable:
            return False
        if self.last_asked_at is None or self.last_asked_by == by:
            return True
        return now - self.last_asked_at >= gap

    def may_invite_testimonial(
        self, now: datetime, gap: timedelta = TESTIMONIAL_INVITE_GAP
    ) -> bool:
        """Whether a testimonial invitation may go out at `now` (the 90-day rule; `gap` is
        VOICEBOX_INVITE_GAP_DAYS)."""
        return self.reachable and (
            self.testimonial_invited_at is None or now - self.testimonial_invited_at >= gap
        )
