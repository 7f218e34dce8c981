"""The idea board: ideas and their status rules, votes, comments, follows, and the query a
board listing asks the store to answer."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .base import LINE, LINES, Page, Record, utcnow

__all__ = [
    "CLOSED_STATUSES",
    "DONE_STATUSES",
    "SEARCH_COUNT_LIMIT",
    "SORTS",
    "TRANSITIONS",
    "TRENDING_GRAVITY",
    "TRENDING_OFFSET_HOURS",
    "TRENDING_REFRESH_S",
    "BoardQuery",
    "Comment",
    "FollowChoice",
    "Idea",
    "IdeaStatus",
    "IdeaSummary",
    "Stance",
    "StatusChange",
    "Vote",
    "follower_set",
    "trending_at",
    "trending_score",
]

# Trending = score / (age in hours + 2) ** 1.5, the "gravity" ranking Hacker News made
# popular: a new idea with a few votes outranks an old one with many, and every idea sinks
# as it ages. The +2 keeps an idea from topping the list in its first minutes on one vote.
TRENDING_GRAVITY = 1.5
TRENDING_OFFSET_HOURS = 2.0
# Trending ages with the clock: its order is recomputed from scratch once a minute and kept
# current vote by vote in between.
TRENDING_REFRESH_S = 60


def follower_set(automatic: set[int], choices: dict[int, bool]) -> set[int]:
    """Everyone who should hear about an idea: its `automatic` followers (author, voters)
    plus those who chose to follow, minus those who chose not to."""
    chosen = {user for user, following in choices.items() if following}
    dropped = {user for user, following in choices.items() if not following}
    return (automatic | chosen) - dropped


def trending_score(score: int, created_at: datetime, now: datetime) -> float:
    return trending_at(score, created_at.timestamp(), now.timestamp())


def trending_at(score: int, created_ts: float, now_ts: float) -> float:
    age_hours = max(0.0, (now_ts - created_ts) / 3600)
    return score / math.pow(age_hours + TRENDING_OFFSET_HOURS, TRENDING_GRAVITY)


# The orders a board can be listed in (see `store.ideas` for what each means).
SORTS = ("trending", "top", "new", "discussed")
# A search counts the ideas it finds up to this many, and says "more than" beyond: counting
# every match of a common word costs more than ranking a page of them, and past a thousand a
# reader learns nothing from the exact figure (see `BoardQuery.count_limit`).
SEARCH_COUNT_LIMIT = 1000


class IdeaStatus(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    NOT_PLANNED = "not_planned"
    DUPLICATE = "duplicate"
    ARCHIVED = "archived"

    @property
    def is_done(self) -> bool:
        """Published as an "Idea in Action"."""
        return self in (IdeaStatus.IMPLEMENTED, IdeaStatus.PARTIALLY_IMPLEMENTED)

    @property
    def is_closed(self) -> bool:
        """No more votes: the idea was merged away or archived."""
        return self in (IdeaStatus.DUPLICATE, IdeaStatus.ARCHIVED)

    def can_become(self, other: IdeaStatus) -> bool:
        return other in TRANSITIONS[self]


_S = IdeaStatus
# Which status may follow which. A duplicate only comes from merging, and leaves it only by
# being reopened as under review; archived ideas can be reopened too.
TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    _S.NEW: frozenset({_S.UNDER_REVIEW, _S.PLANNED, _S.IN_PROGRESS, _S.IMPLEMENTED,
                       _S.PARTIALLY_IMPLEMENTED, _S.NOT_PLANNED, _S.ARCHIVED}),
    _S.UNDER_REVIEW: frozenset({_S.PLANNED, _S.IN_PROGRESS, _S.IMPLEMENTED,
                                _S.PARTIALLY_IMPLEMENTED, _S.NOT_PLANNED, _S.ARCHIVED}),
    _S.PLANNED: frozenset({_S.UNDER_REVIEW, _S.IN_PROGRESS, _S.IMPLEMENTED,
                           _S.PARTIALLY_IMPLEMENTED, _S.NOT_PLANNED, _S.ARCHIVED}),
    _S.IN_PROGRESS: frozenset({_S.PLANNED, _S.IMPLEMENTED, _S.PARTIALLY_IMPLEMENTED,
                               _S.NOT_PLANNED, _S.ARCHIVED}),
    _S.PARTIALLY_IMPLEMENTED: frozenset({_S.IN_PROGRESS, _S.IMPLEMENTED, _S.ARCHIVED}),
    _S.IMPLEMENTED: frozenset({_S.IN_PROGRESS, _S.PARTIALLY_IMPLEMENTED, _S.ARCHIVED}),
    _S.NOT_PLANNED: frozenset({_S.UNDER_REVIEW, _S.PLANNED, _S.ARCHIVED}),
    _S.DUPLICATE: frozenset({_S.UNDER_REVIEW}),
    _S.ARCHIVED: frozenset({_S.UNDER_REVIEW}),
}  # fmt: skip

# The statuses shown as "Ideas in Action".
DONE_STATUSES = frozenset(s for s in IdeaStatus if s.is_done)
# The statuses that take no votes (a StrEnum: the stored strings are found in it too).
CLOSED_STATUSES = frozenset(s for s in IdeaStatus if s.is_closed)


class Stance(StrEnum):
    PRO = "pro"
    CON = "con"
    NEUTRAL = "neutral"


@dataclass
class StatusChange(Record):
    status: IdeaStatus
    response: str = field(metadata=LINES)
    by: int
    at: datetime = field(default_factory=utcnow)


@dataclass
class Idea(Record):
    title: str = field(metadata=LINE)
    description: str = field(metadata=LINES)
    category: str = field(metadata=LINE)
    author_id: int
    tags: list[str] = field(default_factory=list, metadata=LINE)
    status: IdeaStatus = IdeaStatus.NEW
    created_at: datetime = field(default_factory=utcnow)
    history: list[StatusChange] = field(default_factory=list)
    changed_note: str = field(default="", metadata=LINE)
    changed_on: date | None = None
    merged_into: int | None = None
    id: int = 0

    def record_status(
        self,
        status: IdeaStatus,
        response: str,
        by: int,
        changed_note: str = "",
        changed_on: date | None = None,
    ) -> None:
        """A status change with its official response, kept in the history; an idea put in
        action also keeps what changed and when."""
        self.status = status
        self.history.append(StatusChange(status, response, by))
        if status.is_done:
            self.changed_note = changed_note
            self.changed_on = changed_on or utcnow().date()

    def mark_duplicate_of(self, original_id: int, response: str, by: int) -> None:
        """Point at the original; the status change is recorded once, however often a merge
        is run again."""
        self.merged_into = original_id
        if self.status is not IdeaStatus.DUPLICATE:
            self.record_status(IdeaStatus.DUPLICATE, response, by)

    @property
    def official_response(self) -> StatusChange | None:
        """The newest status change that carries a response."""
        return next((c for c in reversed(self.history) if c.response), None)


@dataclass
class Vote(Record):
    idea_id: int
    user_id: int
    value: int
    at: datetime = field(default_factory=utcnow)


@dataclass
class Comment(Record):
    idea_id: int
    author_id: int
    body: str = field(metadata=LINES)
    stance: Stance = Stance.NEUTRAL
    official: bool = False
    hidden: bool = False
    created_at: datetime = field(default_factory=utcnow)
    edited_at: datetime | None = None
    id: int = 0


@dataclass
class FollowChoice(Record):
    """One explicit follow or unfollow (see store/follows.py)."""

    idea_id: int
    user_id: int
    choice: str


@dataclass(frozen=True)
class IdeaSummary:
    """An idea with its live figures, as listings show it."""

    idea: Idea
    promotes: int
    demotes: int
    comments: int

    @property
    def score(self) -> int:
        return self.promotes - self.demotes


@dataclass(frozen=True)
class BoardQuery:
    """Which ideas a board listing shows, in which order, and which page of them.

    Plain data, so every store backend can answer it its own way (TinyDB ranks in memory,
    SQL would turn it into WHERE / ORDER BY / LIMIT). Every filter left at its default lets
    all ideas through; the filters that are set must all hold:

    - `category`: exactly this category;
    - `statuses`: the idea's status is one of these (e.g. `DONE_STATUSES`);
    - `tag`: the idea carries this tag;
    - `author_id`: the idea was posted by this person;
    - `voted_by`: this person holds a vote (either way) on the idea;
    - `text`: the title or description holds every word of it (see store/search.py).
    """

    sort: str = "trending"
    category: str = ""
    statuses: frozenset[IdeaStatus] = frozenset()
    tag: str = ""
    author_id: int | None = None
    voted_by: int | None = None
    text: str = ""
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}")
        if self.page < 1 or self.per_page < 1:
            raise ValueError("page and per_page start at 1")
        statuses: Iterable[IdeaStatus | str] = self.statuses
        object.__setattr__(self, "statuses", frozenset(IdeaStatus(s) for s in statuses))

    @property
    def offset(self) -> int:
        """How many ideas come before this page."""
        return (self.page - 1) * self.per_page

    @property
    def count_limit(self) -> int | None:
        """How many matching ideas a listing counts: all of them (None) without search text;
        with it, `SEARCH_COUNT_LIMIT` or up to the end of this page, whichever is further, so
        that a page always knows whether it exists and whether another follows."""
        if not self.text:
            return None
        return max(SEARCH_COUNT_LIMIT, self.offset + self.per_page)

    def page_of(self, items: list[IdeaSummary], found: int) -> Page[IdeaSummary]:
        """This query's page of `items`, `found` being how many ideas match, counted to at
        least `count_limit` + 1 (a count beyond the limit is reported as the limit, with
        `Page.more`): every backend reports the same figures for the same board."""
        limit = self.count_limit
        if limit is not None and found > limit:
            return Page(items, self.page, self.per_page, limit, more=True)
        return Page(items, self.page, self.per_page, found)
