"""When each follow-up email of a sale is due, recorded as scheduled jobs (needs no app).

A won sale: a thank-you after THANKS_AFTER_DAYS, the survey invitation after
SURVEY_AFTER_DAYS. A lost sale: one "what made you decide?" question after LOST_AFTER_DAYS.
A repeat customer (a second won sale): a check-in every CHECKIN_EVERY_DAYS, one series per
person, each check-in scheduling the next. Every job has a key made of what it is about
(`sale:12:thanks`, `checkin:7:2025-06-30`), so scheduling twice stores one job, and the
outbox keys its message by the job's key, so a job run twice sends one email.

Whether an email may still go out (opted out, suppressed, asked too recently) is decided
when its job runs (see sending.py), not here: the answer can change in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..store import Job, Store
from ..store.models import Contact, Sale, SaleOutcome

__all__ = [
    "CHECKIN",
    "LATE_LIMIT",
    "LOST",
    "SURVEY",
    "THANKS",
    "Cadence",
    "checkin_job",
    "next_checkin",
    "schedule_sale",
]

THANKS = "sale_thanks"
SURVEY = "sale_survey"
LOST = "sale_lost"
CHECKIN = "contact_checkin"

# A step already overdue by more than this when its sale is recorded is not scheduled:
# importing last year's sales must not ask people today whether last year's parcel arrived.
LATE_LIMIT = timedelta(days=7)


@dataclass(frozen=True)
class Cadence:
    """The delays of the loop, from the VOICEBOX_*_DAYS settings."""

    thanks_after: timedelta
    survey_after: timedelta
    lost_after: timedelta
    checkin_every: timedelta
    ask_gap: timedelta

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Cadence:
        def days(name: str) -> timedelta:
            return timedelta(days=config[name])

        return cls(
            days("THANKS_AFTER_DAYS"), days("SURVEY_AFTER_DAYS"), days("LOST_AFTER_DAYS"),
            days("CHECKIN_EVERY_DAYS"), days("ASK_GAP_DAYS"),
        )  # fmt: skip


def _steps(sale: Sale, cadence: Cadence) -> list[tuple[str, datetime]]:
    if sale.outcome is SaleOutcome.LOST:
        return [(LOST, sale.sold_at + cadence.lost_after)]
    return [
        (THANKS, sale.sold_at + cadence.thanks_after),
        (SURVEY, sale.sold_at + cadence.survey_after),
    ]


def schedule_sale(
    store: Store, sale: Sale, contact: Contact, cadence: Cadence, now: datetime
) -> int:
    """Schedule the emails `sale` starts (and the check-ins, once its buyer is a repeat
    customer); safe to run again. Returns how many jobs were new."""
    if not contact.reachable or sale.anonymised_at is not None:
        return 0
    new = 0
    for kind, due in _steps(sale, cadence):
        if now - due <= LATE_LIMIT:
            key = f"sale:{sale.id}:{kind.removeprefix('sale_')}"
            new += store.jobs.schedule(Job(kind, {"sale": sale.id}, key=key,
                                           next_attempt_at=due))[1]  # fmt: skip
    if sale.outcome is SaleOutcome.WON:
        new += _start_checkins(store, sale, contact, cadence, now)
    return new


def _start_checkins(
    store: Store, sale: Sale, contact: Contact, cadence: Cadence, now: datetime
) -> int:
    """A second won sale makes a repeat customer: their series of check-ins starts from it
    (recorded once on the contact, so a third sale starts no second series)."""
    if len(store.sales.find(email=contact.email, outcome=SaleOutcome.WON)) < 2:
        return 0

    def start(c: Contact) -> None:
        if c.checkins_from is None:
            c.checkins_from = sale.sold_at

    contact = store.contacts.update(contact.id, start)
    due = next_checkin(contact.checkins_from or sale.sold_at, cadence.checkin_every, now)
    return int(store.jobs.schedule(checkin_job(contact.id, due))[1])


def next_checkin(start: datetime, every: timedelta, after: datetime) -> datetime:
    """The first check-in of the series from `start` that is due after `after`."""
    periods = max(1, (after - start) // every + 1)
    return start + periods * every


def checkin_job(contact_id: int, due: datetime) -> Job:
    """The check-in due at `due`: its key names the person and the day, so the series (and a
    check-in run twice) schedules each one once."""
    return Job(CHECKIN, {"contact": contact_id, "due": due.isoformat()},
               key=f"checkin:{contact_id}:{due:%Y-%m-%d}", next_attempt_at=due)  # fmt: skip
