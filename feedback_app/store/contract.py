"""The store contract: what every backend offers, written down as Protocols.

`open_store(settings)` returns a `Store`: the TinyDB folder (`tinydb.TinyStore`) or the
PostgreSQL database (`postgres.PgStore`). Callers above the store use only what is here;
the conformance suite (`tests/store/`) runs every test against every backend, so a rule
that holds on one holds on the other.

Records handed out are plain dataclasses from `store.models`. Treat them as read-only
copies: change data only through these methods.

Moving data between stores (`store/snapshot.py`, `store/migrate.py`) speaks in entries: a
record's id and its document (`Record.to_doc()`, the same on every backend), collection by
collection (`COLLECTIONS`), in one canonical order, so the same data reads the same, byte for
byte, from either backend.

Rules every backend keeps alike (`tests/store/test_shared_rules.py` checks each against the
rule, not against the other backend):

- A record asked for by an id that names none (0, negative, or beyond any id) raises
  `NotFound`; `messages.get` and `jobs.get` return None instead.
- Text is kept byte for byte, never normalised, except that the text rules
  (`feedback_app.textrules`) apply to people's fields on every write, and that no string
  keeps U+0000 (`models.without_nul`: PostgreSQL cannot store it).
- Search (`Ideas.matching`, `BoardQuery.text`) finds the ideas whose indexed terms
  (`search.index_terms` of title and description) include every term of the query: whole
  terms, never substrings.
- A listing counts every idea it lets through (`Page.total`), except a search: that counts
  to `BoardQuery.count_limit` (`SEARCH_COUNT_LIMIT`, or the end of the page asked for when
  further) and past it reports the limit with `Page.more` set ("more than 1,000 ideas").
- Orders and their ties (`Ideas.list`): trending, top and discussed fall back to the newest
  idea, then the lower id; new is newest first, then the higher id. Trending is computed
  for the start of the minute `now` falls in: an order holds for a whole minute.
- Due messages and jobs are claimed oldest due first (next attempt, then id).
- `Records.add_once(record, key)` stores at most one record per value of its `key` field,
  however many hosts add at once (a sale per order reference, a contact per address, one
  survey answer per personal link). `Records.find(**fields)` matches stored values exactly
  (text byte for byte, no case folding: addresses are stored normalised).
- A closed idea takes no vote (`Votes.cast` raises IdeaClosed), whenever it closed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .models import (
    ApiToken,
    AuditEntry,
    BoardQuery,
    Comment,
    Contact,
    FollowChoice,
    FollowUp,
    Idea,
    IdeaStatus,
    IdeaSummary,
    Job,
    Message,
    Outcome,
    Page,
    Photo,
    RateCounter,
    Record,
    ResponseTemplate,
    Role,
    Sale,
    SignInToken,
    Stance,
    SurveyResponse,
    Testimonial,
    User,
    Vote,
)

__all__ = [
    "COLLECTIONS",
    "NATURAL_KEYS",
    "RECORD_SCHEMA",
    "UNIQUE_FIELDS",
    "Batch",
    "Comments",
    "Doc",
    "Entry",
    "Export",
    "Follows",
    "Ideas",
    "Jobs",
    "Messages",
    "Progress",
    "RateLimits",
    "Records",
    "Status",
    "Store",
    "Tokens",
    "Users",
    "Votes",
    "no_progress",
]

R = TypeVar("R", bound=Record)
Progress = Callable[[int, int], None]

Doc = dict[str, Any]
# One record on its way between stores: its id (None in a NATURAL_KEYS collection) and its
# document. Treat documents handed out as read-only: they may be a backend's cached copy.
Entry = tuple[int | None, Doc]
Batch = list[Entry]
# `export(collection)`: that collection's records in batches, in canonical order (by id; by
# natural key in a NATURAL_KEYS collection).
Export = Callable[[str], Iterator[Batch]]

# Every collection a store holds, with the model its documents decode with, in the order
# snapshots list them and imports fill them.
COLLECTIONS: dict[str, type[Record]] = {
    "users": User,
    "ideas": Idea,
    "comments": Comment,
    "votes": Vote,
    "follows": FollowChoice,
    "surveys": SurveyResponse,
    "testimonials": Testimonial,
    "followups": FollowUp,
    "sales": Sale,
    "contacts": Contact,
    "photos": Photo,
    "api_tokens": ApiToken,
    "audit": AuditEntry,
    "replies": ResponseTemplate,
    "tokens": SignInToken,
    "messages": Message,
    "jobs": Job,
    "limits": RateCounter,
}

# Collections whose ids no record refers to: each backend files their records under its own
# keys (a vote under its idea), so an id means nothing outside the store that gave it. Their
# records are known by these fields instead, unique within a store, and carry no id between
# stores. Every other id survives a move, because records refer to one another by id.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "votes": ("idea_id", "user_id"),
    "follows": ("idea_id", "user_id"),
    "tokens": ("token_hash",),
    "limits": ("key",),
}

# Fields no two records of a collection share (a message or a job without one is allowed).
# (An empty text counts as none: a survey answer from no personal link has link "".)
UNIQUE_FIELDS: dict[str, str] = {
    "users": "email",
    "messages": "key",
    "jobs": "key",
    "sales": "order_ref",
    "contacts": "email",
    "api_tokens": "token_hash",
    "surveys": "link",
    "testimonials": "invite",
}

# The version of the documents' shape (`Record.to_doc`); a change to it comes with a way to
# read the older shape, and snapshots say which shape they hold.
RECORD_SCHEMA = 1


def no_progress(done: int, total: int) -> None:
    """A `Progress` that reports nothing."""


class Users(Protocol):
    def add(self, email: str, role: Role = ..., name: str = ...) -> User:
        """Create a person, or return the one with that (normalised) email unchanged."""

    def get(self, user_id: int) -> User: ...
    def find_by_email(self, email: str) -> User | None: ...
    def set_role(self, user_id: int, role: Role) -> User: ...
    def rename(self, user_id: int, name: str) -> User: ...
    def end_sessions(self, user_id: int) -> User: ...
    def set_active(self, user_id: int, active: bool) -> User:
        """Deactivate (every session ends, no sign-in link is honoured) or reactivate a
        person; their account and what they wrote stay."""

    def erase(self, user_id: int) -> User:
        """Forget who the person is, keeping the account's id (what they wrote and voted
        refers to it, and an id is never given to someone else): the address becomes
        `erased_address(id)`, the name goes, the role is customer, every session ends."""

    def all(self) -> list[User]: ...
    def count(self) -> int: ...


class Votes(Protocol):
    def cast(self, idea_id: int, user_id: int, value: int) -> int:
        """+1, -1, or 0 to retract; the idea's tallies change with the vote, atomically.

        A closed idea (merged into another, or archived) raises IdeaClosed and keeps its
        votes as they are. It is judged as the vote is stored, not before: a vote that
        waited for a merge of its idea is refused, never left on the duplicate."""

    def cast_many(self, votes: Iterable[Vote]) -> int:
        """Votes stored as given, on any idea (demo data, imports, benchmarks); the tallies
        of the ideas they touch are recounted without losing a vote cast meanwhile."""

    def value(self, idea_id: int, user_id: int) -> int: ...
    def voters(self, idea_id: int) -> dict[int, int]: ...
    def tally(self, idea_id: int) -> tuple[int, int]: ...
    def tallies(self) -> dict[int, tuple[int, int]]: ...
    def ideas_voted_by(self, user_id: int) -> dict[int, int]: ...
    def count(self) -> int: ...


class Comments(Protocol):
    def add(
        self,
        idea_id: int,
        author_id: int,
        body: str,
        stance: Stance = ...,
        official: bool = ...,
    ) -> Comment: ...
    def add_many(self, comments: Iterable[Comment]) -> list[int]: ...
    def get(self, comment_id: int) -> Comment: ...
    def for_idea(self, idea_id: int, include_hidden: bool = ...) -> list[Comment]: ...
    def edit(self, comment_id: int, body: str) -> Comment: ...
    def set_hidden(self, comment_id: int, hidden: bool) -> Comment: ...
    def counts(self) -> dict[int, int]: ...
    def count(self) -> int: ...


class Follows(Protocol):
    def set(self, idea_id: int, user_id: int, following: bool) -> None: ...
    def choices(self, idea_id: int) -> dict[int, bool]: ...
    def followers(self, idea_id: int, automatic: set[int]) -> set[int]: ...


class Ideas(Protocol):
    def add(self, idea: Idea) -> Idea: ...
    def add_many(self, ideas: Iterable[Idea]) -> list[int]: ...
    def get(self, idea_id: int) -> Idea: ...
    def summary(self, idea_id: int) -> IdeaSummary: ...
    def set_status(
        self,
        idea_id: int,
        status: IdeaStatus,
        response: str,
        by: int,
        changed_note: str = ...,
        changed_on: date | None = ...,
    ) -> Idea: ...
    def edit(self, idea_id: int, **fields: Any) -> Idea: ...
    def merge(self, duplicate_id: int, original_id: int, by: int, response: str) -> Idea:
        """Votes and followers move to the original; re-runnable (TinyDB) or one
        transaction (PostgreSQL)."""

    def followers(self, idea_id: int) -> set[int]: ...
    def is_following(self, idea_id: int, user_id: int) -> bool: ...
    def matching(self, query: str) -> set[int]: ...
    def similar(self, title: str, limit: int = ..., exclude: int | None = ...) -> list[Idea]:
        """Open ideas sharing at least half of the title's terms: the best share first, then
        the newest, then the lower id."""

    def all(self) -> list[Idea]: ...
    def count(self) -> int: ...
    def list(self, query: BoardQuery, now: datetime | None = ...) -> Page[IdeaSummary]:
        """One page of the ideas `query` asks for, with live figures, and how many match
        (a search counts to `query.count_limit`: see `BoardQuery.page_of`). Orders: trending
        (`models.trending_at` at the start of `now`'s minute), top (score), new (created),
        discussed (visible comments); ties as the module docstring says."""


class Records(Protocol[R]):
    """A plain collection of records (sales, contacts, surveys, testimonials, follow-ups,
    photos, API tokens): the feature's service holds its rules, the store keeps the records."""

    def add(self, record: R) -> R: ...
    def add_many(self, records: list[R]) -> list[int]: ...
    def add_once(self, record: R, key: str) -> tuple[R, bool]:
        """Add `record` unless a stored one has the same value of its field `key` (never
        empty): return the stored record and whether it is the one just added. Two hosts
        adding the same value at once store one record."""

    def get(self, record_id: int) -> R: ...
    def update(self, record_id: int, change: Callable[[R], None]) -> R:
        """Apply `change` to the stored record, alone (other writers of it wait), and store the
        result. An exception raised by `change` leaves the record as it was."""

    def find(self, **fields: Any) -> list[R]:
        """The records whose stored fields equal these values (ids, text, flags, None), newest
        first. A record stored before a field existed has no value for it, not even None."""

    def remove(self, record_id: int) -> None:
        """Forget a record (erasing a person's data); NotFound when there is none."""

    def all(self) -> list[R]:
        """Every record, newest first."""

    def count(self) -> int: ...


class Tokens(Protocol):
    def issue(self, email: str, ttl: timedelta = ...) -> str: ...
    def peek(self, raw: str) -> str | None: ...
    def redeem(self, raw: str, now: datetime | None = ...) -> str:
        """Single use: a second redeem, on any host, raises TokenError("used")."""

    def forget(self, email: str) -> int:
        """Remove every link issued to `email` (erasing a person); return how many."""


class Messages(Protocol):
    def enqueue(self, message: Message) -> Message: ...
    def enqueue_keyed(self, messages: list[tuple[str, Message]]) -> int: ...
    def get(self, message_id: int) -> Message | None: ...
    def claim_due(
        self, lease: timedelta, now: datetime | None = ..., limit: int | None = ...
    ) -> list[Message]:
        """Up to `limit` due messages, oldest due first, each leased until `now + lease`."""

    def settle(self, outcomes: dict[int, Outcome], now: datetime | None = ...) -> None: ...
    def requeue(self, message_id: int, now: datetime | None = ...) -> Message:
        """Queue a failed message again, due at `now`, its attempts counted afresh (staff
        sending it again); a message in any other state is returned unchanged. NotFound
        when there is none."""

    def prune(self, sent_before: datetime) -> int: ...
    def remove(self, message_ids: list[int]) -> int:
        """Forget these messages, whatever their state (erasing a person: a queued one is
        then never sent); ids that name none are skipped. Returns how many went."""

    def all(self) -> list[Message]: ...
    def pending(self) -> int: ...


class Jobs(Protocol):
    def add(self, job: Job) -> Job: ...
    def get(self, job_id: int) -> Job | None: ...
    def claim(
        self, lease: timedelta, now: datetime | None = ..., limit: int = ...
    ) -> list[Job]: ...
    def schedule(self, job: Job) -> tuple[Job, bool]:
        """Add `job` unless one with its `key` exists (scheduling a sale's emails twice stores
        them once); return the stored job and whether it is new."""

    def cancel(self, job_id: int) -> Job:
        """Stop a queued job from running (state CANCELLED); a job already done stays done."""

    def finish(self, job_ids: list[int], now: datetime | None = ...) -> None: ...
    def retry(self, job_id: int, error: str, retry_at: datetime | None) -> None: ...
    def prune(self, done_before: datetime) -> int: ...
    def remove(self, job_ids: list[int]) -> int:
        """Forget these jobs, whatever their state (erasing a person: a queued one then never
        runs); ids that name none are skipped. Returns how many went."""

    def all(self) -> list[Job]: ...
    def pending(self) -> int: ...


class RateLimits(Protocol):
    def hit(self, key: str, limit: int, window_s: int, now: float | None = ...) -> bool: ...


class Status(Protocol):
    def get(self, name: str) -> dict[str, Any] | None: ...
    def put(self, name: str, value: dict[str, Any]) -> None:
        """Replace the record `name` whole (a JSON object; TypeError for anything else)."""


class Store(Protocol):
    users: Users
    ideas: Ideas
    votes: Votes
    comments: Comments
    follows: Follows
    surveys: Records[SurveyResponse]
    testimonials: Records[Testimonial]
    followups: Records[FollowUp]
    sales: Records[Sale]
    contacts: Records[Contact]
    photos: Records[Photo]
    api_tokens: Records[ApiToken]
    audit: Records[AuditEntry]
    replies: Records[ResponseTemplate]
    tokens: Tokens
    messages: Messages
    jobs: Jobs
    limits: RateLimits
    status: Status

    @property
    def location(self) -> str:
        """Where the data lives, for messages to people (never a password)."""

    def lock(self, name: str, timeout: float = ...) -> AbstractContextManager[None]:
        """One holder at a time among every process and host using this store."""

    def secret_key(self) -> str:
        """The key sessions are signed with when none is configured, made on first use."""

    def adopt_secret_key(self, key: str) -> None:
        """Keep `key` as the signing key from now on (`voicebox migrate` moves it over)."""

    def board_revision(self, settled: bool = ...) -> Hashable | None:
        """An opaque value that changes whenever anything a board listing shows may have
        changed (an idea added, edited, restatused or merged, a vote, a comment shown or
        hidden), written by any process or host. Cheap: a page cache reads it on every
        request, and a read never changes it.

        With `settled`, the value is one under which data read from now on may be kept: every
        change it counts is visible to later reads. None when that cannot be said at the
        moment: a write it counts is still under way (being written, or committed)."""

    def check(self) -> int:
        """Decode every record; return how many, or raise CorruptDataError naming one."""

    def ping(self) -> None:
        """Raise a StoreError when the data cannot be reached (a cheap health check)."""

    def backup(self, target: Path, progress: Progress = ...) -> int:
        """Write every record to the snapshot `target` (see snapshot.py); return how many."""

    def restore(self, source: Path, progress: Progress = ...) -> int:
        """Replace every record with the snapshot `source`, checked completely first, from
        either backend; return how many records it held."""

    def scan(self, collection: str, batch: int = ...) -> Iterator[Batch]:
        """One collection's records in canonical order, batch by batch, for a download as long
        as the collection: memory stays one batch, and writers are not held back while it is
        read (PostgreSQL: one read-only moment through a server-side cursor; TinyDB: the
        collection's files are read under their locks, which are let go before the first
        batch). Close the iterator to stop early."""

    def exporting(self) -> AbstractContextManager[Export]:
        """An `Export` of one consistent moment for the time of the block (TinyDB: every
        file's lock held; PostgreSQL: one repeatable-read transaction)."""

    def replace(self, records: Export, progress: Progress = ...) -> int:
        """Replace every collection's records with `records(collection)`, ids kept: all or
        nothing (PostgreSQL: one transaction; TinyDB: every file swapped under every lock).
        Returns how many records were stored."""

    def append(self, collection: str, batch: Batch) -> int:
        """Add records keeping their ids, skipping any already stored (same id, or same
        natural key): a copy interrupted at any point can be run again. Returns how many
        were new."""

    def clear(self) -> None: ...
    def close(self) -> None: ...
