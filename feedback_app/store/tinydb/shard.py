"""One TinyDB file with its locks: the unit that a write locks.

Every write is a read-modify-write under two locks: a thread lock (waitress and gunicorn run
several threads) and an inter-process lock on a separate `.lock` file (never the data file,
which `os.replace` swaps). Inside the lock the data is brought up to date with what other
processes wrote; TinyDB's cached next document id and query caches are then reset, because
TinyDB would otherwise hand out an id another process already used, or answer from a stale
cache.

A write changes a few records (`put`, `add`: one line appended to the file, see `journal.py`)
or, through TinyDB's own tables, rewrites the file. Views derived from the data (`view`) are
rebuilt after a change, or, when they say how (`update`), moved along by the changed records.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson
from tinydb import TinyDB
from tinydb.table import Table

from .lockfile import LockFile
from .revision import BoardClock
from .storage import TAKEN, AtomicStorage, Change, write_bytes_atomically

__all__ = ["Shard"]

V = TypeVar("V")
Doc = dict[str, Any]

_LOCK_TIMEOUT_S = 30.0


class Shard:
    """A TinyDB database in one file, safe to share between threads and processes."""

    def __init__(self, path: Path, durable: bool = True, clock: BoardClock | None = None) -> None:
        """`clock`: the board's, for a file of the board's (ticked by every write to it)."""
        self.path = Path(path)
        self._clock = clock
        self.storage = AtomicStorage(self.path, durable)
        self.db = TinyDB(storage=lambda: self.storage)
        self.db.table_class = _Table
        self._thread_lock = threading.RLock()
        self._file_lock = LockFile(Path(str(self.path) + ".lock"))
        self.generation = 0
        self._views: dict[str, tuple[int, Any, tuple[int, int]]] = {}

    def table(self, name: str) -> Table:
        return self.db.table(name)

    def refresh(self) -> bool:
        """Bring the data up to date with the disk; True when it changed."""
        with self._thread_lock:
            if not self.storage.is_stale():
                return False
            self.storage.catch_up()
            self._reset_tinydb_caches()
            self.generation += 1
            return True

    @contextmanager
    def writing(self) -> Iterator[TinyDB]:
        """Hold both locks with fresh data for one read-modify-write.

        Lines appended inside are flushed to disk after the inter-process lock is released
        (see `AtomicStorage.flush`), still under the thread lock: when the block ends, the
        write is durable.
        """
        with self._ticking(), self._thread_lock:
            try:
                with self._file_lock.held(_LOCK_TIMEOUT_S):
                    self.refresh()
                    try:
                        yield self.db
                    finally:
                        # Whether or not the write reached the disk, cached views are outdated.
                        self.generation += 1
                        if not self.storage.loaded:
                            self._reset_tinydb_caches()
            finally:
                self.storage.flush()  # even after an error: no line is left waiting

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold both locks: a consistent snapshot for backups, or whole files replaced
        (restores, clearing)."""
        with self._ticking(), self._thread_lock, self._file_lock.held(_LOCK_TIMEOUT_S):
            yield

    def _ticking(self) -> AbstractContextManager[None]:
        return self._clock.ticking() if self._clock else contextlib.nullcontext()

    # -- small writes, inside `writing()` ----------------------------------------------------
    def doc(self, table: str, doc_id: int) -> Doc | None:
        """The stored record (shared with the cache: copy it before changing it)."""
        return self.storage.read().get(table, {}).get(str(doc_id))

    def add(self, table: str, doc: Doc) -> int:
        """Store a new record; return its document id."""
        doc_id = self.storage.next_id(table)
        self.put(table, {doc_id: doc})
        return doc_id

    def put(self, table: str, changes: dict[int, Doc | None]) -> None:
        """Store new contents of records by document id (None removes one), durably. The
        highest id removed is recorded first (`TAKEN`), so it is never given again."""
        removed = max((doc_id for doc_id, doc in changes.items() if doc is None), default=0)
        if removed > self.storage.taken(table):
            marks = self.storage.read().get(TAKEN, {}).get("1", {})
            self.storage.append(TAKEN, {"1": {**marks, table: removed}})
        self.storage.append(table, {str(doc_id): doc for doc_id, doc in changes.items()})
        self._reset_tinydb_caches()

    # -- views -------------------------------------------------------------------------------
    def view(
        self,
        name: str,
        build: Callable[[TinyDB], V],
        update: Callable[[V, list[Change]], V] | None = None,
    ) -> V:
        """A value derived from the current data, rebuilt only after the data changed.

        With `update`, a value built before is moved along by the changes since instead,
        when they are known: `update(value, changes)` returns the new value and must not
        change anything the old one handed out.
        """
        with self._thread_lock:
            self.refresh()
            cached = self._views.get(name)
            if cached is not None:
                generation, value, mark = cached
                if generation == self.generation:
                    return value
                changes = self.storage.changes_since(mark) if update else None
                if changes is not None:
                    del self._views[name]  # if `update` fails half-way, rebuild next time
                    value = update(value, changes)  # type: ignore[misc]
                    self._views[name] = (self.generation, value, self.storage.mark())
                    return value
            value = build(self.db)
            self._views[name] = (self.generation, value, self.storage.mark())
            return value

    # -- whole contents, inside `locked()` ---------------------------------------------------
    def contents(self) -> bytes | None:
        """The data as one file (its journal folded in), or None when there is none."""
        self.refresh()
        if not self.path.exists():
            return None
        return orjson.dumps(self.storage.read())

    def overwrite(self, payload: bytes) -> None:
        """Replace the data with `payload`, a whole file as `contents` gives it."""
        write_bytes_atomically(self.path, payload)
        self.storage.close()

    def remove(self) -> None:
        """Delete the data."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.storage.close()

    def close(self) -> None:
        with self._thread_lock:
            self.db.close()
            self._file_lock.close()

    def _reset_tinydb_caches(self) -> None:
        # TinyDB keeps `_next_id` and a query cache per table, both valid only for the content
        # they were computed from; it offers no public way to reset the first.
        for table in self.db._tables.values():
            table._next_id = None
            table.clear_cache()


class _Table(Table):
    """TinyDB's table, numbering new records past every removed id too (`TAKEN`)."""

    def _get_next_id(self) -> int:
        if self._next_id is None:
            self._next_id = self.storage.next_id(self.name)  # type: ignore[attr-defined]
        return int(super()._get_next_id())
