"""Ids of the copies of a form: the same copy sent twice (a double click, a reload) makes one
record, because the record is kept once per id (`Records.add_once`)."""

from __future__ import annotations

import re
import secrets

__all__ = ["form_id", "new_form_id"]

_OURS = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_form_id() -> str:
    """The id of a copy of a form about to be shown."""
    return secrets.token_urlsafe(16)


def form_id(sent: str) -> str:
    """`sent` when it is an id we made; otherwise a fresh one, so that a short or hand-made
    value, which two people could send alike, never joins their records."""
    return sent if _OURS.fullmatch(sent) else new_form_id()
