"""The layout of a shard file: the whole data as one JSON line, then a journal of changes.

Rewriting a shard's whole file for one vote costs a temporary file, serialising every record,
two fsyncs and a rename, and every other process then re-parses the whole file. Appending one
line to the file and fsyncing it costs one flush, and other processes read only the new line.
So a small write is appended, and the file is rewritten whole (compacted) once its journal
has grown. A rewrite replaces the file, journal and all, in one `os.replace`: the lines after
the first always belong to the data on the first.

    {"votes": {"1": {...}, "2": {...}}}                   the data, as TinyDB stores it
    ["votes", {"3": {"idea_id": 7, ...}}]                 a change: record 3 is new
    ["votes", {"1": null}]                                a change: record 1 was removed

A file of one JSON document with no newline (written before journals existed, or by hand)
is data without a journal: its first small write rewrites it in this layout.

A last line without its newline was cut short by a crash before its fsync returned, so it was
never acknowledged: readers ignore it, and the next writer cuts it off. A complete line that
does not parse is damage: it is reported, and nothing is written to the file until it is
repaired.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ..errors import CorruptDataError

__all__ = ["Entry", "Tables", "encode", "parse_data", "parse_entries", "parse_tables"]

Tables = dict[str, dict[str, Any]]
Entry = tuple[str, dict[str, Any]]  # table, {doc_id: record, or None when removed}


def encode(table: str, changes: dict[str, Any]) -> bytes:
    """One journal line."""
    return orjson.dumps([table, changes]) + b"\n"


def parse_data(path: Path, raw: bytes) -> tuple[Tables, int, bool]:
    """Split a shard file into its data, where its journal starts, and whether it has the
    journal layout at all (False: a plain JSON file, rewritten before anything is appended).
    """
    first = raw.find(b"\n")
    if first >= 0:
        try:
            data = orjson.loads(raw[:first])
        except orjson.JSONDecodeError:
            data = None  # perhaps JSON laid out over several lines: read it whole below
        if isinstance(data, dict):
            return _tables(path, data), first + 1, True
    return parse_tables(path, raw), len(raw), False


def parse_entries(path: Path, raw: bytes, offset: int) -> list[Entry]:
    """The journal lines in `raw` (whole lines, read from byte `offset` of the file)."""
    if not raw:
        return []
    try:  # every line in one parse call, rather than one call per line
        entries = orjson.loads(b"[" + raw[:-1].replace(b"\n", b",") + b"]")
    except orjson.JSONDecodeError:
        entries = None
    if entries is None or len(entries) != raw.count(b"\n") or not all(map(_is_entry, entries)):
        _report(path, raw, offset)
    return [(table, changes) for table, changes in entries]  # type: ignore[union-attr]


def parse_tables(path: Path, raw: bytes) -> Tables:
    """A whole JSON file of tables of records (a backup's member, a plain shard file)."""
    if not raw.strip():
        raise CorruptDataError(path, "the file is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDataError(path, f"not valid JSON ({exc})") from exc
    return _tables(path, data)


def _tables(path: Path, data: Any) -> Tables:
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise CorruptDataError(path, "not a Voicebox data file (expected tables of records)")
    return data


def _report(path: Path, raw: bytes, offset: int) -> None:
    """Raise CorruptDataError naming the first line that is not a change."""
    for line in raw.splitlines(keepends=True):
        try:
            ok = _is_entry(orjson.loads(line))
        except orjson.JSONDecodeError:
            ok = False
        if not ok:
            raise CorruptDataError(path, f"the change at byte {offset} is damaged")
        offset += len(line)
    raise CorruptDataError(path, f"the changes after byte {offset} are damaged")


def _is_entry(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
        and all(doc is None or isinstance(doc, dict) for doc in value[1].values())
    )
