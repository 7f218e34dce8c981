"""One-time sign-in tokens: random, stored only as a hash, single use, short-lived."""

from __future__ import annotations

import secrets
import zlib
from datetime import datetime, timedelta
from typing import Any

from ..models import (
    LINK_LIFETIME,
    SignInToken,
    TokenError,
    normalise_email,
    token_hash,
    token_problem,
    utcnow,
)
from .collection import Collection

__all__ = ["Tokens", "route_token"]


def route_token(hashed: str) -> int:
    return zlib.crc32(hashed.encode())


class Tokens:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def issue(self, email: str, ttl: timedelta = LINK_LIFETIME) -> str:
        """A new token for `email`; only its hash is stored. Returns the secret."""
        raw = secrets.token_urlsafe(32)
        token = SignInToken(normalise_email(email), token_hash(raw), utcnow() + ttl)
        route = route_token(token.token_hash)
        with self._c.shard_writing(route) as db:
            table = db.table(self._c.name)
            table.insert(token.to_doc())
            # Keep the file small: forget tokens that expired more than a day ago.
            cutoff = (utcnow() - timedelta(days=1)).isoformat()
            table.remove(lambda doc: doc["expires_at"] < cutoff)
        return raw

    def peek(self, raw: str) -> str | None:
        """The email a usable token was issued to, without using it up."""
        found = self._find(token_hash(raw))
        if found is None:
            return None
        token = SignInToken.from_doc(found[1])
        return token.email if token_problem(token, utcnow()) is None else None

    def redeem(self, raw: str, now: datetime | None = None) -> str:
        """Use a token up and return its email; raise TokenError if it cannot be used."""
        hashed = token_hash(raw)
        now = now or utcnow()
        with self._c.shard_writing(route_token(hashed)) as db:
            found = self._find(hashed)
            if found is None:
                raise TokenError("unknown")
            record_id, doc = found
            token = SignInToken.from_doc(doc)
            reason = token_problem(token, now)
            if reason:
                raise TokenError(reason)
            _, doc_id = self._c.split_id(record_id)
            db.table(self._c.name).update({"used_at": now.isoformat()}, doc_ids=[doc_id])
        return token.email

    def forget(self, email: str) -> int:
        """Remove every link issued to `email`; return how many."""
        email = normalise_email(email)
        return self._c.remove_where("tokens", _decode, lambda t: t.email == email)

    def _find(self, hashed: str) -> tuple[int, dict[str, Any]] | None:
        index = self._c.shard_view(route_token(hashed), "by_hash", _by_hash)
        return index.get(hashed)


def _by_hash(records: dict[int, dict[str, Any]]) -> dict[str, tuple[int, dict[str, Any]]]:
    return {doc["token_hash"]: (rid, doc) for rid, doc in records.items()}


def _decode(records: dict[int, dict[str, Any]]) -> list[SignInToken]:
    return [SignInToken.from_doc(doc, rid) for rid, doc in records.items()]
