"""The rules of answering: whose link it is, one answer per link, and what an answer sets off.

A personal link (see links.py) names a sale and the address it was sent to. Opening it only
reads it; the answer is recorded by `answer_link` with `add_once` under the link's id, so one
link holds one answer however often it is sent. Sent again within `REVISE_WINDOW` it changes
that answer; later the link says it was already answered. The public survey works the same
way with an id made for each copy of its form: a double click or a reload is one answer.

What follows an answer (`_route`): a promoter is invited to write a testimonial, at most once
in VOICEBOX_INVITE_GAP_DAYS per address (reserved atomically on the Contact); a detractor, or
an order that did not arrive as promised, opens a follow-up; a passive gets the thank-you.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, url_for

from .. import form_ids
from ..data import get_store
from ..followups.service import Opening, open_followup
from ..sales.contacts import contact_for
from ..signed_links import LinkError, read_token
from ..store import NotFound, SurveyResponse, utcnow
from ..store.models import Contact, Sale, normalise_email
from ..testimonials.links import invite_url
from . import emails
from .links import ARRIVAL, LOST, SURVEY

__all__ = ["Answer", "Link", "LinkError", "Recorded", "answer_link", "answer_public", "open_link"]

# What each link purpose asks; a survey link says itself whether it is a check-in.
_TOUCHES = ("survey", "checkin")
# The id the public form carries (see forms.PublicSurveyForm).


@dataclass
class Answer:
    """What the person sent: the fields of whichever question they answered."""

    score: int | None = None
    effort: int | None = None
    touchpoint: str = ""
    comment: str = ""
    may_contact: bool = False
    arrived: bool | None = None
    email: str = ""
    name: str = ""


@dataclass
class Link:
    """An opened personal link: what it asks, of whom, and its answer so far (if revisable)."""

    question: str
    link: str
    sale: Sale
    language: str
    prior: SurveyResponse | None


@dataclass
class Recorded:
    """An answer as stored, whether it was the link's first, and what it set off."""

    response: SurveyResponse
    first: bool
    invite: str = ""
    followup: bool = False
    emailed: bool = False


class _NotNow(Exception):
    """The address was invited to write a testimonial too recently."""


def open_link(purpose: str, token: str, now: datetime | None = None) -> Link:
    """Read a personal link; LinkError "expired", "invalid" or "answered" when it cannot be
    used (an answer older than the revise window closes it)."""
    now = now or utcnow()
    payload = read_token(purpose, token, timedelta(days=current_app.config["LINK_DAYS"]))
    store = get_store()
    try:
        sale = store.sales.get(int(payload["sale"]))
    except (NotFound, KeyError, TypeError, ValueError):
        raise LinkError("invalid") from None
    if sale.anonymised_at is not None or normalise_email(sale.email) != normalise_email(
        str(payload.get("email", ""))
    ):  # the sale was erased or anonymised since: the link names nobody any more
        raise LinkError("invalid")
    question = str(payload.get("touch", "survey")) if purpose == SURVEY else purpose
    if purpose not in (SURVEY, ARRIVAL, LOST) or (purpose == SURVEY and question not in _TOUCHES):
        raise LinkError("invalid")
    prior = next(iter(store.surveys.find(link=payload["id"])), None)
    if prior is not None and not prior.revisable(now):
        raise LinkError("answered")
    contact = contact_for(get_store(), sale.email)
    language = contact.language if contact else sale.language
    return Link(question, payload["id"], sale, language, prior)


def answer_link(link: Link, answer: Answer, now: datetime | None = None) -> Recorded:
    """Record (or, within the revise window, change) the answer to a personal link."""
    now = now or utcnow()
    sale = link.sale
    response = SurveyResponse(
        normalise_email(sale.email), sale.order_ref, answer.score, reason=answer.comment,
        effort=answer.effort, touchpoint=answer.touchpoint, may_contact=answer.may_contact,
        sale_id=sale.id, link=link.link, language=link.language, question=link.question,
        arrived=answer.arrived, created_at=now,
    )  # fmt: skip
    stored, first = _record(response, now)
    return _route(stored, first, sale.name, now)


def answer_public(
    form_id: str, answer: Answer, language: str, user_id: int | None, now: datetime | None = None
) -> Recorded:
    """Record an answer to the public survey; `form_id` names the copy of the form sent."""
    now = now or utcnow()
    response = SurveyResponse(
        normalise_email(answer.email), "", answer.score, reason=answer.comment,
        effort=answer.effort, touchpoint=answer.touchpoint, may_contact=answer.may_contact,
        user_id=user_id, link=f"form:{form_ids.form_id(form_id)}", language=language,
        created_at=now,
    )  # fmt: skip
    stored, first = _record(response, now)
    return _route(stored, first, answer.name, now)


def _record(response: SurveyResponse, now: datetime) -> tuple[SurveyResponse, bool]:
    """Store the first answer of its link, or change the stored one while it may be."""
    store = get_store()
    stored, first = store.surveys.add_once(response, "link")
    if first:
        return stored, True

    def revise(r: SurveyResponse) -> None:
        if not r.revisable(now):
            raise LinkError("answered")
        r.score, r.effort, r.touchpoint = response.score, response.effort, response.touchpoint
        r.reason, r.may_contact, r.arrived = response.reason, response.may_contact, response.arrived
        r.updated_at = now

    return store.surveys.update(stored.id, revise), False


def _route(response: SurveyResponse, first: bool, name: str, now: datetime) -> Recorded:
    """What follows an answer. Only an answer by a personal link is emailed, or invited by a
    single-use link: the address of an answer to the open `/survey` is whatever was typed,
    and emailing it would let anyone have us write to anyone (and use up a real customer's
    invitation). That answer gets its thanks, and the open testimonial form, on the page."""
    recorded = Recorded(response, first)
    personal = response.sale_id is not None
    if response.category == "promoter":
        recorded.invite = _invite(response, name, now) if personal else url_for("testimonials.new")
    elif response.category == "detractor" or response.arrived is False:
        recorded.followup = _open_followup(response, name, now)
    if response.email and personal:
        recorded.emailed = emails.thank(response, first, recorded.invite, name)
    return recorded


def _invite(response: SurveyResponse, name: str, now: datetime) -> str:
    """The testimonial invitation for a promoter who answered by a personal link: single-use,
    unless the address was invited within the gap."""
    store = get_store()
    contact, _ = store.contacts.add_once(
        Contact(response.email, name=name, language=response.language), "email"
    )
    gap = timedelta(days=current_app.config["INVITE_GAP_DAYS"])

    def reserve(c: Contact) -> None:
        if not c.may_invite_testimonial(now, gap):
            raise _NotNow
        c.testimonial_invited_at = now

    try:
        store.contacts.update(contact.id, reserve)
    except _NotNow:
        return ""
    return invite_url(response, name)


def _open_followup(response: SurveyResponse, name: str, now: datetime) -> bool:
    """A follow-up for an unhappy answer from someone we can reach (an address is known)."""
    if not response.email:
        return False
    if response.question == ARRIVAL:
        kind, reason = "arrival", response.reason
    else:
        kind, reason = "call", f"{response.score}/10: {response.reason}".rstrip(": ")
    opening = Opening(
        kind, response.email, reason, f"survey:{response.id}", name=name,
        survey_id=response.id, sale_id=response.sale_id,
        may_contact=response.may_contact or response.question == ARRIVAL,
        language=response.language,
    )  # fmt: skip
    open_followup(opening, now)
    return True

