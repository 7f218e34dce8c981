"""Run the app under gunicorn: several worker processes, each with a few threads.

gunicorn supervises the workers (restarts a crashed one, shuts down gracefully); the store is
safe for several processes, so any number of workers can share one data folder.

Two things gunicorn leaves to us, both about what the next `voicebox serve` finds:

- a master killed with `kill -9` cannot tell its workers to stop, and a worker busy with a slow
  client would keep serving, and hold the port, for gunicorn's whole graceful timeout. So each
  worker asks the kernel for SIGTERM when the master dies (Linux), watches its parent on every
  system, and exits a few seconds later at the latest. The store survives that exit like any
  crash: every write is atomic.
- a port still held (by such a worker, or any program) would make gunicorn retry quietly and
  exit with "Connection in use". `run` waits a bounded time for the port, saying so once, and
  otherwise stops with one clear line.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .address import public_host, wait_for_port
from .dev import SITE_PATH

__all__ = ["ORPHAN_GRACE_S", "gunicorn_options", "run"]

ORPHAN_GRACE_S = 3.0  # how long a worker whose master died may finish its requests
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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
        from .app import create_app

        return create_app(self._settings)


def _ready(server: Any) -> None:
    """Print where to go once the port is open (port 0 picks a free one)."""
    for listener in server.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        base = f"http://{public_host(host)}:{port}"
        print(f"Voicebox is running at {base}/  (Ctrl+C stops it)", flush=True)
        print(f"  the idea board:      {base}/ideas", flush=True)
        print(f"  the staff console:   {base}/admin/", flush=True)
        if server.app.demo:
            print(f"  the published site:  {base}{SITE_PATH}", flush=True)
            outbox = f"{base}/dev/outbox"
            print(f"  the demo's outbox:   {outbox}  (sign-in links land here)", flush=True)


def _close_if_body_left_unread(worker: Any, req: Any) -> None:
    """Answer `Connection: close` when the app will not read the whole body (gunicorn hook).

    gunicorn otherwise promises keep-alive, finds too much of the body left to drain, and
    closes anyway: the client's next request on the connection fails. A body longer than the
    app reads through (see body.drained_limit), or of unknown length, closes honestly.
    """
    from .body import body_limit, drained_limit

    limit = drained_limit(body_limit(worker.wsgi.config, req.path))
    for name, value in req.headers:
        if name == "TRANSFER-ENCODING" or (
            name == "CONTENT-LENGTH" and not (value.isdigit() and int(value[:19]) <= limit)
        ):
            req.force_close()


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


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """How `voicebox serve` runs gunicorn; the board benchmark serves its bare floor app
    with the very same options, so the two cost figures compare."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": _ready,
        "pre_request": _close_if_body_left_unread,
        "post_fork": _post_fork,
        "timeout": 60,
    }


def run(settings: dict[str, Any], host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped; raises PortInUse (an OSError) if the port never comes free."""
    wait_for_port(host, port, say=lambda line: print(line, flush=True))
    _Server(settings, gunicorn_options(host, port, workers, threads)).run()
