"""The domain records the store speaks in. Plain dataclasses: no TinyDB, no Flask.

Each record turns into a JSON-ready dict with `to_doc()` and back with `from_doc()`; datetimes
are stored as ISO 8601 strings in UTC so the files stay readable and sort as text.

Fields people write are declared one-line (`metadata=_LINE`: titles, names, tags) or
multi-line (`metadata=_LINES`: descriptions, comments, responses). A record applies the
matching rule of `feedback_app.textrules` when it is built (so also when read back from disk,
which cleans text stored before the rules existed) and again when it is written, after any
change to its fields. This is the store's edge: text that reaches the data folder by any road
obeys the rules.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar, Generic, Self, TypeVar

from ..textrules import multi_line, one_line

__all__ = [
    "TRANSITIONS",
    "Comment",
    "FollowUp",
    "Idea",
    "IdeaStatus",
    "IdeaSummary",
    "Message",
    "MessageState",
    "Page",
    "Role",
    "SignInToken",
    "Stance",
    "StatusChange",
    "SurveyResponse",
    "Testimonial",
    "TestimonialState",
    "User",
    "Vote",
    "utcnow",
]


T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    CUSTOMER = "customer"
    MARKETER = "marketer"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.CUSTOMER


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


class Stance(StrEnum):
    PRO = "pro"
    CON = "con"
    NEUTRAL = "neutral"


class TestimonialState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class MessageState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


_RULE = "text rule"
# Field metadata: one line of a person's text (a title, a name, a tag list) ...
_LINE = types.MappingProxyType({_RULE: one_line})
# ... or several lines (Markdown, a note).
_LINES = types.MappingProxyType({_RULE: multi_line})


class Record:
    """Shared (de)serialisation of the dataclasses below, and their text rules."""

    id: int
    _nested: ClassVar[dict[str, type]] = {}

    def __post_init__(self) -> None:
        self.apply_text_rules()

    def apply_text_rules(self) -> None:
        """Apply each declared field's text rule; an item left empty leaves its list."""
        for name, rule in _text_rules(type(self)).items():
            value = getattr(self, name)
            if isinstance(value, str):
                cleaned: Any = rule(value)
            elif isinstance(value, list):
                cleaned = [item for item in map(rule, value) if item]
            else:
                continue
            if cleaned != value:
                setattr(self, name, cleaned)

    def to_doc(self) -> dict[str, Any]:
        self.apply_text_rules()
        doc = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name != "id":
                doc[f.name] = _encode(getattr(self, f.name))
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], record_id: int = 0) -> Self:
        kinds = _field_kinds(cls)
        values: dict[str, Any] = {}
        for name, kind in kinds.items():
            if name == "id" or name not in doc:
                continue
            values[name] = _decode(doc[name], kind)
        if "id" in kinds:
            values["id"] = record_id
        return cls(**values)


def _encode(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Record):
        return value.to_doc()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any, kind: Any) -> Any:
    if value is None:
        return None
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Record):
        return kind.from_doc(value)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(value)
    if isinstance(kind, tuple):  # list of nested records
        return [_decode(v, kind[0]) for v in value]
    return value


@cache
def _text_rules(cls: type) -> dict[str, Any]:
    return {f.name: f.metadata[_RULE] for f in dataclasses.fields(cls) if _RULE in f.metadata}


@cache
def _field_kinds(cls: type) -> dict[str, Any]:
    """Map each field to the concrete type that decoding needs (Optional[X] -> X)."""
    hints = typing.get_type_hints(cls)
    kinds: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            hint = args[0] if len(args) == 1 else hint
            origin = typing.get_origin(hint)
        if origin is list:
            (item,) = typing.get_args(hint)
            hint = (item,) if isinstance(item, type) and issubclass(item, Record) else list
        kinds[f.name] = hint
    return kinds


@dataclass
class User(Record):
    email: str = field(metadata=_LINE)
    role: Role = Role.CUSTOMER
    name: str = field(default="", metadata=_LINE)
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


