"""/admin/exports: CSV downloads of ideas, votes, comments, survey answers, testimonials,
follow-ups and the audit log, streamed as the store is read (see `feedback_app.exports`)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, stream_with_context
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import exports
from ..auth.current import staff_required
from ..data import get_store
from ..sales.intake import business_zone
from ..store import utcnow

__all__ = ["bp"]

bp = Blueprint("admin_exports", __name__, url_prefix="/admin/exports")


@bp.get("")
@staff_required
def index() -> str:
    store = get_store()
    counts = {name: getattr(store, e.collection).count() for name, e in exports.EXPORTS.items()}
    return render_template("admin/exports.html", exports=exports.EXPORTS, counts=counts)


@bp.get("/<name>.csv")
@staff_required
def download(name: str) -> Response:
    if name not in exports.EXPORTS:
        abort(404)
    chunks = exports.download(get_store(), current_user.user, name)
    day = utcnow().astimezone(business_zone(current_app.config)).date()
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(name, day)}"'
    )
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a proxy
    return response
