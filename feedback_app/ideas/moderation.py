"""Staff work on ideas beyond answering them: the queue of ideas waiting for an answer,
finding the original of a duplicate, correcting an idea's words, hiding spam, and doing one
thing to several ideas at once.

Spam is hidden by archiving it (`IdeaStatus.ARCHIVED`), not by a flag of its own: an
archived idea already takes no votes or comments, is never published, is left out of the
board's default listing and of "similar ideas", and can be reopened (archived → under
review) when it was archived by mistake. Its followers are not emailed. The audit entry
(`idea.spam`) says it was archived as spam.

Every action writes one audit entry per idea it changed, from here, with the person who did it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _

from .. import audit
from ..data import get_store
from ..store import BoardQuery, Comment, Idea, IdeaStatus, IdeaSummary, NotFound, Page, User
from ..store.models import CLOSED_STATUSES, AuditEntry
from .service import BoardError, change_status

__all__ = [
    "BulkResult",
    "Show",
    "archive_spam",
    "bulk_archive_spam",
    "bulk_status",
    "edit_idea",
    "idea_history",
    "merge_candidates",
    "merge_suggestions",
    "queue_page",
    "set_comment_hidden",
]

OPEN_STATUSES = frozenset(s for s in IdeaStatus if s not in CLOSED_STATUSES)
EDITABLE = ("title", "description")


class Show(StrEnum):
    """Which ideas the queue lists: those without an official response (the default), those
    nobody has looked at yet (still new), or every idea."""

    UNANSWERED = "unanswered"
    NEW = "new"
    ALL = "all"


def _answered(doc: dict[str, Any]) -> bool:
    """Whether a stored idea has an official response (`Idea.official_response`)."""
    return any(change.get("response") for change in doc.get("history", ()))


def _waiting(doc: dict[str, Any], show: Show, status: IdeaStatus | None) -> bool:
    """Whether a stored idea belongs in the queue, read off its document (see `queue_page`)."""
    if status is not None and doc["status"] != status.value:
        return False
    if show is Show.NEW:
        return doc["status"] == IdeaStatus.NEW.value
    if show is Show.UNANSWERED:
        return not _answered(doc) and IdeaStatus(doc["status"]) not in CLOSED_STATUSES
    return True


def queue_page(
    show: Show, status: IdeaStatus | None, page: int, per_page: int
) -> Page[IdeaSummary]:
    """The queue's page: new ideas first, then those without an official response, then the
    rest; oldest first within each, so nobody waits longest by being early.

    The ideas are streamed (`store.scan`) and chosen from their stored documents: only the
    page's ideas are read whole, with their figures. (Loading every idea took about half a
    second on 10,000 ideas in PostgreSQL.)"""
    store = get_store()
    found = []
    for batch in store.scan("ideas"):
        for idea_id, doc in batch:
            if _waiting(doc, show, status):
                is_new = doc["status"] == IdeaStatus.NEW.value
                created = datetime.fromisoformat(doc["created_at"])
                found.append((not is_new, _answered(doc), created, idea_id))
    found.sort()
    chunk = found[(page - 1) * per_page : page * per_page]
    return Page([store.ideas.summary(row[-1]) for row in chunk], page, per_page, len(found))


def merge_candidates(idea_id: int, text: str, limit: int = 10) -> list[IdeaSummary]:
    """Open ideas, other than `idea_id`, whose title or description holds every word of
    `text` (every open idea when it has none), the most supported first: where a duplicate
    can be merged into. When none holds every word, the open ideas sharing half the words of
    it: a duplicate's original rarely repeats its wording whole."""
    store = get_store()
    query = BoardQuery(sort="top", statuses=OPEN_STATUSES, text=text.strip()[:200],
                       per_page=limit + 1)  # fmt: skip
    found = [s for s in store.ideas.list(query).items if s.idea.id != idea_id][:limit]
    if found or not text.strip():
        return found
    return [store.ideas.summary(i.id) for i in store.ideas.similar(text, limit, exclude=idea_id)]


