"""The console's front page: what needs someone now, then how customers are doing (charts);
and people's roles."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.current import role_required, staff_required
from ..data import get_store
from ..store import Role, utcnow
from . import stats
from .charts import CHARTS, format_cell, render_svg
from .forms import RoleForm

__all__ = ["CHART_CSP", "bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin")

# A chart is a picture with its own <style> and nothing else: no script, nothing fetched.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def queue_url(endpoint: str, **args: str) -> str | None:
    """The address of a console queue, or None while that queue's page is not installed."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **args)


@bp.get("/")
@staff_required
def index() -> str:
    store = get_store()
    now = utcnow()
    return render_template(
        "admin/index.html", needs=stats.attention(store, now),
        charts=[(name, build(store, now)) for name, build in CHARTS.items()],
        queue_url=queue_url, cell=format_cell,
    )  # fmt: skip


@staff_required
def chart(name: str) -> Response:
    """One chart as an SVG picture (`url_for("admin.chart", name=...)`)."""
    svg = render_svg(CHARTS[name](get_store(), utcnow()))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP
    response.headers["Cache-Control"] = "private, no-cache"
    return response


for _name in CHARTS:  # one fixed address per chart: no name to guess or to check
    bp.add_url_rule(f"/charts/{_name}.svg", "chart", chart, defaults={"name": _name})


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> str:
    people = get_store().users.all()
    forms = {u.id: RoleForm(role=u.role.value, prefix=f"u{u.id}") for u in people}
    return render_template("admin/users.html", people=people, forms=forms)


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def set_role(user_id: int) -> Response:
    form = RoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash(_("Choose one of the roles listed."), "error")
        return redirect(url_for("admin.users"))
    if user_id == current_user.id and form.role.data != Role.ADMIN.value:
        flash(_("You cannot take away your own admin role; ask another admin."), "error")
        return redirect(url_for("admin.users"))
    person = get_store().users.set_role(user_id, Role(form.role.data))
    flash(_("%(email)s is now a %(role)s.", email=person.email, role=form.role.data), "success")
    return redirect(url_for("admin.users"))
