"""The store a benchmark runs on: a TinyDB folder, or a PostgreSQL database.

With `--backend postgresql` the database is `VOICEBOX_DATABASE_URL` when set (it must hold no
ideas yet, and is cleared at the end), otherwise a throwaway server started for the run and
removed after it. Either way the benchmark gets the settings `open_store` takes, so its
worker processes open the very same store.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from feedback_app.store import Store, open_store

__all__ = ["bench_store", "postgres_pids", "process_cpu_s", "server_pids", "settle"]

_TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def bench_store(backend: str, folder: Path) -> Iterator[tuple[Store, dict[str, Any]]]:
    """(the store, its settings) for `backend`, in `folder` or the database it names."""
    settings: dict[str, Any] = {"DATA_DIR": str(folder / "data"), "DATABASE_URL": ""}
    if backend == "tinydb":
        yield open_store(settings), settings
        return
    given = os.environ.get("VOICEBOX_DATABASE_URL", "")
    if given:
        settings["DATABASE_URL"] = given
        store = open_store(settings)
        if store.ideas.count():
            raise SystemExit("VOICEBOX_DATABASE_URL holds ideas already: give an empty database")
        try:
            yield store, settings
        finally:
            store.clear()
            store.close()
        return
    from feedback_app.dev.throwaway_pg import ThrowawayPostgres

    with ThrowawayPostgres() as server:
        settings["DATABASE_URL"] = server.create_database("voicebox_bench")
        settings["PG_FOLDER"] = str(server.folder)
        store = open_store(settings)
        try:
            yield store, settings
        finally:
            store.close()


def process_cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds these processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def server_pids(master: int) -> list[int]:
    """A server process and its children (gunicorn's workers)."""
    return [master, *_children(master)]


def postgres_pids(settings: dict[str, Any]) -> list[int]:
    """The throwaway PostgreSQL server's processes (none when the database is not ours)."""
    folder = settings.get("PG_FOLDER")
    if not folder:
        return []
    master = int((Path(folder) / "pg" / "postmaster.pid").read_text().split()[0])
    return server_pids(master)


def settle(settings: dict[str, Any]) -> None:
    """Write PostgreSQL's dirty pages out now (CHECKPOINT), so the next timed phase does not
    pay for the previous one's; nothing to do for files, or without the privilege."""
    if not settings["DATABASE_URL"]:
        return
    import psycopg

    try:
        with psycopg.connect(settings["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        pass
