"""One-time sign-in tokens: random, stored only as a hash, single use, short-lived."""

from __future__ import annotations

import hashlib
import secrets
import zlib
from datetime import datetime, timedelta
from typing import Any

from .collection import Collection
from .models import SignInToken, utcnow
from .users import normalise_email

__all__ = ["LINK_LIFETIME", "TokenError", "Tokens"]

# How long an emailed sign-in link works.
LINK_LIFETIME = timedelta(minutes=15)


class TokenError(Exception):
    """The link cannot sign anyone in; `reason` says why: unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _route(token_hash: str) -> int:
    return zlib.crc32(token_hash.encode())


class Tokens:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def issue(self, email: str, ttl: timedelta = LINK_LIFETIME) -> str:
        """A new token for `email`; only its hash is stored. Returns the secret."""
        raw = secrets.token_urlsafe(32)
        token = SignInToken(normalise_email(email), _hash(raw), utcnow() + ttl)
        route = _route(token.token_hash)
        with self._c.shard_writing(route) as db:
            table = db.table(self._c.name)
            table.insert(token.to_doc())
            # Keep the file small: forget tokens that expired more than a day ago.
            cutoff = (utcnow() - timedelta(days=1)).isoformat()
            table.remove(lambda doc: doc["expires_at"] < cutoff)
        return raw

    def peek(self, raw: str) -> str | None:
        """The email a usable token was issued to, without using it up."""
        found = self._find(_hash(raw))
        if found is None:
            return None
        token = SignInToken.from_doc(found[1])
        return token.email if _problem(token, utcnow()) is None else None

    def redeem(self, raw: str, now: datetime | None = None) -> str:
        """Use a token up and return its email; raise TokenError if it cannot be used."""
        token_hash = _hash(raw)
        now = now or utcnow()
        with self._c.shard_writing(_route(token_hash)) as db:
            found = self._find(token_hash)
            if found is None:
                raise TokenError("unknown")
            record_id, doc = found
            token = SignInToken.from_doc(doc)
            problem = _problem(token, now)
            if problem:
                raise TokenError(problem)
            _, doc_id = self._c.split_id(record_id)
            db.table(self._c.name).update({"used_at": now.isoformat()}, doc_ids=[doc_id])
        return token.email

    def _find(self, token_hash: str) -> tuple[int, dict[str, Any]] | None:
        index = self._c.shard_view(_route(token_hash), "by_hash", _by_hash)
        return index.get(token_hash)


def _problem(token: SignInToken, now: datetime) -> str | None:
    if token.used_at is not None:
        return "used"
    if now >= token.expires_at:
        return "expired"
    return None


def _by_hash(records: dict[int, dict[str, Any]]) -> dict[str, tuple[int, dict[str, Any]]]:
    return {doc["token_hash"]: (rid, doc) for rid, doc in records.items()}
