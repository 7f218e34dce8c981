"""The sales pages."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("sales", __name__)
