"""The console's idea queue (`queue`) and its saved responses (`replies`), one blueprint."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("admin_ideas", __name__, url_prefix="/admin/ideas")

from . import queue, replies  # noqa: E402, F401  (their views register on bp)
