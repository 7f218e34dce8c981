"""The data folder's metadata: schema version, shard counts, and migrations on open.

`meta.json` records which schema the data follows and how many files each collection is split
into (ids encode the shard, so these counts never change for existing data). Opening a folder
written by an older Voicebox runs the migrations in order, under a lock, before anything else
reads it; a folder written by a newer Voicebox is refused rather than misread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock

from ..errors import CorruptDataError, SchemaError
from .storage import write_bytes_atomically

__all__ = [
    "CURRENT_SCHEMA",
    "DEFAULT_SHARDS",
    "META_FILE",
    "MIGRATIONS",
    "RESTORABLE_SCHEMAS",
    "open_meta",
]

# 1: each shard is one TinyDB JSON file. 2: a shard file may go on after its JSON line with
# lines of later changes (its journal, see `journal.py`), which a reader of schema 1 would take
# for damage. 3: sales, contacts, photos and API tokens, which an older Voicebox would leave
# out of its backups. 4: the audit log and saved official responses, likewise.
CURRENT_SCHEMA = 4
# Backups hold each shard as one JSON document, its journal folded in: those of schema 1 and 2
# are alike, so either restores.
RESTORABLE_SCHEMAS = frozenset({1, 2})
META_FILE = "meta.json"

# Votes are by far the most numerous and the most often written: 64 files keep a vote write
# near 2 ms at 100k votes (measured: 16 files 4.7 ms, one file 61 ms).
DEFAULT_SHARDS: dict[str, int] = {
    "users": 4,
    "ideas": 16,
    "votes": 64,
    "comments": 16,
    "surveys": 4,
    "testimonials": 2,
    "followups": 1,
    "tokens": 4,
    "messages": 4,
    "limits": 8,
    "follows": 8,
    "jobs": 2,
    "sales": 4,
    "contacts": 4,
    "photos": 2,
    "api_tokens": 1,
    "audit": 2,
    "replies": 1,
}

Migration = Callable[[Path, dict[str, Any]], None]


def _journals_allowed(root: Path, meta: dict[str, Any]) -> None:
    """Schema 1 -> 2 changes no file: a schema 1 shard file is data without a journal, and its
    first small write rewrites it in the journal layout. Recording schema 2 is what matters:
    an older Voicebox then refuses the folder in plain words instead of calling it damaged."""


def _follow_up_collections(root: Path, meta: dict[str, Any]) -> None:
    """Schema 2 -> 3 adds collections (created empty below, from DEFAULT_SHARDS) and only adds
    fields with defaults to existing records: no file changes."""


def _console_collections(root: Path, meta: dict[str, Any]) -> None:
    """Schema 3 -> 4 adds collections (the audit log, saved responses), created empty below,
    and a field with a default to users: no file changes."""


# MIGRATIONS[n] upgrades a folder from schema n to n + 1, in place, and may edit the metadata.
MIGRATIONS: dict[int, Migration] = {
    1: _journals_allowed,
    2: _follow_up_collections,
    3: _console_collections,
}


def open_meta(root: Path, shards: dict[str, int] | None = None) -> dict[str, Any]:
    """Read (creating or migrating as needed) the metadata of the data folder `root`.

    `shards` sets how a new folder is split (tests use one file per collection); it is ignored
    for a folder that already has data.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / META_FILE
    with FileLock(str(path) + ".lock", timeout=60):
        meta = _read(path)
        if meta is None:
            meta = {"schema": CURRENT_SCHEMA, "shards": {**DEFAULT_SHARDS, **(shards or {})}}
            write_bytes_atomically(path, orjson.dumps(meta, option=orjson.OPT_INDENT_2))
            return meta
        schema = meta["schema"]
        if schema > CURRENT_SCHEMA:
            raise SchemaError(
                f"{path}: the data is in schema {schema}, written by a newer Voicebox; "
                f"this version reads schema {CURRENT_SCHEMA} at most"
            )
        while schema < CURRENT_SCHEMA:
            migrate = MIGRATIONS.get(schema)
            if migrate is None:
                raise SchemaError(f"{path}: no migration from schema {schema}")
            migrate(root, meta)
            schema += 1
            meta["schema"] = schema
            write_bytes_atomically(path, orjson.dumps(meta, option=orjson.OPT_INDENT_2))
        missing = {k: v for k, v in DEFAULT_SHARDS.items() if k not in meta["shards"]}
        if missing:  # a collection added by a newer release: fix its split once, for good
            meta["shards"].update(missing)
            write_bytes_atomically(path, orjson.dumps(meta, option=orjson.OPT_INDENT_2))
        return meta


def _read(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptDataError(path, f"cannot be read ({exc.strerror})") from exc
    try:
        meta = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(path, f"not valid JSON ({exc})") from exc
    if (
        not isinstance(meta, dict)
        or not isinstance(meta.get("schema"), int)
        or not isinstance(meta.get("shards"), dict)
    ):
        raise CorruptDataError(path, "not Voicebox metadata (needs 'schema' and 'shards')")
    return meta
