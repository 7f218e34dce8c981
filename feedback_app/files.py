"""Replacing a whole file atomically and durably: the one way Voicebox writes a file in place.

A reader, or a crash, must see either the old content or the new, never half of it: write a
temporary file beside the target, fsync it, `os.replace` it over the target, fsync the folder.
The store's TinyDB backend writes its data files this way, and so does the file mail
transport (`.eml` files, which are not store data); this module belongs to neither, so the
mailer needs nothing from the store's internals and works the same whatever the backend.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

__all__ = [
    "FILE_MODE",
    "TEMP_PREFIX",
    "fsync_folder",
    "replace_file",
    "stage_file",
    "write_bytes_atomically",
]

log = logging.getLogger(__name__)

FILE_MODE = 0o600
TEMP_PREFIX = ".tmp-"


def write_bytes_atomically(path: Path, payload: bytes) -> None:
    """Replace `path` with `payload`, atomically and durably; raise OSError if the disk
    refuses (a full disk), leaving `path` as it was and no temporary file behind."""
    os.close(replace_file(path, payload))


def replace_file(path: Path, payload: bytes, durable: bool = True) -> int:
    """Replace `path` with `payload` atomically; return an open descriptor on the new file.

    Without `durable` the fsyncs are skipped: a crash may lose the write, never the file.
    The folder is created if missing; the file gets mode 0600 (data is private).
    """
    fd, tmp = stage_file(path, payload, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        try:
            fsync_folder(path.parent)
        except OSError as exc:  # the new file is in place: saved, only not yet surely durable
            log.warning("%s was replaced, but its folder could not be synced: %s", path, exc)
    return fd


def stage_file(path: Path, payload: bytes, durable: bool = True) -> tuple[int, Path]:
    """Write `payload` to a new temporary file beside `path` (mode 0600, fsynced unless not
    `durable`); return its open descriptor and its name, for the caller to rename over
    `path`. Replacing several files at once stages them all first, so a full disk stops
    the work before any file is replaced. Raise OSError, leaving no temporary file behind."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX + path.name + ".")
    try:
        os.fchmod(fd, FILE_MODE)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return fd, Path(tmp)


def fsync_folder(folder: Path) -> None:
    """Make a rename (or a removal) in `folder` durable."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
