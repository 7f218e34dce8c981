"""Plain record collections on PostgreSQL: document tables (survey answers, testimonials,
follow-ups, sales, contacts, photos, API tokens).

`find` matches with `doc @> {...}`, which the GIN index on each table's documents answers.
`add_once` takes a transaction-scoped advisory lock on (table, key, value) before looking,
so two hosts adding the same value queue on the lock and the second finds the first; the
unique indexes on the key fields (migration 2) would refuse a duplicate that got past it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..errors import NotFound
from ..models import Record, encoded
from .database import Database
from .doctable import Doc, DocTable

__all__ = ["PgRecords", "add_once", "lock_value"]

R = TypeVar("R", bound=Record)


def _columns(doc: Doc) -> dict[str, Any]:
    return {"created_at": datetime.fromisoformat(doc["created_at"])}


def lock_value(conn: psycopg.Connection[Any], table: str, key: str, value: str) -> None:
    """Hold, until the transaction ends, the advisory lock of one value of one key field."""
    digest = hashlib.sha256(f"{table}\0{key}\0{value}".encode()).digest()
    conn.execute(
        "SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(digest[:8], "big", signed=True),)
    )


def add_once(
    table: DocTable, conn: psycopg.Connection[Any], doc: Doc, key: str
) -> tuple[int, Doc, bool]:
    """Store `doc` unless a row has the same `doc[key]`, inside the caller's transaction."""
    value = doc.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"add_once needs a non-empty text {key!r}")
    lock_value(conn, table.name, key, value)
    query = sql.SQL("SELECT id, doc FROM {} WHERE doc @> %s LIMIT 1").format(table.table)
    found = conn.execute(query, (Jsonb({key: value}),)).fetchone()
    if found is not None:
        return int(found[0]), found[1], False
    return table.insert(doc, conn), doc, True


class PgRecords(Generic[R]):
    def __init__(self, db: Database, name: str, kind: type[R]) -> None:
        self._db = db
        self._kind = kind
        self.table = DocTable(db, name, kind, _columns)

    def add(self, record: R) -> R:
        record.id = self.table.insert(record.to_doc())
        return record

    def add_many(self, records: list[R]) -> list[int]:
        return self.table.insert_many([r.to_doc() for r in records])

    def add_once(self, record: R, key: str) -> tuple[R, bool]:
        with self._db.connection() as conn:
            record_id, doc, added = add_once(self.table, conn, record.to_doc(), key)
        if added:
            record.id = record_id
            return record, True
        return self._kind.from_doc(doc, record_id), False

    def get(self, record_id: int) -> R:
        doc = self.table.get(record_id)
        if doc is None:
            raise NotFound(f"{self.table.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def update(self, record_id: int, change: Callable[[R], None]) -> R:
        def apply(doc: Doc) -> Doc:
            record = self._kind.from_doc(doc, record_id)
            change(record)
            return record.to_doc()

        doc = self.table.update(record_id, apply)
        if doc is None:
            raise NotFound(f"{self.table.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def find(self, **fields: Any) -> list[R]:
        """Records whose stored fields equal `fields`, newest first."""
        return self.table.select(
            "doc @> %s", (Jsonb(encoded(fields)),), order="created_at DESC, id DESC"
        )

    def remove(self, record_id: int) -> None:
        if not self.table.delete("id = %s", (record_id,)):
            raise NotFound(f"{self.table.name} {record_id}")

    def all(self) -> list[R]:
        """Every record, newest first."""
        return self.table.select(order="created_at DESC, id DESC")

    def count(self) -> int:
        return self.table.count()
