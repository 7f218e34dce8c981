"""The front page: what customers have said, and where to join in."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..data import get_store
from ..store import BoardQuery

__all__ = ["bp"]

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    store = get_store()
    top = store.ideas.list(BoardQuery(sort="trending", per_page=5))
    figures = {
        "ideas": store.ideas.count(),
        "votes": store.votes.count(),
        "comments": store.comments.count(),
    }
    mine = store.votes.ideas_voted_by(current_user.id) if current_user.is_authenticated else {}
    return render_template("main/index.html", top=top, figures=figures, my_votes=mine)


@bp.get("/healthz")
def health() -> tuple[dict[str, object], int]:
    """For load balancers: 200 when the data can be reached (for the TinyDB folder: every
    changed file reads and matches its models; for PostgreSQL: the database answers), else
    503 naming nothing (the log says why). It says nothing about how or where the data is
    stored."""
    get_store().ping()
    return {"ok": True}, 200
