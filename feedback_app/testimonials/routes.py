"""The testimonials pages."""

from __future__ import annotations

from flask import Blueprint

__all__ = ["bp"]

bp = Blueprint("testimonials", __name__)
