"""The rules of testimonials: what a submission must hold, and what each personal link may do.

A testimonial is stored once per form sent (or per invitation), with the consent text and
version in force, the moment and an HMAC of the client address. It reaches staff only once
its address is confirmed through the emailed link; that email also carries the withdrawal
link. Staff decisions are in `moderation.py`; a staff edit is published only after the
customer approves that wording through their own link (`answer_edit`, here).
Anything that changes what the site shows asks for a publish (`published_data_changed`).

`TestimonialError` carries a message for the person; views show it instead of an error page.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from .. import form_ids
from ..data import get_store
from ..limits import client_address
from ..mail import job_handler, mailer
from ..mail_templates import render_email
from ..publishing import published_data_changed
from ..signed_links import LinkError, read_token
from ..store import (
    Job,
    Message,
    NotFound,
    Testimonial,
    TestimonialState,
    utcnow,
)
from ..store.models import QUOTE_LENGTH, ConnectionKind, CreditStyle, normalise_email
from . import links
from .photos import clean_photo

__all__ = [
    "EDIT_MAIL",
    "RATINGS",
    "Invitation",
    "Submission",
    "TestimonialError",
    "answer_edit",
    "confirm",
    "read_confirmation",
    "read_edit",
    "read_invitation",
    "read_withdrawal",
    "submit",
    "withdraw",
]

RATINGS = range(1, 6)
CONFIRM_MAIL = "testimonial_confirm"
EDIT_MAIL = "testimonial_edit"
# A withdrawal link works as long as the testimonial exists: consent can be taken back any time.
WITHDRAW_FOR = timedelta(days=365 * 100)


class TestimonialError(Exception):
    """A rule said no; the message says why, in words for the person."""


@dataclass(frozen=True)
class Invitation:
    """What a promoter's invitation link says: who was invited, after which answer."""

    link: str  # the link's id: one testimonial per invitation
    email: str
    name: str
    survey_id: int | None


@dataclass(frozen=True)
class Submission:
    """What the form sent, already checked for shape by the form."""

    quote: str
    rating: int
    name: str
    email: str
    consent: bool
    role: str = ""
    company: str = ""
    credit_style: CreditStyle = CreditStyle.FULL
    connection_kind: ConnectionKind = ConnectionKind.NONE
    connection: str = ""
    photo: bytes | None = None
    submission: str = ""  # the form's own id (see Testimonial.submission)


def _link_problem(reason: str, what: str) -> TestimonialError:
    if reason == "expired":
        return TestimonialError(
            _("This %(what)s link has expired. Links in our emails work for a limited time.",
              what=what)
        )  # fmt: skip
    return TestimonialError(
        _("This %(what)s link is not valid: it may have been cut short or changed when it was "
          "copied. Open it again from the email, or copy the whole address.", what=what)
    )  # fmt: skip


def _link_days() -> timedelta:
    return timedelta(days=current_app.config["LINK_DAYS"])


def read_invitation(token: str) -> Invitation:
    """The invitation behind `token`, if it can still be used to write a testimonial."""
    invitation = _invitation(token)
    if get_store().testimonials.find(invite=invitation.link):
        raise _already_used()
    return invitation


def _invitation(token: str) -> Invitation:
    try:
        payload = read_token(links.INVITE, token, _link_days())
    except LinkError as exc:
        raise _link_problem(exc.reason, _("invitation")) from None
    survey = payload.get("survey")
    return Invitation(payload["id"], str(payload.get("email") or ""),
                      str(payload.get("name") or ""),
                      survey if isinstance(survey, int) else None)  # fmt: skip


def _already_used() -> TestimonialError:
    return TestimonialError(
        _("This invitation was already used to write a testimonial: thank you! Each "
          "invitation link works once.")
    )  # fmt: skip


def client_digest(address: str) -> str:
    """HMAC-SHA256 of a client address keyed with the secret key: it shows two consents came
    from one address without telling which (a plain hash of an IPv4 address is reversed by
    trying all four billion)."""
    key = current_app.secret_key
    raw = key.encode() if isinstance(key, str) else bytes(key or b"")
    return hmac.new(raw, address.encode(), hashlib.sha256).hexdigest()


def submit(
    entry: Submission, invite_token: str = "", now: datetime | None = None
) -> tuple[Testimonial, bool]:
    """Store the testimonial once and send its confirmation email; returns the stored one and
    whether it is new (the same form sent again finds the first). `now` is the moment it was
    sent (the demo replays past days); the consent and the record carry that one moment."""
    now = now or utcnow()
    invitation = _invitation(invite_token) if invite_token else None
    invited = invitation.email if invitation else ""
    _check(entry)
    store = get_store()
    photo = store.photos.add(clean_photo(entry.photo)) if entry.photo else None
    config = current_app.config
    testimonial = Testimonial(
        original_text=entry.quote,
        rating=entry.rating,
        credit_name=entry.name,
        credit_role=entry.role,
        credit_company=entry.company,
        # An invitation is for the person it was sent to: whoever holds the link (a forwarded
        # email), the confirmation goes to the invited address, never to one typed here.
        email=normalise_email(invited or entry.email),
        credit_style=entry.credit_style,
        consent_text=config["CONSENT_TEXT"],
        consent_version=config["CONSENT_VERSION"],
        consented_at=now,
        consent_client=client_digest(client_address()),
        connection_kind=entry.connection_kind,
        connection=entry.connection if entry.connection_kind is not ConnectionKind.NONE else "",
        photo_id=photo.id if photo else None,
        survey_id=invitation.survey_id if invitation else None,
        invite=invitation.link if invitation else "",
        submission=form_ids.form_id(entry.submission),
        language=str(get_locale() or config["LOCALE"]),
        created_at=now,
    )
    key = "invite" if invitation else "submission"
    stored, added = store.testimonials.add_once(testimonial, key)
    if not added and photo is not None:
        store.photos.remove(photo.id)  # the first sending kept its own photo
    if not added and stored.submission != testimonial.submission:
        raise _already_used()
    # Scheduled again by a second sending: one job per key, and it completes a first sending
    # that stopped between storing and scheduling.
    store.jobs.schedule(Job(CONFIRM_MAIL, {"id": stored.id}, key=f"{CONFIRM_MAIL}:{stored.id}",
                            next_attempt_at=now))  # fmt: skip
    mailer().wake()  # the customer is waiting for this email now
    return stored, added


