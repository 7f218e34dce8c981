"""A collection of records split over several TinyDB files (shards).

Splitting keeps each write small: TinyDB rewrites a whole table on every change, so a vote must
land in a file that holds only a sliver of all votes. A record's public id encodes its shard,
`id = doc_id * shards + shard_index`, so finding a record by id opens exactly one file and ids
stay unique without any shared counter. The number of shards of a collection is therefore fixed
once data exists; it is recorded in the data folder's metadata. (A record imported with an id
below the number of shards has document id 0: every id from 1 up names one file and place.)

A collection knows the model of its records. `check()` decodes every record with it, and a
read that fails on a record that does not match the model (valid JSON, but a field missing)
raises `CorruptDataError` naming the file and the record, so the app answers its 503 page and
`voicebox check` names what to repair, instead of a crash.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB

from ..errors import CorruptDataError
from ..models import Record
from ..validation import problem
from .revision import BoardClock
from .shard import Shard
from .storage import Change

__all__ = ["Collection"]

V = TypeVar("V")
Doc = dict[str, Any]
# Follows a raw view along changed records: (value, [(doc_id, old, new), ...]) -> new value.
Update = Callable[[V, list[tuple[str, Any, Any]]], V] | None


class Collection:
    """`shards` TinyDB files under `root/name/`, each holding one table named `name`."""

    def __init__(
        self,
        root: Path,
        name: str,
        shards: int,
        durable: bool = True,
        model: type[Record] | None = None,
        clock: BoardClock | None = None,
    ) -> None:
        self.name = name
        self.model = model
        self.folder = Path(root) / name
        self.shards = [Shard(self.folder / f"{i:02d}.json", durable, clock) for i in range(shards)]

    @property
    def size(self) -> int:
        return len(self.shards)

    # -- ids ---------------------------------------------------------------------------------
    def shard_index_for(self, key: int) -> int:
        return key % self.size

    def split_id(self, record_id: int) -> tuple[Shard, int]:
        if record_id < 1:
            return self.shards[0], 0
        return self.shards[record_id % self.size], record_id // self.size

    def join_id(self, shard_index: int, doc_id: int) -> int:
        return doc_id * self.size + shard_index

    # -- reads -------------------------------------------------------------------------------
    def get(self, record_id: int) -> Doc | None:
        if record_id < 1:
            return None
        shard, doc_id = self.split_id(record_id)
        shard.refresh()
        doc = shard.table(self.name).get(doc_id=doc_id)
        if doc is None:
            return None
        self._check_record(shard, record_id, doc)
        return dict(doc)

    def peek(self, record_id: int) -> Doc | None:
        """The stored record as it is on disk now, unchecked and shared with the cache (never
        change it): one field read on a hot path, where `get` would check the whole record."""
        if record_id < 1:
            return None
        shard, doc_id = self.split_id(record_id)
        shard.refresh()
        return shard.doc(self.name, doc_id)

    def view(
        self, name: str, build: Callable[[Any], V], raw: bool = False, update: Update[V] = None
    ) -> list[V]:
        """Per-shard derived values, each rebuilt only when its shard changed.

        `build` gets the shard's records keyed by their public ids or, with `raw`, TinyDB's
        own table keyed by document id strings (cheaper, for indexes that need no public id).
        A raw view may also say how to follow changes instead of being rebuilt:
        `update(value, [(doc_id, old record or None, new record or None), ...])` returns the
        new value (see `Shard.view`).
        """
        return [self._view(i, name, build, raw, update) for i in range(self.size)]

    def shard_view(
        self, key: int, name: str, build: Callable[[Any], V], raw: bool = False,
        update: Update[V] = None,
    ) -> V:  # fmt: skip
        """Like `view`, for the one shard that `key` routes to."""
        return self._view(self.shard_index_for(key), name, build, raw, update)

    def _view(
        self, index: int, name: str, build: Callable[[Any], V], raw: bool, update: Update[V]
    ) -> V:
        def rebuild(db: TinyDB) -> V:
            table = db.storage.read().get(self.name, {})
            try:
                return build(table if raw else self._records(index, db))
            except Exception:
                self._check_shard(index)  # a record that is not a record: say which one
                raise

        def follow(value: V, changes: list[Change]) -> V:
            mine = [(doc_id, old, new) for table, doc_id, old, new in changes if table == self.name]
            try:
                return update(value, mine) if mine else value  # type: ignore[misc]
            except Exception:
                self._check_shard(index)
                raise

        return self.shards[index].view(name, rebuild, follow if raw and update else None)

    # -- validation --------------------------------------------------------------------------
    def check(self) -> int:
        """Decode every record with the model; raise CorruptDataError naming the first bad
        one. Each file is checked again only after it changed. Returns the number of records."""
        return sum(
            self._view(index, "checked", lambda _, i=index: self._check_shard(i), True, None)
            for index in range(self.size)
        )

    def _check_shard(self, index: int) -> int:
        shard = self.shards[index]
        table = shard.storage.read().get(self.name, {})
        for doc_id, doc in table.items():
            self._check_record(shard, self.join_id(index, int(doc_id)), doc)
        return len(table)

    def _check_record(self, shard: Shard, record_id: int, doc: Any) -> None:
        if self.model is None:
            return
        found = problem(self.model, doc)
        if found is not None:
            raise CorruptDataError(shard.path, f"record {record_id} {found}")

    def generations(self) -> tuple[int, ...]:
        """Changes whenever any shard changed: a cache key for views over all shards."""
        for shard in self.shards:
            shard.refresh()
        return tuple(shard.generation for shard in self.shards)

    # -- writes ------------------------------------------------------------------------------
    def insert(self, doc: Doc, route_key: int | None = None) -> int:
        index = self.shard_index_for(route_key) if route_key is not None else self._any_shard()
        shard = self.shards[index]
        with shard.writing():
            doc_id = shard.add(self.name, doc)
        return self.join_id(index, doc_id)

    def insert_many(self, docs: list[Doc], route: Callable[[Doc], int] | None = None) -> list[int]:
        """Insert many records writing each shard once (imports, demo data, benchmarks)."""
        groups: dict[int, list[tuple[int, Doc]]] = {}
        for position, doc in enumerate(docs):
            index = self.shard_index_for(route(doc)) if route else position % self.size
            groups.setdefault(index, []).append((position, doc))
        ids = [0] * len(docs)
        for index, group in sorted(groups.items()):
            with self.shards[index].writing() as db:
                doc_ids = db.table(self.name).insert_multiple(doc for _, doc in group)
            for (position, _), doc_id in zip(group, doc_ids, strict=True):
                ids[position] = self.join_id(index, doc_id)
        return ids

    def update(self, record_id: int, change: Callable[[Doc], Doc | None]) -> Doc | None:
        """Apply `change` to the current record under the lock; return the stored result.

        `change` gets a copy and returns the new record, or None to leave it untouched. The
        whole read-decide-write happens inside the lock, so two processes cannot both decide
        on the same old state.
        """
        if record_id < 1:
            return None
        shard, doc_id = self.split_id(record_id)
        with shard.writing():
            current = shard.doc(self.name, doc_id)
            if current is None:
                return None
            try:
                new = change(dict(current))
            except Exception:
                self._check_record(shard, record_id, current)
                raise
            if new is None:
                return dict(current)
            shard.put(self.name, {doc_id: new})
            return new

    def update_many(self, changes: dict[int, Callable[[Doc], Doc | None]]) -> None:
        """Apply one change per record, writing each file once (see `update`).

        Records that no longer exist are skipped.
        """
        by_shard: dict[int, dict[int, Callable[[Doc], Doc | None]]] = {}
        for record_id, change in changes.items():
            if record_id >= 1:
                by_shard.setdefault(record_id % self.size, {})[record_id // self.size] = change
        for index, group in sorted(by_shard.items()):
            shard = self.shards[index]
            with shard.writing():
                new = {}
                for doc_id, change in group.items():
                    current = shard.doc(self.name, doc_id)
                    changed = change(dict(current)) if current is not None else None
                    if changed is not None:
                        new[doc_id] = changed
                if new:
                    shard.put(self.name, new)

    def remove_where(
        self, view: str, decode: Callable[[dict[int, Doc]], list[Any]], drop: Callable[[Any], bool]
    ) -> int:
        """Remove the records (decoded by the view `view`) for which `drop` is true, writing
        only the files that hold such records, each once. Returns how many were removed."""
        removed = 0
        for index, shard in enumerate(self.shards):
            if not any(drop(r) for r in self._view(index, view, decode, False, None)):
                continue
            with shard.writing():
                doomed = [r.id for r in self._view(index, view, decode, False, None) if drop(r)]
                if doomed:
                    shard.put(self.name, {self.split_id(i)[1]: None for i in doomed})
                removed += len(doomed)
        return removed

    def shard_writing(self, key: int) -> Any:
        """The write context of the shard that `key` routes to (for multi-record changes)."""
        return self.shards[self.shard_index_for(key)].writing()

    def shard_for(self, key: int) -> Shard:
        """The shard that `key` routes to (write with `writing()`, then `put` or `add`)."""
        return self.shards[self.shard_index_for(key)]

    def close(self) -> None:
        for shard in self.shards:
            shard.close()

    def _any_shard(self) -> int:
        return secrets.randbelow(self.size)

    def _records(self, index: int, db: TinyDB) -> dict[int, Doc]:
        raw = db.storage.read().get(self.name, {})
        return {self.join_id(index, int(doc_id)): doc for doc_id, doc in raw.items()}
