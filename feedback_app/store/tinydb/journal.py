"""The append-only change log kept beside a shard file (`07.json` -> `07.journal`).

Rewriting a shard's whole file for one vote costs a temporary file, serialising every record,
two fsyncs and a rename; another process then re-parses the whole file. Appending one line and
fsyncing it costs one flush, and other processes read only the new line. So small writes go
here, and the shard's file is rewritten (compacted) only once the journal has grown.

Each line is `[epoch, table, {doc_id: record or null}]` and a newline. `epoch` names the shard
file the line applies to: every rewrite of the shard file gives it a new epoch, so lines
already folded into it are ignored even if a crash kept them. The file is only appended to,
and truncated after a rewrite, by the holder of the shard's lock.

A line without its newline was cut short by a crash before its fsync returned, so it was never
acknowledged: readers ignore it and the next writer cuts it off. A complete line that does not
parse is damage: it is reported, and nothing is written to the shard until it is repaired.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson

from ...files import FILE_MODE, fsync_folder
from ..errors import CorruptDataError

__all__ = ["Entry", "Journal"]

Entry = tuple[str, str, dict[str, Any]]  # epoch, table, {doc_id: record or None}

_READ_CHUNK = 1 << 20


class Journal:
    """One journal file: what has been read of it, and appending to it under the lock."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = path
        self.durable = durable
        self._fd: int | None = None  # kept open: it pins the inode, so a new file differs
        self._ino: int | None = None
        self.size = 0  # bytes on disk at the last look, a cut-short line included
        self.end = 0  # bytes read: up to the end of the last complete line

    def is_stale(self) -> bool:
        """True when the file differs from what was last read (appended, cut, replaced)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return self._ino is not None
        return st.st_ino != self._ino or st.st_size != self.size

    def read_new(self) -> list[Entry] | None:
        """Entries appended since the last read; None when the file is not the one read
        before (removed, replaced, or cut below what was read): the caller must then read
        the shard afresh, after `forget()`."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return [] if self._ino is None else None
        if st.st_ino != self._ino:
            if self._ino is not None:
                return None
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
            except FileNotFoundError:
                return []
            self._fd, self._ino = fd, os.fstat(fd).st_ino
        assert self._fd is not None
        if os.fstat(self._fd).st_size < self.end:
            return None
        raw = _read_from(self._fd, self.end)
        cut = raw.rfind(b"\n") + 1
        entries = self._parse(raw[:cut])
        self.size = self.end + len(raw)
        self.end += cut
        return entries

    def append(self, entry: Entry) -> None:
        """Append one entry durably (under the shard's lock, after `read_new`)."""
        if self._fd is None:
            self._create()
        assert self._fd is not None
        line = orjson.dumps(entry) + b"\n"
        try:
            if self.size != self.end:  # a line cut short by a crash: never acknowledged
                os.ftruncate(self._fd, self.end)
            _write_all(self._fd, line)
            if self.durable:
                os.fdatasync(self._fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self.end)
            self.size = -1  # unknown: the next look reads the file again
            raise
        self.end += len(line)
        self.size = self.end

    def restart(self) -> None:
        """Empty the journal once its entries are folded into a new shard file (whose new
        epoch already makes them void: emptying only saves space and reading time)."""
        if self._fd is None or self.size == 0:
            return
        self.size = -1  # until done: if emptying fails, the next look reads the file again
        os.ftruncate(self._fd, 0)
        if self.durable:
            os.fdatasync(self._fd)
        self.size = self.end = 0

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self.forget()

    def forget(self) -> None:
        """Drop what was read: the next `read_new` reads the whole file."""
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._ino = None, None
        self.size = self.end = 0

    def _create(self) -> None:
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
        self._ino = os.fstat(self._fd).st_ino
        if self.durable:  # the new name must survive a crash, or the lines in it would not
            fsync_folder(self.path.parent)

    def _parse(self, raw: bytes) -> list[Entry]:
        if not raw:
            return []
        try:  # every line in one parse call, rather than one call per line
            entries = orjson.loads(b"[" + raw[:-1].replace(b"\n", b",") + b"]")
        except orjson.JSONDecodeError:
            entries = None
        if entries is None or len(entries) != raw.count(b"\n") or not all(map(_is_entry, entries)):
            self._report(raw)
        return [tuple(e) for e in entries]  # type: ignore[misc, union-attr]

    def _report(self, raw: bytes) -> None:
        """Raise CorruptDataError naming the first line that is not an entry."""
        offset = self.end
        for line in raw.splitlines(keepends=True):
            try:
                ok = _is_entry(orjson.loads(line))
            except orjson.JSONDecodeError:
                ok = False
            if not ok:
                raise CorruptDataError(self.path, f"the change at byte {offset} is damaged")
            offset += len(line)
        raise CorruptDataError(self.path, f"the changes after byte {self.end} are damaged")

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.forget()


def _is_entry(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], str)
        and isinstance(value[2], dict)
        and all(doc is None or isinstance(doc, dict) for doc in value[2].values())
    )


def _read_from(fd: int, offset: int) -> bytes:
    chunks = []
    while chunk := os.pread(fd, _READ_CHUNK, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]