def _check(entry: Submission) -> None:
    """The rules the form checks too, kept here so no other road stores a bad testimonial."""
    if not entry.consent:
        raise TestimonialError(_("Please tick the consent box: we publish nothing without it."))
    if len(entry.quote) not in QUOTE_LENGTH:
        raise TestimonialError(_("A testimonial is 20 to 1,000 characters long."))
    if entry.rating not in RATINGS:
        raise TestimonialError(_("Choose a rating from 1 to 5 stars."))


def _read(purpose: str, token: str, max_age: timedelta, what: str) -> tuple[dict[str, Any],
                                                                           Testimonial]:
    try:
        payload = read_token(purpose, token, max_age)
        return payload, get_store().testimonials.get(int(payload["testimonial"]))
    except LinkError as exc:
        raise _link_problem(exc.reason, what) from None
    except (NotFound, KeyError, TypeError, ValueError):
        raise TestimonialError(_("This testimonial no longer exists.")) from None


def read_confirmation(token: str) -> Testimonial:
    """The testimonial a confirmation link is for (nothing is recorded by reading it)."""
    payload, testimonial = _read(links.CONFIRM, token, _link_days(), _("confirmation"))
    if payload.get("email") != testimonial.email:
        raise _link_problem("invalid", _("confirmation"))
    return testimonial


def confirm(token: str, now: datetime | None = None) -> Testimonial:
    """Record that the address is the customer's: the testimonial now reaches staff."""
    testimonial = read_confirmation(token)
    now = now or utcnow()

    def change(t: Testimonial) -> None:
        t.email_confirmed_at = t.email_confirmed_at or now

    return get_store().testimonials.update(testimonial.id, change)


def read_withdrawal(token: str) -> Testimonial:
    return _read(links.WITHDRAW, token, WITHDRAW_FOR, _("withdrawal"))[1]


def withdraw(token: str) -> Testimonial:
    """Take the testimonial off the site at the next publish, and record when."""
    testimonial = read_withdrawal(token)

    def change(t: Testimonial) -> None:
        if t.withdrawn_at is None:
            t.withdrawn_at = utcnow()
            t.state = TestimonialState.WITHDRAWN

    withdrawn = get_store().testimonials.update(testimonial.id, change)
    published_data_changed()
    return withdrawn


def read_edit(token: str) -> Testimonial:
    """The testimonial whose edit a link asks about, while that edit is still the current one."""
    payload, testimonial = _read(links.EDIT, token, _link_days(), _("approval"))
    if not testimonial.approved_text or (
        payload.get("wording") != links.wording_digest(testimonial.approved_text)
    ):
        raise TestimonialError(
            _("This wording was changed again since this email: please use the link in the "
              "latest email about your testimonial.")
        )  # fmt: skip
    return testimonial


def answer_edit(token: str, accept: bool) -> Testimonial:
    """The customer approves the edited wording, or keeps their own words."""
    testimonial = read_edit(token)
    wording = testimonial.approved_text

    def change(t: Testimonial) -> None:
        if t.approved_text != wording:  # changed again while the customer read it
            raise TestimonialError(_("This wording was changed again; see the latest email."))
        if accept:
            t.customer_approved_edit = True
        else:
            t.approved_text = ""
            t.customer_approved_edit = False
        t.edit_answered_at = utcnow()

    answered = get_store().testimonials.update(testimonial.id, change)
    if answered.state is TestimonialState.APPROVED:
        published_data_changed()
    return answered


def _mail(testimonial: Testimonial, subject: str, template: str,
          **context: Any) -> Message:  # fmt: skip
    """One email to the customer, plain text and HTML, each with the withdrawal link."""
    context.update(t=testimonial, withdraw=links.withdraw_url(testimonial))
    text, html = render_email(f"testimonials/mail/{template}", **context)
    return Message(testimonial.email, subject, text, html)


def _customer(job: Job) -> Testimonial | None:
    try:
        return get_store().testimonials.get(int(job.payload["id"]))
    except NotFound:  # erased since: nobody to write to
        return None


@job_handler(CONFIRM_MAIL)
def _confirmation_mail(job: Job) -> Iterator[tuple[str, Message]]:
    testimonial = _customer(job)
    if testimonial is None or testimonial.email_confirmed_at is not None:
        return
    with force_locale(testimonial.language or current_app.config["LOCALE"]):
        yield "customer", _mail(testimonial, _("Please confirm your testimonial"), "confirm",
                                confirm=links.confirm_url(testimonial))  # fmt: skip


@job_handler(EDIT_MAIL)
def _edit_mail(job: Job) -> Iterator[tuple[str, Message]]:
    testimonial = _customer(job)
    if testimonial is None or not testimonial.edit_awaiting_customer:
        return
    if links.wording_digest(testimonial.approved_text) != job.payload["wording"]:
        return  # edited again since: that edit's own email asks instead
    with force_locale(testimonial.language or current_app.config["LOCALE"]):
        yield "customer", _mail(testimonial, _("May we publish your testimonial as edited?"),
                                "edit", review=links.edit_url(testimonial))  # fmt: skip
