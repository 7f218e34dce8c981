"""Saved official responses: the words staff reuse when they give an idea a status.

Each is offered for one status. Creating, changing and removing one writes an audit entry.
"""

from __future__ import annotations

from .. import audit
from ..data import get_store
from ..store import IdeaStatus, NotFound, User
from ..store.models import ResponseTemplate

__all__ = ["add_reply", "change_reply", "remove_reply", "replies", "reply_body"]

FIELDS = ("name", "status", "body")


def replies() -> list[ResponseTemplate]:
    """Every saved response, grouped by status in the order statuses go, then by name."""
    order = {s: n for n, s in enumerate(IdeaStatus)}
    return sorted(get_store().replies.all(), key=lambda r: (order[r.status], r.name.casefold()))


def reply_body(reply_id: str | None) -> tuple[IdeaStatus, str] | None:
    """The status and words of the saved response chosen in a form, or None if none is."""
    try:
        chosen = get_store().replies.get(int(reply_id or 0))
    except (NotFound, ValueError):
        return None
    return chosen.status, chosen.body


def add_reply(actor: User, name: str, status: IdeaStatus, body: str) -> ResponseTemplate:
    store = get_store()
    saved = store.replies.add(ResponseTemplate(name, status, body, created_by=actor.id))
    audit.record(store, actor, "reply.create", "reply", saved.id, {},
                 {"name": name, "status": status.value, "body": body}, summary=name)  # fmt: skip
    return saved


def change_reply(
    reply_id: int, actor: User, name: str, status: IdeaStatus, body: str
) -> ResponseTemplate:
    store = get_store()
    before = store.replies.get(reply_id)

    def change(reply: ResponseTemplate) -> None:
        reply.name, reply.status, reply.body = name, status, body

    after = store.replies.update(reply_id, change)
    old, new = audit.changes(before, after, FIELDS)
    if old:
        audit.record(store, actor, "reply.update", "reply", reply_id, old, new, summary=name)
    return after


def remove_reply(reply_id: int, actor: User) -> None:
    store = get_store()
    gone = store.replies.get(reply_id)
    store.replies.remove(reply_id)
    audit.record(store, actor, "reply.delete", "reply", reply_id,
                 {"name": gone.name, "status": gone.status.value, "body": gone.body}, {},
                 summary=gone.name)  # fmt: skip
