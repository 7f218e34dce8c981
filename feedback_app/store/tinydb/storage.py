"""A TinyDB storage that keeps the parsed file in memory, writes it atomically, and takes small
changes as lines appended to it.

TinyDB's own JSONStorage parses the whole file on every read and writes in place, so a crash
mid-write leaves a broken file. This storage:

* parses a file once and serves TinyDB the same dict until the file changes on disk;
* tells whether the file changed by comparing `os.stat` of the path with the file it loaded,
  whose descriptor it keeps open so the inode cannot be reused by another `os.replace`;
* takes a change of a few records (`append`) as one line at the end of the file (the journal,
  see `journal.py`), fsynced by `flush` once the caller has let other writers in, reads only
  the new lines when another process appended some, and rewrites the file once the journal
  has grown (compaction);
* writes whole files through `feedback_app.files.replace_file` (a temporary file, fsync,
  `os.replace`, fsync of the folder): a reader or a crash sees the old or the new content;
* keeps a log of recent changes, so views of the data can follow them instead of being
  rebuilt (`changes_since`);
* refuses to parse a broken file and never writes over one;
* turns a failed write (a full disk: ENOSPC) into `WriteError`: the file keeps everything
  written before, and the next write, once there is room, works.

It must only be written while the caller holds the file's inter-process lock (see `shard.py`).
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from ...files import replace_file
from ..errors import CorruptDataError, WriteError
from .journal import Tables, encode, parse_data, parse_entries, parse_tables

__all__ = ["TAKEN", "AtomicStorage", "Change", "parse_tables", "write_bytes_atomically"]

# The table, beside a file's records, that remembers the highest id removed from each table
# (one document, {table: id}): TinyDB numbers a new record max + 1, which would hand a
# removed record's id to the next one, and records (jobs, links, pages) may still name it.
TAKEN = "taken"

Change = tuple[str, str, Any, Any]  # table, doc_id, old record or None, new record or None
Mark = tuple[int, int]  # (load, changes applied since): where a view was built
Stamp = tuple[int, int, int]  # inode, mtime, bytes read

# The journal is folded into a rewritten file once it is larger than the data, and than this:
# a rewrite costs what a dozen appends cost, and every other process then parses the file anew.
_COMPACT_AT_LEAST = 64 * 1024
_LOG_LENGTH = 256  # a view further behind is rebuilt; each entry pins an old record
_READ_CHUNK = 1 << 20


class AtomicStorage(Storage):
    """Storage for one JSON file with its journal: cached reads, atomic durable writes."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        self._where = str(self.path)  # os.stat of a str skips a conversion on every check
        self._data: Tables | None = None
        self._fd: int | None = None  # read descriptor of the loaded file: pins its inode
        self._stamp: Stamp | None = None
        self._write_fd: int | None = None
        self._unflushed: int | None = None  # a descriptor to fsync before acknowledging
        self._journal_at = 0  # where the journal starts
        self._end = 0  # end of the last whole line read
        self._layout = False  # the file has the journal layout: lines may be appended
        self._next_ids: dict[str, int] = {}
        self._load = 0  # counts fresh loads: the change log holds changes since the last
        self._log: deque[Change] = deque(maxlen=_LOG_LENGTH)
        self._logged = 0

    # -- change detection -------------------------------------------------------------------
    def is_stale(self) -> bool:
        """True when the file on disk is not what is in memory."""
        if self._data is None:
            return True
        try:
            st = os.stat(self._where)
        except FileNotFoundError:
            return self._stamp is not None
        return self._stamp != (st.st_ino, st.st_mtime_ns, st.st_size)

    def catch_up(self) -> None:
        """Bring memory up to date: only the new lines, when the file was only appended to."""
        try:
            st = os.stat(self._where)
        except FileNotFoundError:
            st = None
        if (
            self._data is None
            or st is None
            or self._stamp is None
            or st.st_ino != self._stamp[0]
            or st.st_size < self._end
        ):
            self.reload()
            return
        assert self._fd is not None
        raw = _read_from(self._fd, self._end)
        whole = raw.rfind(b"\n") + 1
        entries = parse_entries(self.path, raw[:whole], self._end)
        self._stamp = (st.st_ino, st.st_mtime_ns, self._end + len(raw))
        self._end += whole
        self._apply(entries)

    def reload(self) -> None:
        """Parse the file from disk (an absent file is an empty database)."""
        try:
            fd = os.open(self._where, os.O_RDONLY)
        except FileNotFoundError:
            self._loaded(None, None, {}, 0, 0, False)
            return
        except OSError as exc:
            raise CorruptDataError(self.path, f"cannot be opened ({exc.strerror})") from exc
        try:
            st = os.fstat(fd)
            raw = _read_from(fd, 0)
            tables, start, layout = parse_data(self.path, raw)
            whole = raw.rfind(b"\n") + 1 if layout else len(raw)
            entries = parse_entries(self.path, raw[start:whole], start) if layout else []
        except BaseException:
            os.close(fd)
            raise
        self._loaded(fd, (st.st_ino, st.st_mtime_ns, len(raw)), tables, start, whole, layout)
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
        """The document id the next record of `table` gets: above every id it holds, and
        above every id a removed record had (`taken`), so no id is ever given twice."""
        found = self._next_ids.get(table)
        if found is None:
            found = max(max(map(int, self.read().get(table, {})), default=0), self.taken(table))
            found += 1
            self._next_ids[table] = found
        return found

    def taken(self, table: str) -> int:
        """The highest document id a removed record of `table` had (0: none recorded)."""
        marks = self.read().get(TAKEN, {}).get("1", {})
        return int(marks.get(table, 0))

    def append(self, table: str, changes: dict[str, Any]) -> None:
        """Store `changes` to `table` ({doc_id: record, or None to remove it}) durably, as one
        line of the journal. Call it with fresh data (`catch_up`) under the shard's lock."""
        data = self.read()
        if not self._layout:  # no file yet, or one without a journal: write it whole
            self._apply_changes(table, changes)
            try:
                self._rewrite(data)
            except BaseException:
                self._data = None
                raise
            return
        self._append_line(encode(table, changes))
        self._apply_changes(table, changes)
        if self._end - self._journal_at > max(_COMPACT_AT_LEAST, self._journal_at):
            # The change is stored already: a compaction the disk refuses (full) is tried
            # again by a later write, and never turns this write into a failure.
            with contextlib.suppress(WriteError):
                self._rewrite(data)

    def flush(self) -> None:
        """Make the lines appended so far durable. Call it after releasing the shard's lock
        and before acknowledging the write: other processes append meanwhile, and the flushes
        overlap (one may even cover another's lines).

        Safe without the lock: a later writer only appends after these lines, and a rewrite
        of the file (compaction) includes them and is itself fsynced before its rename.
        Raises WriteError if the disk reports the flush failed: the lines are in the file,
        but whether they survive a power cut is not known.
        """
        fd, self._unflushed = self._unflushed, None
        if fd is None:
            return
        try:
            os.fdatasync(fd)
        except OSError as exc:
            raise WriteError(self.path, exc.strerror or str(exc)) from exc
        finally:
            os.close(fd)

    def close(self) -> None:
        self._pin(None, None)
        self._data = None

    def __del__(self) -> None:
        # The descriptors are plain ints: close them when the storage goes away, or every
        # Store opened and dropped would leak descriptors for each file it had read.
        with contextlib.suppress(Exception):
            self._pin(None, None)

    # -- internals ---------------------------------------------------------------------------
    def _append_line(self, line: bytes) -> None:
        assert self._stamp is not None
        try:
            if self._write_fd is None:
                self._write_fd = os.open(self._where, os.O_WRONLY)
            same_file = os.fstat(self._write_fd).st_ino == self._stamp[0]
        except OSError as exc:
            raise WriteError(self.path, exc.strerror or str(exc)) from exc
        if not same_file:  # replaced behind the lock's back: read it again, write nothing
            self._data = None
            raise WriteError(self.path, "it was replaced while Voicebox held its lock")
        fd = self._write_fd
        try:
            if self._stamp[2] != self._end:  # a line cut short by a crash: never acknowledged
                os.ftruncate(fd, self._end)
            _pwrite_all(fd, line, self._end)
            st = os.fstat(fd)
            if self._unflushed is not None and os.fstat(self._unflushed).st_ino != st.st_ino:
                # Lines waiting on a file since replaced: the replacing rewrite held them and
                # was fsynced before its rename, so only this file's lines need a flush.
                os.close(self._unflushed)
                self._unflushed = None
            if self.durable and self._unflushed is None:
                self._unflushed = os.dup(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._end)
            self._data = None  # read again before the next write
            raise WriteError(self.path, exc.strerror or str(exc)) from exc
        self._end += len(line)
        self._stamp = (st.st_ino, st.st_mtime_ns, self._end)

    def _rewrite(self, data: Tables) -> None:
        """Write `data` as the whole file, its journal empty."""
        payload = orjson.dumps(data) + b"\n"
        fd = _write_atomically(self.path, payload, self.durable)
        if self._unflushed is not None:  # its lines are in the new file, fsynced already
            os.close(self._unflushed)
            self._unflushed = None
        st = os.fstat(fd)
        self._pin(fd, (st.st_ino, st.st_mtime_ns, st.st_size))
        self._journal_at = self._end = len(payload)
        self._layout = True

    def _loaded(
        self, fd: int | None, stamp: Stamp | None, data: Tables, start: int, end: int, layout: bool
    ) -> None:
        self._pin(fd, stamp)
        self._data = data
        self._journal_at, self._end, self._layout = start, end, layout
        self._next_ids = {}
        self._load += 1
        self._log.clear()
        self._logged = 0

    def _apply(self, entries: list[tuple[str, dict[str, Any]]]) -> None:
        for table, changes in entries:
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

    def _pin(self, fd: int | None, stamp: Stamp | None) -> None:
        if fd is None and self._unflushed is not None:  # closing: a write that failed mid-way
            os.close(self._unflushed)
            self._unflushed = None
        for old in (self._fd, self._write_fd):
            if old is not None:
                os.close(old)
        self._fd, self._stamp, self._write_fd = fd, stamp, None


def _read_from(fd: int, offset: int) -> bytes:
    chunks = []
    while chunk := os.pread(fd, _READ_CHUNK, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _pwrite_all(fd: int, payload: bytes, offset: int) -> None:
    view = memoryview(payload)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


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
