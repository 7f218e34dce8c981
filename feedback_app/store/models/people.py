"""People: accounts with their role, and the one-time links they sign in with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .base import LINE, Record, utcnow

__all__ = ["Role", "SignInToken", "User"]


class Role(StrEnum):
    CUSTOMER = "customer"
    MARKETER = "marketer"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.CUSTOMER


@dataclass
class User(Record):
    email: str = field(metadata=LINE)
    role: Role = Role.CUSTOMER
    name: str = field(default="", metadata=LINE)
    created_at: datetime = field(default_factory=utcnow)
    # Raised when the person signs out: a session made before it (a copied cookie included)
    # no longer signs anyone in. Sessions live in signed cookies, so this is how one ends.
    session_epoch: int = 0
    id: int = 0

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


@dataclass
class SignInToken(Record):
    """A one-time sign-in link: only the SHA-256 of its secret is kept."""

    email: str
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0
