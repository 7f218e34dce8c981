"""Write generated files, touching only those whose content changed."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["WriteSummary", "write_files"]


@dataclass
class WriteSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def write_files(files: Mapping[str, str | bytes], folder: Path) -> WriteSummary:
    """Make `folder` hold exactly `files` (text, or bytes such as photos): write new and
    changed ones, delete the rest."""
    summary = WriteSummary()
    folder.mkdir(parents=True, exist_ok=True)
    for name in sorted(files):
        path = folder / name
        given = files[name]
        content = given.encode() if isinstance(given, str) else given
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = None
        if old == content:
            summary.unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        # A plain write: the publish lock keeps other publishers out, and a file cut short by a
        # crash is simply written again by the next publish, which compares contents.
        path.write_bytes(content)
        (summary.added if old is None else summary.changed).append(name)
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in files:
            path.unlink()
            summary.removed.append(name)
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()  # only empty folders go
    return summary
