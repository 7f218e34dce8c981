"""Run the app under gunicorn: several worker processes, each with a few threads.

gunicorn supervises the workers (restarts a crashed one, shuts down gracefully); the store is
safe for several processes, so any number of workers can share one data folder.

Two things gunicorn leaves to us, both about what the next `voicebox serve` finds:

- a master killed with `kill -9` cannot tell its workers to stop, and a worker finishing a slow
  request kept the port for half a minute. Each worker now asks the kernel for SIGTERM when the
  master dies (Linux), watches its parent on every system, and exits a few seconds later at
  the latest. The store survives that exit like any crash: every write is atomic.
- a port still held by such a worker (or by any program) made gunicorn retry silently and then
  exit with "Connection in use". `run` now waits a bounded time for the port, saying so once,
  and otherwise stops with one clear line.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

__all__ = ["ORPHAN_GRACE_S", "PORT_WAIT_S", "PortInUse", "public_host", "run", "wait_for_port"]

ORPHAN_GRACE_S = 3.0  # how long a worker whose master died may finish its requests
PORT_WAIT_S = 20.0  # how long a new server waits for a port that is still held
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class PortInUse(OSError):
    """The port stayed in use for the whole wait; the message says what to do."""


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: dict[str, Any], options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        self.demo = bool(settings.get("DEMO"))
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from . import create_app

        return create_app(self._settings)


def public_host(host: str) -> str:
    """The host part of a URL that reaches a server listening on `host` from this machine."""
    if host in {"", "0.0.0.0"}:
        return "127.0.0.1"
    if host in {"::", "[::]"}:
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def _ready(server: Any) -> None:
    """Print where to go once the port is open (port 0 picks a free one)."""
    for listener in server.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        base = f"http://{public_host(host)}:{port}"
        print(f"Voicebox is running at {base}/  (Ctrl+C stops it)", flush=True)
        print(f"  the idea board:      {base}/ideas", flush=True)
        print(f"  the staff console:   {base}/admin/", flush=True)
        if server.app.demo:
            print(f"  the published site:  {base}/dev/site/", flush=True)
            outbox = f"{base}/dev/outbox"
            print(f"  the demo's outbox:   {outbox}  (sign-in links land here)", flush=True)


def _post_fork(server: Any, worker: Any) -> None:
    """Make this worker follow its master down, however the master ends."""
    master = server.pid
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still notices, a moment later
    threading.Thread(
        target=_follow_master, args=(master, worker.log), name="voicebox-watchdog", daemon=True
    ).start()


def _follow_master(master: int, log: Any) -> None:
    """Once the master is gone: stop taking requests, then exit after a short grace.

    SIGTERM starts gunicorn's own graceful stop; the hard exit bounds it, because a slow client
    would otherwise keep the worker, and the port with it, for the full graceful timeout.
    """
    while os.getppid() == master:
        time.sleep(0.2)
    log.warning("the master process %s is gone; worker %s stops", master, os.getpid())
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE_S)
    os._exit(1)


def _port_free(host: str, port: int) -> bool:
    """Whether gunicorn could bind host:port now.

    Like gunicorn, bind with SO_REUSEADDR: connections left over from a stopped server do not
    count, only a process still listening. Errors other than "in use" (no such address, a
    privileged port) become one clear message.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise OSError(f"cannot listen on {host!r}: {exc.strerror}") from exc
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return True


def wait_for_port(
    host: str, port: int, wait_s: float = PORT_WAIT_S, say: Callable[[str], None] = print
) -> None:
    """Return once host:port can be bound; wait up to `wait_s` seconds, saying so once."""
    if port == 0 or _port_free(host, port):
        return
    say(
        f"Port {port} on {host} is in use (a Voicebox that was just stopped may still be "
        f"finishing); waiting up to {wait_s:.0f} s for it to be free ..."
    )
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        time.sleep(0.25)
        if _port_free(host, port):
            return
    raise PortInUse(
        f"port {port} on {host} is still in use after {wait_s:.0f} s: stop the program "
        "that uses it, or choose another port with --port"
    )


def run(settings: dict[str, Any], host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped; raises PortInUse (an OSError) if the port never comes free."""
    wait_for_port(host, port, PORT_WAIT_S, lambda line: print(line, flush=True))
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": _ready,
        "post_fork": _post_fork,
        "timeout": 60,
    }
    _Server(settings, options).run()
