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
from .database import redact

if TYPE_CHECKING:  # the PgStore calls this module: importing it here would be circular
    from .store import PgStore

__all__ = ["append_in", "exporting", "replace", "scan"]

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


def scan(store: PgStore, name: str, batch: int = EXPORT_BATCH) -> Iterator[Batch]:
    """The collection `name` at one read-only moment, batch by batch (see `Store.scan`)."""
    _table(name)
    with exporting(store) as export:
        yield from export(name, batch)


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
    rows already stored; return how many were new.

    The batch is copied (COPY) into a temporary table shaped like the collection's, then
    inserted from it in one statement that also moves the tallies of the ideas it touches
    by exactly the rows it added: a batch costs the same however much is stored already."""
    if not batch:
        return 0
    rows = [_row(store, name, record_id, doc) for record_id, doc in batch]
    columns = list(rows[0])
    staging = sql.Identifier(f"import_{name}")
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    try:
        conn.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE IF NOT EXISTS {} ON COMMIT DELETE ROWS "
                "AS SELECT {} FROM {} WITH NO DATA"
            ).format(staging, names, sql.Identifier(name))
        )
        with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, names)) as copy:
            for row in rows:
                copy.write_row(list(row.values()))
        insert = sql.SQL(
            "INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT DO NOTHING RETURNING {}"
        ).format(sql.Identifier(name), names, names, staging, sql.SQL(_ADDED.get(name, "1")))
        found = conn.execute(
            sql.SQL("WITH added AS ({}) {}").format(insert, sql.SQL(_TALLY.get(name, "")))
            + sql.SQL(" SELECT count(*) FROM added")
        ).fetchone()
        if name == "ideas":
            conn.execute(sql.SQL(_COUNT_IDEAS).format(staging))
        conn.execute(sql.SQL("TRUNCATE {}").format(staging))
    except psycopg.OperationalError:
        raise
    except psycopg.Error as exc:
        raise StoreError(f"{name}: the database refused a record ({exc})") from exc
    if "id" in columns:
        _move_sequence(conn, name, max(row["id"] for row in rows))
    return int(found[0]) if found else 0


# What an insert hands back about the rows it added, and how the ideas' figures follow them.
_ADDED = {"ideas": "id", "votes": "idea_id, value", "comments": "idea_id, hidden"}
_TALLY = {
    "votes": ", counted AS (UPDATE idea_ranks SET promotes = promotes + t.up, "
    "demotes = demotes + t.down FROM (SELECT idea_id, count(*) FILTER (WHERE value > 0) AS up, "
    "count(*) FILTER (WHERE value < 0) AS down FROM added GROUP BY idea_id) t "
    "WHERE idea_ranks.id = t.idea_id RETURNING 1)",
    "comments": ", counted AS (UPDATE idea_ranks SET comments = comments + t.n "
    "FROM (SELECT idea_id, count(*) FILTER (WHERE NOT hidden) AS n FROM added "
    "GROUP BY idea_id) t WHERE idea_ranks.id = t.idea_id RETURNING 1)",
}
# An idea's ranking row is made by a trigger at the end of the insert's statement, so the
# figures of ideas arriving after their votes or comments are counted in a statement of
# their own.
_COUNT_IDEAS = (
    "UPDATE idea_ranks r SET "
    "promotes = (SELECT count(*) FROM votes v WHERE v.idea_id = r.id AND v.value > 0), "
    "demotes = (SELECT count(*) FROM votes v WHERE v.idea_id = r.id AND v.value < 0), "
    "comments = (SELECT count(*) FROM comments c WHERE c.idea_id = r.id AND NOT c.hidden) "
    "FROM {} s WHERE r.id = s.id"
)


def _row(store: PgStore, name: str, record_id: int | None, doc: Doc) -> dict[str, Any]:
    """The columns of one record's row."""
    if name == "votes":
        return {"idea_id": doc["idea_id"], "user_id": doc["user_id"], "value": doc["value"],
                "at": datetime.fromisoformat(doc["at"])}  # fmt: skip
    if name == "follows":
        return {"idea_id": doc["idea_id"], "user_id": doc["user_id"], "choice": doc["choice"]}
    if name == "limits":
        return {"key": doc["key"], "win": doc["window"], "span": doc["span"],
                "count": doc["count"], "expires": doc["expires"]}  # fmt: skip
    table = store.tables()[name]
    fields = {"doc": Jsonb(doc), **table.columns(doc)}
    # A token is found by its hash, never by its id: it takes the next one here.
    return fields if name == "tokens" else {"id": record_id, **fields}


def _move_sequence(conn: Conn, name: str, highest: int) -> None:
    """Make the table's id sequence hand out ids above `highest` from now on."""
    conn.execute(
        "SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), "
        "greatest(%(id)s, nextval(pg_get_serial_sequence(%(t)s, 'id'))))",
        {"t": name, "id": highest},
    )
