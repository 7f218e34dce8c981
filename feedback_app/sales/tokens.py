"""API tokens: one per integration (a shop system), shown once, kept only as a SHA-256.

A token is 32 random bytes, so a plain SHA-256 of it cannot be guessed back (no salt or slow
hash needed, unlike a password); looking it up by that hash leaks nothing through timing.
Needs no app: the CLI makes and revokes tokens, the API checks them.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from ..store import Store
from ..store.models import ApiToken

__all__ = ["PREFIX", "TokenNotFound", "authenticate", "create_token", "revoke_token"]

PREFIX = "vbx_"
# How often a token's "last used" is written: often enough to tell a live integration from
# a forgotten one, without a write on every call.
_USE_RESOLUTION = timedelta(hours=1)


class TokenNotFound(LookupError):
    """No active token answers to that id or name (or more than one name does)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    store: Store, name: str, created_by: int | None = None, submission: str = ""
) -> tuple[ApiToken, str | None]:
    """A new token named `name` (made by the account `created_by`, None from the command
    line): the stored record, and the secret (never stored). A form copy `submission` sent
    again makes no second token: its first one comes back, with None for the secret, which
    was shown once already."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name, _hash(secret), prefix=secret[: len(PREFIX) + 6],
                     created_by=created_by, submission=submission)  # fmt: skip
    if not submission:
        return store.api_tokens.add(token), secret
    stored, new = store.api_tokens.add_once(token, "submission")
    return stored, secret if new else None


def authenticate(store: Store, secret: str, now: datetime) -> ApiToken | None:
    """The active token whose secret this is, or None (unknown, revoked, or empty)."""
    if not secret.startswith(PREFIX):
        return None
    found = [t for t in store.api_tokens.find(token_hash=_hash(secret)) if t.active]
    if not found:
        return None
    token = found[0]
    if token.last_used_at is None or now - token.last_used_at >= _USE_RESOLUTION:

        def used(t: ApiToken) -> None:
            t.last_used_at = now

        token = store.api_tokens.update(token.id, used)
    return token


def revoke_token(store: Store, which: str, now: datetime, by_id: bool = False) -> ApiToken:
    """Revoke the active token with id `which`, or else (unless `by_id`) the one active token
    named `which`."""
    active = [t for t in store.api_tokens.all() if t.active]
    chosen = [t for t in active if str(t.id) == which]
    if not chosen and not by_id:
        chosen = [t for t in active if t.name == which]
    if len(chosen) != 1:
        raise TokenNotFound(which)

    def revoke(t: ApiToken) -> None:
        t.revoked_at = t.revoked_at or now

    return store.api_tokens.update(chosen[0].id, revoke)
