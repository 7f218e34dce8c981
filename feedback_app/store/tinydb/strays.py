"""Records that live away from the file their key routes to, and where to find them.

Some collections are filed by a key rather than by id, so that one file answers a lookup and
one lock guards a key's uniqueness: a person by their email, a comment by its idea, a keyed
message by its key. A record's id names its file too (`id = doc_id * shards + shard`). Both
agree for every record this folder made, but not for one imported with an id given elsewhere
(a PostgreSQL id, or a folder split differently): kept at the file its id names, it may sit
away from the file its key routes to.

Such a stray is registered in the file its key routes to, in a small table beside the
records (`strays`: key -> files holding records with that key), written under that file's
lock by the import that placed the record. So a lookup still reads the routed file first
(one cached view, as before) and follows its pointers only when there are some, and a
uniqueness check made under the routed file's lock sees strays without taking another lock.
A folder that never imported anything has no pointers and pays nothing. Pointers are never
removed: people and comments never are, and a message's key stays taken after the message
is pruned (it was sent: a job run again must not send it twice).
"""

from __future__ import annotations

from typing import Any

from ..errors import CorruptDataError
from .collection import Collection

__all__ = ["STRAYS", "stray_shards", "stray_table"]

# The table holding the pointers, in each data file beside the collection's own table.
STRAYS = "strays"

Key = str | int


def stray_shards(collection: Collection, key: Key, route: int) -> tuple[int, ...]:
    """The files other than the routed one that hold records with `key` (`route` is the
    key's routing number, see `Collection.shard_index_for`)."""
    index = collection.shard_index_for(route)
    return (
        collection.shards[index]
        .view(STRAYS, lambda db: _pointers(collection, index, db.storage.read().get(STRAYS, {})))
        .get(key, ())
    )


def stray_table(pointers: dict[Key, set[int]]) -> dict[str, dict[str, Any]]:
    """The `strays` table (TinyDB's raw form) holding `pointers`."""
    rows = [{"key": key, "shard": shard} for key, shards in pointers.items() for shard in shards]
    return {str(doc_id): row for doc_id, row in enumerate(rows, start=1)}


def _pointers(
    collection: Collection, index: int, table: dict[str, Any]
) -> dict[Key, tuple[int, ...]]:
    found: dict[Key, list[int]] = {}
    for row in table.values():
        key = row.get("key") if isinstance(row, dict) else None
        shard = row.get("shard") if isinstance(row, dict) else None
        usable = isinstance(key, str | int) and isinstance(shard, int)
        if not usable or not 0 <= shard < collection.size:  # type: ignore[operator]
            raise CorruptDataError(collection.shards[index].path, f"stray pointer {row!r}")
        found.setdefault(key, []).append(shard)
    return {key: tuple(sorted(shards)) for key, shards in found.items()}
