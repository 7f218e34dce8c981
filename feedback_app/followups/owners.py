"""Who calls the customer back: the marketers in turn, else VOICEBOX_FOLLOWUP_OWNER, else an
admin.

Turns are kept in one status record under the store's lock, so follow-ups opened at the same
moment on different hosts still go to different marketers in turn.
"""

from __future__ import annotations

from ..store import Role, Store, User
from ..store.models import normalise_email

__all__ = ["pick_owner", "staff"]

TURN = "followups-next-owner"


def staff(store: Store) -> list[User]:
    """Everyone who may own a follow-up (marketers and admins), by id."""
    return sorted((u for u in store.users.all() if u.role.is_staff), key=lambda u: u.id)


def pick_owner(store: Store, fallback_email: str) -> int | None:
    """The owner of the next follow-up; None when the store has no staff at all."""
    people = staff(store)
    marketers = [u.id for u in people if u.role is Role.MARKETER]
    if marketers:
        with store.lock(TURN):
            last = (store.status.get(TURN) or {}).get("last", 0)
            chosen = next((m for m in marketers if m > last), marketers[0])
            store.status.put(TURN, {"last": chosen})
        return chosen
    if fallback_email:
        wanted = normalise_email(fallback_email)
        named = [u.id for u in people if u.email == wanted]
        if named:
            return named[0]
    admins = [u.id for u in people if u.role is Role.ADMIN]
    return admins[0] if admins else None
