"""Run the app under gunicorn: several worker processes, each with a few threads.

gunicorn supervises the workers (restarts a crashed one, shuts down gracefully); the store is
safe for several processes, so any number of workers can share one data folder.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

__all__ = ["run"]


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


def _ready(server: Any) -> None:
    """Print where to go once the port is open (port 0 picks a free one)."""
    for listener in server.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        base = f"http://{host}:{port}"
        print(f"Voicebox is running at {base}/  (Ctrl+C stops it)", flush=True)
        print(f"  the idea board:      {base}/ideas", flush=True)
        print(f"  the staff console:   {base}/admin/", flush=True)
        if server.app.demo:
            outbox = f"{base}/dev/outbox"
            print(f"  the demo's outbox:   {outbox}  (sign-in links land here)", flush=True)


def _close_if_body_left_unread(worker: Any, req: Any) -> None:
    """Answer `Connection: close` when the app will not read the whole body (gunicorn hook).

    gunicorn otherwise promises keep-alive, finds too much of the body left to drain, and
    closes anyway: the client's next request on the connection fails. A body longer than the
    app reads through (see security.drained_limit), or of unknown length, closes honestly.
    """
    from .security import drained_limit

    limit = drained_limit(worker.wsgi.config["MAX_CONTENT_LENGTH"])
    for name, value in req.headers:
        if name == "TRANSFER-ENCODING" or (
            name == "CONTENT-LENGTH" and not (value.isdigit() and int(value[:19]) <= limit)
        ):
            req.force_close()


def run(settings: dict[str, Any], host: str, port: int, workers: int, threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": _ready,
        "pre_request": _close_if_body_left_unread,
        "timeout": 60,
    }
    _Server(settings, options).run()
