"""People who sign in: customers, marketers and admins.

A person is filed by their email (`route_email`), so finding them by email reads one file
and their email's uniqueness is checked under that one file's lock. A person imported with
an id that names another file is found through the routed file's stray pointers (strays.py).
"""

from __future__ import annotations

import zlib
from typing import Any

from tinydb import Query

from ...textrules import one_line
from ..errors import CorruptDataError, NotFound
from ..models import Role, User, activation, erased, normalise_email, utcnow
from .collection import Collection
from .strays import stray_shards

__all__ = ["Users", "route_email"]


def route_email(email: str) -> int:
    # One email always lands in the same shard, so its uniqueness is checked under one lock.
    # crc32, not hash(): hash() of a str differs between processes.
    return zlib.crc32(normalise_email(email).encode())


class Users:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def add(self, email: str, role: Role = Role.CUSTOMER, name: str = "") -> User:
        """Create a user, or return the existing one with that email unchanged."""
        email = normalise_email(email)
        route = route_email(email)
        index = self._c.shard_index_for(route)
        with self._c.shard_writing(route) as db:
            table = db.table(self._c.name)
            found = table.get(Query().email == email)
            if found is not None:
                return User.from_doc(dict(found), self._c.join_id(index, found.doc_id))
            # Pointers live in this file, so this check is made under this file's lock.
            elsewhere = stray_shards(self._c, email, route)
            if not elsewhere:
                user = User(email=email, role=role, name=name)
                user.id = self._c.join_id(index, table.insert(user.to_doc()))
                return user
        # Read outside the lock (one lock at a time): people are never removed.
        return self._stray(email, elsewhere)

    def get(self, user_id: int) -> User:
        doc = self._c.get(user_id)
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def find_by_email(self, email: str) -> User | None:
        email = normalise_email(email)
        route = route_email(email)
        found = self._c.shard_view(route, "by_email", _email_index).get(email)
        if found is not None:
            return self.get(found)
        elsewhere = stray_shards(self._c, email, route)
        return self._stray(email, elsewhere) if elsewhere else None

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

    def set_active(self, user_id: int, active: bool) -> User:
        """Reactivate, or deactivate and end every session (see `User.deactivated_at`)."""
        doc = self._c.update(user_id, activation(active, utcnow()))
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def erase(self, user_id: int) -> User:
        """Forget who the person is; the record stays in its file, under an address nobody
        looks up (see `Store.users.erase`)."""
        doc = self._c.update(user_id, erased(user_id, utcnow()))
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)

    def all(self) -> list[User]:
        people = [u for part in self._c.view("users", _decode) for u in part]
        return sorted(people, key=lambda u: u.id)

    def count(self) -> int:
        return sum(len(v) for v in self._c.view("by_email", _email_index))

    def _stray(self, email: str, shards: tuple[int, ...]) -> User:
        for index in shards:  # a shard's own index routes to it
            found = self._c.shard_view(index, "by_email", _email_index).get(email)
            if found is not None:
                return self.get(found)
        raise CorruptDataError(self._c.folder, f"a stray pointer names no user for {email!r}")

    def _change(self, user_id: int, fields: dict[str, Any]) -> User:
        doc = self._c.update(user_id, lambda d: {**d, **fields})
        if doc is None:
            raise NotFound(f"user {user_id}")
        return User.from_doc(doc, user_id)


def _decode(records: dict[int, dict[str, Any]]) -> list[User]:
    return [User.from_doc(doc, user_id) for user_id, doc in records.items()]


def _email_index(records: dict[int, dict[str, Any]]) -> dict[str, int]:
    return {doc["email"]: user_id for user_id, doc in records.items()}