def merge_suggestions(idea: Idea, limit: int = 10) -> tuple[bool, list[IdeaSummary]]:
    """What the merge picker offers before any words are typed: the open ideas that look like
    `idea` (never `idea` itself), or when none does, the most supported open ideas; the flag
    says which, so the page can say it. Searching by the idea's own full title would need
    another idea holding every one of its words, which is why the picker starts here."""
    store = get_store()
    alike = store.ideas.similar(idea.title, limit=limit, exclude=idea.id)
    if alike:
        return True, [store.ideas.summary(i.id) for i in alike]
    return False, merge_candidates(idea.id, "", limit)


def edit_idea(idea_id: int, actor: User, title: str, description: str) -> Idea:
    """Correct an idea's title or description; the audit entry keeps the words it replaced."""
    store = get_store()
    before = store.ideas.get(idea_id)
    after = store.ideas.edit(idea_id, title=title, description=description)
    old, new = audit.changes(before, after, EDITABLE)
    if old:
        audit.record(store, actor, "idea.edit", "idea", idea_id, old, new, summary=after.title)
    return after


def archive_spam(idea_id: int, actor: User) -> Idea:
    """Hide an idea from the board as spam (archived, nobody emailed)."""
    store = get_store()
    idea = store.ideas.get(idea_id)
    if idea.status is IdeaStatus.ARCHIVED:
        return idea
    if not idea.status.can_become(IdeaStatus.ARCHIVED):
        raise BoardError(_("A merged idea is already off the board."))
    hidden = store.ideas.set_status(idea_id, IdeaStatus.ARCHIVED, "", actor.id)
    audit.record(store, actor, "idea.spam", "idea", idea_id, {"status": idea.status.value},
                 {"status": hidden.status.value}, summary=idea.title)  # fmt: skip
    return hidden


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the ideas changed, and those refused with the reason."""

    done: list[int]
    refused: dict[int, str]


def bulk_status(
    idea_ids: Iterable[int], status: IdeaStatus, response: str, actor: User, notify: bool
) -> BulkResult:
    """One status (and response) for several ideas; each idea is changed, audited and told to
    its followers as if it were changed alone, and one that may not take it is left as it is."""
    return _each(idea_ids, lambda i: change_status(i, status, response, actor, notify=notify))


def bulk_archive_spam(idea_ids: Iterable[int], actor: User) -> BulkResult:
    return _each(idea_ids, lambda i: archive_spam(i, actor))


def _each(idea_ids: Iterable[int], act: Callable[[int], object]) -> BulkResult:
    done: list[int] = []
    refused: dict[int, str] = {}
    for idea_id in dict.fromkeys(idea_ids):
        try:
            act(idea_id)
        except BoardError as exc:
            refused[idea_id] = str(exc)
        except NotFound:
            refused[idea_id] = _("No idea has that number.")
        else:
            done.append(idea_id)
    return BulkResult(done, refused)


def set_comment_hidden(idea_id: int, comment_id: int, hidden: bool, actor: User) -> Comment:
    """Hide a comment from customers (kept, and shown to staff) or show it again."""
    store = get_store()
    comment = store.comments.get(comment_id)
    if comment.idea_id != idea_id:
        raise NotFound(f"comment {comment_id} of idea {idea_id}")
    changed = store.comments.set_hidden(comment_id, hidden)
    if changed.hidden != comment.hidden:
        audit.record(store, actor, "comment.hide" if hidden else "comment.show", "comment",
                     comment_id, {"hidden": comment.hidden}, {"hidden": changed.hidden},
                     summary=comment.body[:200])  # fmt: skip
    return changed


def idea_history(idea_id: int) -> list[AuditEntry]:
    """What staff did to the idea, newest first: its edits keep the words they replaced."""
    return audit.history(get_store(), "idea", idea_id)
