"""The staff pages of follow-ups, under /admin/followups: the list (filtered by state and
owner, overdue ones first and marked), and one follow-up with its two forms: record a step,
give it to someone else. Both forms post to the follow-up's own address, told apart by the
button pressed (`do`), so a refused one comes back there with its text. Each action: check
the form, call one service function, flash, redirect."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields import SelectChoice

from ..auth.current import staff_required
from ..data import get_store
from ..store import FollowUp, NotFound, utcnow
from ..store.models import FollowUpState
from ..surveys.answers import customer_answers
from . import service
from .forms import STATE_FILTER_LABELS, STATE_LABELS, MoveForm, OwnerForm
from .owners import staff
from .queue import NOBODY, followups_for

__all__ = ["bp"]

bp = Blueprint("followups", __name__, url_prefix="/admin/followups")


@bp.get("")
@staff_required
def index() -> str:
    state = request.args.get("state", "active")
    state = state if state in STATE_FILTER_LABELS else "active"
    owner = request.args.get("owner", "")
    names = _staff_names()
    owner = owner if owner == NOBODY or owner in {str(i) for i in names} else ""
    return render_template(
        "followups/list.html", followups=followups_for(get_store(), state, owner, utcnow()),
        state=state, owner=owner, moment=utcnow(), names=names, labels=STATE_LABELS,
        state_filters=STATE_FILTER_LABELS, nobody=NOBODY,
    )  # fmt: skip


@bp.get("/<int:followup_id>")
@staff_required
def show(followup_id: int) -> str:
    return _render(_get(followup_id))


@bp.post("/<int:followup_id>")
@staff_required
def act(followup_id: int) -> str | Response | tuple[str, int]:
    """Record a step (`do=step`) or reassign (`do=owner`)."""
    do = request.form.get("do")
    if do == "step":
        return _step(followup_id)
    if do == "owner":
        return _owner(followup_id)
    abort(400)


def _step(followup_id: int) -> str | Response | tuple[str, int]:
    followup = _get(followup_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _render(followup, move_form=form), 400
    try:
        moved = service.move(
            followup_id, current_user.user, _seen(form.seen.data),
            FollowUpState(form.state.data), form.note.data or "", form.outcome.data or "",
            form.customer_note.data or "",
        )  # fmt: skip
    except service.FollowUpError as exc:
        form[exc.field].errors.append(str(exc))
        return _render(_get(followup_id), move_form=form), 422
    if moved.state is FollowUpState.RESOLVED and moved.done_at == moved.events[-1].at:
        flash(_("Resolved: it leaves the list of customers to call back."), "success")
    else:
        flash(_("Recorded."), "success")
    return redirect(url_for("followups.show", followup_id=followup_id))


def _owner(followup_id: int) -> str | Response | tuple[str, int]:
    followup = _get(followup_id)
    form = OwnerForm()
    form.owner.choices = _owner_choices()
    if not form.validate_on_submit():
        return _render(followup, owner_form=form), 400
    try:
        changed = service.reassign(
            followup_id, current_user.user, _seen(form.seen.data), int(form.owner.data)
        )
    except service.FollowUpError as exc:
        form[exc.field].errors.append(str(exc))
        return _render(_get(followup_id), owner_form=form), 422
    flash(_("Now with %(name)s, who gets an email.", name=_staff_names()[changed.owner_id or 0]),
          "success")  # fmt: skip
    return redirect(url_for("followups.show", followup_id=followup_id))


def _get(followup_id: int) -> FollowUp:
    try:
        return get_store().followups.get(followup_id)
    except NotFound:
        abort(404)


def _seen(raw: str | None) -> int:
    """The number of steps the form was made from; -1 (no match) for anything else, "³" and
    other digits `int` does not read included."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


def _render(followup: FollowUp, **forms: object) -> str:
    store = get_store()
    seen = str(len(followup.events))
    move_form = forms.get("move_form") or MoveForm(state=followup.state.value, seen=seen)
    owner_form = forms.get("owner_form") or OwnerForm(owner="", seen=seen)
    owner_form.owner.choices = _owner_choices(but=followup.owner_id)  # type: ignore[attr-defined]
    move_form.seen.data = seen  # type: ignore[attr-defined]
    owner_form.seen.data = seen  # type: ignore[attr-defined]
    return render_template(
        "followups/detail.html", followup=followup, names=_staff_names(),
        answers=customer_answers(store, followup.email, followup.survey_id),
        move_form=move_form, owner_form=owner_form, labels=STATE_LABELS, moment=utcnow(),
        language=_language_name(followup.language),
        may_email=service.reachable(store, followup),
    )  # fmt: skip


def _staff_names() -> dict[int, str]:
    return {u.id: u.display_name for u in staff(get_store())}


def _owner_choices(but: int | None = None) -> list[SelectChoice]:
    """"Choose a person" first, then every staff member but `but` (the owner now)."""
    return [SelectChoice("", _("Choose a person")), *(
        SelectChoice(str(u.id), f"{u.display_name} ({u.email})")
        for u in staff(get_store()) if u.id != but
    )]  # fmt: skip


def _language_name(code: str | None) -> str:
    """The customer's language named in the reader's ("Ukrainian", "українська" for a
    Ukrainian reader), or the code itself when Babel does not know it."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale())
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return name or code
