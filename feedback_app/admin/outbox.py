"""Emails that did not go out, for staff to read and send again (no Flask).

A failed email is one the mailer gave up on: every attempt failed, or the address refused it
for good (and was suppressed). Sending one again puts it back in the queue as it was written,
with a fresh set of attempts; an email whose address may not be mailed (suppressed, erased)
is not sent again, and staff are told why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import audit
from ..privacy import lift_suppression, refusal
from ..store import Message, MessageState, NotFound, Store, utcnow
from ..store.models import Contact, User

__all__ = [
    "CannotSendAgain", "FailedEmail", "allow_mail_again", "failed_emails", "send_again",
    "suppressed_contacts",
]  # fmt: skip


class CannotSendAgain(Exception):
    """The email is not one to send again: it has not failed (`refused` ""), or its address
    may not be mailed (`refused` says why, as the mailer would)."""

    def __init__(self, refused: str = "") -> None:
        super().__init__(refused or "not failed")
        self.refused = refused


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
