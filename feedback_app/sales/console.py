"""The sales side of the console: importing a file, a survey link made by hand, and the
follow-up emails scheduled for each person, which staff may cancel one by one.

Each action writes one audit entry. Entries name sales and jobs by id, never by address:
an erasure removes the address from the sales, and the log must not keep it behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import audit
from ..mail import send
from ..store import Job, NotFound, Store, User
from ..store.contract import COLLECTIONS
from ..store.models import Contact, JobState, Sale, normalise_email
from ..surveys.links import personal_url, survey_urls
from .cadence import CHECKIN, LOST, SURVEY, THANKS, Cadence
from .contacts import contact_for, reserve_ask
from .csv_import import FORM_MAX_ROWS, ImportReport, import_sales
from .emails import survey_email

__all__ = [
    "STEP_LABELS", "ConsoleError", "PersonalLink", "Scheduled", "cancel_job", "import_file",
    "make_personal_link", "scheduled",
]  # fmt: skip

STEP_LABELS = {
    THANKS: _l("Thank-you (did everything arrive?)"),
    SURVEY: _l("Survey invitation"),
    LOST: _l("Lost-sale question"),
    CHECKIN: _l("Check-in"),
}


class ConsoleError(ValueError):
    """What staff asked for cannot be done; `field` names the form field it is about."""

    def __init__(self, message: object, field: str = "") -> None:
        super().__init__(str(message))
        self.field = field


def import_file(
    store: Store, actor: User, data: bytes, config: Mapping[str, Any], now: datetime
) -> ImportReport:
    """Import a CSV file's sales, all or none (csv_import), up to FORM_MAX_ROWS of them (a
    web worker writes them while the person waits); an entry when anything was kept."""
    report = import_sales(store, data, config, now, max_rows=FORM_MAX_ROWS)
    if report.created or report.existing:
        counts = {"created": report.created, "existing": report.existing, "jobs": report.jobs}
        summary = f"{report.created} new sales, {report.jobs} emails scheduled"
        audit.record(store, actor, "sales.import", "sale", None, {}, counts, summary=summary)
    return report


@dataclass(frozen=True)
class PersonalLink:
    sale: Sale
    url: str
    emailed: bool
    not_emailed: str = ""  # why it was not emailed when that was asked for


def make_personal_link(
    store: Store, actor: User, email: str, order_ref: str, email_it: bool,
    config: Mapping[str, Any], now: datetime,
) -> PersonalLink:  # fmt: skip
    """The personal survey link of the recorded sale `order_ref`, made to `email`; emailed
    when asked and allowed (reachable, and not asked anything within the ask gap)."""
    sale = _sale_of(store, email, order_ref)
    url = personal_url(sale)
    why = ""
    if email_it:
        contact = contact_for(store, sale.email)
        why = _why_not_email(store, contact, sale, config, now)
        if not why and contact is not None:
            message = survey_email(contact, sale, survey_urls(sale))
            send(message.to, message.subject, message.text, message.html, message.unsubscribe)
    emailed = email_it and not why
    audit.record(store, actor, "survey.link", "sale", sale.id, {}, {"emailed": emailed},
                 summary=f"survey link for order {sale.order_ref}")  # fmt: skip
    return PersonalLink(sale, url, emailed, why)


def _sale_of(store: Store, email: str, order_ref: str) -> Sale:
    found = store.sales.find(order_ref=order_ref.strip())
    if not found:
        raise ConsoleError(_l("No sale has the order reference %(ref)s: import it first.",
                              ref=order_ref.strip()), "order_ref")  # fmt: skip
    sale = found[0]
    if sale.anonymised_at is not None or normalise_email(sale.email) != normalise_email(email):
        raise ConsoleError(_l("Order %(ref)s was made to another address.", ref=sale.order_ref),
                           "email")  # fmt: skip
    return sale


def _why_not_email(
    store: Store, contact: Contact | None, sale: Sale, config: Mapping[str, Any], now: datetime
) -> str:
    if contact is None or not contact.reachable:
        return str(_l("This address opted out of our emails, or mail to it fails: give the "
                      "link in person."))  # fmt: skip
    gap = Cadence.from_config(config).ask_gap
    # A key of its own each time: emailing the link again is a second question.
    if not reserve_ask(store, contact.id, f"console:{sale.id}:{now.isoformat()}", now, gap):
        return ngettext("This person was asked something less than %(num)d day ago: give the "
                        "link in person, or wait.",
                        "This person was asked something less than %(num)d days ago: give the "
                        "link in person, or wait.", gap.days)  # fmt: skip
    return ""


@dataclass(frozen=True)
class Scheduled:
    """One follow-up email waiting for its time, and whom it is for."""

    job: Job
    step: object  # a lazy label
    email: str
    name: str


def scheduled(
    store: Store, page: int, per_page: int, email: str = ""
) -> tuple[list[Scheduled], int]:
    """The queued follow-up emails, soonest first (of `email` only, when given): one page of
    them, and how many there are. Read batch by batch: done jobs are never decoded."""
    wanted = _jobs_of(store, normalise_email(email)) if email.strip() else None
    queued: list[Job] = []
    for batch in store.scan("jobs"):
        for job_id, doc in batch:
            if doc.get("kind") in STEP_LABELS and doc.get("state") == JobState.QUEUED.value:
                job = COLLECTIONS["jobs"].from_doc(doc, job_id)
                if wanted is None or _about(job) in wanted:
                    queued.append(job)  # type: ignore[arg-type]
    queued.sort(key=lambda j: (j.next_attempt_at, j.id))
    start = (page - 1) * per_page
    return [_describe(store, job) for job in queued[start : start + per_page]], len(queued)


def _about(job: Job) -> tuple[str, int]:
    if "sale" in job.payload:
        return "sale", int(job.payload["sale"])
    return "contact", int(job.payload.get("contact", 0))


def _jobs_of(store: Store, email: str) -> set[tuple[str, int]]:
    about = {("sale", s.id) for s in store.sales.find(email=email)}
    return about | {("contact", c.id) for c in store.contacts.find(email=email)}


def _describe(store: Store, job: Job) -> Scheduled:
    kind, record_id = _about(job)
    try:
        record: Sale | Contact = (store.sales.get(record_id) if kind == "sale"
                                  else store.contacts.get(record_id))  # fmt: skip
    except NotFound:
        return Scheduled(job, STEP_LABELS[job.kind], "", "")
    return Scheduled(job, STEP_LABELS[job.kind], record.email, record.name)


def cancel_job(store: Store, actor: User, job_id: int) -> Job:
    """Stop one queued follow-up email from going out."""
    job = store.jobs.get(job_id)
    if job is None or job.kind not in STEP_LABELS:
        raise NotFound(f"job {job_id}")
    if job.state is not JobState.QUEUED:
        raise ConsoleError(_l("This email is no longer waiting: it was sent or cancelled."))
    cancelled = store.jobs.cancel(job_id)
    if cancelled.state is not JobState.CANCELLED:  # it ran meanwhile
        raise ConsoleError(_l("This email is no longer waiting: it was sent or cancelled."))
    audit.record(store, actor, "job.cancel", "job", job_id, {"state": job.state.value},
                 {"state": cancelled.state.value}, summary=str(job.kind))  # fmt: skip
    return cancelled
