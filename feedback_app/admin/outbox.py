"""Emails that did not go out, for staff to read and send again (no Flask).

A failed email is one the mailer gave up on: every attempt failed, or the address refused it
for good (and was suppressed). Sending one again puts it back in the queue as it was written,
with a fresh set of attempts; an email whose address may not be mailed (suppressed, erased)
is not sent again, and staff are told why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from .. import audit
from ..privacy import lift_suppression, refusal
from ..store import Message, MessageState, NotFound, Store, utcnow
from ..store.models import Contact, User

__all__ = [
    "CannotSendAgain", "FailedEmail", "allow_mail_again", "failed_emails", "plain_error",
    "send_again", "suppressed_contacts",
]  # fmt: skip


class CannotSendAgain(Exception):
    """The email is not one to send again: it has not failed (`refused` ""), or its address
    may not be mailed (`refused` says why, as the mailer would)."""

    def __init__(self, refused: str = "") -> None:
        super().__init__(refused or "not failed")
        self.refused = refused


# What the mailer's error texts mean, for a reader who does not run the mail server. The
# mailer writes "ExceptionName: details" for a failure it retried, "550 details" for a
# refusal for good, and the privacy module's reasons for an address it may not mail.
_EXCEPTION_WORDS = {
    "SMTPServerDisconnected": _l("The mail server hung up before the email was sent."),
    "SMTPConnectError": _l("The mail server could not be reached."),
    "ConnectionRefusedError": _l("The mail server could not be reached."),
    "gaierror": _l("The mail server's name could not be found: check the mail settings."),
    "TimeoutError": _l("The mail server did not answer in time."),
    "timeout": _l("The mail server did not answer in time."),
    "SMTPAuthenticationError": _l("The mail server refused our sign-in: check the mail settings."),
    "SSLError": _l("A secure connection to the mail server could not be made."),
    "SMTPSenderRefused": _l("The mail server refused our sender address: check the mail settings."),
    "SMTPRecipientsRefused": _l("The receiving server refused the address for now."),
    "SMTPDataError": _l("The receiving server refused the email for now."),
}
_REASON_WORDS = {
    "undeliverable address": _l("The address cannot receive email (erased, or not valid)."),
    "address suppressed": _l("Mail to this address is stopped after a permanent failure."),
}
_PERMANENT = re.compile(r"5\d\d\b")


def plain_error(error: str) -> str:
    """What went wrong, in plain words ("" for an error not recognised: the technical text
    is then all there is to show)."""
    head = error.split(":", 1)[0].strip()
    if head in _EXCEPTION_WORDS:
        return str(_EXCEPTION_WORDS[head])
    if head in _REASON_WORDS:
        return str(_REASON_WORDS[head])
    if _PERMANENT.match(error):
        return str(_l("The receiving server refused this address or email for good."))
    return ""


@dataclass(frozen=True)
class FailedEmail:
    message: Message
    refused: str  # why it cannot be sent again as things stand ("" when it can)


def failed_emails(store: Store) -> list[FailedEmail]:
    """Every failed email, newest first, each with what would stop it going out again."""
    failed = [m for m in store.messages.all() if m.state is MessageState.FAILED]
    reasons: dict[str, str] = {}
    for message in failed:
        if message.to not in reasons:
            reasons[message.to] = refusal(store, message.to)
    return [FailedEmail(m, reasons[m.to]) for m in failed]


def suppressed_contacts(store: Store) -> list[Contact]:
    """The addresses no mail goes to after a permanent delivery failure, latest first."""
    found = [c for c in store.contacts.all() if c.suppressed_at is not None]
    return sorted(found, key=lambda c: (c.suppressed_at, c.id), reverse=True)  # type: ignore[arg-type, return-value]


def send_again(store: Store, actor: User, message_id: int, now: datetime | None = None) -> Message:
    """Queue a failed email again and write the audit entry; CannotSendAgain when it has not
    failed or its address may not be mailed. NotFound when there is no such email."""
    message = store.messages.get(message_id)
    if message is None:
        raise NotFound(f"messages {message_id}")
    if message.state is not MessageState.FAILED:
        raise CannotSendAgain()
    refused = refusal(store, message.to)
    if refused:
        raise CannotSendAgain(refused)
    due = now or utcnow()
    queued = store.messages.requeue(message_id, due)
    if queued.state is not MessageState.QUEUED or queued.next_attempt_at != due:
        # another person sent it again first (it is theirs to log), or it went meanwhile
        raise CannotSendAgain()
    audit.record(
        store, actor, "email.send_again", "message", message_id,
        before={"state": message.state.value, "last_error": message.last_error},
        after={"state": queued.state.value},
        summary=message.subject,
    )  # fmt: skip
    return queued


def allow_mail_again(store: Store, actor: User, contact_id: int) -> Contact:
    """Let mail go to a suppressed address again (the mailbox works again, or the address was
    corrected) and write the audit entry; an address not suppressed is left as it is, with
    no entry. NotFound when there is no such contact."""
    contact = store.contacts.get(contact_id)
    if contact.suppressed_at is None or not lift_suppression(store, contact.email):
        return contact
    audit.record(
        store, actor, "contact.unsuppress", "contact", contact_id,
        before={"suppressed_at": contact.suppressed_at,
                "suppressed_reason": contact.suppressed_reason},
        after={"suppressed_at": None, "suppressed_reason": ""},
    )  # fmt: skip
    return store.contacts.get(contact_id)
