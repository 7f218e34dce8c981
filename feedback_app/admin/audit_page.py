"""/admin/audit: the audit log, newest first, filtered by person, action, kind of record and
days; each entry's changes as "field: old → new" and a link to the record when it has a page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields import DateField
from wtforms.validators import Optional, ValidationError

from ..audit_query import AuditFilter, read_log, readable_changes
from ..auth.current import staff_required
from ..data import get_store
from ..forms import VoiceboxForm
from ..sales.intake import business_zone
from ..store.models import AuditEntry

__all__ = ["bp"]

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50
# The page of each kind of record an entry can name: (endpoint, its id argument).
RECORD_PAGES = {
    "idea": ("ideas.show", "idea_id"),
    "testimonial": ("testimonials.detail", "testimonial_id"),
    "followup": ("followups.show", "followup_id"),
}


class DayField(DateField):
    """A day typed as YYYY-MM-DD; anything else is refused with an example, never a 500."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Write the day as YYYY-MM-DD, for example 2026-03-31.")) from exc


class AuditFilterForm(VoiceboxForm):
    class Meta:
        csrf = False  # a GET form that changes nothing: its address can be shared

    person = SelectField(_l("Person"), choices=[], validate_choice=False)
    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind of record"), choices=[], validate_choice=False)
    since = DayField(_l("From (day)"), validators=[Optional()])
    until = DayField(_l("To (day)"), validators=[Optional()])

    def validate_until(self, field: DayField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The last day cannot come before the first one."))


@bp.get("")
@staff_required
def index() -> tuple[str, int]:
    form = AuditFilterForm(request.args)
    valid = form.validate()
    wanted = AuditFilter(
        actor=form.person.data or "", action=form.action.data or "", kind=form.kind.data or "",
        since=None if form.since.errors else form.since.data,
        until=None if form.until.errors else form.until.data,
    )  # fmt: skip
    page = request.args.get("page", 1, type=int)
    zone = business_zone(current_app.config)
    log = read_log(get_store(), wanted, zone, page, PER_PAGE)
    anything = [("", _l("Anyone or anything"))]
    form.person.choices = anything + [(a, a) for a in log.actors]
    form.action.choices = anything + [(a, a) for a in log.actions]
    form.kind.choices = anything + [(k, k) for k in log.kinds]
    asked = {k: v for k, v in request.args.items() if k != "page" and v}
    page_html = render_template(
        "admin/audit.html", form=form, log=log, asked=asked, changes=readable_changes,
        record_url=_record_url,
    )  # fmt: skip
    return page_html, 200 if valid else 400


def _record_url(entry: AuditEntry) -> str:
    """The page of the record an entry names ("" when it has none, or none in this app)."""
    endpoint, argument = RECORD_PAGES.get(entry.target_kind, ("", ""))
    if not endpoint or entry.target_id is None or endpoint not in current_app.view_functions:
        return ""
    return url_for(endpoint, **{argument: entry.target_id})
