"""People who sign in: customers, marketers and admins."""

from __future__ import annotations

import zlib
from typing import Any

from tinydb import Query

from ...textrules import one_line
from ..errors import NotFound
from ..models import Role, User, normalise_email
from .collection import Collection

__all__ = ["Users"]


def _route(email: str) -> int:
    # One email always lands in the same shard, so its uniqueness is checked under one lock.
    # crc32, not hash(): hash() of a str differs between processes.
    return zlib.crc32(normalise_email(email).encode())


class Users:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def add(self, email: str, role: Role = Role.CUSTOMER, name: str = "") -> User:
        """Create a user, or return the existing one with that email unchanged."""
        email = normalise_email(email)
        index = self._c.shard_index_for(_route(email))
        with self._c.shard_writing(_route(email)) as db:
            table = db.table(self._c.name)
            found = table.get(Query().email == email)
            if found is not None:
                return User.from_doc(dict(found), self._c.join_id(index, found.doc_id))
            user = User(email=email, role=role, name=name)
            user.id = self._c.join_id(index, table.insert(user.to_doc()))
        return user

    def get(self, user_id: int) -> User:
        doc = self._c.get(user_id)
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def find_by_email(self, email: str) -> User | None:
        email = normalise_email(email)
        found = self._c.shard_view(_route(email), "by_email", _email_index).get(email)
        return self.get(found) if found is not None else None

    def set_role(self, user_id: int, role: Role) -> User:
        return self._change(user_id, {"role": role.value})

    def rename(self, user_id: int, name: str) -> User:
        """Change the display name (a one-line field: this write skips `User.to_doc`)."""
        return self._change(user_id, {"name": one_line(name)})

    def end_sessions(self, user_id: int) -> User:
        """Make every session of this person made so far invalid (see User.session_epoch)."""
        doc = self._c.update(
            user_id, lambda d: {**d, "session_epoch": d.get("session_epoch", 0) + 1}
        )
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def all(self) -> list[User]:
        people = [u for part in self._c.view("users", _decode) for u in part]
        return sorted(people, key=lambda u: u.id)

    def count(self) -> int:
        return sum(len(v) for v in self._c.view("by_email", _email_index))

    def _change(self, user_id: int, fields: dict[str, Any]) -> User:
        doc = self._c.update(user_id, lambda d: {**d, **fields})
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)


def _decode(records: dict[int, dict[str, Any]]) -> list[User]:
    return [User.from_doc(doc, user_id) for user_id, doc in records.items()]


def _email_index(records: dict[int, dict[str, Any]]) -> dict[str, int]:
    return {doc["email"]: user_id for user_id, doc in records.items()}
