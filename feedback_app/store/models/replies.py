"""Saved official responses: the words staff reuse when they give an idea a status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .base import LINE, LINES, Record, utcnow
from .ideas import IdeaStatus

__all__ = ["ResponseTemplate"]


@dataclass
class ResponseTemplate(Record):
    """A response offered when an idea is given `status`; `name` tells templates apart."""

    name: str = field(metadata=LINE)
    status: IdeaStatus
    body: str = field(metadata=LINES)
    created_by: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0
