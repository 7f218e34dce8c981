"""Consistent snapshots of a data folder, and restoring one.

A backup holds every shard's lock at once (taken in one fixed order, so it cannot deadlock
with another backup) while it copies the files: the snapshot is one moment in time. A restore
checks the whole archive before it touches anything, then replaces each file atomically under
the same locks, so running processes see either the old data or the restored data.
"""

from __future__ import annotations

import contextlib
import hashlib
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import orjson

from .errors import CorruptDataError, SchemaError
from .schema import CURRENT_SCHEMA, META_FILE
from .storage import parse_tables, write_bytes_atomically
from .store import Store

__all__ = ["MANIFEST", "backup", "restore"]

MANIFEST = "voicebox-backup.json"

Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    """Default progress callback: report nothing."""


def backup(store: Store, target: Path, progress: Progress = _no_progress) -> int:
    """Write a zip snapshot of `store` to `target`; return the number of data files in it."""
    shards = list(store.shards())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    files: dict[str, str] = {}
    with ExitStack() as locks, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for shard in shards:
            locks.enter_context(shard.locked())
        archive.write(store.root / META_FILE, META_FILE)
        for done, shard in enumerate(shards, start=1):
            if shard.path.exists():
                raw = shard.path.read_bytes()
                parse_tables(shard.path, raw)  # never back up a broken file as if it were fine
                name = shard.path.relative_to(store.root).as_posix()
                archive.writestr(name, raw)
                files[name] = hashlib.sha256(raw).hexdigest()
            progress(done, len(shards))
        manifest = {"schema": store.meta["schema"], "files": files}
        archive.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    partial.replace(target)
    return len(files)


def restore(store: Store, source: Path, progress: Progress = _no_progress) -> int:
    """Replace the data of `store` with the snapshot in `source`; return files restored."""
    contents = _read_archive(source)
    meta = orjson.loads(contents.pop(META_FILE))
    if meta.get("shards") != store.meta["shards"]:
        raise SchemaError(f"{source}: the backup splits its data differently from this folder")
    shards = list(store.shards())
    with ExitStack() as locks:
        for shard in shards:
            locks.enter_context(shard.locked())
        for done, shard in enumerate(shards, start=1):
            name = shard.path.relative_to(store.root).as_posix()
            if name in contents:
                write_bytes_atomically(shard.path, contents[name])
            else:
                with contextlib.suppress(FileNotFoundError):
                    shard.path.unlink()
            progress(done, len(shards))
    return len(contents)


def _read_archive(source: Path) -> dict[str, bytes]:
    """Every file of a backup, checked against its manifest and parsed once."""
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = orjson.loads(archive.read(MANIFEST))
            contents = {name: archive.read(name) for name in manifest["files"]}
            contents[META_FILE] = archive.read(META_FILE)
    except (OSError, KeyError, zipfile.BadZipFile, orjson.JSONDecodeError) as exc:
        raise CorruptDataError(source, f"not a readable Voicebox backup ({exc})") from exc
    if manifest.get("schema") != CURRENT_SCHEMA:
        raise SchemaError(
            f"{source}: the backup is in schema {manifest.get('schema')}, "
            f"this Voicebox restores schema {CURRENT_SCHEMA}"
        )
    for name, digest in manifest["files"].items():
        if hashlib.sha256(contents[name]).hexdigest() != digest:
            raise CorruptDataError(source, f"{name} does not match its checksum")
        parse_tables(Path(name), contents[name])
    return contents
