"""Records in and out of a data folder, ids kept: what snapshots and `voicebox migrate` use.

Out: `exporting(store)` holds every file's lock (taken in one fixed order, as a backup always
has) and hands out each collection's records in canonical order (see `contract.Export`).

In: a record that comes with an id is filed in the file its id names (`id = doc_id * shards
+ shard`), whatever store or split it came from, so every reference to it stays true. When
that file is not the one its key routes to (a person's email, a comment's idea, a message's
key), the routed file gets a pointer to it (strays.py). A record of a NATURAL_KEYS collection
(votes, follows, tokens, rate limits) has no id to keep: it is filed where its key routes,
under a new document id.

`replace` builds every file of the new data as a temporary file first (a full disk stops
it there, with nothing replaced), then swaps them all in under every file's lock, so no
write of another process lands half-way. Before the first swap it writes down every swap it
is about to make (`restore-journal.json`); a process killed in the middle of them leaves
that journal, and the next process to open the folder finishes the swaps before anything
reads it (`finish_interrupted`): a replace is never left half-applied. `append` adds to the
current data under the locks of one collection's files, skipping records already there.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ...files import TEMP_PREFIX, fsync_folder, stage_file
from ..contract import COLLECTIONS, NATURAL_KEYS, Batch, Doc, Entry, Export
from ..errors import CorruptDataError, StoreError, WriteError
from .collection import Collection
from .limits import route_limit
from .messages import route_key
from .shard import Shard
from .storage import write_bytes_atomically
from .strays import STRAYS, stray_table
from .tokens import route_token
from .users import route_email

if TYPE_CHECKING:  # the TinyStore calls this module: importing it here would be circular
    from .store import TinyStore

__all__ = ["JOURNAL", "append", "exporting", "finish_interrupted", "replace", "scan"]

Tables = dict[str, dict[str, Any]]
Key = str | int
# (temporary file, data file) names relative to the folder; no temporary file: remove it.
Swap = tuple[str | None, str]

JOURNAL = "restore-journal.json"

EXPORT_BATCH = 2000

# Where a record without an id is filed: the routing number of its natural key.
_NATURAL_ROUTES: dict[str, Callable[[Doc], int]] = {
    "votes": lambda doc: doc["idea_id"],
    "follows": lambda doc: doc["idea_id"],
    "tokens": lambda doc: route_token(doc["token_hash"]),
    "limits": lambda doc: route_limit(doc["key"]),
}


def _lookup_key(name: str, doc: Doc) -> tuple[Key, int] | None:
    """The key a record with an id is looked up by, and that key's routing number; None for
    records found by id only."""
    if name == "users":
        return doc["email"], route_email(doc["email"])
    if name == "comments":
        return doc["idea_id"], doc["idea_id"]
    if name == "messages" and doc.get("key") is not None:
        return doc["key"], route_key(doc["key"])
    return None


@contextmanager
def exporting(store: TinyStore) -> Iterator[Export]:
    """An `Export` of the folder as it is while every file's lock is held."""
    with _every_lock(store):
        for shard in store.shards():
            shard.refresh()  # a broken file raises CorruptDataError naming it

        def export(name: str, batch: int = EXPORT_BATCH) -> Iterator[Batch]:
            entries = _entries(store.collections[name])
            for start in range(0, len(entries), batch):
                yield entries[start : start + batch]

        yield export


def scan(store: TinyStore, name: str, batch: int = EXPORT_BATCH) -> Iterator[Batch]:
    """The collection `name` as it is under its files' locks, handed out batch by batch
    after they are let go (see `Store.scan`)."""
    if name not in COLLECTIONS:
        raise ValueError(f"{name!r} is not a collection")
    collection = store.collections[name]
    with ExitStack() as locks:
        for shard in collection.shards:
            locks.enter_context(shard.locked())
            shard.refresh()
        entries = _entries(collection)
    for start in range(0, len(entries), batch):
        yield entries[start : start + batch]


