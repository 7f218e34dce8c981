"""The rules of a follow-up: opened once per unhappy answer, owned by one staff member, due
within VOICEBOX_RESCUE_HOURS, moved open -> contacted -> resolved with notes and an outcome.

Every change is one atomic `update` of the follow-up that checks the rule inside it, so a
refused change leaves the record as it was. A change carries the number of steps the person
saw (`seen`): a form sent twice, or two people acting at once, changes it once, and the second
is told what happened meanwhile instead of adding a duplicate step.

Emails leave the request as jobs (`notify.py`): the owner hears of an assignment at once and
of an overdue follow-up when it falls due; a personal note to the customer on closing is
queued under one key per follow-up, so it goes once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from .. import audit
from ..data import get_store
from ..sales.contacts import contact_for
from ..store import FollowUp, NotFound, Role, Store, User, utcnow
from ..store.models import FollowUpEvent, FollowUpState
from . import notify
from .owners import pick_owner

__all__ = ["KIND", "FollowUpError", "Opening", "move", "open_followup", "reachable", "reassign"]

KIND = "followup"  # the audit log's name for what staff act on here
# What a step may change, as the audit entry records it.
STEP_FIELDS = ("state", "notes", "outcome", "customer_note", "done_by")

# Where each state may go: forward, or stay (to add a note).
NEXT_STATES = {
    FollowUpState.OPEN: {FollowUpState.OPEN, FollowUpState.CONTACTED, FollowUpState.RESOLVED},
    FollowUpState.CONTACTED: {FollowUpState.CONTACTED, FollowUpState.RESOLVED},
    FollowUpState.RESOLVED: {FollowUpState.RESOLVED},
}


class FollowUpError(Exception):
    """A rule said no; the message says why, in words for the staff member, beside `field`."""

    def __init__(self, message: str, field: str = "state") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Opening:
    """What an unhappy answer tells the person who will call: who, why, and from where.
    `origin` names the answer ("survey:12"): one follow-up per origin."""

    kind: str
    email: str
    reason: str
    origin: str
    name: str = ""
    survey_id: int | None = None
    sale_id: int | None = None
    may_contact: bool = True
    language: str = ""


def open_followup(opening: Opening, now: datetime | None = None) -> tuple[FollowUp, bool]:
    """Open the follow-up of `opening` (or return the one already open for its origin) and
    tell its owner; returns it and whether it is new."""
    store = get_store()
    now = now or utcnow()
    known = store.followups.find(origin=opening.origin)
    if known:
        return known[0], False
    owner = pick_owner(store, current_app.config["FOLLOWUP_OWNER"])
    followup = FollowUp(
        opening.kind, None, opening.email, opening.reason,
        due_at=now + timedelta(hours=current_app.config["RESCUE_HOURS"]),
        survey_id=opening.survey_id, sale_id=opening.sale_id, name=opening.name,
        owner_id=owner, origin=opening.origin, may_contact=opening.may_contact,
        language=opening.language, created_at=now,
        events=[FollowUpEvent(at=now, by=None, state=FollowUpState.OPEN.value, owner_id=owner)],
    )  # fmt: skip
    stored, added = store.followups.add_once(followup, "origin")
    if added:
        store.jobs.schedule(notify.overdue_job(stored))
        if owner is not None:
            notify.tell_owner(notify.assigned_job(stored))
    return stored, added


def move(
    followup_id: int,
    actor: User,
    seen: int,
    state: FollowUpState,
    note: str = "",
    outcome: str = "",
    customer_note: str = "",
    now: datetime | None = None,
) -> FollowUp:
    """Record a step: a new state (or the same, with a note); resolving needs the outcome and
    may send the customer `customer_note`. Logged as `followup.close` (resolving),
    `followup.step` (another state) or `followup.note` (a note alone)."""
    store = get_store()
    now = now or utcnow()
    by = actor.id
    seen_before: list[FollowUp] = []

    def change(f: FollowUp) -> None:
        _unchanged_since(f, seen)
        seen_before[:] = [copy.deepcopy(f)]
        if state not in NEXT_STATES[f.state]:
            raise FollowUpError(_("A resolved follow-up stays resolved; add a note instead."))
        resolving = state is FollowUpState.RESOLVED and f.state is not FollowUpState.RESOLVED
        if resolving and not outcome.strip():
            raise FollowUpError(
                _("Say how it ended: the outcome is needed to resolve it."), "outcome"
            )
        if customer_note.strip() and not resolving:
            raise FollowUpError(
                _("A note to the customer goes with resolving the follow-up."), "customer_note"
            )
        if customer_note.strip() and not reachable(store, f):
            raise FollowUpError(
                _("The customer asked not to be contacted: no note by email."), "customer_note"
            )
        if state is f.state and not note.strip():
            raise FollowUpError(
                _("Nothing to record: choose a new state or write a note."), "note"
            )
        f.events.append(FollowUpEvent(at=now, by=by, state=state.value, note=note))
        f.state = state
        if note.strip():
            f.notes = f"{f.notes}\n\n{note}".strip()
        if resolving:
            f.outcome, f.done_at, f.done_by = outcome, now, by
            f.customer_note = customer_note

    followup = store.followups.update(followup_id, change)
    before = seen_before[0]
    if followup.state is not before.state:
        action = "close" if followup.state is FollowUpState.RESOLVED else "step"
    else:
        action = "note"
    old, new = audit.changes(before, followup, STEP_FIELDS)
    audit.record(store, actor, f"{KIND}.{action}", KIND, followup_id, old, new)
    if followup.customer_note and followup.done_at == now:
        notify.send_customer_note(followup)
    return followup


def reassign(
    followup_id: int, actor: User, seen: int, owner_id: int, now: datetime | None = None
) -> FollowUp:
    """Give the follow-up to another staff member, who is told by email (`followup.owner`)."""
    store = get_store()
    by = actor.id
    now = now or utcnow()
    try:
        owner = store.users.get(owner_id)
    except NotFound:
        owner = None
    if owner is None or owner.role not in (Role.MARKETER, Role.ADMIN):
        raise FollowUpError(_("Choose a marketer or an admin."), "owner")

    previous: list[int | None] = []

    def change(f: FollowUp) -> None:
        _unchanged_since(f, seen, "owner")
        if f.owner_id == owner_id:
            raise FollowUpError(
                _("It already belongs to %(name)s.", name=owner.display_name), "owner"
            )
        previous[:] = [f.owner_id]
        f.owner_id = owner_id
        f.events.append(FollowUpEvent(at=now, by=by, state=f.state.value, owner_id=owner_id))

    followup = store.followups.update(followup_id, change)
    audit.record(store, actor, f"{KIND}.owner", KIND, followup_id, {"owner_id": previous[0]},
                 {"owner_id": owner_id}, summary=owner.email)  # fmt: skip
    notify.tell_owner(notify.assigned_job(followup))
    return followup


def reachable(store: Store, followup: FollowUp) -> bool:
    """Whether the customer may get a note by email: they did not say no to being contacted,
    nor opt out of our emails, and their address still takes mail."""
    if not followup.may_contact or not followup.email:
        return False
    contact = contact_for(store, followup.email)
    return contact is None or contact.reachable


def _unchanged_since(followup: FollowUp, seen: int, field: str = "state") -> None:
    if len(followup.events) != seen:
        raise FollowUpError(
            _("This follow-up changed since you opened it (perhaps your form was sent twice): "
              "here it is as it is now."), field,
        )  # fmt: skip

