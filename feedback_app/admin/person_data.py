"""One person's data from the console: the export download and the erasure, audited.

The audit entries name the person by their account id (when they have one) and count the
records, but never hold the address: an entry that kept it would outlive the erasure it
records, and the export's entry would still say who the export was about after an erasure.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import audit
from ..privacy import Dossier, Erasure, erase_person, find_person, planned_erasure
from ..store import Role, Store, User
from .accounts import STAFF_LOCK, AccountError, still_an_admin

__all__ = ["counted", "erase", "export", "preview_erasure"]


def _account(dossier: Dossier) -> int | None:
    ids = dossier.ids("users")
    return ids[0] if ids else None


def export(store: Store, actor: User, email: str) -> Dossier:
    """Everything stored about `email`; AccountError when nothing is."""
    dossier = find_person(store, email)
    if dossier.empty:
        raise AccountError(_l("Nothing is stored about %(email)s.", email=dossier.email))
    audit.record(store, actor, "person.export", "user", _account(dossier), {},
                 {"records": dossier.total}, summary="export of one person's data")  # fmt: skip
    return dossier


def preview_erasure(store: Store, actor: User, email: str) -> Erasure:
    """What erasing `email` would remove, anonymise and keep (nothing is changed)."""
    dossier = find_person(store, email)
    if dossier.empty:
        raise AccountError(_l("Nothing is stored about %(email)s.", email=dossier.email))
    if actor.id in dossier.ids("users"):
        raise AccountError(_l("You cannot erase yourself; ask another admin."))
    return planned_erasure(dossier)


def erase(store: Store, actor: User, email: str, now: datetime) -> Erasure:
    """Forget `email` (see privacy.erasure for what goes and what stays)."""
    with store.lock(STAFF_LOCK):  # an admin erasing an admin: see accounts.still_an_admin
        plan = preview_erasure(store, actor, email)
        account = store.users.find_by_email(plan.email)
        if account is not None and account.role is Role.ADMIN:
            still_an_admin(store, actor)
        done = erase_person(store, plan.email, now)
    audit.record(store, actor, "person.erase", "user", account.id if account else None, {},
                 {"removed": done.removed, "anonymised": done.anonymised, "kept": done.kept},
                 summary="erasure of one person's data")  # fmt: skip
    return done


def counted(kind: str, n: int) -> str:
    """How many records of one kind an erasure touches ("1 follow-up", "3 follow-ups"), with
    the word each language uses for that number."""
    phrases = {
        "testimonials": lambda: ngettext("%(num)d testimonial", "%(num)d testimonials", n),
        "photos": lambda: ngettext("%(num)d photo", "%(num)d photos", n),
        "followups": lambda: ngettext("%(num)d follow-up", "%(num)d follow-ups", n),
        "contacts": lambda: ngettext("%(num)d contact record", "%(num)d contact records", n),
        "messages": lambda: ngettext("%(num)d email", "%(num)d emails", n),
        "jobs": lambda: ngettext("%(num)d scheduled email", "%(num)d scheduled emails", n),
        "tokens": lambda: ngettext("%(num)d sign-in link", "%(num)d sign-in links", n),
        "sales": lambda: ngettext("%(num)d sale", "%(num)d sales", n),
        "surveys": lambda: ngettext("%(num)d survey answer", "%(num)d survey answers", n),
        "users": lambda: ngettext("%(num)d account", "%(num)d accounts", n),
        "ideas": lambda: ngettext("%(num)d idea", "%(num)d ideas", n),
        "comments": lambda: ngettext("%(num)d comment", "%(num)d comments", n),
        "votes": lambda: ngettext("%(num)d vote", "%(num)d votes", n),
    }
    phrase = phrases.get(kind)
    return phrase() if phrase else f"{n} {kind}"
