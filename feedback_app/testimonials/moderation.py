"""What staff decide about a testimonial: approve, reject with a reason, edit beside the
original, tag, feature. Each decision is one atomic update of the testimonial, checked inside
it, and one audit entry naming who decided and what changed, so a testimonial's history can
be read back from the log (the reason of an earlier rejection included).

Staff only ever act on a testimonial whose address was confirmed and that the customer has
not withdrawn. Anything that changes what the site shows asks for a publish.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from flask_babel import gettext as _

from .. import audit
from ..data import get_store
from ..ideas.service import parse_tags
from ..mail import mailer
from ..publishing import published_data_changed
from ..store import Job, Testimonial, TestimonialState, User, utcnow
from ..store.models import QUOTE_LENGTH, AuditEntry
from . import links
from .service import EDIT_MAIL, TestimonialError

__all__ = [
    "KIND",
    "approve",
    "edit",
    "feature",
    "for_moderation",
    "history",
    "reject",
    "set_tags",
]

KIND = "testimonial"  # the audit log's name for what these actions act on


def for_moderation(state: TestimonialState | None = None) -> list[Testimonial]:
    """What staff see: testimonials whose address is confirmed (all, or those in `state`),
    waiting ones first, newest first within each group."""
    found = [
        t for t in get_store().testimonials.all()
        if t.email_confirmed_at is not None and (state is None or t.state is state)
    ]  # fmt: skip
    return sorted(found, key=lambda t: t.state is not TestimonialState.PENDING)


def history(testimonial_id: int) -> list[AuditEntry]:
    """What staff did to it, newest first."""
    return audit.history(get_store(), KIND, testimonial_id)


def _decide(
    testimonial_id: int,
    actor: User,
    action: str,
    fields: tuple[str, ...],
    change: Callable[[Testimonial], None],
) -> Testimonial:
    """Apply a staff decision atomically and log it: the entry holds the `fields` it changed."""
    seen: list[Testimonial] = []

    def guarded(t: Testimonial) -> None:
        if t.email_confirmed_at is None:
            raise TestimonialError(_("This testimonial's email address is not confirmed yet."))
        if t.withdrawn_at is not None:
            raise TestimonialError(_("The customer withdrew this testimonial."))
        seen[:] = [copy.deepcopy(t)]
        change(t)

    store = get_store()
    after = store.testimonials.update(testimonial_id, guarded)
    before = seen[0]
    if TestimonialState.APPROVED in (before.state, after.state):
        published_data_changed()
    old, new = audit.changes(before, after, fields)
    audit.record(store, actor, f"{KIND}.{action}", KIND, testimonial_id, old, new)
    return after


def approve(testimonial_id: int, actor: User) -> Testimonial:
    """On the site at the next publish (once any edit is approved by the customer)."""

    def change(t: Testimonial) -> None:
        t.state, t.decided_at, t.decided_by = TestimonialState.APPROVED, utcnow(), actor.id
        t.rejected_reason = ""  # the earlier reason stays in the audit log

    return _decide(testimonial_id, actor, "approve",
                   ("state", "rejected_reason", "decided_by"), change)  # fmt: skip


def reject(testimonial_id: int, actor: User, reason: str) -> Testimonial:
    """Not published (taken off the site if it was), with the reason kept beside it."""
    if not reason.strip():
        raise TestimonialError(_("Say why it is rejected: the reason is kept with it."))

    def change(t: Testimonial) -> None:
        t.state, t.decided_at, t.decided_by = TestimonialState.REJECTED, utcnow(), actor.id
        t.rejected_reason = reason

    return _decide(testimonial_id, actor, "reject",
                   ("state", "rejected_reason", "decided_by"), change)  # fmt: skip


def edit(testimonial_id: int, actor: User, text: str) -> Testimonial:
    """Keep a staff edit beside the original; when the wording changed, ask the customer to
    approve it (the edited form is not published until they do). The original words
    back undo the edit."""
    if len(text) not in QUOTE_LENGTH:
        raise TestimonialError(_("A testimonial is 20 to 1,000 characters long."))

    def change(t: Testimonial) -> None:
        if text == t.original_text:
            t.approved_text, t.customer_approved_edit = "", False
        elif text != t.approved_text:
            t.approved_text, t.customer_approved_edit = text, False
            t.edit_answered_at = None
        t.edited_at, t.edited_by = utcnow(), actor.id

    edited = _decide(testimonial_id, actor, "edit",
                     ("approved_text", "customer_approved_edit"), change)  # fmt: skip
    if edited.edit_awaiting_customer:
        wording = links.wording_digest(edited.approved_text)
        get_store().jobs.schedule(Job(EDIT_MAIL, {"id": edited.id, "wording": wording},
                                      key=f"{EDIT_MAIL}:{edited.id}:{wording}"))  # fmt: skip
        mailer().wake()
    return edited


def set_tags(testimonial_id: int, actor: User, raw: str) -> Testimonial:
    """The tags the published site groups testimonials by ("delivery, espresso")."""
    tags = parse_tags(raw)

    def change(t: Testimonial) -> None:
        t.tags = tags

    return _decide(testimonial_id, actor, "tag", ("tags",), change)


def feature(testimonial_id: int, actor: User, featured: bool) -> Testimonial:
    """Featured ones lead the site's home page (the first three approved)."""

    def change(t: Testimonial) -> None:
        t.featured = featured

    return _decide(testimonial_id, actor, "feature" if featured else "unfeature",
                   ("featured",), change)  # fmt: skip
