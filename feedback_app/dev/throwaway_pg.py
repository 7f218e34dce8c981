"""A throwaway PostgreSQL server in a temporary folder, for the tests and the benchmarks.

It listens on a Unix socket only (never on the network), trusts local connections, skips
fsync-at-init, and is removed when stopped. PostgreSQL refuses to run as root: as root the
server runs as the `postgres` user that Debian's package creates. `find_bin_dir()` finds the
server programs of Debian's `postgresql` package (or of `VOICEBOX_PG_BIN`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PostgresMissing", "ThrowawayPostgres", "find_bin_dir"]


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs here; the message says how to install them."""


def find_bin_dir() -> Path:
    """The folder holding `initdb` and `pg_ctl` (newest Debian version first)."""
    given = os.environ.get("VOICEBOX_PG_BIN")
    if given:
        if not (Path(given) / "initdb").exists():
            raise PostgresMissing(
                f"VOICEBOX_PG_BIN={given} holds no initdb: point it at the folder holding "
                "PostgreSQL's initdb and pg_ctl, or unset it and `apt-get install postgresql`"
            )
        return Path(given)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version, reverse=True)
    if versions:
        return versions[0].parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresMissing(
        "PostgreSQL's server programs are not installed: `apt-get install postgresql` "
        "(or set VOICEBOX_PG_BIN to the folder holding initdb and pg_ctl)"
    )


def _version(initdb: Path) -> int:
    try:
        return int(initdb.parent.parent.name)
    except ValueError:
        return 0


def _free_port() -> int:
    # The server listens on a socket file named after the port: any unused number will do,
    # and a TCP port free on 127.0.0.1 is a cheap way to avoid another throwaway's number.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayPostgres:
    """`with ThrowawayPostgres() as pg:` ... `pg.url` ... (stopped and removed at the end).

    `durable=False` turns fsync off: a commit still reaches the operating system before it is
    acknowledged, so it survives the server being killed, but not the machine losing power.
    The tests use it (creating and dropping a database per test is fsync-bound); benchmarks
    that measure durable writes keep the default."""

    def __init__(self, durable: bool = True) -> None:
        self.durable = durable
        self.bin = find_bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="voicebox-pg-"))
        self.port = _free_port()
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.url = f"postgresql://voicebox@/postgres?host={self.folder}&port={self.port}"
        self._started = False

    def url_for(self, dbname: str) -> str:
        return f"postgresql://voicebox@/{dbname}?host={self.folder}&port={self.port}"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Bounded: a server program that never returns fails the run instead of hanging it.
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode:
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip() or result.stdout}")

    def start(self) -> ThrowawayPostgres:
        """Start the server, creating its data folder the first time (after `halt`, the same
        data comes back)."""
        if self.as_root:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "pg"
        if not (data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(data), "-A", "trust", "-U", "voicebox", "--no-sync",
                      "-E", "UTF8", "--locale", "C.UTF-8")  # fmt: skip
        sync = "-c fsync=on" if self.durable else "-c fsync=off -c full_page_writes=off"
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses='' {sync} "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "log"), "-w",
                  "-o", options, "start")  # fmt: skip
        self._started = True
        return self

    def restart(self) -> None:
        """Stop the server as an operator would (`-m fast`: every session is ended) and
        start it again with the same options: what clients see of a restart or failover."""
        self._run("pg_ctl", "-D", str(self.folder / "pg"), "-l", str(self.folder / "log"),
                  "-m", "fast", "-w", "restart")  # fmt: skip

    def halt(self) -> None:
        """Stop the server at once, as a crash would, keeping its data for `start`."""
        if self._started:
            self._run("pg_ctl", "-D", str(self.folder / "pg"), "-m", "immediate", "stop")
            self._started = False

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, name: str, template: str = "template1") -> str:
        """Create the database `name` (a copy of `template`); return its URL. Without fsync
        a file copy is the faster way (measured ~45 ms against ~250 ms); with fsync, the
        checkpoint it needs makes it the slower one."""
        import psycopg

        strategy = "WAL_LOG" if self.durable else "FILE_COPY"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY {strategy}')
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop the database `name`, ending any session still connected to it."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def __enter__(self) -> ThrowawayPostgres:
        try:
            return self.start()
        except BaseException:  # a half-made server folder is removed, not left in /tmp
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()
