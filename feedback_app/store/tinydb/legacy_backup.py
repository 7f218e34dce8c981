"""Reading the backups Voicebox wrote before snapshots: a zip of a data folder's own files.

Such a backup holds `meta.json` (how the folder was split), every data file (`votes/07.json`)
and a manifest (`voicebox-backup.json`) with each file's SHA-256. Its records are turned into
entries (see `contract.Entry`) with the ids they had, which the split in `meta.json` gives
back exactly, so an old backup restores into either backend like a snapshot does.

The same checks as before apply, all before anything is written: the manifest's schema, each
file's checksum and JSON, and the names of the members. Only the metadata, the manifest and
the data files that the backup's own split has may be in it (`../evil.json`, an absolute
path, `votes/99.json` of a folder with 64 vote files, or `notes.txt` refuse the archive).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from typing import Any

import orjson

from ..contract import COLLECTIONS, NATURAL_KEYS, Entry
from ..errors import CorruptDataError, SchemaError
from .schema import META_FILE, RESTORABLE_SCHEMAS
from .storage import parse_tables

__all__ = ["MANIFEST", "read_legacy"]

MANIFEST = "voicebox-backup.json"

_MEMBER = re.compile(r"([a-z_]+)/([0-9]{2,})\.json")


def read_legacy(source: Path, archive: zipfile.ZipFile) -> dict[str, list[Entry]]:
    """Every collection's entries in the old-format backup `archive` (read from `source`),
    checked completely. Raises CorruptDataError or SchemaError naming what is wrong."""
    manifest = _parse_json(source, MANIFEST, archive.read(MANIFEST))
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise CorruptDataError(source, "not a Voicebox backup (its manifest lists no files)")
    if manifest.get("schema") not in RESTORABLE_SCHEMAS:
        raise SchemaError(
            f"{source}: the backup is in schema {manifest.get('schema')}, "
            f"this Voicebox restores schemas {min(RESTORABLE_SCHEMAS)} to {max(RESTORABLE_SCHEMAS)}"
        )
    meta = _parse_json(source, META_FILE, archive.read(META_FILE))
    shards = meta.get("shards") if isinstance(meta, dict) else None
    if not isinstance(shards, dict) or not all(isinstance(n, int) for n in shards.values()):
        raise CorruptDataError(source, f"its {META_FILE} does not say how data is split")
    for name in sorted({*files, *archive.namelist()} - {MANIFEST, META_FILE}):
        if _place(name, shards) is None:
            raise CorruptDataError(source, f"refused: {name!r} is not a file of a data folder")
    found: dict[str, list[Entry]] = {name: [] for name in COLLECTIONS}
    for name, digest in sorted(files.items()):
        raw = archive.read(name)
        if hashlib.sha256(raw).hexdigest() != digest:
            raise CorruptDataError(source, f"{name} does not match its checksum")
        try:
            tables = parse_tables(Path(name), raw)
        except CorruptDataError as exc:
            raise CorruptDataError(source, f"{name}: {exc.reason}") from exc
        collection, index = _place(name, shards)  # type: ignore[misc]
        size = shards[collection]
        for doc_id, doc in tables.get(collection, {}).items():
            if not (doc_id.isascii() and doc_id.isdigit()):
                raise CorruptDataError(source, f"{name}: {doc_id!r} is not a document id")
            record_id = None if collection in NATURAL_KEYS else int(doc_id) * size + index
            found[collection].append((record_id, doc))
    return found


def _place(name: str, shards: dict[str, Any]) -> tuple[str, int] | None:
    """(collection, file index) of a data file's name, or None if no such file can exist."""
    match = _MEMBER.fullmatch(name)
    if match is None or match[1] not in COLLECTIONS or match[1] not in shards:
        return None
    index = int(match[2])
    if index >= shards[match[1]] or name != f"{match[1]}/{index:02d}.json":
        return None
    return match[1], index


def _parse_json(source: Path, member: str, raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(source, f"its {member} is not valid JSON ({exc})") from exc
