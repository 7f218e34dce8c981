"""People on PostgreSQL: accounts, one-time sign-in links and the rate-limit counters, all
shared by every host, so a link emailed by one host signs in on another and a limit counts
the posts that reached any of them."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from ...textrules import one_line
from ..errors import NotFound
from ..models import (
    LINK_LIFETIME,
    Role,
    SignInToken,
    TokenError,
    User,
    activation,
    erased,
    normalise_email,
    token_hash,
    token_problem,
    utcnow,
)
from .database import Database
from .doctable import Doc, DocTable

__all__ = ["PgRateLimits", "PgTokens", "PgUsers"]


def _user_columns(doc: Doc) -> dict[str, Any]:
    return {"email": doc["email"]}


def _token_columns(doc: Doc) -> dict[str, Any]:
    return {
        "token_hash": doc["token_hash"],
        "expires_at": datetime.fromisoformat(doc["expires_at"]),
    }


class PgUsers:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.table = DocTable(db, "users", User, _user_columns)

    def add(self, email: str, role: Role = Role.CUSTOMER, name: str = "") -> User:
        """Create a user, or return the existing one with that email unchanged."""
        email = normalise_email(email)
        user = User(email=email, role=role, name=name)
        with self._db.connection() as conn:
            row = conn.execute(
                "INSERT INTO users (email, doc) VALUES (%s, %s) "
                "ON CONFLICT (email) DO NOTHING RETURNING id",
                (email, Jsonb(user.to_doc())),
            ).fetchone()
            if row is None:
                found = conn.execute(
                    "SELECT id, doc FROM users WHERE email = %s", (email,)
                ).fetchone()
                assert found is not None
                return self.table.decode(found[0], found[1])  # type: ignore[no-any-return]
        user.id = row[0]
        return user

    def get(self, user_id: int) -> User:
        doc = self.table.get(user_id)
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def find_by_email(self, email: str) -> User | None:
        found = self.table.select("email = %s", (normalise_email(email),))
        return found[0] if found else None

    def set_role(self, user_id: int, role: Role) -> User:
        return self._change(user_id, {"role": role.value})

    def rename(self, user_id: int, name: str) -> User:
        return self._change(user_id, {"name": one_line(name)})

    def end_sessions(self, user_id: int) -> User:
        doc = self.table.update(
            user_id, lambda d: {**d, "session_epoch": d.get("session_epoch", 0) + 1}
        )
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def set_active(self, user_id: int, active: bool) -> User:
        """Reactivate, or deactivate and end every session (see `User.deactivated_at`)."""
        doc = self.table.update(user_id, activation(active, utcnow()))
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def erase(self, user_id: int) -> User:
        """Forget who the person is; the row stays (see `Store.users.erase`)."""
        doc = self.table.update(user_id, erased(user_id, utcnow()))
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def all(self) -> list[User]:
        return self.table.select(order="id")

    def count(self) -> int:
        return self.table.count()

    def _change(self, user_id: int, fields: dict[str, Any]) -> User:
        doc = self.table.update(user_id, lambda d: {**d, **fields})
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)


class PgTokens:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.table = DocTable(db, "tokens", SignInToken, _token_columns)

    def issue(self, email: str, ttl: timedelta = LINK_LIFETIME) -> str:
        """A new token for `email`; only its hash is stored. Returns the secret."""
        raw = secrets.token_urlsafe(32)
        token = SignInToken(normalise_email(email), token_hash(raw), utcnow() + ttl)
        with self._db.connection() as conn:
            self.table.insert(token.to_doc(), conn)
            # Keep the table small: forget tokens that expired more than a day ago.
            conn.execute(
                "DELETE FROM tokens WHERE expires_at < %s", (utcnow() - timedelta(days=1),)
            )
        return raw

    def peek(self, raw: str) -> str | None:
        found = self.table.select("token_hash = %s", (token_hash(raw),))
        if not found:
            return None
        token: SignInToken = found[0]
        return token.email if token_problem(token, utcnow()) is None else None

    def redeem(self, raw: str, now: datetime | None = None) -> str:
        """Use a token up and return its email; raise TokenError if it cannot be used. The
        row is locked while it is checked, so two hosts cannot both redeem it."""
        now = now or utcnow()
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT id, doc FROM tokens WHERE token_hash = %s FOR UPDATE", (token_hash(raw),)
            ).fetchone()
            if row is None:
                raise TokenError("unknown")
            token: SignInToken = self.table.decode(row[0], row[1])
            reason = token_problem(token, now)
            if reason:
                raise TokenError(reason)
            self.table.write(conn, row[0], {**row[1], "used_at": now.isoformat()})
        return token.email

    def forget(self, email: str) -> int:
        """Remove every link issued to `email`; return how many."""
        return self.table.delete("doc->>'email' = %s", (normalise_email(email),))


class PgRateLimits:
    """Fixed-window counters in an UNLOGGED table: shared by all hosts, fast to write, and
    (like the TinyDB store's) worth nothing after a crash of the database server."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def hit(self, key: str, limit: int, window_s: int, now: float | None = None) -> bool:
        """Count one hit on `key`; False when that makes more than `limit` in this window."""
        now = time.time() if now is None else now
        window = int(now // window_s)
        with self._db.connection() as conn:
            row = conn.execute(
                "INSERT INTO limits AS l (key, win, span, count, expires) "
                "VALUES (%(key)s, %(win)s, %(span)s, 1, %(expires)s) "
                "ON CONFLICT (key) DO UPDATE SET "
                "count = CASE WHEN l.win = EXCLUDED.win AND l.span = EXCLUDED.span "
                "THEN l.count + 1 ELSE 1 END, "
                "win = EXCLUDED.win, span = EXCLUDED.span, expires = EXCLUDED.expires "
                "RETURNING count",
                {"key": key, "win": window, "span": window_s, "expires": (window + 1) * window_s},
            ).fetchone()
            if secrets.randbelow(100) == 0:  # now and then, forget windows long gone
                conn.execute("DELETE FROM limits WHERE expires < %s", (now,))
        count = int(row[0]) if row else 1
        return count <= limit
