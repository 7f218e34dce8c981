"""Errors the store raises; callers catch these, never TinyDB's or the OS's."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "Conflict",
    "CorruptDataError",
    "IdeaClosed",
    "LockTimeout",
    "NotFound",
    "SchemaError",
    "StoreError",
    "Unavailable",
    "UnsupportedBackend",
    "WriteError",
]


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class CorruptDataError(StoreError):
    """A data file cannot be read. The store never writes over such a file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SchemaError(StoreError):
    """The data folder was written by a newer Voicebox, or its metadata is unusable."""


class NotFound(StoreError):
    """The record asked for does not exist."""


class Conflict(StoreError):
    """The change is not allowed in the record's current state."""


class IdeaClosed(Conflict):
    """The idea takes no more votes: it was merged into another or archived, maybe while the
    vote waited for its turn. Nothing was changed."""

    def __init__(self, idea_id: int) -> None:
        super().__init__(f"idea {idea_id} is closed: it takes no more votes")
        self.idea_id = idea_id


class WriteError(StoreError):
    """A change could not be written (disk full, read-only disk, ...). The file on disk is
    still the old, complete one and the change was not made: nothing was lost, and the same
    change can simply be tried again once the disk has room."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: could not save ({reason}); nothing was lost")
        self.path = path
        self.reason = reason


class LockTimeout(StoreError):
    """A named lock (`store.lock`) was still held by someone else when the wait ran out."""

    def __init__(self, name: str, timeout: float) -> None:
        super().__init__(
            f"the {name!r} lock is still held by another process after {timeout:g} s; "
            "try again once it has finished"
        )
        self.name = name
        self.timeout = timeout


class UnsupportedBackend(StoreError):
    """The settings ask for a store this Voicebox cannot open (see `open_store`)."""


class Unavailable(StoreError):
    """The database server cannot be reached, or failed mid-request. Nothing half-done was
    kept: the transaction was rolled back, and the same request can be tried again."""
