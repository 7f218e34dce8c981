"""Reading the audit log for the console: filtered, newest first, one page at a time.

No Flask here. The log is read with `store.scan` in one pass, so a long log costs one batch
and the pages up to the one asked for, not the whole log: the pass counts the entries that
match, keeps the newest `page × per_page` of them (by time: ids do not follow time on every
backend) and gathers the people, actions and kinds the filters offer.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from flask_babel import lazy_gettext as _l

from .store import Store
from .store.models import AuditEntry

__all__ = ["AuditFilter", "LogPage", "read_log", "readable_changes"]


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


def readable_changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, old, new) for each field the action changed, as text to show; "" for a value
    that was not there (a field set for the first time, or taken away)."""
    names = list(entry.before) + [n for n in entry.after if n not in entry.before]
    return [(n, _text(entry.before.get(n)), _text(entry.after.get(n))) for n in names]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)
