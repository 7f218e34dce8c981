"""Connections to the database: one pool per process, opened on first use.

A pool is per process because a forked worker must not share its parent's sockets: `pool()`
notices a fork (a new pid) and opens a fresh pool. Every connection talks UTC, decodes JSON
with orjson and runs without parallel query workers. Errors of the connection itself become
`Unavailable` (the app's 503).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from ..errors import Unavailable

__all__ = ["Database", "redact"]

# Connections a process may keep: its request threads, the mailer and the publisher.
POOL_MAX = 10
_WAIT_S = 10.0
# UTC, and no parallel workers: every query here reads a page of a board or one record, and
# starting workers costs more than that (a page of ideas by tag took 38 ms with two, 9 without).
_OPTIONS = "-c TimeZone=UTC -c max_parallel_workers_per_gather=0"


def redact(url: str) -> str:
    """The URL without its password (or any other secret option), for messages to people:
    user, host, port and database, written as a URL that names the same database."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql:…"
    user, host = str(info.get("user", "")), str(info.get("host", ""))
    port, dbname = str(info.get("port", "")), str(info.get("dbname", ""))
    where = f"{user}@" if user else ""
    query = {}
    if host.startswith("/"):  # a Unix socket's folder goes in the query, as libpq reads it
        query = {"host": host, "port": port} if port else {"host": host}
    else:
        where += (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    shown = "&".join(f"{name}={value}" for name, value in query.items())
    return f"postgresql://{where}/{quote(dbname)}" + (f"?{shown}" if shown else "")


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _configure(conn: psycopg.Connection[Any]) -> None:
    set_json_loads(orjson.loads, conn)
    set_json_dumps(_dumps, conn)


class Database:
    """A pool of connections to `url`, re-opened after a fork."""

    def __init__(self, url: str, pool_size: int = POOL_MAX) -> None:
        self.url = url
        self.pool_size = pool_size
        self._pool: ConnectionPool | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def pool(self) -> ConnectionPool:
        if self._pool is None or self._pid != os.getpid():
            with self._lock:
                if self._pool is None or self._pid != os.getpid():
                    self._pool = ConnectionPool(
                        self.url,
                        min_size=1,
                        max_size=self.pool_size,
                        kwargs={"options": _OPTIONS},
                        configure=_configure,
                        # A connection is tried (an empty query) before it is lent: after the
                        # database restarts or fails over, each pooled connection is broken,
                        # and without this check every one of them would fail one request.
                        check=ConnectionPool.check_connection,
                        open=False,
                        name="voicebox",
                    )
                    try:
                        self._pool.open(wait=True, timeout=_WAIT_S)
                    except PoolTimeout as exc:
                        self._pool = None
                        raise Unavailable(f"cannot reach the database {redact(self.url)}") from exc
                    self._pid = os.getpid()
        return self._pool

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection in a transaction: committed when the block ends, rolled back on error."""
        try:
            with self.pool().connection(timeout=_WAIT_S) as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise Unavailable(f"the database {redact(self.url)} failed: {exc}") from exc

    def dedicated(self) -> psycopg.Connection[Any]:
        """A connection outside the pool (for a lock held through long work)."""
        try:
            conn = psycopg.connect(self.url, options=_OPTIONS, autocommit=True)
        except psycopg.OperationalError as exc:
            raise Unavailable(f"cannot reach the database {redact(self.url)}") from exc
        _configure(conn)
        return conn

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None