def _entries(collection: Collection) -> list[Entry]:
    name = collection.name
    found = [
        (collection.join_id(index, int(doc_id)), doc)
        for index, shard in enumerate(collection.shards)
        for doc_id, doc in shard.storage.read().get(name, {}).items()
    ]
    fields = NATURAL_KEYS.get(name)
    if fields is None:
        return sorted(found, key=lambda entry: entry[0])
    return sorted(((None, doc) for _, doc in found), key=lambda e: [e[1][f] for f in fields])


class _Filing:
    """One collection's files being built in memory: TinyDB's raw tables with their stray
    pointers, starting from `current` (each file's parsed content) or empty."""

    def __init__(self, collection: Collection, current: list[Tables] | None = None) -> None:
        self.c = collection
        name = collection.name
        current = current or [{} for _ in collection.shards]
        self.rows = [dict(data.get(name, {})) for data in current]
        self.pointers: list[dict[Key, set[int]]] = [{} for _ in collection.shards]
        for index, data in enumerate(current):
            for row in data.get(STRAYS, {}).values():
                self.pointers[index].setdefault(row["key"], set()).add(row["shard"])
        self.next_ids = [max(map(int, rows), default=0) + 1 for rows in self.rows]
        self.changed: set[int] = set()
        self._natural: list[set[tuple[Any, ...]]] | None = None

    def add(self, entry: Entry) -> bool:
        """File one record; False when it is already there (same id, or same natural key)."""
        record_id, doc = entry
        if record_id is None:
            return self._add_natural(doc)
        index, doc_id = record_id % self.c.size, record_id // self.c.size
        if str(doc_id) in self.rows[index]:
            return False
        self._put(index, doc_id, doc)
        routed = _lookup_key(self.c.name, doc)
        if routed is not None:
            key, route = routed
            home = self.c.shard_index_for(route)
            if home != index:
                self.pointers[home].setdefault(key, set()).add(index)
                self.changed.add(home)
        return True

    def _add_natural(self, doc: Doc) -> bool:
        fields = NATURAL_KEYS[self.c.name]
        if self._natural is None:
            self._natural = [
                {tuple(d[f] for f in fields) for d in rows.values()} for rows in self.rows
            ]
        index = self.c.shard_index_for(_NATURAL_ROUTES[self.c.name](doc))
        key = tuple(doc[f] for f in fields)
        if key in self._natural[index]:
            return False
        self._natural[index].add(key)
        self._put(index, self.next_ids[index], doc)
        return True

    def _put(self, index: int, doc_id: int, doc: Doc) -> None:
        self.rows[index][str(doc_id)] = doc
        self.next_ids[index] = max(self.next_ids[index], doc_id + 1)
        self.changed.add(index)

    def tables(self, index: int) -> Tables | None:
        """The whole content of file `index`, or None when it holds nothing."""
        tables: Tables = {}
        if self.rows[index]:
            tables[self.c.name] = self.rows[index]
        if self.pointers[index]:
            tables[STRAYS] = stray_table(self.pointers[index])
        return tables or None


def replace(store: TinyStore, records: Export) -> int:
    """Replace every record of the folder with `records(collection)`; return how many."""
    staged: list[tuple[Shard, Path | None]] = []
    total = 0
    journaled = False
    try:
        for name in COLLECTIONS:
            collection = store.collections[name]
            filing = _Filing(collection)
            for batch in records(name):
                total += sum(map(filing.add, batch))
            for index, shard in enumerate(collection.shards):
                staged.append((shard, _stage(shard, filing.tables(index))))
        swaps: list[Swap] = [
            (_relative(store, temp) if temp else None, _relative(store, shard.path))
            for shard, temp in staged
        ]
        # Staging a large snapshot can outlast the age at which an opening process sweeps
        # temporary files left by killed writers: renew them, and make sure every one is
        # still there before the swap is committed to, so a restore is whole or not at all.
        for _, temp in staged:
            if temp is not None:
                try:
                    os.utime(temp)
                except FileNotFoundError:
                    raise StoreError(
                        f"{temp}: a staged file was removed before the swap; nothing was "
                        "replaced, run the restore again"
                    ) from None
        with _every_lock(store):
            journal = store.root / JOURNAL
            write_bytes_atomically(journal, orjson.dumps(swaps))
            journaled = True  # from here on, the swaps are finished, now or on next opening
            _swap(store, swaps)
            journal.unlink()
            fsync_folder(store.root)
    finally:
        for _, temp in staged if not journaled else []:
            if temp is not None:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
    return total


