"""Publishing the site from the app: after a change to published data, in the background.

A change (an idea becoming implemented, or no longer so; later, testimonials approved or
withdrawn) calls `published_data_changed()`. That never blocks the request: it (re)starts a
short countdown in this process, so a burst of changes leads to one publish; the publish itself
takes the store's "publish" lock, shared by all processes, so only one runs at a time. Failures
are logged and kept for the console to show. Staff can also publish at once from the console
(`publish_now`), whether or not automatic publishing is on.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from generator.publish import publish_pending, publish_requested

from . import audit
from .brand import load_brand
from .data import get_store
from .store import Store
from .store.models import User

__all__ = [
    "Publisher", "init_publishing", "publish_now", "publish_under_way", "published_data_changed",
    "publisher", "stop_publishers",
]  # fmt: skip

log = logging.getLogger(__name__)
_RUNNING: weakref.WeakSet[Publisher] = weakref.WeakSet()


class Publisher:
    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self._due: float | None = None
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._store: Any = None  # opened by the publishing thread, then kept
        self.runs = 0
        self.running = False
        self._stopping = False

    @property
    def busy(self) -> bool:
        """A publish is waiting to start or running in this process."""
        return self._due is not None or self.running

    def request(self, delay: float | None = None) -> None:
        """Publish soon: after `delay` seconds (PUBLISH_DELAY_S by default) without a further
        request."""
        wait = self.settings["PUBLISH_DELAY_S"] if delay is None else delay
        with self._cond:
            self._due = time.monotonic() + wait
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="voicebox-publisher", daemon=True
                )
                _RUNNING.add(self)
                self._thread.start()
            self._cond.notify()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop the publishing thread after the publish in hand, dropping one still waiting,
        and close its store (tests, at teardown: no publish outlives its test's data)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._store is not None:
            self._store.close()
            self._store = None
        _RUNNING.discard(self)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (self._due is None or time.monotonic() < self._due):
                    timeout = None if self._due is None else self._due - time.monotonic()
                    self._cond.wait(timeout)
                if self._stopping:
                    return
                self._due = None
                self.running = True
            self._publish_once()

    def _publish_once(self) -> None:
        from generator.publish import publish

        from .store import open_store

        s = self.settings
        try:
            self._store = self._store or open_store(s)
            # The brand's files are read again: a logo replaced since startup is published.
            publish(self._store, Path(s["SITE_PROJECT"]), Path(s["SITE_DIR"]),
                    s["BASE_URL"], s["SITE_URL"], s["LOCALE"], brand=load_brand(s))  # fmt: skip
        except Exception:  # publish() records it in the store's status; the console shows it
            log.exception("publish failed")
        finally:
            self.runs += 1
            self.running = False


def init_publishing(app: Flask) -> None:
    app.extensions["voicebox.publisher"] = Publisher(dict(app.config))


def publisher() -> Publisher:
    """This app's publisher (one per process)."""
    found: Publisher = current_app.extensions["voicebox.publisher"]
    return found


def published_data_changed() -> None:
    """Something the public site shows has changed: publish again soon (if enabled)."""
    if current_app.config["AUTO_PUBLISH"]:
        # Fails here, in the request, if the data cannot be read at all.
        publish_requested(get_store())
        publisher().request()


def stop_publishers(timeout: float = 60.0) -> None:
    """Stop every publishing thread this process started (tests call it at teardown)."""
    for found in list(_RUNNING):
        found.stop(timeout)


def publish_now(store: Store, actor: User) -> None:
    """Staff asked for a publish: start it in the background at once, and say who asked."""
    audit.record(store, actor, "site.publish", "site", None, summary="publish now")
    publish_requested(store)
    publisher().request(delay=0)


def publish_under_way(store: Store) -> bool:
    """A publish is waiting or running, started by this process or another app worker."""
    return publisher().busy or publish_pending(store)
