"""The floor of the board benchmark: a bare Flask endpoint, served the way `voicebox serve`
serves the app (gunicorn, the same options), so its CPU cost per request is what serving
any request costs here before Voicebox does anything.

    python -m benchmarks.floor --port PORT [--workers 4 --threads 4]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from feedback_app.server import gunicorn_options

__all__ = ["bare_app", "main"]

PAGE = "<!doctype html><title>floor</title><p>ok</p>"


def bare_app() -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024  # the server's hooks read it, as for the app

    @app.get("/")
    def floor() -> str:
        return PAGE

    return app


class _Floor(BaseApplication):  # type: ignore[misc]
    demo = False  # read by the "now listening" lines

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return bare_app()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    _Floor(gunicorn_options("127.0.0.1", args.port, args.workers, args.threads)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
