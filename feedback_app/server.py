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
        "timeout": 60,
    }
    _Server(settings, options).run()
