"""One snapshot format for every backend: a snapshot of either restores into either.

A snapshot is a zip (mode 0600 from its first byte: it holds every email address) with

* `manifest.json`: the format and its version, the records' schema (`RECORD_SCHEMA`), and
  per collection the number of records and the SHA-256 of its member;
* one member per collection, `users.jsonl` ...: one line per record, `{"doc": …, "id": …}`,
  in the canonical encoding (`canonical_line`: keys sorted, no spaces, UTF-8 as it is) and
  the canonical order (by id; by natural key in a NATURAL_KEYS collection, whose lines carry
  no id). The same records give the same bytes whichever backend wrote them, which is also
  how `voicebox migrate` verifies a copy (`Digest`).

A restore checks the whole snapshot before anything is replaced: the members (only the
manifest and the members it lists; a duplicate, a foreign or an unknown name refuses the
archive), each member's checksum and count, each line's encoding, each record against its
model, ids, order and every key that must be unique. It then hands the records to the
store's `replace`, which stores all of them or none (PostgreSQL: one transaction; TinyDB:
every file swapped under every lock), reading the archive a second time and checking the
checksums again as it goes, so a file changed in between cannot slip through.

Backups written before snapshots existed (a zip of a data folder's files) still restore,
into either backend: see `tinydb/legacy_backup.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from ..files import FILE_MODE, fsync_folder
from .contract import (
    COLLECTIONS,
    NATURAL_KEYS,
    RECORD_SCHEMA,
    UNIQUE_FIELDS,
    Batch,
    Doc,
    Entry,
    Progress,
    Store,
    no_progress,
)
from .errors import CorruptDataError, SchemaError
from .models import utcnow
from .tinydb.legacy_backup import MANIFEST as LEGACY_MANIFEST
from .tinydb.legacy_backup import read_legacy
from .validation import problem

__all__ = [
    "FORMAT",
    "MANIFEST",
    "VERSION",
    "Checker",
    "Digest",
    "canonical_line",
    "canonical_lines",
    "member",
    "read_snapshot",
    "write_snapshot",
]

FORMAT = "voicebox-snapshot"
VERSION = 1
MANIFEST = "manifest.json"

# No record comes near this (a form post is at most a few hundred KiB); a longer line is not
# one of ours, and reading it whole could exhaust the memory.
MAX_LINE = 16 * 1024 * 1024
_BATCH = 2000

# What reading a damaged or foreign zip can raise: a missing member is a KeyError, a damaged
# deflate stream a zlib.error, a truncated one an EOFError, an encrypted one a RuntimeError.
_UNREADABLE = (
    OSError, KeyError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error,
)  # fmt: skip


def member(collection: str) -> str:
    """The name of a collection's member in a snapshot."""
    return f"{collection}.jsonl"


def canonical_line(record_id: int | None, doc: Doc) -> bytes:
    """One record as a line of a snapshot, the same bytes from any backend."""
    return orjson.dumps({"id": record_id, "doc": doc}, option=orjson.OPT_SORT_KEYS) + b"\n"


class Digest:
    """How many records, and the SHA-256 of their canonical lines in canonical order."""

    def __init__(self) -> None:
        self.records = 0
        self._sha = hashlib.sha256()

    def add(self, line: bytes) -> None:
        self.records += 1
        self._sha.update(line)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def summary(self) -> dict[str, Any]:
        return {"records": self.records, "sha256": self.sha256}


class Checker:
    """What every record of one collection must be, wherever it comes from: a record of its
    model, with an id (none in a NATURAL_KEYS collection), in canonical order, and no key
    that must be unique seen twice. `check` raises ValueError saying what is wrong. Without
    `models`, records are not decoded (reading back what was just checked on its way in)."""

    def __init__(self, collection: str, models: bool = True) -> None:
        self.collection = collection
        self.model = COLLECTIONS[collection] if models else None
        self.natural = NATURAL_KEYS.get(collection)
        self.unique = UNIQUE_FIELDS.get(collection)
        self._last: Any = None
        self._seen: set[Any] = set()

    def check(self, record_id: Any, doc: Any) -> None:
        name = f"{self.collection} record {record_id}"
        found = problem(self.model, doc) if self.model else None
        if found is not None:
            raise ValueError(f"{name} {found}")
        if self.natural is not None:
            if record_id is not None:
                raise ValueError(f"{name}: a {self.collection} record carries no id")
            order: Any = tuple(doc[f] for f in self.natural)
            name = f"{self.collection} record {order}"
        elif type(record_id) is not int or record_id < 1:
            raise ValueError(f"{name}: an id is a whole number from 1 up")
        else:
            order = record_id
        if self._last is not None and not self._last < order:
            raise ValueError(f"{name} is out of order or repeated")
        self._last = order
        value = doc.get(self.unique) if self.unique else None
        if value is not None and value != "":  # "": the record has none
            if not isinstance(value, str):
                raise ValueError(f"{name}: its {self.unique} is not text")
            if value in self._seen:
                raise ValueError(f"{name}: another record has the same {self.unique}")
            self._seen.add(value)


