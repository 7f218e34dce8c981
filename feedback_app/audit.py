"""The audit log's one writer: every staff action calls `record` after it succeeds.

No Flask here: services and commands write entries as views do. An entry holds only what
the action changed (`changes` works that out from the record before and after), so the log
reads as a list of differences, and one record's history is its entries' before/after pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .store import Store
from .store.models import AuditEntry, Record, User, encoded

__all__ = ["changes", "history", "record"]


def record(
    store: Store,
    actor: User | None,
    action: str,
    target_kind: str = "",
    target_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    summary: str = "",
) -> AuditEntry:
    """Store one entry. `actor` None is the system (a command run without a person).

    Values are stored as records store them (dates as ISO text, enums as their value)."""
    return store.audit.add(
        AuditEntry(
            action=action,
            actor_id=actor.id if actor else None,
            actor_email=actor.email if actor else "",
            target_kind=target_kind,
            target_id=target_id,
            summary=summary,
            before=encoded(dict(before or {})),
            after=encoded(dict(after or {})),
        )
    )


def changes(
    before: Record, after: Record, fields: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `fields` whose values differ between two versions of a record: (old, new)."""
    old = encoded({name: getattr(before, name) for name in fields})
    new = encoded({name: getattr(after, name) for name in fields})
    differ = [name for name in old if old[name] != new[name]]
    return {n: old[n] for n in differ}, {n: new[n] for n in differ}


def history(store: Store, target_kind: str, target_id: int) -> list[AuditEntry]:
    """What staff did to one record, newest first."""
    return store.audit.find(target_kind=target_kind, target_id=target_id)
