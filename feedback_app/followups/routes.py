"""The staff pages of follow-ups, under /admin/followups: the list, one follow-up, and its
two actions. Each action: check the form, call one service function, flash, redirect."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields import SelectChoice

from ..auth.current import staff_required
from ..data import get_store
from ..store import FollowUp, NotFound, SurveyResponse, utcnow
from ..store.models import FollowUpState
from . import service
from .forms import STATE_LABELS, MoveForm, OwnerForm
from .owners import staff

__all__ = ["bp"]

bp = Blueprint("followups", __name__, url_prefix="/admin/followups")


@bp.get("")
@staff_required
def index() -> str:
    showing = request.args.get("show", "open")
    followups = get_store().followups.all()
    if showing != "all":
        followups = [f for f in followups if f.state is not FollowUpState.RESOLVED]
    followups.sort(key=lambda f: (f.state is FollowUpState.RESOLVED, f.due_at))
    return render_template(
        "followups/list.html", followups=followups, showing=showing, moment=utcnow(),
        names=_staff_names(), labels=STATE_LABELS,
    )  # fmt: skip


@bp.get("/<int:followup_id>")
@staff_required
def show(followup_id: int) -> str:
    return _render(_get(followup_id))


@bp.post("/<int:followup_id>/step")
@staff_required
def step(followup_id: int) -> str | Response | tuple[str, int]:
    followup = _get(followup_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _render(followup, move_form=form), 400
    try:
        service.move(
            followup_id, current_user.id, _seen(form.seen.data), FollowUpState(form.state.data),
            form.note.data or "", form.outcome.data or "", form.customer_note.data or "",
        )  # fmt: skip
    except service.FollowUpError as exc:
        form[exc.field].errors.append(str(exc))
        return _render(_get(followup_id), move_form=form), 422
    flash(_("Recorded."), "success")
    return redirect(url_for("followups.show", followup_id=followup_id))


@bp.post("/<int:followup_id>/owner")
@staff_required
def owner(followup_id: int) -> str | Response | tuple[str, int]:
    followup = _get(followup_id)
    form = OwnerForm()
    form.owner.choices = _owner_choices()
    if not form.validate_on_submit():
        return _render(followup, owner_form=form), 400
    try:
        changed = service.reassign(
            followup_id, current_user.id, _seen(form.seen.data), int(form.owner.data)
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
    answer: SurveyResponse | None = None
    if followup.survey_id is not None:
        try:
            answer = store.surveys.get(followup.survey_id)
        except NotFound:  # erased at the customer's request
            answer = None
    seen = str(len(followup.events))
    move_form = forms.get("move_form") or MoveForm(state=followup.state.value, seen=seen)
    owner_form = forms.get("owner_form") or OwnerForm(owner=str(followup.owner_id), seen=seen)
    owner_form.owner.choices = _owner_choices()  # type: ignore[attr-defined]
    move_form.seen.data = seen  # type: ignore[attr-defined]
    owner_form.seen.data = seen  # type: ignore[attr-defined]
    return render_template(
        "followups/detail.html", followup=followup, answer=answer, names=_staff_names(),
        move_form=move_form, owner_form=owner_form, labels=STATE_LABELS, moment=utcnow(),
        may_email=service.reachable(store, followup),
    )  # fmt: skip


def _staff_names() -> dict[int, str]:
    return {u.id: u.display_name for u in staff(get_store())}


def _owner_choices() -> list[SelectChoice]:
    return [SelectChoice(str(u.id), f"{u.display_name} ({u.email})") for u in staff(get_store())]
