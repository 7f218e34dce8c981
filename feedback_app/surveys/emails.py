"""The thank-you email after an answer, with the testimonial invitation for a promoter.

Queued under one key per answer (`messages.enqueue_keyed`): an answer changed within the
revise window, or a form sent twice, thanks nobody twice. An invitation won only by a changed
answer goes in an email of its own, under its own key. Nothing goes to an address that opted
out or whose mail bounces.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from ..data import get_store
from ..mail import mailer
from ..mail_templates import in_language, render_email
from ..sales.contacts import contact_for
from ..sales.stop_links import stop_url
from ..store import Message, SurveyResponse
from .links import ARRIVAL, LOST

__all__ = ["thank"]


def thank(response: SurveyResponse, first: bool, invite: str, name: str) -> bool:
    """Thank the person for `response` (its first answer), or send an invitation it won;
    returns whether an email was queued."""
    if response.question == LOST or (response.question == ARRIVAL and response.arrived):
        return False  # a short answer to a short question: the page's thanks is enough
    if not first and not invite:
        return False
    store = get_store()
    contact = contact_for(store, response.email)
    if contact is not None and not contact.reachable:
        return False
    key = f"survey-{'thanks' if first else 'invite'}:{response.id}"
    stop = stop_url(response.email)
    with in_language(response.language):
        if response.question == ARRIVAL:
            subject = _("Sorry about your order: we are on it")
        else:
            subject = _("Thank you from %(site)s", site=current_app.config["SITE_NAME"])
        text, html = render_email(
            "surveys/email/thanks",
            response=response,
            invite=invite,
            name=name,
            first=first,
            stop=stop,
        )
    message = Message(response.email, subject, text, html, unsubscribe=stop,
                      created_at=response.updated_at or response.created_at)  # fmt: skip
    store.messages.enqueue_keyed([(key, message)])
    mailer().wake()
    return True
