"""What the board's search box, tabs and filters, and the "Ideas in Action" page, ask of the
store: each turns into a `BoardQuery` that the store answers."""

from __future__ import annotations

from typing import Any

from ..data import get_store
from ..store import DONE_STATUSES, BoardQuery, IdeaStatus, IdeaSummary, Page
from ..textrules import one_line

__all__ = ["board_page", "board_query", "in_action_page"]


# The board without a status filter: archived ideas (spam among them) are shown only to those
# who ask for archived ideas.
ON_THE_BOARD = frozenset(s for s in IdeaStatus if s is not IdeaStatus.ARCHIVED)


def board_query(form: Any, user_id: int | None, per_page: int) -> BoardQuery:
    """The query of the (already validated) FilterForm: invalid filters are dropped, and
    "mine" and "voted" mean nothing to someone not signed in."""

    def ok(field: Any) -> Any:
        return field.data if field.data and not field.errors else None

    status = ok(form.status)
    return BoardQuery(
        sort=ok(form.sort) or "trending",
        page=ok(form.page) or 1,
        per_page=per_page,
        text=(form.q.data or "").strip()[:200],
        category=ok(form.category) or "",
        statuses=frozenset({status}) if status else ON_THE_BOARD,
        tag=one_line(form.tag.data).casefold()[:30],  # cleaned as stored tags are
        author_id=user_id if user_id and form.mine.data else None,
        voted_by=user_id if user_id and form.voted.data else None,
    )


def board_page(form: Any, user_id: int | None, per_page: int) -> Page[IdeaSummary]:
    """The board's page that the filter form asks for."""
    return get_store().ideas.list(board_query(form, user_id, per_page))


def in_action_page(page: int, per_page: int) -> Page[IdeaSummary]:
    """Implemented ideas, newest first."""
    query = BoardQuery(sort="new", statuses=DONE_STATUSES, page=page, per_page=per_page)
    return get_store().ideas.list(query)
