"""The follow-up emails' words: a plain-text and an HTML part from templates, in the
recipient's language, each with the one-click opt-out (its footer link and List-Unsubscribe).

Run inside the mailer's app context (job handlers), never in a request.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from ..mail_templates import in_language, render_email
from ..store import Message
from ..store.models import Contact, Sale
from .stop_links import stop_url

__all__ = ["checkin_email", "lost_email", "survey_email", "thanks_email"]


def _subject(kind: str, site: str) -> str:
    subjects = {
        "thanks": lambda: _("Thank you for your order"),
        "survey": lambda: _("How likely are you to recommend %(site)s?", site=site),
        "checkin": lambda: _("How are we doing, in your view?"),
        "lost": lambda: _("May we ask what made you decide?"),
    }
    return subjects[kind]()


def _compose(kind: str, contact: Contact, sale: Sale, **links: Any) -> Message:
    """One email of `kind` to `contact`, about `sale`, in the contact's language."""
    stop = stop_url(contact.email)
    site = current_app.config["SITE_NAME"]
    with in_language(contact.language):
        text, html = render_email(
            f"sales/email/{kind}", name=contact.name, order=sale.order_ref, stop=stop,
            sold_on=format_date(sale.sold_at, "long"), lang=contact.language, **links,
        )  # fmt: skip
        return Message(contact.email, _subject(kind, site), text, html, unsubscribe=stop)


def thanks_email(contact: Contact, sale: Sale, arrival: dict[str, str]) -> Message:
    """ "Thank you; did everything arrive as promised?" with a yes link and a no link."""
    return _compose("thanks", contact, sale, arrival=arrival)


def survey_email(contact: Contact, sale: Sale, scores: list[str]) -> Message:
    """The 0-10 question as eleven links."""
    return _compose("survey", contact, sale, scores=scores)


def checkin_email(contact: Contact, sale: Sale, scores: list[str]) -> Message:
    """A repeat customer's periodic check-in: the same question, about us in general."""
    return _compose("checkin", contact, sale, scores=scores)


def lost_email(contact: Contact, sale: Sale, link: str) -> Message:
    """After a lost sale, one short question instead of a survey."""
    return _compose("lost", contact, sale, link=link)
