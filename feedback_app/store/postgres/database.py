"""Connections to the database: one pool per process, opened on first use.

A pool is per process because a forked worker must not share its parent's sockets: `pool()`
notices a fork (a new pid) and opens a fresh pool. Every connection talks UTC and decodes
JSON with orjson. Errors of the connection itself become `Unavailable` (the app's 503).

Pooled connections serve requests, so they carry the limits the settings give
(VOICEBOX_DB_LOCK_TIMEOUT_S, VOICEBOX_DB_STATEMENT_TIMEOUT_S): a request stuck behind a lock
nobody releases answers 503 instead of hanging. Long work goes without them: bulk loads
(`connection(bulk=True)`) and dedicated connections (migrations, backups, restores, named
locks). `run` runs a transaction again when PostgreSQL aborted it to break a deadlock.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import quote

import orjson
import psycopg
from psycopg import pq
from psycopg.types.json import set_json_dumps, set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from ..errors import Unavailable, UnsupportedBackend

__all__ = ["RETRIES", "Database", "redact"]

T = TypeVar("T")

# Connections a process may keep (VOICEBOX_DB_POOL): its request threads, the mailer and
# the publisher.
POOL_MAX = 10
_WAIT_S = 10.0
_CLOSE_WAIT_S = 1.0
# Every connection talks UTC; a server that does not answer a connection attempt (a host
# gone from the network) is given up after a few seconds rather than the system's minutes.
# No parallel query workers either: every query here reads a page of a board or one record,
# and starting workers costs more than that (a page of ideas by tag: 38 ms with two, 9 without).
_OPTIONS: dict[str, Any] = {
    "options": "-c TimeZone=UTC -c max_parallel_workers_per_gather=0",
    "connect_timeout": 3,
}


# A transaction aborted to break a deadlock or a serialization conflict is run again this many
# times, after a random pause of about 20 ms that doubles each time (at most ~0.5 s in all):
# the other transaction has usually finished by then.
RETRIES = 4
_BACKOFF_S = 0.02
_RETRIED = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)

_UNREADABLE = "postgresql:…"


def redact(url: str) -> str:
    """The URL without its password, for messages to people."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return _UNREADABLE
    user, host = str(info.get("user") or ""), str(info.get("host") or "")
    port, dbname = str(info.get("port") or ""), str(info.get("dbname") or "")
    where = f"{user}@" if user else ""
    query = {}
    if host.startswith("/"):  # a Unix socket's folder goes in the query, as libpq reads it
        query = {"host": host, "port": port} if port else {"host": host}
    else:
        where += (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    shown = "&".join(f"{name}={value}" for name, value in query.items())
    return f"postgresql://{where}/{quote(dbname)}" + (f"?{shown}" if shown else "")


def _reason(exc: BaseException) -> str:
    """The first line of a connection error: libpq says why (never with the password)."""
    return str(exc).strip().split("\n", 1)[0]


def _empty_query(conn: psycopg.Connection[Any]) -> None:
    conn.execute("")


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _configure(conn: psycopg.Connection[Any]) -> None:
    set_json_loads(orjson.loads, conn)
    set_json_dumps(_dumps, conn)


def _limited(lock_timeout_s: float, statement_timeout_s: float) -> dict[str, Any]:
    """The connection options with these limits (in whole milliseconds; 0: none)."""
    limits = f" -c lock_timeout={round(lock_timeout_s * 1000)}"
    limits += f" -c statement_timeout={round(statement_timeout_s * 1000)}"
    return {**_OPTIONS, "options": _OPTIONS["options"] + limits}


class Database:
    """A pool of connections to `url`, re-opened after a fork, and after the server was lost.

    A pool waits for connections: while the server is down, every request would wait out
    the pool's timeout before failing. So a pool is only opened after one direct connection
    succeeded (refused at once when the server is down), and a pool whose server went away
    is closed: until the server answers again, each request fails at once with Unavailable
    (the app's 503), and the first to find it back opens a new pool.
    """

    def __init__(
        self,
        url: str,
        pool_size: int = POOL_MAX,
        lock_timeout_s: float = 0,
        statement_timeout_s: float = 0,
    ) -> None:
        if redact(url) == _UNREADABLE:
            # psycopg's own message quotes the whole URL, password included: it is not kept,
            # not even as the context of this error.
            raise UnsupportedBackend("VOICEBOX_DATABASE_URL is not a valid postgresql:// address")
        self.url = url
        self.pool_size = pool_size
        self._has_limits = bool(lock_timeout_s or statement_timeout_s)
        self._pool_options = _limited(lock_timeout_s, statement_timeout_s)
        self._pool: ConnectionPool | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def pool(self) -> ConnectionPool:
        current = self._pool  # read once: another thread may drop it meanwhile
        if current is not None and self._pid == os.getpid():
            return current
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self.dedicated().close()  # Unavailable at once if the server is down
                pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs=self._pool_options,
                    configure=_configure,
                    open=False,
                    name="voicebox",
                )
                try:
                    pool.open(wait=True, timeout=_WAIT_S)
                except PoolTimeout as exc:
                    pool.close(timeout=_CLOSE_WAIT_S)
                    raise Unavailable(
                        f"cannot reach the database {redact(self.url)} (timed out)"
                    ) from exc
                self._pool, self._pid = pool, os.getpid()
            return self._pool

    def run(self, work: Callable[[psycopg.Connection[Any]], T], bulk: bool = False) -> T:
        """`work(conn)` in one transaction (see `connection`), run again whole when PostgreSQL
        aborted it to break a deadlock or a serialization conflict, up to RETRIES more times
        after a short random pause; then Unavailable, as for any other failure. So `work`
        must do nothing outside the transaction that a second run would do twice."""
        attempt = 0
        while True:
            try:
                with self.connection(bulk) as conn:
                    return work(conn)
            except Unavailable as exc:
                if attempt == RETRIES or not isinstance(exc.__cause__, _RETRIED):
                    raise
            time.sleep(_BACKOFF_S * 2**attempt * random.uniform(0.5, 1.5))
            attempt += 1

    @contextmanager
    def connection(self, bulk: bool = False) -> Iterator[psycopg.Connection[Any]]:
        """A connection in a transaction: committed when the block ends, rolled back on error.
        A `bulk` transaction (loading many records) runs without the lock and statement
        limits, which come back with the next transaction on the connection."""
        pool, conn = self._lend()
        try:
            if bulk and self._has_limits:
                conn.execute(
                    "SELECT set_config('lock_timeout', '0', true), "
                    "set_config('statement_timeout', '0', true)"
                )
            yield conn
            conn.commit()
        except BaseException as exc:
            if not conn.closed:
                with contextlib.suppress(psycopg.Error):
                    conn.rollback()
            if isinstance(exc, psycopg.OperationalError):
                if conn.broken:
                    self._check_server(pool)
                raise Unavailable(
                    f"the database {redact(self.url)} failed: {_reason(exc)}"
                ) from exc
            raise
        finally:
            pool.putconn(conn)  # a broken connection is discarded by the pool

    def read_alone(self, statement: str) -> str | None:
        """The first value `statement` answers, as text, read outside any transaction in one
        round trip: through libpq's own call, on a pooled connection that psycopg sees idle
        before and after, as PostgreSQL runs a statement sent without BEGIN as a transaction
        of its own. Through psycopg the same read costs three more round trips (BEGIN, the
        probe, COMMIT) and its adaptation layers: this is for the cheapest reads, made on
        every request. The statement is its own probe: on a connection found broken it is
        run again on the next, as `connection()` does, so it must only read."""
        values: list[str | None] = []

        def probe(conn: psycopg.Connection[Any]) -> None:
            result = conn.pgconn.exec_(statement.encode())
            if result.status != pq.ExecStatus.TUPLES_OK:
                if conn.pgconn.status == pq.ConnStatus.BAD:  # the connection, not the statement
                    raise psycopg.OperationalError(result.error_message.decode(errors="replace"))
                raise psycopg.errors.error_from_result(result, conn.info.encoding)
            raw = result.get_value(0, 0)
            values.append(None if raw is None else raw.decode())

        pool, conn = self._lend(probe)
        pool.putconn(conn)
        return values[-1]

    def _lend(
        self, probe: Callable[[psycopg.Connection[Any]], object] = _empty_query
    ) -> tuple[ConnectionPool, psycopg.Connection[Any]]:
        """A pooled connection, tried with `probe` (an empty query) before it is lent.

        After the server restarted or failed over every pooled connection is broken: each
        one found so is discarded and the server asked directly. If it answers, the next
        pooled connection is tried (so a restart costs no failed request); if not, the pool
        is closed and the request gets Unavailable at once, never a wait for a server that
        is gone."""
        for _ in range(self.pool_size + 1):
            pool = self.pool()
            try:
                conn = pool.getconn(timeout=_WAIT_S)
            except PoolTimeout as exc:  # every connection busy: a 503, the pool stays
                raise Unavailable(
                    f"the database {redact(self.url)} is busy: {_reason(exc)}"
                ) from exc
            try:
                probe(conn)
                return pool, conn
            except psycopg.OperationalError:
                pool.putconn(conn)
                self._check_server(pool)
            except BaseException:
                pool.putconn(conn)
                raise
        raise Unavailable(f"the database {redact(self.url)} keeps dropping connections")

    def _check_server(self, pool: ConnectionPool) -> None:
        """A connection broke: when the server does not answer a direct connection either,
        close this pool (its connections are gone too) and raise Unavailable, so the next
        request asks the server directly instead of waiting on the pool."""
        try:
            self.dedicated().close()
        except Unavailable:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            if self._pid == os.getpid():
                pool.close(timeout=_CLOSE_WAIT_S)
            raise

    def dedicated(self) -> psycopg.Connection[Any]:
        """A connection outside the pool (for a lock held through long work)."""
        try:
            conn = psycopg.connect(self.url, autocommit=True, **_OPTIONS)
        except psycopg.OperationalError as exc:
            raise Unavailable(
                f"cannot reach the database {redact(self.url)}: {_reason(exc)}"
            ) from exc
        _configure(conn)
        return conn

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None
