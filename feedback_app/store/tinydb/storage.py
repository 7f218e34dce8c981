"""A TinyDB storage that keeps the parsed file in memory, writes it atomically, and takes small
changes through an append-only journal.

TinyDB's own JSONStorage parses the whole file on every read and writes in place, so a crash
mid-write leaves a broken file. This storage:

* parses a file once and serves TinyDB the same dict until the file changes on disk;
* tells whether the file changed by comparing `os.stat` of the path with the file it loaded,
  whose descriptor it keeps open so the inode cannot be reused by another `os.replace`;
* writes whole files through `feedback_app.files.replace_file` (a temporary file, fsync,
  `os.replace`, fsync of the folder): a reader or a crash sees the old or the new content;
* takes a change of a few records (`append`) as one fsynced line in the shard's journal (see
  `journal.py`), applies the journals other processes appended by reading just their new
  lines, and folds the journal into a new file once it has grown (compaction);
* keeps a log of recent changes, so views of the data can follow them instead of being
  rebuilt (`changes_since`);
* refuses to parse a broken file and never writes over one;
* turns a failed write (a full disk: ENOSPC) into `WriteError`: the old file stays whole and
  the next write, once there is room, works.

A shard file names its journal's epoch under the key `_journal`; a file without one (written
before journals existed, or restored from a backup) has no journal lines that apply to it.

It must only be written while the caller holds the file's inter-process lock (see `shard.py`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections import deque
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from ...files import replace_file
from ..errors import CorruptDataError, WriteError
from .journal import Journal

__all__ = ["AtomicStorage", "Change", "parse_tables", "write_bytes_atomically"]

log = logging.getLogger(__name__)

Tables = dict[str, dict[str, Any]]
Change = tuple[str, str, Any, Any]  # table, doc_id, old record or None, new record or None
Mark = tuple[int, int]  # (load, changes applied since): where a view was built

EPOCH_KEY = "_journal"

# A journal is folded into its shard file once it is larger than the file, or than this:
# rewriting costs what a dozen appends cost, and every other process then parses the file anew.
_COMPACT_AT_LEAST = 64 * 1024
_LOG_LENGTH = 1024
# Reading a file and its journal races with a rewrite now and then: read both again.
_READ_ATTEMPTS = 100


class AtomicStorage(Storage):
    """Storage for one JSON file and its journal: cached reads, atomic durable writes."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        self.journal = Journal(self.path.with_suffix(".journal"), durable)
        self._data: Tables | None = None
        self._epoch: str | None = None
        self._fd: int | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._next_ids: dict[str, int] = {}
        self._load = 0  # counts fresh loads: a change log holds only changes since the last
        self._log: deque[Change] = deque(maxlen=_LOG_LENGTH)
        self._logged = 0

    # -- change detection -------------------------------------------------------------------
    def is_stale(self) -> bool:
        """True when the file or its journal on disk differ from what is in memory."""
        return self._data is None or self._base_changed() or self.journal.is_stale()

    def catch_up(self) -> None:
        """Bring memory up to date: the journal's new lines alone when only they are new."""
        if self._data is None or self._base_changed():
            self.reload()
            return
        entries = self.journal.read_new()
        # The file is checked again after the journal: a rewrite in between would have
        # voided lines this process has not seen, and emptied the journal.
        if entries is None or self._base_changed():
            self.reload()
            return
        self._apply(entries)

    def reload(self) -> None:
        """Parse the file and its journal from disk (an absent file is an empty database)."""
        for _ in range(_READ_ATTEMPTS):
            self.journal.forget()
            fd, stamp, tables = self._read_file()
            entries = self.journal.read_new() or []
            if stamp == self._stamp_of_path():
                break
            if fd is not None:
                os.close(fd)
        else:
            raise CorruptDataError(self.path, "kept changing while it was read")
        self._epoch = _pop_epoch(tables)
        self._pin(fd, stamp)
        self._data = tables
        self._next_ids = {}
        self._load += 1
        self._log.clear()
        self._logged = 0
        self._apply(entries)

    @property
    def loaded(self) -> bool:
        """False after a failed write: memory no longer matches the disk."""
        return self._data is not None

    # -- the change log ---------------------------------------------------------------------
    def mark(self) -> Mark:
        """Where the data is now, for `changes_since`."""
        return self._load, self._logged

    def changes_since(self, mark: Mark) -> list[Change] | None:
        """The changes applied after `mark`, in order; None when the data was loaded or
        rewritten afresh since, or the changes are too many to have been kept."""
        load, logged = mark
        behind = self._logged - logged
        if load != self._load or behind > len(self._log) or behind < 0:
            return None
        return list(self._log)[len(self._log) - behind :] if behind else []

    # -- TinyDB's Storage interface ----------------------------------------------------------
    def read(self) -> Tables:
        if self._data is None:
            self.reload()
        assert self._data is not None
        return self._data

    def write(self, data: Tables) -> None:
        # TinyDB has already changed the cached dict in place; if the write fails the copy in
        # memory no longer matches the disk, so it is dropped and the next read re-parses.
        try:
            self._rewrite(data)
        except BaseException:
            self._data = None
            raise
        self._next_ids = {}
        self._load += 1  # changed in ways not logged: views are rebuilt
        self._log.clear()
        self._logged = 0

    # -- small changes -------------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        """The document id the next record of `table` gets (as TinyDB numbers them)."""
        found = self._next_ids.get(table)
        if found is None:
            found = max(map(int, self.read().get(table, {})), default=0) + 1
            self._next_ids[table] = found
        return found

    def append(self, table: str, changes: dict[str, Any]) -> None:
        """Store `changes` to `table` ({doc_id: record, or None to remove it}) durably as one
        journal line. Call it with fresh data (`catch_up`) under the shard's lock."""
        data = self.read()
        if self._epoch is None:  # a file from before journals, or none yet: write it whole
            self._apply_changes(table, changes)
            try:
                self._rewrite(data)
            except BaseException:
                self._data = None
                raise
            return
        try:
            self.journal.append((self._epoch, table, changes))  # type: ignore[arg-type]
        except OSError as exc:
            raise WriteError(self.journal.path, exc.strerror or str(exc)) from exc
        self._apply_changes(table, changes)
        if self.journal.end > max(_COMPACT_AT_LEAST, self._stamp[2] if self._stamp else 0):
            self._rewrite(data)

    def close(self) -> None:
        self._pin(None, None)
        self.journal.forget()
        self._data = None

    def __del__(self) -> None:
        # The pinned descriptor is a plain int: close it when the storage goes away, or every
        # Store opened and dropped would leak one descriptor per file it had read.
        with contextlib.suppress(Exception):
            self._pin(None, None)

    # -- internals ---------------------------------------------------------------------------
    def _rewrite(self, data: Tables) -> None:
        """Write `data` as the whole file, under a new epoch, and empty the journal."""
        epoch = secrets.token_hex(8)
        payload = orjson.dumps({**data, EPOCH_KEY: {"epoch": epoch}})
        fd = _write_atomically(self.path, payload, self.durable)
        st = os.fstat(fd)
        self._pin(fd, (st.st_ino, st.st_mtime_ns, st.st_size))
        self._data, self._epoch = data, epoch
        try:
            self.journal.restart()
        except OSError as exc:  # its lines belong to the old epoch: harmless, only kept
            log.warning("%s could not be emptied: %s", self.journal.path, exc)

    def _apply(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
        for epoch, table, changes in entries:
            if epoch == self._epoch and self._epoch is not None:
                self._apply_changes(table, changes)

    def _apply_changes(self, table: str, changes: dict[str, Any]) -> None:
        assert self._data is not None
        records = self._data.setdefault(table, {})
        for doc_id, new in changes.items():
            if new is None:
                old = records.pop(doc_id, None)
                self._next_ids.pop(table, None)  # counted afresh, as TinyDB does after a load
            else:
                old = records.get(doc_id)
                records[doc_id] = new
                known = self._next_ids.get(table)
                if known is not None and int(doc_id) >= known:
                    self._next_ids[table] = int(doc_id) + 1
            self._log.append((table, doc_id, old, new))
            self._logged += 1

    def _read_file(self) -> tuple[int | None, tuple[int, int, int] | None, Tables]:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None, None, {}
        except OSError as exc:
            raise CorruptDataError(self.path, f"cannot be opened ({exc.strerror})") from exc
        try:
            st = os.fstat(fd)
            with os.fdopen(os.dup(fd), "rb") as fh:
                raw = fh.read()
            return fd, (st.st_ino, st.st_mtime_ns, st.st_size), parse_tables(self.path, raw)
        except BaseException:
            os.close(fd)
            raise

    def _base_changed(self) -> bool:
        return self._stamp != self._stamp_of_path()

    def _stamp_of_path(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _pin(self, fd: int | None, stamp: tuple[int, int, int] | None) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._stamp = fd, stamp


def _pop_epoch(tables: Tables) -> str | None:
    found = tables.pop(EPOCH_KEY, None)
    epoch = found.get("epoch") if found else None
    return epoch if isinstance(epoch, str) else None


def parse_tables(path: Path, raw: bytes) -> Tables:
    if not raw.strip():
        raise CorruptDataError(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(path, f"not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise CorruptDataError(path, "not a Voicebox data file (expected tables of records)")
    return data


def _write_atomically(path: Path, payload: bytes, durable: bool = True) -> int:
    """Write `payload` to `path` atomically, and durably unless told otherwise; return an open
    descriptor on the new file. Without `durable` a crash may lose the write, never the file.

    Raises WriteError when the disk refuses the write; `path` is then untouched."""
    try:
        return replace_file(path, payload, durable)
    except OSError as exc:
        raise WriteError(path, exc.strerror or str(exc)) from exc


def write_bytes_atomically(path: Path, payload: bytes) -> None:
    """Atomic, durable replacement of a whole store file (metadata, restores, status)."""
    os.close(_write_atomically(path, payload))
