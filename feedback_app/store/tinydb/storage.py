"""A TinyDB storage that keeps the parsed file in memory and writes it atomically.

TinyDB's own JSONStorage parses the whole file on every read and writes in place, so a crash
mid-write leaves a broken file. This storage:

* parses a file once and serves TinyDB the same dict until the file changes on disk;
* tells whether the file changed by comparing `os.stat` of the path with the file it loaded,
  whose descriptor it keeps open so the inode cannot be reused by another `os.replace`;
* writes through `feedback_app.files.replace_file` (a temporary file, fsync, `os.replace`,
  fsync of the folder): a reader or a crash sees the old or the new content, never half;
* refuses to parse a broken file and never writes over one;
* turns a failed write (a full disk: ENOSPC) into `WriteError`, after removing its temporary
  file: the old file stays whole and the next write, once there is room, works.

It must only be written while the caller holds the file's inter-process lock (see `shard.py`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from ...files import replace_file
from ..errors import CorruptDataError, WriteError

__all__ = ["AtomicStorage", "parse_tables", "write_bytes_atomically"]

Tables = dict[str, dict[str, Any]]


class AtomicStorage(Storage):
    """Storage for one JSON file: cached reads, atomic durable writes."""

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = Path(path)
        self.durable = durable
        self._data: Tables | None = None
        self._fd: int | None = None
        self._stamp: tuple[int, int, int] | None = None

    # -- change detection -------------------------------------------------------------------
    def is_stale(self) -> bool:
        """True when the file on disk is not the one whose content is in memory."""
        if self._data is None:
            return True
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return self._stamp is not None
        return self._stamp != (st.st_ino, st.st_mtime_ns, st.st_size)

    def reload(self) -> None:
        """Parse the file from disk (an absent file is an empty database)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._pin(None, None)
            self._data = {}
            return
        except OSError as exc:
            raise CorruptDataError(self.path, f"cannot be opened ({exc.strerror})") from exc
        try:
            st = os.fstat(fd)
            with os.fdopen(os.dup(fd), "rb") as fh:
                raw = fh.read()
            data = parse_tables(self.path, raw)
        except BaseException:
            os.close(fd)
            raise
        self._pin(fd, (st.st_ino, st.st_mtime_ns, st.st_size))
        self._data = data

    @property
    def loaded(self) -> bool:
        """False after a failed write: memory no longer matches the disk."""
        return self._data is not None

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
            fd = _write_atomically(self.path, orjson.dumps(data), self.durable)
        except BaseException:
            self._data = None
            raise
        st = os.fstat(fd)
        self._pin(fd, (st.st_ino, st.st_mtime_ns, st.st_size))
        self._data = data

    def close(self) -> None:
        self._pin(None, None)
        self._data = None

    def __del__(self) -> None:
        # The pinned descriptor is a plain int: close it when the storage goes away, or every
        # Store opened and dropped would leak one descriptor per file it had read.
        with contextlib.suppress(Exception):
            self._pin(None, None)

    def _pin(self, fd: int | None, stamp: tuple[int, int, int] | None) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._stamp = fd, stamp


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
