"""The survey pages. (Scaffolding: the endpoints the follow-up emails link to exist from the
start; their pages are built in this package.)"""

from __future__ import annotations

from flask import Blueprint, abort

__all__ = ["bp"]

bp = Blueprint("surveys", __name__)


@bp.get("/survey/<token>")
def personal(token: str) -> str:
    abort(404)


@bp.get("/arrival/<token>")
def arrival(token: str) -> str:
    abort(404)


@bp.get("/lost/<token>")
def lost(token: str) -> str:
    abort(404)
