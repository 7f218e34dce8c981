"""Two sessions at once, in a set order: a call run in a thread, and a wait until PostgreSQL
shows that many sessions waiting for a lock (so a test knows who queued first)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

__all__ = ["Background", "wait_for_lock_waiters"]


class Background:
    """`call()` running in a thread; `result()` joins it and gives its value, or raises what
    it raised."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self._call = call
        self._outcome: tuple[bool, Any] = (False, None)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome = (True, self._call())
        except BaseException as exc:  # handed to the test by result()
            self._outcome = (False, exc)

    def result(self, timeout: float = 60) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the call did not finish"
        done, value = self._outcome
        if not done:
            raise value
        return value


def wait_for_lock_waiters(url: str, count: int, timeout: float = 20) -> None:
    """Return once `count` sessions on the database at `url` wait for a lock."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as watch:
        while True:
            row = watch.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if row and row[0] >= count:
                return
            assert time.monotonic() < deadline, f"{count} sessions never waited for a lock"
            time.sleep(0.01)
