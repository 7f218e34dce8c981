"""/admin/publishing: publish the site now, how the last publish went, and what the next one
would add, change and remove."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from generator.preview import preview
from generator.publish import last_publish

from ..auth.current import staff_required
from ..branding import brand
from ..data import get_store
from ..forms import ActionForm
from ..publishing import publish_now, publish_under_way

__all__ = ["bp"]

bp = Blueprint("admin_publishing", __name__, url_prefix="/admin/publishing")


@bp.get("")
@staff_required
def index() -> str:
    store = get_store()
    c = current_app.config
    upcoming = preview(store, Path(c["SITE_PROJECT"]), c["BASE_URL"], c["SITE_URL"], c["LOCALE"],
                       brand())  # fmt: skip
    return render_template(
        "admin/publishing.html", last=last_publish(store), upcoming=upcoming,
        busy=publish_under_way(store), form=ActionForm(), site_url=c["SITE_URL"],
    )  # fmt: skip


@bp.post("/publish")
@staff_required
def publish() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    publish_now(get_store(), current_user.user)
    flash(_("Publishing has started."), "success")
    return redirect(url_for("admin_publishing.index"))
