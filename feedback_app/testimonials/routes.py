"""The testimonial pages. (Scaffolding: the form's endpoint exists from the start, for the
invitation links; its page is built in this package.)"""

from __future__ import annotations

from flask import Blueprint, abort

__all__ = ["bp"]

bp = Blueprint("testimonials", __name__)


@bp.get("/testimonials/new")
def new() -> str:
    abort(404)
