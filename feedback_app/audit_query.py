"""Reading the audit log for the console: filtered, newest first, one page at a time.

No Flask here. The log is read with `store.scan` in one pass, so a long log costs one batch
and the pages up to the one asked for, not the whole log: the pass counts the entries that
match, keeps the newest `page × per_page` of them (by time: ids do not follow time on every
backend) and gathers the people, actions and kinds the filters offer.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from flask_babel import lazy_gettext as _l

from .audit_labels import (
    COLLECTION_LABELS,
    PEOPLE_FIELDS,
    RECORD_FIELDS,
    SUMMARY_SAID_OTHERWISE,
    field_label,
    kind_label,
    value_label,
)
from .sales.console import STEP_LABELS
from .store import NotFound, Store
from .store.models import AuditEntry

__all__ = ["AuditFilter", "Change", "LogPage", "Names", "Shown", "read_log", "readable_changes",
           "readable_summary"]


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; empty text and None mean "any". Days are inclusive and
    read in `zone` (the business's time zone), as the reader thinks of them."""

    actor: str = ""
    action: str = ""
    kind: str = ""
    since: date | None = None
    until: date | None = None

    def matches(self, entry: AuditEntry, zone: tzinfo) -> bool:
        if self.actor and entry.actor_email != self.actor:
            return False
        if (self.action and entry.action != self.action) or (
            self.kind and entry.target_kind != self.kind
        ):
            return False
        day = entry.created_at.astimezone(zone).date()
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


@dataclass
class LogPage:
    entries: list[AuditEntry]  # newest first
    total: int  # entries matching the filter
    page: int
    pages: int
    actors: list[str] = field(default_factory=list)  # every value the filters can offer
    actions: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


def read_log(
    store: Store, wanted: AuditFilter, zone: tzinfo, page: int = 1, per_page: int = 50
) -> LogPage:
    """Page `page` of the entries `wanted` matches, newest first (a page past the end shows
    the last one)."""
    page = max(1, page)
    keep = page * per_page
    kept: list[tuple[datetime, int, AuditEntry]] = []  # a heap: the oldest kept on top
    total = 0
    actors: set[str] = set()
    actions: set[str] = set()
    kinds: set[str] = set()
    for entry in _entries(store):
        actors.add(entry.actor_email)
        actions.add(entry.action)
        kinds.add(entry.target_kind)
        if wanted.matches(entry, zone):
            total += 1
            newer = (entry.created_at, entry.id, entry)
            if len(kept) < keep:
                heapq.heappush(kept, newer)
            elif newer[:2] > kept[0][:2]:
                heapq.heapreplace(kept, newer)
    pages = max(1, -(-total // per_page))
    if page > pages:  # the kept window ran past the end: read the last page again
        return read_log(store, wanted, zone, pages, per_page)
    newest_first = [e for *_, e in sorted(kept, key=lambda k: k[:2], reverse=True)]
    shown = newest_first[(page - 1) * per_page : page * per_page]
    return LogPage(shown, total, page, pages, sorted(actors - {""}), sorted(actions),
                   sorted(kinds - {""}))  # fmt: skip


def _entries(store: Store) -> Iterable[AuditEntry]:
    for batch in store.scan("audit"):
        for entry_id, doc in batch:
            yield AuditEntry.from_doc(doc, entry_id or 0)


class Names:
    """People's names and records' titles for one page of the log, each read once. A record
    since removed (or of a kind without a title) has none: "" is returned."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._people: dict[int, str] = {}
        self._records: dict[tuple[str, int], str] = {}

    def person(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in self._people:
            try:
                self._people[user_id] = self.store.users.get(user_id).display_name
            except NotFound:
                self._people[user_id] = ""
        return self._people[user_id]

    def record(self, kind: str, record_id: int | None) -> str:
        if record_id is None or kind not in _TITLES:
            return ""
        key = (kind, record_id)
        if key not in self._records:
            try:
                self._records[key] = _TITLES[kind](self.store, record_id) or ""
            except (NotFound, AttributeError):  # removed since; a message or job: None
                self._records[key] = ""
        return self._records[key]


def _start(text: str, length: int = 60) -> str:
    """The start of a long text, cut at a word."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


def _testimonial(store: Store, record_id: int) -> str:
    found = store.testimonials.get(record_id)
    return found.credit_name or _start(found.original_text)


_TITLES: dict[str, Callable[[Store, int], str]] = {
    "idea": lambda store, n: store.ideas.get(n).title,
    "testimonial": _testimonial,
    "followup": lambda store, n: (lambda f: f.name or f.email)(store.followups.get(n)),
    "comment": lambda store, n: _start(store.comments.get(n).body),
    "reply": lambda store, n: store.replies.get(n).name,
    "user": lambda store, n: store.users.get(n).display_name,
    "api_token": lambda store, n: store.api_tokens.get(n).name,
    "sale": lambda store, n: store.sales.get(n).order_ref,
    "message": lambda store, n: store.messages.get(n).subject,  # type: ignore[union-attr]
    "contact": lambda store, n: store.contacts.get(n).email,
    "job": lambda store, n: (lambda j: str(STEP_LABELS.get(j.kind, j.kind)))(store.jobs.get(n)),
}


@dataclass(frozen=True)
class Shown:
    """One value as the log shows it: words, a moment (the page formats it in the reader's
    zone), or another record (the page links it)."""

    text: str
    moment: datetime | None = None
    kind: str = ""
    record_id: int | None = None


Change = tuple[str, Shown | None, Shown | None]  # (field's label, before, after); None: not set


def readable_summary(entry: AuditEntry, title: str) -> str:
    """The entry's summary when it adds to what the page already says ("" otherwise)."""
    if entry.action in SUMMARY_SAID_OTHERWISE or entry.summary == title:
        return ""
    return entry.summary


def readable_changes(entry: AuditEntry, names: Names) -> list[Change]:
    """Each field the action changed, labelled and with its values in words."""
    fields = list(entry.before) + [n for n in entry.after if n not in entry.before]
    return [
        (field_label(n), _shown(entry, n, entry.before.get(n), names),
         _shown(entry, n, entry.after.get(n), names))
        for n in fields
    ]  # fmt: skip


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _shown(entry: AuditEntry, name: str, value: Any, names: Names) -> Shown | None:
    if value is None or value == "" or value == [] or value == {}:
        return None
    if name in PEOPLE_FIELDS and isinstance(value, int):
        return Shown(names.person(value) or f"#{value}")
    if name in RECORD_FIELDS and isinstance(value, int):
        kind = RECORD_FIELDS[name]
        title = names.record(kind, value) or f"{kind_label(kind)} {value}"
        return Shown(title, kind=kind, record_id=value)
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            return Shown(value, moment=datetime.fromisoformat(value))
        except ValueError:
            return Shown(value)
    return Shown(_words(entry.target_kind, name, value))


def _words(kind: str, name: str, value: Any) -> str:
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, str):
        return value_label(kind, name, value)
    if isinstance(value, list):
        return ", ".join(_words(kind, name, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(  # in one order on both backends (PostgreSQL reorders JSON keys)
            f"{COLLECTION_LABELS.get(k) or field_label(k)}: {_words(kind, k, v)}"
            for k, v in sorted(value.items())
        )
    return str(value)
