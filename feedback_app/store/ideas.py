"""Ideas: creating, reading, changing status, and the ranked listings of the board."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from .collection import Collection
from .comments import Comments
from .errors import NotFound
from .models import Idea, IdeaStatus, IdeaSummary, Page, StatusChange, utcnow
from .votes import Votes

__all__ = ["SORTS", "Ideas", "trending_score"]

SORTS = ("trending", "top", "new", "discussed")

# Trending = score / (age in hours + 2) ** 1.5, the "gravity" ranking Hacker News made
# popular: a new idea with a few votes outranks an old one with many, and every idea sinks
# as it ages. The +2 keeps an idea from topping the list in its first minutes on one vote.
TRENDING_GRAVITY = 1.5
TRENDING_OFFSET_HOURS = 2.0


def trending_score(score: int, created_at: datetime, now: datetime) -> float:
    age_hours = max(0.0, (now - created_at).total_seconds() / 3600)
    return score / math.pow(age_hours + TRENDING_OFFSET_HOURS, TRENDING_GRAVITY)


class Ideas:
    def __init__(self, collection: Collection, votes: Votes, comments: Comments) -> None:
        self._c = collection
        self._votes = votes
        self._comments = comments
        self._ranked: dict[tuple[Any, ...], list[int]] = {}
        self._index: tuple[tuple[int, ...], dict[int, Idea]] | None = None

    # -- single ideas ------------------------------------------------------------------------
    def add(self, idea: Idea) -> Idea:
        idea.id = self._c.insert(idea.to_doc())
        return idea

    def add_many(self, ideas: Iterable[Idea]) -> list[int]:
        return self._c.insert_many([i.to_doc() for i in ideas])

    def get(self, idea_id: int) -> Idea:
        doc = self._c.get(idea_id)
        if doc is None:
            raise NotFound(f"idea {idea_id}")
        return Idea.from_doc(doc, idea_id)

    def summary(self, idea_id: int) -> IdeaSummary:
        idea = self.get(idea_id)
        up, down = self._votes.tally(idea_id)
        return IdeaSummary(idea, up, down, len(self._comments.for_idea(idea_id)))

    def set_status(
        self,
        idea_id: int,
        status: IdeaStatus,
        response: str,
        by: int,
        changed_note: str = "",
        changed_on: date | None = None,
    ) -> Idea:
        """Record a status change with its official response in the idea's history."""

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            idea = Idea.from_doc(doc)
            idea.status = status
            idea.history.append(StatusChange(status, response, by))
            if status.is_done:
                idea.changed_note = changed_note
                idea.changed_on = changed_on or utcnow().date()
            return idea.to_doc()

        return self._update(idea_id, change)

    def edit(self, idea_id: int, **fields: Any) -> Idea:
        """Change plain fields (title, description, category, tags, merged_into)."""

        def change(doc: dict[str, Any]) -> dict[str, Any]:
            idea = Idea.from_doc(doc)
            for name, value in fields.items():
                setattr(idea, name, value)
            return idea.to_doc()

        return self._update(idea_id, change)

    # -- listings ----------------------------------------------------------------------------
    def all(self) -> list[Idea]:
        """Every idea, newest first (decoded once per change of its file)."""
        found: list[Idea] = []
        for part in self._c.view("ideas", _decode_all):
            found.extend(part)
        found.sort(key=lambda i: (i.created_at, i.id), reverse=True)
        return found

    def count(self) -> int:
        return sum(len(part) for part in self._c.view("ideas", _decode_all))

    def list(
        self,
        sort: str = "trending",
        page: int = 1,
        per_page: int = 20,
        where: Callable[[Idea], bool] | None = None,
        where_key: Any = None,
        now: datetime | None = None,
    ) -> Page[IdeaSummary]:
        """One page of ideas in the chosen order, with their live figures.

        `where` filters ideas; `where_key` names that filter for the cache (None disables the
        cache for filters that cannot be named). The ranking is cached until any idea, vote
        or comment changes (and, for trending, for at most a minute).
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}")
        now = now or utcnow()
        tallies = self._votes.tallies()
        counts = self._comments.counts()
        state = (self._c.generations(), self._votes.generations(), self._comments.generations())
        minute = int(now.timestamp() // 60) if sort == "trending" else 0
        key = (state, sort, where_key, minute)
        ranked = self._ranked.get(key) if where is None or where_key is not None else None
        ideas = self._by_id()
        if ranked is None:
            chosen = [i for i in ideas.values() if where is None or where(i)]
            ranked = [i.id for i in _rank(chosen, sort, tallies, counts, now)]
            if where is None or where_key is not None:
                if len(self._ranked) > 64 or any(k[0] != state for k in self._ranked):
                    self._ranked = {k: v for k, v in self._ranked.items() if k[0] == state}
                self._ranked[key] = ranked
        page = max(1, page)
        start = (page - 1) * per_page
        items = [
            IdeaSummary(ideas[i], *tallies.get(i, (0, 0)), counts.get(i, 0))
            for i in ranked[start : start + per_page]
        ]
        return Page(items, page, per_page, len(ranked))

    def _by_id(self) -> dict[int, Idea]:
        generations = self._c.generations()
        if self._index is None or self._index[0] != generations:
            parts = self._c.view("ideas", _decode_all)
            self._index = (generations, {i.id: i for part in parts for i in part})
        return self._index[1]

    def _update(self, idea_id: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Idea:
        doc = self._c.update(idea_id, change)
        if doc is None:
            raise NotFound(f"idea {idea_id}")
        return Idea.from_doc(doc, idea_id)


def _decode_all(records: dict[int, dict[str, Any]]) -> list[Idea]:
    return [Idea.from_doc(doc, idea_id) for idea_id, doc in records.items()]


def _rank(
    ideas: list[Idea],
    sort: str,
    tallies: dict[int, tuple[int, int]],
    counts: dict[int, int],
    now: datetime,
) -> list[Idea]:
    def score(i: Idea) -> int:
        up, down = tallies.get(i.id, (0, 0))
        return up - down

    keys: dict[str, Callable[[Idea], Any]] = {
        "trending": lambda i: (trending_score(score(i), i.created_at, now), i.created_at),
        "top": lambda i: (score(i), i.created_at),
        "new": lambda i: (i.created_at, i.id),
        "discussed": lambda i: (counts.get(i.id, 0), i.created_at),
    }
    return sorted(ideas, key=keys[sort], reverse=True)