@dataclass
class StatusChange(Record):
    status: IdeaStatus
    response: str = field(metadata=_LINES)
    by: int
    at: datetime = field(default_factory=utcnow)


@dataclass
class Idea(Record):
    title: str = field(metadata=_LINE)
    description: str = field(metadata=_LINES)
    category: str = field(metadata=_LINE)
    author_id: int
    tags: list[str] = field(default_factory=list, metadata=_LINE)
    status: IdeaStatus = IdeaStatus.NEW
    created_at: datetime = field(default_factory=utcnow)
    history: list[StatusChange] = field(default_factory=list)
    changed_note: str = field(default="", metadata=_LINES)
    changed_on: date | None = None
    merged_into: int | None = None
    id: int = 0

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
    body: str = field(metadata=_LINES)
    stance: Stance = Stance.NEUTRAL
    official: bool = False
    hidden: bool = False
    created_at: datetime = field(default_factory=utcnow)
    edited_at: datetime | None = None
    id: int = 0


@dataclass
class SurveyResponse(Record):
    email: str = field(metadata=_LINE)
    order_ref: str = field(metadata=_LINE)
    score: int
    reason: str = field(default="", metadata=_LINES)
    user_id: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def category(self) -> str:
        """Net Promoter grouping: promoter (9-10), passive (7-8), detractor (0-6)."""
        if self.score >= 9:
            return "promoter"
        return "passive" if self.score >= 7 else "detractor"


@dataclass
class Testimonial(Record):
    """A customer's words, with everything the FTC Endorsement Guides ask us to keep."""

    user_id: int
    original_text: str = field(metadata=_LINES)
    rating: int
    credit_name: str = field(metadata=_LINE)
    credit_role: str = field(default="", metadata=_LINE)
    credit_company: str = field(default="", metadata=_LINE)
    approved_text: str = field(default="", metadata=_LINES)
    customer_approved_edit: bool = False
    consent_text: str = field(default="", metadata=_LINES)
    consent_version: str = field(default="", metadata=_LINE)
    consented_at: datetime | None = None
    connection: str = field(default="", metadata=_LINES)
    tags: list[str] = field(default_factory=list, metadata=_LINE)
    featured: bool = False
    state: TestimonialState = TestimonialState.PENDING
    created_at: datetime = field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by: int | None = None
    withdrawn_at: datetime | None = None
    id: int = 0

    @property
    def publishable(self) -> bool:
        """Approved, consented, not withdrawn, and any edit approved by the customer."""
        edited = bool(self.approved_text) and self.approved_text != self.original_text
        return (
            self.state is TestimonialState.APPROVED
            and self.consented_at is not None
            and self.withdrawn_at is None
            and (not edited or self.customer_approved_edit)
        )

    @property
    def published_text(self) -> str:
        return self.approved_text or self.original_text


@dataclass
class FollowUp(Record):
    """A promise to get back to a customer: a call after a low score, a thank-you, ..."""

    kind: str = field(metadata=_LINE)
    user_id: int | None
    email: str = field(metadata=_LINE)
    reason: str = field(metadata=_LINES)
    due_at: datetime
    survey_id: int | None = None
    done_at: datetime | None = None
    done_by: int | None = None
    notes: str = field(default="", metadata=_LINES)
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0


@dataclass
class SignInToken(Record):
    """A one-time sign-in link: only the SHA-256 of its secret is kept."""

    email: str
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0


@dataclass
class Message(Record):
    """An email in the durable outbox: queued, retried with backoff, sent once."""

    to: str = field(metadata=_LINE)
    subject: str = field(metadata=_LINE)  # a header: a line break in it would fail every try
    text: str
    html: str = ""
    unsubscribe: str = ""
    state: MessageState = MessageState.QUEUED
    attempts: int = 0
    next_attempt_at: datetime = field(default_factory=utcnow)
    lease_until: datetime | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0


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
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1
