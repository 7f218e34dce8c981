"""/admin/audit: the audit log, newest first, filtered by person, action, kind of record and
days; each entry in words (audit_labels.py): who by name, what they did, the record by its
title (linked when it has a page), and each change as "Field: old → new"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields import DateField
from wtforms.validators import Optional, ValidationError

from ..audit_labels import action_label, kind_label
from ..audit_query import AuditFilter, Names, Shown, read_log, readable_changes, readable_summary
from ..auth.current import staff_required
from ..data import get_store
from ..forms import VoiceboxForm
from ..sales.intake import business_zone

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
    names = Names(get_store())
    form.person.choices = [("", _l("Anyone")), *((a, _person(names, a)) for a in log.actors)]
    form.action.choices = [("", _l("Any action")), *_by_label(log.actions, action_label)]
    form.kind.choices = [("", _l("Any kind")), *_by_label(log.kinds, kind_label)]
    asked = {k: v for k, v in request.args.items() if k != "page" and v}
    page_html = render_template(
        "admin/audit.html", form=form, log=log, asked=asked, names=names,
        changes=lambda entry: readable_changes(entry, names), action_label=action_label,
        kind_label=kind_label, record_url=_record_url, shown_text=_shown_text,
        summary=readable_summary,
    )  # fmt: skip
    return page_html, 200 if valid else 400


def _by_label(values: list[str], label: Any) -> list[tuple[str, str]]:
    return sorted(((v, label(v)) for v in values), key=lambda pair: pair[1].casefold())


def _person(names: Names, email: str) -> str:
    """A person in the filter: by name, with the address that tells two Martas apart."""
    user = names.store.users.find_by_email(email)
    return f"{user.display_name} ({email})" if user is not None else email


def _shown_text(value: Shown) -> str:
    """A value's words; a moment as a full date and time in the reader's zone."""
    return format_datetime(value.moment, "medium") if value.moment else value.text


def _record_url(kind: str, record_id: int | None) -> str:
    """The page of a record ("" when it has none, or none in this app)."""
    endpoint, argument = RECORD_PAGES.get(kind, ("", ""))
    if not endpoint or record_id is None or endpoint not in current_app.view_functions:
        return ""
    return url_for(endpoint, **{argument: record_id})
