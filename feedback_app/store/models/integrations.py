"""API tokens: how a shop system reports its sales (one token per integration)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .base import LINE, Record, utcnow

__all__ = ["ApiToken"]


@dataclass
class ApiToken(Record):
    """Only the SHA-256 of the secret is kept (`token_hash`, unique in a store); `prefix`,
    its first characters, tells tokens apart in lists."""

    name: str = field(metadata=LINE)
    token_hash: str
    prefix: str = ""
    created_by: int | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    # The id of the copy of the form that made it (form_ids): a reload of the page that
    # showed the secret sends the same copy again, and makes no second token.
    submission: str = field(default="", metadata=LINE)
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def active(self) -> bool:
        return self.revoked_at is None
