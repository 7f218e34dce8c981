"""Small named status records (the last publish, say): the TinyDB folder's implementation.

A status record is one JSON object stored under a short name, replaced whole and atomically,
so a reader sees the old record or the new one. Records are advisory, not data: they are not
in backups, `check()` does not look at them, and one that cannot be read counts as absent
(the next `put` replaces it), so a damaged status never stops the app or the console.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ..models import without_nul
from ..validation import check_name
from .storage import write_bytes_atomically

__all__ = ["FolderStatus"]

class FolderStatus:
    """Status records as `<data>/status/<name>.json`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, name: str) -> dict[str, Any] | None:
        """The record stored under `name`, or None if there is none (or it cannot be read)."""
        try:
            value = orjson.loads((self.folder / f"{check_name(name)}.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, name: str, value: dict[str, Any]) -> None:
        """Store `value` (a JSON object) under `name`, replacing the previous record whole."""
        if not isinstance(value, dict):
            raise TypeError(f"a status record is a dict, not {type(value).__name__}")
        path = self.folder / f"{check_name(name)}.json"
        write_bytes_atomically(path, orjson.dumps(without_nul(value)))
