"""The audit log: what each member of staff did, when, and the values before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .base import LINE, LINES, Record, utcnow

__all__ = ["AuditEntry"]


@dataclass
class AuditEntry(Record):
    """One staff action. `action` is a dotted name ("idea.status", "testimonial.approve");
    `target_kind` and `target_id` name what it acted on ("idea", 12), so one record's history
    is `find(target_kind=…, target_id=…)`. `before` and `after` hold only the fields the
    action changed, as JSON values; `actor_email` is kept as it was then, so the log still
    says who when the account is later renamed or erased."""

    action: str = field(metadata=LINE)
    actor_id: int | None = None
    actor_email: str = field(default="", metadata=LINE)
    target_kind: str = field(default="", metadata=LINE)
    target_id: int | None = None
    summary: str = field(default="", metadata=LINES)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0
