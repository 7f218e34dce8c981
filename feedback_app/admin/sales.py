"""/admin/sales (staff): import sales from a CSV file, make a personal survey link by hand,
and see (and cancel) the follow-up emails scheduled for each person.

The import page is the one console form that carries a file (see body.accept_upload).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)  # fmt: skip
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.current import staff_required
from ..auth.service import safe_next
from ..body import accept_upload
from ..data import get_store
from ..forms import ActionForm
from ..sales import console
from ..store import NotFound, User, utcnow
from .forms import CSV_MAX_BYTES, ImportForm, LinkForm

__all__ = ["IMPORT_PATH", "bp"]

bp = Blueprint("admin_sales", __name__, url_prefix="/admin/sales")
IMPORT_PATH = "/admin/sales/import"
PER_PAGE = 50


def _import_limit(settings: Mapping[str, Any]) -> int:
    """The largest file plus an ordinary form: a file somewhat too large is still read, so
    the page can say how large a file it takes."""
    return 2 * CSV_MAX_BYTES + int(settings["MAX_CONTENT_LENGTH"])


accept_upload(IMPORT_PATH, _import_limit)


@bp.get("/")
@staff_required
def index() -> str:
    page = _page_number(request.args.get("page", ""))
    email = request.args.get("email", "").strip()[:254]
    rows, total = console.scheduled(get_store(), page, PER_PAGE, email)
    return render_template(
        "admin/sales/index.html", rows=rows, total=total, page=page, email=email,
        pages=max(1, -(-total // PER_PAGE)), action=ActionForm(), import_form=ImportForm(),
        link_form=LinkForm(),
    )  # fmt: skip


def _page_number(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 and int(raw) else 1


@bp.route("/import", methods=["GET", "POST"])
@staff_required
def import_sales() -> str | Response | tuple[str, int]:
    form = ImportForm()
    if request.method == "GET":
        return render_template("admin/sales/import.html", form=form)
    if not form.validate_on_submit():
        return render_template("admin/sales/import.html", form=form), 400
    report = console.import_file(get_store(), _me(), form.data_read, current_app.config, utcnow())
    if report.rejected and not (report.created or report.existing):
        return render_template("admin/sales/import.html", form=form, report=report), 422
    flash(_imported(report.created, report.existing, report.jobs), "success")
    if report.rejected:
        return render_template("admin/sales/import.html", form=form, report=report), 409
    return redirect(url_for("admin_sales.index"))


def _imported(created: int, existing: int, jobs: int) -> str:
    """What an import stored, one sentence per figure, each with its number's plural form."""
    said = [ngettext("%(num)d new sale imported.", "%(num)d new sales imported.", created)]
    if existing:
        said.append(ngettext("%(num)d was already recorded.", "%(num)d were already recorded.",
                             existing))  # fmt: skip
    said.append(ngettext("%(num)d follow-up email scheduled.",
                         "%(num)d follow-up emails scheduled.", jobs))
    return " ".join(said)


@bp.route("/link", methods=["GET", "POST"])
@staff_required
def link() -> str | tuple[str, int]:
    form = LinkForm()
    if request.method == "GET":
        return render_template("admin/sales/link.html", form=form)
    if not form.validate_on_submit():
        return render_template("admin/sales/link.html", form=form), 400
    try:
        made = console.make_personal_link(
            get_store(), _me(), form.email.data, form.order_ref.data, form.send.data,
            current_app.config, utcnow(),
        )  # fmt: skip
    except console.ConsoleError as exc:
        form[exc.field].errors.append(str(exc))
        return render_template("admin/sales/link.html", form=form), 422
    return render_template("admin/sales/link.html", form=form, made=made)


@bp.post("/jobs/<int:job_id>/cancel")
@staff_required
def cancel(job_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        console.cancel_job(get_store(), _me(), job_id)
    except NotFound:
        abort(404)
    except console.ConsoleError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Cancelled: that email will not be sent."), "success")
    return redirect(safe_next(request.form.get("back")) or url_for("admin_sales.index"))


def _me() -> User:
    return current_user.user  # type: ignore[no-any-return]