def finish_interrupted(store: TinyStore) -> None:
    """Finish the swaps of a replace that was killed half-way (see the module's notes)."""
    journal = store.root / JOURNAL
    if not journal.exists():
        return
    with _every_lock(store):
        try:
            swaps = orjson.loads(journal.read_bytes())
        except FileNotFoundError:  # another process finished it meanwhile
            return
        except orjson.JSONDecodeError as exc:
            raise CorruptDataError(journal, f"not valid JSON ({exc})") from exc
        known = {_relative(store, shard.path) for shard in store.shards()}
        if not isinstance(swaps, list) or not all(_sound(swap, known) for swap in swaps):
            raise CorruptDataError(journal, "not a list of this folder's files to swap")
        _swap(store, [(temp, target) for temp, target in swaps])
        journal.unlink()
        fsync_folder(store.root)


def _sound(swap: Any, known: set[str]) -> bool:
    """A swap of a data file of this folder with a temporary file beside it."""
    if not isinstance(swap, list) or len(swap) != 2 or swap[1] not in known:
        return False
    temp, target = swap
    if temp is None:
        return True
    beside = Path(target).parent / f"{TEMP_PREFIX}{Path(target).name}."
    return isinstance(temp, str) and temp.startswith(beside.as_posix())


def _swap(store: TinyStore, swaps: list[Swap]) -> None:
    """Put each temporary file in place of its data file (or remove the data file); a
    temporary file already moved (the swap is being finished again) is skipped."""
    for temp, target in swaps:
        with contextlib.suppress(FileNotFoundError):
            if temp is None:
                (store.root / target).unlink()
            else:
                os.replace(store.root / temp, store.root / target)
    for folder in {(store.root / target).parent for _, target in swaps}:
        if folder.exists():
            fsync_folder(folder)


@contextmanager
def _every_lock(store: TinyStore) -> Iterator[None]:
    with ExitStack() as locks:
        for shard in store.shards():
            locks.enter_context(shard.locked())
        yield


def _relative(store: TinyStore, path: Path) -> str:
    return path.relative_to(store.root).as_posix()


def append(store: TinyStore, name: str, batch: Batch) -> int:
    """Add `batch` to the collection `name`, ids kept, skipping records already there;
    return how many were new. Holds every lock of the collection's files meanwhile."""
    collection = store.collections[name]
    with ExitStack() as locks:
        for shard in collection.shards:
            locks.enter_context(shard.locked())
        for shard in collection.shards:
            shard.refresh()
        filing = _Filing(collection, [shard.storage.read() for shard in collection.shards])
        added = sum(map(filing.add, batch))
        for index in sorted(filing.changed):
            shard = collection.shards[index]
            temp = _stage(shard, filing.tables(index))
            if temp is not None:
                os.replace(temp, shard.path)
                fsync_folder(shard.path.parent)
    return added


def _stage(shard: Shard, tables: Tables | None) -> Path | None:
    """A temporary file beside the shard's file holding `tables` (None: the file goes)."""
    if tables is None:
        return None
    try:
        fd, temp = stage_file(shard.path, orjson.dumps(tables), shard.storage.durable)
    except OSError as exc:
        raise WriteError(shard.path, exc.strerror or str(exc)) from exc
    os.close(fd)
    return temp
