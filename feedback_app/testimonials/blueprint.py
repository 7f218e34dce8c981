"""The testimonials blueprint, and the one form of the app that may carry a file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint

from ..body import accept_upload

__all__ = ["NEW_PATH", "bp"]

bp = Blueprint("testimonials", __name__)
NEW_PATH = "/testimonials/new"


def _form_with_photo(settings: Mapping[str, Any]) -> int:
    """Twice the largest photo plus an ordinary form: a photo somewhat too large is still read,
    so the form can come back with the person's words and a message about the photo."""
    return 2 * int(settings["PHOTO_MAX_MB"]) * 1024 * 1024 + int(settings["MAX_CONTENT_LENGTH"])


accept_upload(NEW_PATH, _form_with_photo)
