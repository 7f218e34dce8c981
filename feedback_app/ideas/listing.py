"""What the board's search box, tabs and filters ask of the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..data import get_store
from ..store import Idea, IdeaSummary, Page

__all__ = ["BoardQuery", "board_page"]


@dataclass(frozen=True)
class BoardQuery:
    sort: str = "trending"
    page: int = 1
    q: str = ""
    category: str = ""
    status: str = ""
    tag: str = ""
    mine: bool = False
    voted: bool = False

    @classmethod
    def from_form(cls, form: Any) -> BoardQuery:
        """Valid filters from the (already validated) FilterForm; invalid ones are dropped."""

        def ok(field: Any) -> Any:
            return field.data if field.data and not field.errors else None

        return cls(
            sort=ok(form.sort) or "trending",
            page=ok(form.page) or 1,
            q=(form.q.data or "").strip()[:200],
            category=ok(form.category) or "",
            status=ok(form.status) or "",
            tag=(form.tag.data or "").strip().casefold()[:30],
            mine=bool(form.mine.data),
            voted=bool(form.voted.data),
        )


def board_page(query: BoardQuery, user_id: int | None, per_page: int) -> Page[IdeaSummary]:
    store = get_store()
    checks: list[Callable[[Idea], bool]] = []
    if query.category:
        checks.append(lambda i: i.category == query.category)
    if query.status:
        checks.append(lambda i: i.status.value == query.status)
    if query.tag:
        checks.append(lambda i: query.tag in i.tags)
    # Filters over the store's state or one person's data are not worth a kept ranking.
    kept = not (query.q or (user_id and (query.mine or query.voted)))
    if query.q:
        found = store.ideas.matching(query.q)
        checks.append(lambda i: i.id in found)
    if user_id and query.mine:
        checks.append(lambda i: i.author_id == user_id)
    if user_id and query.voted:
        voted = set(store.votes.ideas_voted_by(user_id))
        checks.append(lambda i: i.id in voted)

    def where(idea: Idea) -> bool:
        return all(check(idea) for check in checks)

    return store.ideas.list(
        sort=query.sort,
        page=query.page,
        per_page=per_page,
        where=where if checks else None,
        where_key=(query.category, query.status, query.tag) if checks and kept else None,
    )
