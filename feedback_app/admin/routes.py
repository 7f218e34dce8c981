"""The console's front page: what needs someone now, then how customers are doing (charts)."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from ..auth.current import staff_required
from ..data import get_store
from ..store import utcnow
from . import stats
from .charts import CHARTS, format_cell, render_svg

__all__ = ["CHART_CSP", "bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin")

# A chart is a picture with its own <style> and nothing else: no script, nothing fetched.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@bp.get("/")
@staff_required
def index() -> str:
    store = get_store()
    now = utcnow()
    return render_template(
        "admin/index.html", needs=stats.attention(store, now),
        charts=[(name, build(store, now)) for name, build in CHARTS.items()],
        cell=format_cell,
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

