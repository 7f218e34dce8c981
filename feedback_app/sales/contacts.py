"""The people sales are made to: one Contact per address, the ask rule, opting out (no app).

The 30-day rule ("nobody is asked to answer more than once in ASK_GAP_DAYS") is a
reservation on the Contact, taken in one atomic update when an asking email is about to be
queued: two jobs for one person running at once on two hosts cannot both pass it, and the
same job run again after a crash finds its own reservation and passes again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..store import Store
from ..store.models import Contact, Sale, normalise_email

__all__ = ["contact_for", "ensure_contact", "opt_out", "reserve_ask"]


def ensure_contact(store: Store, sale: Sale, learn: bool) -> Contact:
    """The Contact of `sale`'s address, made if new. With `learn` (a sale seen for the first
    time), the name and language it gives become the ones we write with."""
    contact, added = store.contacts.add_once(
        Contact(sale.email, name=sale.name, language=sale.language), "email"
    )
    if added or not learn:
        return contact
    if (sale.name and sale.name != contact.name) or sale.language != contact.language:

        def learn_from(c: Contact) -> None:
            c.name = sale.name or c.name
            c.language = sale.language

        contact = store.contacts.update(contact.id, learn_from)
    return contact


def contact_for(store: Store, email: str) -> Contact | None:
    found = store.contacts.find(email=normalise_email(email))
    return found[0] if found else None


class _Refused(Exception):
    """Raised inside an update to leave the contact as it was."""


def reserve_ask(store: Store, contact_id: int, by: str, now: datetime, gap: timedelta) -> bool:
    """Record that the job `by` asks this person something at `now`, if the ask rule allows
    it (reachable, and nothing asked by another job within `gap`). Atomic; True when the
    question may go out."""

    def reserve(c: Contact) -> None:
        if not c.may_ask(now, by, gap):
            raise _Refused
        if c.last_asked_by != by:
            c.last_asked_at, c.last_asked_by = now, by

    try:
        store.contacts.update(contact_id, reserve)
    except _Refused:
        return False
    return True


def opt_out(store: Store, email: str, now: datetime) -> Contact:
    """Nothing more to this address, from now on (kept, so that a later sale schedules
    nothing either). Opting out twice keeps the first moment."""
    contact, _ = store.contacts.add_once(Contact(normalise_email(email)), "email")

    def stop(c: Contact) -> None:
        c.opted_out_at = c.opted_out_at or now

    return store.contacts.update(contact.id, stop)
