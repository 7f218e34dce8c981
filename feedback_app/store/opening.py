"""`open_store(settings)`: the one place that decides which backend holds the data.

Everything that needs the data (the app, the CLI, the publisher, the benchmarks) opens it
here, from the same settings mapping `feedback_app.config.load_config` returns. Only the
TinyDB folder exists today: a `DATABASE_URL` in the settings is refused with one clear line,
never silently ignored, so data meant for a database cannot land in a folder instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import UnsupportedBackend
from .store import Store

__all__ = ["open_store"]


def open_store(settings: Mapping[str, Any]) -> Store:
    """The store the settings name: the TinyDB folder `DATA_DIR` unless `DATABASE_URL` is set."""
    url = str(settings.get("DATABASE_URL") or "").strip()
    if url:
        scheme = url.partition(":")[0] or "?"  # never echo the URL: it may hold a password
        raise UnsupportedBackend(
            f"VOICEBOX_DATABASE_URL ({scheme}:…) is set, but this Voicebox cannot use a "
            "database yet (PostgreSQL support is not built); unset it to keep the data in "
            "the VOICEBOX_DATA_DIR folder"
        )
    return Store(settings["DATA_DIR"])
