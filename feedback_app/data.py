"""The app's handle on the store: one per process, opened on first use by `open_store`.

Opening lazily means a broken data file does not stop the app from starting: each request
that needs the data gets the clear 503 page instead (see errors.py).
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from .store import Store, open_store

__all__ = ["close_store", "get_store", "init_store", "use_store"]

_KEY = "voicebox.store"
_lock = threading.Lock()


def init_store(app: Flask) -> None:
    app.extensions[_KEY] = None


def use_store(app: Flask, store: Store) -> None:
    """Make `app` work on an already opened store (the demo seeds through the app's services
    on the store the command opened), instead of opening its own."""
    with _lock:
        app.extensions[_KEY] = store


def get_store() -> Store:
    store = current_app.extensions.get(_KEY)
    if store is None:
        with _lock:
            store = current_app.extensions.get(_KEY)
            if store is None:
                store = open_store(current_app.config)
                current_app.extensions[_KEY] = store
    return store


def close_store(app: Flask) -> None:
    """Close the app's store, if it was opened (its database connections, its open files).
    The next request opens it again."""
    with _lock:
        store = app.extensions.get(_KEY)
        app.extensions[_KEY] = None
    if store is not None:
        store.close()
