"""People: accounts with their role, and the one-time links they sign in with."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ...textrules import one_line
from .base import LINE, Record, utcnow

__all__ = [
    "ERASED_DOMAIN",
    "LINK_LIFETIME",
    "Role",
    "SignInToken",
    "TokenError",
    "User",
    "activation",
    "erased",
    "erased_address",
    "normalise_email",
    "token_hash",
    "token_problem",
]


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
    # Set when the person asked to be forgotten (`Users.erase`): the account stays, under an
    # address that reaches nobody, so what they wrote keeps its author id and no one else
    # ever gets it.
    erased_at: datetime | None = None
    # Set when an admin deactivates the account: its sessions ended then, and it signs in
    # no more until reactivated.
    deactivated_at: datetime | None = None
    id: int = 0

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@", 1)[0]


# `.invalid` is reserved (RFC 2606): an address in it can never reach anyone.
ERASED_DOMAIN = "erased.invalid"


def erased_address(user_id: int) -> str:
    """The address an erased account keeps: unique (the id), and undeliverable."""
    return f"erased-{user_id}@{ERASED_DOMAIN}"


def erased(user_id: int, now: datetime) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The change of a user's document that forgets who they are (both backends use it)."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "email": erased_address(user_id), "name": "",
                "role": Role.CUSTOMER.value, "erased_at": doc.get("erased_at") or now.isoformat(),
                "session_epoch": doc.get("session_epoch", 0) + 1}  # fmt: skip

    return change


def activation(active: bool, now: datetime) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The change of a user's document that (re)activates it, or deactivates it and ends
    every session it has (both backends use it)."""

    def change(doc: dict[str, Any]) -> dict[str, Any]:
        if active:
            return {**doc, "deactivated_at": None}
        if doc.get("deactivated_at"):
            return doc  # already off: its sessions ended then
        return {**doc, "deactivated_at": now.isoformat(),
                "session_epoch": doc.get("session_epoch", 0) + 1}  # fmt: skip

    return change


@dataclass
class SignInToken(Record):
    """A one-time sign-in link: only the SHA-256 of its secret is kept."""

    email: str
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0


def normalise_email(email: str) -> str:
    """The one spelling of an address used to route, find and store it (the one-line rule
    first, so an address holding a line break or a bidi control cannot make a second account)."""
    return one_line(email).lower()


# How long an emailed sign-in link works.
LINK_LIFETIME = timedelta(minutes=15)


class TokenError(Exception):
    """The link cannot sign anyone in; `reason` says why: unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_problem(token: SignInToken, now: datetime) -> str | None:
    if token.used_at is not None:
        return "used"
    if now >= token.expires_at:
        return "expired"
    return None
