"""Addresses that get no mail: suppressed after a permanent delivery failure, or erased.

An SMTP server that answers a 5xx for a recipient is saying the address does not work (no
such mailbox, mailbox disabled, refused): sending again only harms the sender's reputation
with that provider, so the address is marked on its Contact and nothing more is queued or
delivered to it until staff lift the mark (`voicebox person unsuppress`). An erased account's
address (`erased-…@erased.invalid`) reaches nobody by definition. The mailer asks `refusal`
about every message, when it is queued and again just before it is sent.
"""

from __future__ import annotations

from datetime import datetime

from ..store.contract import Store
from ..store.models import ERASED_DOMAIN, Contact, normalise_email

__all__ = ["lift_suppression", "refusal", "suppress"]


def refusal(store: Store, to: str) -> str:
    """Why no mail may go to `to` ("" when it may)."""
    address = normalise_email(to)
    if "@" not in address or address.endswith("@" + ERASED_DOMAIN):
        return "undeliverable address"
    for contact in store.contacts.find(email=address):
        if contact.suppressed_at is not None:
            return f"address suppressed: {contact.suppressed_reason}"
    return ""


def suppress(store: Store, to: str, reason: str, now: datetime) -> Contact:
    """Mark `to` as not to be mailed (once: the first failure's reason and time are kept)."""
    address = normalise_email(to)
    marked = Contact(address, suppressed_at=now, suppressed_reason=reason[:300])
    contact, added = store.contacts.add_once(marked, "email")
    if added or contact.suppressed_at is not None:
        return contact

    def mark(found: Contact) -> None:
        if found.suppressed_at is None:
            found.suppressed_at, found.suppressed_reason = now, reason[:300]

    return store.contacts.update(contact.id, mark)


def lift_suppression(store: Store, to: str) -> bool:
    """Let mail go to `to` again (staff fixed the address, or the mailbox works again);
    whether it was suppressed."""
    lifted = False

    def lift(found: Contact) -> None:
        nonlocal lifted
        lifted = found.suppressed_at is not None
        found.suppressed_at, found.suppressed_reason = None, ""

    for contact in store.contacts.find(email=normalise_email(to)):
        store.contacts.update(contact.id, lift)
    return lifted
