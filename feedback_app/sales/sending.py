"""The cadence's job handlers: when a scheduled job comes due, the mailer asks here whom to
write to, and what.

Each handler decides at the moment it runs: nothing goes to an address that opted out or
was suppressed since the sale, and a question (survey, check-in, lost sale) goes out only if
the ask rule's reservation on the Contact succeeds (see contacts.reserve_ask); the thank-you
asks nothing and is not held back by it. A handler yields at most one message, under the
recipient's address, so the outbox's key (job key + address) makes a job run twice after a
crash queue one email.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from flask import current_app

from ..data import get_store
from ..mail import job_handler, job_time
from ..store import Job, Message, NotFound, Store
from ..store.models import Contact, Sale, SaleOutcome
from ..surveys.links import arrival_urls, lost_url, survey_urls
from .cadence import CHECKIN, LOST, SURVEY, THANKS, Cadence, checkin_job
from .contacts import contact_for, reserve_ask
from .emails import checkin_email, lost_email, survey_email, thanks_email

__all__: list[str] = []

Sent = Iterator[tuple[str, Message]]


def _sale_and_contact(store: Store, job: Job) -> tuple[Sale, Contact] | None:
    """The job's sale and its buyer, when there is still someone to write to."""
    try:
        sale = store.sales.get(job.payload["sale"])
    except NotFound:  # erased since
        return None
    contact = contact_for(store, sale.email) if sale.anonymised_at is None else None
    if contact is None or not contact.reachable:
        return None
    return sale, contact


def _may_ask(store: Store, contact: Contact, job: Job, now: datetime) -> bool:
    gap = Cadence.from_config(current_app.config).ask_gap
    return reserve_ask(store, contact.id, job.key, now, gap)


@job_handler(THANKS)
def _thanks(job: Job) -> Sent:
    store = get_store()
    found = _sale_and_contact(store, job)
    if found is not None:
        sale, contact = found
        yield contact.email, thanks_email(contact, sale, arrival_urls(sale))


def _ask(job: Job, write: Callable[[Contact, Sale], Message]) -> Sent:
    """One question about the job's sale, if its buyer may be asked now."""
    store = get_store()
    found = _sale_and_contact(store, job)
    if found is not None and _may_ask(store, found[1], job, job_time()):
        sale, contact = found
        yield contact.email, write(contact, sale)


@job_handler(SURVEY)
def _survey(job: Job) -> Sent:
    return _ask(job, lambda contact, sale: survey_email(contact, sale, survey_urls(sale)))


@job_handler(LOST)
def _lost(job: Job) -> Sent:
    return _ask(job, lambda contact, sale: lost_email(contact, sale, lost_url(sale)))


@job_handler(CHECKIN)
def _checkin(job: Job) -> Sent:
    """A repeat customer's check-in; it schedules the next one first, so the series goes on
    while the person stays reachable (and stops for good once they opt out)."""
    store = get_store()
    try:
        contact = store.contacts.get(job.payload["contact"])
    except NotFound:
        return
    if not contact.reachable:
        return
    every = Cadence.from_config(current_app.config).checkin_every
    due = datetime.fromisoformat(job.payload["due"])
    store.jobs.schedule(checkin_job(contact.id, due + every))
    won = store.sales.find(email=contact.email, outcome=SaleOutcome.WON)
    if won and _may_ask(store, contact, job, job_time()):
        latest = max(won, key=lambda s: (s.sold_at, s.id))
        yield contact.email, checkin_email(contact, latest, survey_urls(latest, "checkin"))
