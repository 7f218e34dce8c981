"""A table of JSON documents with the columns its queries need: the PostgreSQL counterpart of
the TinyDB `Collection`.

Each row keeps the record's whole document (`Record.to_doc()`, exactly what a TinyDB file
holds) in `doc`, and copies of the fields that are filtered, sorted or claimed on in columns
of their own. `columns(doc)` derives those copies, and every write stores both from the same
document, so they cannot disagree. Changes read the row `FOR UPDATE` and write it back in
the same transaction: the PostgreSQL form of the TinyDB store's read-decide-write under a
file lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..errors import CorruptDataError
from ..models import Record
from ..validation import Unfit, checked, problem
from .database import Database

__all__ = ["Doc", "DocTable"]

Doc = dict[str, Any]
# Rows inserted at once beyond which the table's statistics are refreshed in the same
# transaction: autovacuum would do it within a minute, after queries planned for an empty table.
ANALYZE_AFTER = 1000
Columns = Callable[[Doc], dict[str, Any]]


def _no_columns(doc: Doc) -> dict[str, Any]:
    return {}


class DocTable:
    """The table `name`: an `id`, a `doc` and the columns `columns(doc)` returns."""

    def __init__(
        self, db: Database, name: str, model: type[Record], columns: Columns = _no_columns
    ) -> None:
        self.db = db
        self.name = name
        self.model = model
        self.columns = columns
        self.table = sql.Identifier(name)

    # -- reads -------------------------------------------------------------------------------
    def get(self, record_id: int, conn: psycopg.Connection[Any] | None = None) -> Doc | None:
        query = sql.SQL("SELECT doc FROM {} WHERE id = %s").format(self.table)
        if conn is not None:
            row = conn.execute(query, (record_id,)).fetchone()
        else:
            with self.db.connection() as own:
                row = own.execute(query, (record_id,)).fetchone()
        if row is None:
            return None
        self.check_doc(record_id, row[0])
        return row[0]

    def decode(self, record_id: int, doc: Doc) -> Any:
        """The record, or CorruptDataError naming it when the document does not fit the model."""
        try:
            return checked(self.model, doc, record_id)
        except Unfit as exc:
            raise CorruptDataError(self.name, f"record {record_id} {exc}") from None  # type: ignore[arg-type]

    def check_doc(self, record_id: int, doc: Any) -> None:
        found = problem(self.model, doc)
        if found is not None:
            raise CorruptDataError(self.name, f"record {record_id} {found}")  # type: ignore[arg-type]

    def select(
        self, where: str = "TRUE", params: Iterable[Any] = (), order: str = "id"
    ) -> list[Any]:
        """The decoded records matching the SQL condition `where`, in `order`."""
        query = sql.SQL("SELECT id, doc FROM {} WHERE " + where + " ORDER BY " + order).format(
            self.table
        )
        with self.db.connection() as conn:
            rows = conn.execute(query, tuple(params)).fetchall()
        return [self.decode(record_id, doc) for record_id, doc in rows]

    def count(self, where: str = "TRUE", params: Iterable[Any] = ()) -> int:
        query = sql.SQL("SELECT count(*) FROM {} WHERE " + where).format(self.table)
        with self.db.connection() as conn:
            row = conn.execute(query, tuple(params)).fetchone()
        return int(row[0]) if row else 0

    def rows(self, batch: int = 2000) -> Iterator[tuple[int, Doc]]:
        """Every (id, document), in id order, read in batches (exports and checks)."""
        after = -1
        while True:
            query = sql.SQL("SELECT id, doc FROM {} WHERE id > %s ORDER BY id LIMIT %s").format(
                self.table
            )
            with self.db.connection() as conn:
                found = conn.execute(query, (after, batch)).fetchall()
            yield from found
            if len(found) < batch:
                return
            after = found[-1][0]

    # -- writes ------------------------------------------------------------------------------
    def insert(
        self, doc: Doc, conn: psycopg.Connection[Any] | None = None, record_id: int | None = None
    ) -> int:
        """Store a new document; return its id (`record_id` keeps a given one: imports)."""
        fields = {"doc": Jsonb(doc), **self.columns(doc)}
        if record_id is not None:
            fields = {"id": record_id, **fields}
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
            self.table,
            sql.SQL(", ").join(map(sql.Identifier, fields)),
            sql.SQL(", ").join(sql.Placeholder() * len(fields)),
        )
        if conn is not None:
            row = conn.execute(query, tuple(fields.values())).fetchone()
        else:
            with self.db.connection() as own:
                row = own.execute(query, tuple(fields.values())).fetchone()
        assert row is not None
        return int(row[0])

    def insert_many(
        self, docs: list[Doc], conn: psycopg.Connection[Any] | None = None
    ) -> list[int]:
        """Store many documents in one transaction, sent in one pipeline; return their ids
        in order. A load large enough to change the planner's choices is analyzed."""
        if not docs:
            return []
        if conn is None:
            with self.db.connection(bulk=True) as own:
                return self.insert_many(docs, own)
        rows = [{"doc": Jsonb(doc), **self.columns(doc)} for doc in docs]
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
            self.table,
            sql.SQL(", ").join(map(sql.Identifier, rows[0])),
            sql.SQL(", ").join(sql.Placeholder() * len(rows[0])),
        )
        ids = []
        with conn.cursor() as cur:
            cur.executemany(query, [tuple(row.values()) for row in rows], returning=True)
            while True:
                found = cur.fetchone()
                assert found is not None
                ids.append(int(found[0]))
                if not cur.nextset():
                    break
        if len(docs) >= ANALYZE_AFTER:
            conn.execute(sql.SQL("ANALYZE {}").format(self.table))
        return ids

    def write(self, conn: psycopg.Connection[Any], record_id: int, doc: Doc) -> None:
        """Replace a row's document (and its columns) inside the caller's transaction."""
        fields = {"doc": Jsonb(doc), **self.columns(doc)}
        query = sql.SQL("UPDATE {} SET {} WHERE id = %s").format(
            self.table,
            sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(name)) for name in fields),
        )
        conn.execute(query, (*fields.values(), record_id))

    def update(
        self,
        record_id: int,
        change: Callable[[Doc], Doc | None],
        conn: psycopg.Connection[Any] | None = None,
    ) -> Doc | None:
        """Apply `change` to the current document, the row locked; return the stored result
        (None when there is no such record). `change` returns None to leave it untouched.
        Without `conn`, in a transaction of its own that is run again after a deadlock
        (`Database.run`): `change` may then be called again, on the document read anew."""
        if conn is None:
            return self.db.run(lambda own: self.update(record_id, change, own))
        query = sql.SQL("SELECT doc FROM {} WHERE id = %s FOR UPDATE").format(self.table)
        row = conn.execute(query, (record_id,)).fetchone()
        if row is None:
            return None
        current = row[0]
        try:
            new = change(dict(current))
        except Exception:
            self.check_doc(record_id, current)
            raise
        if new is None:
            return current
        self.write(conn, record_id, new)
        return new

    def update_many(self, changes: dict[int, Callable[[Doc], Doc | None]]) -> None:
        """Apply one change per record in one transaction (run again after a deadlock, see
        `update`); missing records are skipped."""

        def apply(conn: psycopg.Connection[Any]) -> None:
            for record_id, change in sorted(changes.items()):
                self.update(record_id, change, conn)

        self.db.run(apply)

    def delete(self, where: str, params: Iterable[Any] = ()) -> int:
        query = sql.SQL("DELETE FROM {} WHERE " + where).format(self.table)
        with self.db.connection() as conn:
            return conn.execute(query, tuple(params)).rowcount
