"""The PostgreSQL backend: the same store contract as the TinyDB folder, on a database server
that several app hosts share. `open_store` picks it when `VOICEBOX_DATABASE_URL` is set.

Plain SQL through psycopg 3 and a psycopg-pool connection pool (see `database.py`); the
schema and its versioned migrations are in `migrations.py`. Records are kept as the same
JSON documents the TinyDB folder holds (so one snapshot format serves both backends), beside
the columns that listings, filters and claims need indexed.
"""

from .store import PgStore

__all__ = ["PgStore"]
