"""Records in and out of the database, ids kept: what snapshots and `voicebox migrate` use.

Out: `exporting` reads every table in one read-only, repeatable-read transaction (one moment,
while the app goes on writing) through server-side cursors, batch by batch, in canonical
order (see `contract.Export`). Votes, follows and rate limits are rows, not documents: they
are given the documents the TinyDB folder keeps for them, field for field.

In: `append_in` adds a batch inside the caller's transaction, skipping rows already there
(same id, same natural key), so a copy interrupted at any point can be run again. Each
batch recounts the tallies of the ideas it touches, and moves every id sequence past the
highest id stored, so records created afterwards never collide with copied ones. `replace`
empties every table and appends every batch in one transaction: other hosts see the old
records or the new ones, never a mixture, and a failure leaves the old ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..contract import COLLECTIONS, Batch, Doc, Entry, Export
from ..errors import StoreError, Unavailable
from .board import recount_comments, recount_votes
from .database import redact

if TYPE_CHECKING:  # the PgStore calls this module: importing it here would be circular
    from .store import PgStore

__all__ = ["append_in", "exporting", "replace"]

Conn = psycopg.Connection[Any]

EXPORT_BATCH = 2000

# Rows without a document, in canonical order (text compared as code points, as Python does).
_ROWS = {
    "votes": "SELECT idea_id, user_id, value, at FROM votes ORDER BY idea_id, user_id",
    "follows": "SELECT idea_id, user_id, choice FROM follows ORDER BY idea_id, user_id",
    "limits": 'SELECT key, win, span, count, expires FROM limits ORDER BY key COLLATE "C"',
    "tokens": 'SELECT NULL, doc FROM tokens ORDER BY token_hash COLLATE "C"',
}
_cursors = itertools.count()


def _entry(name: str, row: tuple[Any, ...]) -> Entry:
    if name == "votes":
        idea, user, value, at = row
        return None, {"idea_id": idea, "user_id": user, "value": value, "at": _iso(at)}
    if name == "follows":
        idea, user, choice = row
        return None, {"idea_id": idea, "user_id": user, "choice": choice}
    if name == "limits":
        key, window, span, count, expires = row
        expires = int(expires) if float(expires).is_integer() else expires
        return None, {"key": key, "window": window, "span": span, "count": count,
                      "expires": expires}  # fmt: skip
    return row[0], row[1]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@contextmanager
def exporting(store: PgStore) -> Iterator[Export]:
    """An `Export` of the database at one moment (one repeatable-read transaction)."""
    conn = store.db.dedicated()
    started: list[Generator[Batch, None, None]] = []

    def export(name: str, batch: int = EXPORT_BATCH) -> Iterator[Batch]:
        started.append(_batches(conn, name, batch))
        return started[-1]

    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                yield export
            finally:  # a caller may stop reading early: close its cursor while it can
                for batches in started:
                    batches.close()
    except psycopg.OperationalError as exc:
        raise Unavailable(f"the database {redact(store.url)} failed: {exc}") from exc
    finally:
        conn.close()


def _batches(conn: Conn, name: str, batch: int) -> Generator[Batch, None, None]:
    query = _ROWS.get(name) or f"SELECT id, doc FROM {_table(name)} ORDER BY id"
    with conn.cursor(name=f"export_{next(_cursors)}") as cursor:
        cursor.execute(query)  # type: ignore[arg-type]
        while rows := cursor.fetchmany(batch):
            yield [_entry(name, row) for row in rows]


def _table(name: str) -> str:
    if name not in COLLECTIONS:
        raise ValueError(f"{name!r} is not a collection")
    return name


def replace(store: PgStore, records: Export) -> int:
    """Replace every record with `records(collection)` in one transaction; return how many."""
    conn = store.db.dedicated()
    try:
        with conn.transaction():
            conn.execute("TRUNCATE " + ", ".join(COLLECTIONS))
            return sum(
                append_in(store, conn, name, batch)
                for name in COLLECTIONS
                for batch in records(name)
            )
    except psycopg.OperationalError as exc:
        raise Unavailable(f"the database {redact(store.url)} failed: {exc}") from exc
    finally:
        conn.close()


def append_in(store: PgStore, conn: Conn, name: str, batch: Batch) -> int:
    """Add `batch` to the collection `name` in the caller's transaction, ids kept, skipping
    rows already stored; return how many were new."""
    if not batch:
        return 0
    try:
        if name in ("votes", "follows", "limits"):
            added = _insert_rows(conn, name, batch)
        else:
            added = _insert_docs(store, conn, name, batch)
    except psycopg.OperationalError:
        raise
    except psycopg.Error as exc:
        raise StoreError(f"{name}: the database refused a record ({exc})") from exc
    if name in ("ideas", "votes"):
        recount_votes(conn, "SELECT unnest(%s::bigint[])", [_ideas(name, batch)])
    if name in ("ideas", "comments"):
        recount_comments(conn, "SELECT unnest(%s::bigint[])", [_ideas(name, batch)])
    return added


def _ideas(name: str, batch: Batch) -> list[int]:
    """The ideas whose tallies a batch changes."""
    if name == "ideas":
        return [record_id for record_id, _ in batch if record_id is not None]
    return sorted({doc["idea_id"] for _, doc in batch})


def _insert_docs(store: PgStore, conn: Conn, name: str, batch: Batch) -> int:
    table = store.tables()[name]
    keep_ids = name != "tokens"  # a token is found by its hash, never by its id
    rows = []
    for record_id, doc in batch:
        fields: dict[str, Any] = {"doc": Jsonb(doc), **table.columns(doc)}
        rows.append({"id": record_id, **fields} if keep_ids else fields)
    columns = list(rows[0])
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING").format(
        sql.Identifier(name),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder(c) for c in columns),
    )
    with conn.cursor() as cursor:
        cursor.executemany(query, rows)
        added = cursor.rowcount
    if keep_ids:
        highest = max(record_id for record_id, _ in batch if record_id is not None)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), "
            "greatest(%(id)s, nextval(pg_get_serial_sequence(%(t)s, 'id'))))",
            {"t": name, "id": highest},
        )
    return max(added, 0)


_ROW_INSERTS = {
    "votes": "INSERT INTO votes (idea_id, user_id, value, at) "
    "VALUES (%(idea_id)s, %(user_id)s, %(value)s, %(at)s) ON CONFLICT DO NOTHING",
    "follows": "INSERT INTO follows (idea_id, user_id, choice) "
    "VALUES (%(idea_id)s, %(user_id)s, %(choice)s) ON CONFLICT DO NOTHING",
    "limits": "INSERT INTO limits (key, win, span, count, expires) "
    "VALUES (%(key)s, %(window)s, %(span)s, %(count)s, %(expires)s) ON CONFLICT DO NOTHING",
}


def _insert_rows(conn: Conn, name: str, batch: Batch) -> int:
    docs: list[Doc] = [doc for _, doc in batch]
    if name == "votes":
        docs = [{**doc, "at": datetime.fromisoformat(doc["at"])} for doc in docs]
    with conn.cursor() as cursor:
        cursor.executemany(_ROW_INSERTS[name], docs)  # type: ignore[arg-type]
        return max(cursor.rowcount, 0)