def write_snapshot(store: Store, target: Path, progress: Progress = no_progress) -> int:
    """Write a snapshot of `store`, one consistent moment of it, to `target`; return how many
    records it holds. The zip is written as `target.partial` and renamed when complete, so
    nothing half-written looks like a snapshot; a record that could not be restored (it does
    not fit its model) stops the backup, naming it, rather than make a backup that fails
    when it is needed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        # Private from the first byte, as the data is: it holds every email address.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with open(fd, "wb") as raw:
            total = _write(store, raw, progress)
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(target)
        fsync_folder(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return total


def _write(store: Store, raw: IO[bytes], progress: Progress) -> int:
    collections: dict[str, Any] = {}
    with store.exporting() as export, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, name in enumerate(COLLECTIONS, start=1):
            digest = Digest()
            with archive.open(member(name), "w", force_zip64=True) as out:
                for line in canonical_lines(store.location, name, export(name)):
                    out.write(line)
                    digest.add(line)
            collections[name] = digest.summary()
            progress(done, len(COLLECTIONS))
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "record_schema": RECORD_SCHEMA,
            "created_at": utcnow().isoformat(),
            "collections": collections,
        }
        archive.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return sum(c["records"] for c in collections.values())


def canonical_lines(
    where: str | Path, collection: str, batches: Iterable[Batch], models: bool = True
) -> Iterator[bytes]:
    """The canonical lines of `batches`, each record checked (see `Checker`); a record that
    fails raises CorruptDataError naming `where` and the record."""
    checker = Checker(collection, models)
    for batch in batches:
        for record_id, doc in batch:
            try:
                checker.check(record_id, doc)
            except ValueError as exc:
                raise CorruptDataError(where, str(exc)) from exc
            yield canonical_line(record_id, doc)


def read_snapshot(store: Store, source: Path, progress: Progress = no_progress) -> int:
    """Replace every record of `store` with the snapshot `source` (of either backend, or an
    older Voicebox backup); return how many records it held. Nothing is replaced unless the
    whole snapshot is sound."""
    try:
        archive = zipfile.ZipFile(source)
    except _UNREADABLE as exc:
        raise CorruptDataError(source, f"not a readable Voicebox snapshot ({exc})") from exc
    with archive:
        names = archive.namelist()
        if len(set(names)) != len(names):
            raise CorruptDataError(source, "refused: a member appears twice in it")
        if MANIFEST not in names and LEGACY_MANIFEST in names:
            return _restore_legacy(store, source, archive, progress)
        expected = _read_manifest(source, archive, names)
        total = sum(summary["records"] for summary in expected.values())
        counted = _Counter(progress, 2 * total)
        for name, summary in expected.items():
            for _ in _read_member(source, archive, name, summary, counted):
                pass
        return store.replace(
            lambda name: _batched(_read_member(source, archive, name, expected.get(name), counted))
        )


def _read_manifest(
    source: Path, archive: zipfile.ZipFile, names: list[str]
) -> dict[str, dict[str, Any]]:
    """The manifest's collections, once the manifest and the member names are checked."""
    if MANIFEST not in names:
        raise CorruptDataError(source, f"not a Voicebox snapshot (it has no {MANIFEST})")
    try:
        manifest = orjson.loads(_read_bytes(source, archive, MANIFEST))
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(source, f"its {MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CorruptDataError(source, f"not a Voicebox snapshot ({MANIFEST} says otherwise)")
    if manifest.get("version") != VERSION or manifest.get("record_schema") != RECORD_SCHEMA:
        raise SchemaError(
            f"{source}: a snapshot of format {manifest.get('version')} with records of schema "
            f"{manifest.get('record_schema')}; this Voicebox restores format {VERSION} with "
            f"schema {RECORD_SCHEMA}"
        )
    collections = manifest.get("collections")
    if not isinstance(collections, dict):
        raise CorruptDataError(source, f"its {MANIFEST} lists no collections")
    for name, summary in collections.items():
        if name not in COLLECTIONS:
            raise CorruptDataError(source, f"refused: it holds {name!r}, not a collection here")
        if not (
            isinstance(summary, dict)
            and type(summary.get("records")) is int
            and isinstance(summary.get("sha256"), str)
        ):
            raise CorruptDataError(source, f"its {MANIFEST} does not describe {name!r}")
    allowed = {MANIFEST, *(member(name) for name in collections)}
    for name in names:
        if name not in allowed:
            raise CorruptDataError(source, f"refused: {name!r} is not a member of a snapshot")
    for name in collections:
        if member(name) not in names:
            raise CorruptDataError(source, f"{member(name)} is missing from it")
    return collections


def _read_member(
    source: Path,
    archive: zipfile.ZipFile,
    name: str,
    summary: dict[str, Any] | None,
    counted: _Counter,
) -> Iterator[Entry]:
    """The checked entries of one collection's member (none when the snapshot lacks the
    collection: it was taken before the collection existed). The checksum and count are
    compared once the member is read: a caller stores nothing before the end."""
    if summary is None:
        return
    checker = Checker(name)
    digest = Digest()
    where = f"{source}: {member(name)}"
    try:
        with archive.open(member(name)) as lines:
            while line := lines.readline(MAX_LINE + 1):
                record_id, doc = _parse_line(where, digest.records + 1, line)
                try:
                    checker.check(record_id, doc)
                except ValueError as exc:
                    raise CorruptDataError(where, str(exc)) from exc
                digest.add(line)
                counted.advance()
                yield record_id, doc
    except _UNREADABLE as exc:
        raise CorruptDataError(source, f"{member(name)} cannot be read ({exc})") from exc
    if digest.records != summary["records"]:
        raise CorruptDataError(
            where, f"holds {digest.records} records, its manifest says {summary['records']}"
        )
    if digest.sha256 != summary["sha256"]:
        raise CorruptDataError(where, "does not match its checksum")


def _parse_line(where: str, number: int, line: bytes) -> Entry:
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise CorruptDataError(where, f"line {number} is not a whole record line")
    try:
        parsed = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(where, f"line {number} is not valid JSON ({exc})") from exc
    if not isinstance(parsed, dict) or parsed.keys() != {"id", "doc"}:
        raise CorruptDataError(where, f"line {number} is not an id and a document")
    record_id, doc = parsed["id"], parsed["doc"]
    if not isinstance(doc, dict) or canonical_line(record_id, doc) != line:
        raise CorruptDataError(where, f"line {number} is not in the canonical encoding")
    return record_id, doc


def _restore_legacy(
    store: Store, source: Path, archive: zipfile.ZipFile, progress: Progress
) -> int:
    """Restore a backup of the format before snapshots (see tinydb/legacy_backup.py)."""
    try:
        found = read_legacy(source, archive)
    except _UNREADABLE as exc:
        raise CorruptDataError(source, f"not a readable Voicebox backup ({exc})") from exc
    counted = _Counter(progress, 2 * sum(map(len, found.values())))
    for name, entries in found.items():
        model = COLLECTIONS[name]
        for record_id, doc in entries:  # every record fits its model before any is sorted
            reason = problem(model, doc)
            if reason is not None:
                raise CorruptDataError(source, f"{name} record {record_id} {reason}")
        fields = NATURAL_KEYS.get(name)
        if fields is None:
            entries.sort(key=lambda entry: entry[0])  # type: ignore[arg-type,return-value]
        else:
            entries.sort(key=lambda entry: [entry[1][f] for f in fields])
        for _ in canonical_lines(source, name, [entries]):
            counted.advance()
    return store.replace(lambda name: _batched(counted.through(found[name])))


def _batched(entries: Iterable[Entry]) -> Iterator[Batch]:
    batch: Batch = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_bytes(source: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as fh:
            raw = fh.read(MAX_LINE + 1)
    except _UNREADABLE as exc:
        raise CorruptDataError(source, f"{name} cannot be read ({exc})") from exc
    if len(raw) > MAX_LINE:
        raise CorruptDataError(source, f"{name} is far too large for a manifest")
    return raw


class _Counter:
    """Calls `progress(done, total)` every few hundred records, and at the end."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        if total == 0:
            progress(0, 0)

    def advance(self) -> None:
        self.done += 1
        if self.done % 500 == 0 or self.done == self.total:
            self.progress(self.done, self.total)

    def through(self, entries: Iterable[Entry]) -> Iterator[Entry]:
        for entry in entries:
            self.advance()
            yield entry
