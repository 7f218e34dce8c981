"""Publishing the site from the app: after a change to published data, in the background.

A change (an idea becoming implemented, or no longer so; later, testimonials approved or
withdrawn) calls `published_data_changed()`. That never blocks the request: it (re)starts a
short countdown in this process, so a burst of changes leads to one publish; the publish itself
takes the store's "publish" lock, shared by all processes, so only one runs at a time. Failures
are logged and kept for the console to show.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from .data import get_store

__all__ = ["Publisher", "init_publishing", "published_data_changed"]

log = logging.getLogger(__name__)


class Publisher:
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self._due: float | None = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._store: Any = None  # opened by the publishing thread, then kept
        self.runs = 0

    def request(self) -> None:
        """Publish soon: after PUBLISH_DELAY_S seconds without a further request."""
        with self._cond:
            self._due = time.monotonic() + self.settings["PUBLISH_DELAY_S"]
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="voicebox-publisher", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._due is None or time.monotonic() < self._due:
                    timeout = None if self._due is None else self._due - time.monotonic()
                    self._cond.wait(timeout)
                self._due = None
            self._publish_once()

    def _publish_once(self) -> None:
        from generator.publish import publish

        from .store import open_store

        s = self.settings
        try:
            self._store = self._store or open_store(s)
            publish(self._store, Path(s["SITE_PROJECT"]), Path(s["SITE_DIR"]),
                    s["BASE_URL"], s["SITE_URL"], s["LOCALE"])  # fmt: skip
        except Exception:  # publish() records it in the store's status; the console shows it
            log.exception("automatic publish failed")
        finally:
            self.runs += 1


def init_publishing(app: Flask) -> None:
    app.extensions["voicebox.publisher"] = (
        Publisher(dict(app.config)) if app.config["AUTO_PUBLISH"] else None
    )


def published_data_changed() -> None:
    """Something the public site shows has changed: publish again soon (if enabled)."""
    publisher: Publisher | None = current_app.extensions.get("voicebox.publisher")
    if publisher is not None:
        get_store()  # fail here, in the request, if the data cannot be read at all
        publisher.request()
