"""The board's revision on a TinyDB folder: a clock file that every write to the board ticks.

A write to any file of the ideas, their votes or their comments (a vote, a comment, an edit,
a status change, a merge, a restore or a clear: every write holds the file's lock, see
`Shard.writing` and `Shard.locked`) first takes a shared `flock` on `board.clock`, appends one
byte to it, and keeps the lock until its write is done. The revision is the clock's stamp
(inode, size, modification time): one `stat`, where stamping the 96 data files themselves
cost 96 system calls, each a hand-over of the interpreter lock between a worker's threads.

The clock ticks before the data changes, so a reader that took the stamp and read the data
straight after could read it without that change and keep it under the new stamp. So a stamp
is settled only when, after it was taken, nobody held the lock: every writer counted in it had
finished (or died: the kernel drops a dead process's `flock`), and the data read from then on
holds their writes. Shared holders never wait for each other; the settled read tries the lock
exclusively without waiting, and gives it back at once.

The clock grows a byte per write; a writer that finds it over `_ROTATE_AT` empties it when no
one else holds it. Its size is then back to 0, with a later modification time than any stamp
taken at that size before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...files import FILE_MODE

__all__ = ["BOARD_COLLECTIONS", "BoardClock", "Stamp"]

# What a board listing shows: ideas (with their tags and categories), their tallies and their
# visible-comment counts.
BOARD_COLLECTIONS = frozenset({"ideas", "votes", "comments"})

CLOCK_FILE = "board.clock"
_ROTATE_AT = 1 << 20

Stamp = tuple[int, int, int]


class BoardClock:
    """`board.clock` in the data folder `root`."""

    def __init__(self, root: Path) -> None:
        self._path = str(Path(root) / CLOCK_FILE)

    @contextmanager
    def ticking(self) -> Iterator[None]:
        """Tick the clock, and hold its shared lock until the block ends: wrap a write to
        the board's files in it, from before the data changes until it is on disk."""
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            os.write(fd, b".")
            size = os.lseek(fd, 0, os.SEEK_CUR)
            yield
            if size > _ROTATE_AT:
                _empty_if_alone(fd)
        finally:
            os.close(fd)  # and with it the lock

    def read(self, settled: bool = False) -> Stamp | None:
        """The clock's stamp (zeros before its first tick); with `settled`, None while a
        writer counted in it may still be writing."""
        stamp = _stamp(self._path)
        if not settled:
            return stamp
        fd = os.open(self._path, os.O_RDONLY | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        finally:
            os.close(fd)
        return stamp


def _stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 0, 0, 0
    return st.st_ino, st.st_size, st.st_mtime_ns


def _empty_if_alone(fd: int) -> None:
    """Empty the clock, unless another writer holds it (the next writer tries again)."""
    with contextlib.suppress(BlockingIOError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(fd, 0)
