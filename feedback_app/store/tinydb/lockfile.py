"""An inter-process lock on a file, cheap enough to take for every vote.

`filelock` opens and closes its file on every acquisition and polls every 50 ms by default;
measured here, one acquire and release cost about 100 µs even uncontended, a twentieth of a
whole vote. This lock keeps its file open and takes `flock` on it (a few µs), and a waiter
retries after 50 µs, then ever less often up to every millisecond (a lock is held for about
one fsync). The kernel drops a `flock` when its holder dies, `kill -9` included.

`flock` belongs to the open file, not to a thread or a process: threads must hold their own
lock around a LockFile (see `shard.py`), and a process forked from the one that opened the file
opens it again rather than share it with its parent. Taken again by its holder, it only counts
(as `filelock` does): unlocking the file then would release the holder's outer hold too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ...files import FILE_MODE
from ..errors import LockTimeout

__all__ = ["LockFile"]

_FIRST_WAIT_S = 0.00005
_LONGEST_WAIT_S = 0.001


class LockFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0
        self._depth = 0

    @contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        """Hold the lock; raise LockTimeout after waiting `timeout` seconds."""
        if self._fd is not None and self._pid != os.getpid():
            os.close(self._fd)  # inherited: closing it leaves the parent's lock alone
            self._fd, self._depth = None, 0
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            self._pid = os.getpid()
        fd = self._fd
        wait, deadline = _FIRST_WAIT_S, time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(self.path.name, timeout) from None
                time.sleep(wait)
                wait = min(wait * 2, _LONGEST_WAIT_S)
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
