"""Consistent snapshots of a data folder, and restoring one.

Use them through the store: `store.backup(target)`, `store.restore(source)`. A backup holds
every shard's lock at once (taken in one fixed order, so it cannot deadlock with another
backup) while it copies the files: the snapshot is one moment in time. A restore
checks the whole archive before it touches anything, then replaces each file atomically under
the same locks, so running processes see either the old data or the restored data.

A restore only ever writes the store's own files: every member of the archive must be the
metadata, the manifest, or a shard file this folder has (`votes/07.json`). Any other name
(`../evil.json`, an absolute path, `votes/../../x`) refuses the whole archive before anything
is written; so does a damaged member, with the store's own error types.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
import zlib
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ...files import FILE_MODE
from ..errors import CorruptDataError, SchemaError
from .schema import CURRENT_SCHEMA, META_FILE, RESTORABLE_SCHEMAS
from .storage import parse_tables

if TYPE_CHECKING:  # the TinyStore calls this module: importing it here would be circular
    from .store import TinyStore

__all__ = ["MANIFEST", "Progress", "backup", "no_progress", "restore"]

MANIFEST = "voicebox-backup.json"

Progress = Callable[[int, int], None]

# What reading a damaged or foreign zip can raise: a missing member is a KeyError, a damaged
# deflate stream a zlib.error, a truncated one an EOFError.
_UNREADABLE = (OSError, KeyError, EOFError, NotImplementedError, zipfile.BadZipFile, zlib.error)


def no_progress(done: int, total: int) -> None:
    """Default progress callback: report nothing."""


def backup(store: TinyStore, target: Path, progress: Progress = no_progress) -> int:
    """Write a zip snapshot of `store` to `target`; return the number of data files in it.

    The zip is written beside `target` as `target.partial` and renamed when complete; a
    backup that fails removes its partial file, so nothing half-written looks like a backup.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        # Private from the first byte, as the data files are: it holds every email address.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
        count = _write_backup(store, partial, progress)
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return count


def _write_backup(store: TinyStore, partial: Path, progress: Progress) -> int:
    shards = list(store.shards())
    files: dict[str, str] = {}
    with ExitStack() as locks, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for shard in shards:
            locks.enter_context(shard.locked())
        archive.write(store.root / META_FILE, META_FILE)
        for done, shard in enumerate(shards, start=1):
            raw = shard.contents()  # a broken file raises: never backed up as if it were fine
            if raw is not None:
                name = shard.path.relative_to(store.root).as_posix()
                archive.writestr(name, raw)
                files[name] = hashlib.sha256(raw).hexdigest()
            progress(done, len(shards))
        manifest = {"schema": store.meta["schema"], "files": files}
        archive.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return len(files)


def restore(store: TinyStore, source: Path, progress: Progress = no_progress) -> int:
    """Replace the data of `store` with the snapshot in `source`; return files restored."""
    shards = list(store.shards())
    known = {shard.path.relative_to(store.root).as_posix() for shard in shards}
    contents = _read_archive(source, known)
    meta = _parse_meta(source, contents.pop(META_FILE))
    theirs, ours = meta["shards"], store.meta["shards"]
    # A collection added after the backup was taken is simply empty in it; any other
    # difference means ids would point into the wrong files.
    differs = [name for name, count in ours.items() if theirs.get(name, count) != count]
    if differs or set(theirs) - set(ours):
        raise SchemaError(f"{source}: the backup splits its data differently from this folder")
    with ExitStack() as locks:
        for shard in shards:
            locks.enter_context(shard.locked())
        for done, shard in enumerate(shards, start=1):
            name = shard.path.relative_to(store.root).as_posix()
            if name in contents:
                shard.overwrite(contents[name])
            else:
                shard.remove()
            progress(done, len(shards))
    return len(contents)


def _read_archive(source: Path, known: set[str]) -> dict[str, bytes]:
    """Every file of a backup, checked against its manifest and parsed once.

    `known` is the set of shard files (relative names) this folder has: the only names a
    restore may write.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = _parse_manifest(source, archive.read(MANIFEST))
            listed: dict[str, str] = manifest["files"]
            strangers = sorted(set(listed) - known)
            strangers += sorted(set(archive.namelist()) - known - {MANIFEST, META_FILE})
            if strangers:
                raise CorruptDataError(
                    source, f"refused: {strangers[0]!r} is not a file of this data folder"
                )
            contents = {name: archive.read(name) for name in listed}
            contents[META_FILE] = archive.read(META_FILE)
    except _UNREADABLE as exc:
        raise CorruptDataError(source, f"not a readable Voicebox backup ({exc})") from exc
    if manifest.get("schema") not in RESTORABLE_SCHEMAS:
        raise SchemaError(
            f"{source}: the backup is in schema {manifest.get('schema')}, "
            f"this Voicebox restores schemas {min(RESTORABLE_SCHEMAS)} to {CURRENT_SCHEMA}"
        )
    for name, digest in listed.items():
        if hashlib.sha256(contents[name]).hexdigest() != digest:
            raise CorruptDataError(source, f"{name} does not match its checksum")
        try:
            parse_tables(Path(name), contents[name])
        except CorruptDataError as exc:
            raise CorruptDataError(source, f"{name}: {exc.reason}") from exc
    return contents


def _parse_manifest(source: Path, raw: bytes) -> dict[str, Any]:
    try:
        manifest = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(source, f"its manifest is not valid JSON ({exc})") from exc
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise CorruptDataError(source, "not a Voicebox backup (its manifest lists no files)")
    return manifest


def _parse_meta(source: Path, raw: bytes) -> dict[str, Any]:
    try:
        meta = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(source, f"its {META_FILE} is not valid JSON ({exc})") from exc
    shards = meta.get("shards") if isinstance(meta, dict) else None
    if not isinstance(shards, dict):
        raise CorruptDataError(source, f"its {META_FILE} does not say how data is split")
    return meta
