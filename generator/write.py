"""Write generated files, touching only those whose content changed."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["WriteSummary", "compare_files", "write_files"]


@dataclass
class WriteSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def compare_files(files: Mapping[str, str | bytes], folder: Path) -> WriteSummary:
    """What `write_files(files, folder)` would add, change and remove, without writing:
    read one file at a time, so the comparison holds one page in memory, not the site."""
    summary = WriteSummary()
    for name in sorted(files):
        try:
            old = (folder / name).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            summary.added.append(name)
            continue
        if old == _bytes(files[name]):
            summary.unchanged += 1
        else:
            summary.changed.append(name)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name not in files:
                summary.removed.append(name)
    return summary


def write_files(files: Mapping[str, str | bytes], folder: Path) -> WriteSummary:
    """Make `folder` hold exactly `files` (text, or bytes such as photos): write new and
    changed ones, delete the rest."""
    folder.mkdir(parents=True, exist_ok=True)
    summary = compare_files(files, folder)
    for name in summary.added + summary.changed:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # A plain write: the publish lock keeps other publishers out, and a file cut short by a
        # crash is simply written again by the next publish, which compares contents.
        path.write_bytes(_bytes(files[name]))
    for name in summary.removed:
        (folder / name).unlink()
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()  # only empty folders go
    return summary


def _bytes(given: str | bytes) -> bytes:
    return given.encode() if isinstance(given, str) else given
