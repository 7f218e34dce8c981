"""`open_store(settings)`: the one place that decides which backend holds the data.

Everything that needs the data (the app, the CLI, the publisher, the benchmarks) opens it
here, from the same settings mapping `feedback_app.config.load_config` returns: the
PostgreSQL database `DATABASE_URL` when it is set, otherwise the TinyDB folder `DATA_DIR`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .contract import Store
from .errors import UnsupportedBackend
from .tinydb import TinyStore

__all__ = ["open_store", "upgrade_database"]

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,15}")


def _database_url(settings: Mapping[str, Any]) -> str:
    url = str(settings.get("DATABASE_URL") or "").strip()
    if url and not url.startswith(("postgresql://", "postgres://")):
        # Never echo the URL, which may hold a password: only a scheme, if it has one.
        scheme, colon, _ = url.partition(":")
        shown = f"{scheme}:…" if colon and _SCHEME.fullmatch(scheme) else "something else"
        raise UnsupportedBackend(
            f"VOICEBOX_DATABASE_URL must be a postgresql:// address, not {shown}"
        )
    return url


def open_store(settings: Mapping[str, Any]) -> Store:
    """The store the settings name: a `PgStore` or a `TinyStore`, both keeping the contract."""
    url = _database_url(settings)
    if url:
        from .postgres import PgStore  # psycopg loads only for a database
        from .postgres.database import POOL_MAX

        # Settings from load_config have these; others (`voicebox migrate`, benchmarks) may
        # not, and get the defaults: a pool of POOL_MAX, and no time limits.
        size = settings.get("DB_POOL") or POOL_MAX
        return PgStore(
            url,
            pool_size=int(size),
            lock_timeout_s=float(settings.get("DB_LOCK_TIMEOUT_S") or 0),
            statement_timeout_s=float(settings.get("DB_STATEMENT_TIMEOUT_S") or 0),
        )
    return TinyStore(settings["DATA_DIR"])


def upgrade_database(settings: Mapping[str, Any]) -> tuple[str, list[int], int] | None:
    """Apply the schema migrations the database lacks: (where it is, the versions applied,
    the version now). None when the settings name no database: a data folder upgrades
    itself whenever it is opened."""
    url = _database_url(settings)
    if not url:
        return None
    from .postgres import PgStore

    store = PgStore(url, upgrade=False)
    try:
        applied = store.upgrade()
        return store.location, applied, store.schema_version()
    finally:
        store.close()

