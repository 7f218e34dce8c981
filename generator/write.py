"""Write generated files, touching only those whose content changed."""

from __future__ import annotations

import contextlib
import os
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
    on_disk = _files_in(folder)
    for name in sorted(files):
        if name not in on_disk:
            summary.added.append(name)
        elif (folder / name).read_bytes() == _bytes(files[name]):
            summary.unchanged += 1
        else:
            summary.changed.append(name)
    summary.removed = sorted(on_disk - files.keys())
    return summary


def _files_in(folder: Path) -> set[str]:
    """Every file under `folder`, by its path there ("a/b.md"). One walk of the folder: a
    site has thousands of files, and a publish that changed one must not spend its time here.
    """
    found: set[str] = set()
    for root, _dirs, names in os.walk(folder):
        relative = os.path.relpath(root, folder)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return found


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
    if summary.removed:  # only a removal can leave a folder empty
        for root, _dirs, _names in os.walk(folder, topdown=False):
            if root != str(folder):
                with contextlib.suppress(OSError):
                    os.rmdir(root)  # only empty folders go
    return summary


def _bytes(given: str | bytes) -> bytes:
    return given.encode() if isinstance(given, str) else given
