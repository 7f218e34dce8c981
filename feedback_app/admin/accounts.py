"""Staff accounts, as admins manage them: invitations, roles, deactivation.

Each action writes one audit entry, here rather than in the view, so every road to it (a page
today, a command tomorrow) leaves the same trace. An admin cannot take away their own admin
role or deactivate themselves, and changes that could take an admin away are made one at a
time under the store's `staff` lock by someone still an admin, so two admins demoting each
other at the same moment cannot both succeed and leave nobody to run the staff pages.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import audit
from ..auth.service import sign_in_link
from ..mail import send
from ..store import Role, Store, User
from ..store.models import normalise_email
from .forms import ROLE_LABELS

__all__ = [
    "INVITE_LIFETIME",
    "STAFF_LOCK",
    "AccountError",
    "change_role",
    "invite",
    "set_active",
    "still_an_admin",
]

STAFF_LOCK = "staff"

# An invitation waits in someone's inbox longer than a sign-in link asked for a minute ago;
# once it has expired, the sign-in page sends a fresh link to the same address.
INVITE_LIFETIME = timedelta(days=3)


class AccountError(ValueError):
    """An action an admin may not take; the message says why, for the page."""


def invite(store: Store, actor: User, email: str, role: Role, name: str = "") -> User:
    """Make `email` a member of staff with `role` (a new account, or a customer's promoted)
    and email them a sign-in link that says who invited them, and to what."""
    if not role.is_staff:
        raise AccountError(_l("Invite people as a marketer or an admin."))
    address = normalise_email(email)
    known = store.users.find_by_email(address)
    if known is not None and known.role.is_staff:
        raise AccountError(_l("%(email)s is already on the staff: they can ask for a sign-in "
                              "link on the sign-in page.", email=address))  # fmt: skip
    if known is not None and not known.active:
        raise AccountError(_l("%(email)s is deactivated: reactivate them in the list first.",
                              email=address))  # fmt: skip
    person = known or store.users.add(address, role, name)
    if person.role is not role:
        person = store.users.set_role(person.id, role)
    if name and not person.name:
        person = store.users.rename(person.id, name)
    _send_invitation(actor, person)
    audit.record(store, actor, "user.invite", "user", person.id,
                 {"role": known.role.value} if known else {},
                 {"email": person.email, "role": role.value},
                 summary=f"{person.email} invited as {role.value}")  # fmt: skip
    return person


def _send_invitation(actor: User, person: User) -> None:
    site = current_app.config["SITE_NAME"]
    link = sign_in_link(person.email, "/admin/", INVITE_LIFETIME)
    inviter = f"{actor.display_name} <{actor.email}>"
    send(
        person.email,
        _("%(name)s invited you to %(site)s", name=actor.display_name, site=site),
        _(
            "Hello,\n\n%(inviter)s invited you to the console of %(site)s as %(role)s: the "
            "place where staff answer ideas, decide on testimonials and call back unhappy "
            "customers.\n\nSign in with this link. %(lifetime)s\n\n"
            "%(link)s\n\nAfter that, ask for a new link on the sign-in page with this "
            "address. If you did not expect this, ignore this email: nobody can sign in "
            "without the link.\n",
            inviter=inviter, site=site, role=ROLE_LABELS[person.role],
            lifetime=ngettext("It works once, within %(num)d day:",
                              "It works once, within %(num)d days:", INVITE_LIFETIME.days),
            link=link,
        ),
    )  # fmt: skip


def still_an_admin(store: Store, actor: User) -> None:
    """Refuse (AccountError) when `actor` is no longer an active admin: another admin changed
    them since their page was drawn. Called under the STAFF_LOCK before a change that could
    take an admin away, it keeps one admin at least: the acting one, who is never the person
    changed (they cannot demote, deactivate or erase themselves)."""
    now = store.users.get(actor.id)
    if now.role is not Role.ADMIN or not now.active:
        raise AccountError(_l("You are no longer an admin: another admin changed your account."))


def change_role(store: Store, actor: User, user_id: int, role: Role) -> User:
    """Give a person another role (never the acting admin their own admin role away)."""
    with store.lock(STAFF_LOCK):
        person = store.users.get(user_id)
        if person.id == actor.id and role is not Role.ADMIN:
            raise AccountError(_l("You cannot take away your own admin role; ask another admin."))
        if person.role is role:
            return person
        if role is not Role.ADMIN:
            still_an_admin(store, actor)
        changed = store.users.set_role(user_id, role)
    audit.record(store, actor, "user.role", "user", user_id, {"role": person.role.value},
                 {"role": role.value}, summary=person.email)  # fmt: skip
    return changed


def set_active(store: Store, actor: User, user_id: int, active: bool) -> User:
    """Deactivate a person (every session of theirs ends at once, and no sign-in link works
    for them) or let them back in; never the acting admin themselves."""
    with store.lock(STAFF_LOCK):
        person = store.users.get(user_id)
        if person.id == actor.id:
            raise AccountError(_l("You cannot deactivate yourself; ask another admin."))
        if person.active is active:
            return person
        if not active:
            still_an_admin(store, actor)
        changed = store.users.set_active(user_id, active)
    audit.record(store, actor, "user.reactivate" if active else "user.deactivate", "user",
                 user_id, {"active": person.active}, {"active": active},
                 summary=person.email)  # fmt: skip
    return changed
