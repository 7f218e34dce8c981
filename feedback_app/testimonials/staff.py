"""The console's testimonial queue: the list (filtered by state, waiting ones first), where
the common decisions are taken row by row, and one testimonial's page with everything to read
before deciding (consent, connection, the customer's survey answers, what staff did so far).

Each page posts its forms to its own address, telling them apart by the button pressed
(`do`): a refused form comes back on the page it was sent from, its text kept beside the
message, and a reload never lands on an address that only takes posts.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field

from ..auth.current import staff_required
from ..data import get_store
from ..forms import ActionForm
from ..store import NotFound, Testimonial, TestimonialState
from ..surveys.answers import customer_answers
from . import moderation
from .blueprint import bp
from .forms import EditForm, RejectForm, TagsForm
from .service import TestimonialError

__all__ = ["bp"]

LIST = "/admin/testimonials"
Page = str | Response | tuple[str, int]


def _state_filter() -> TestimonialState | None:
    """The list's filter (`?state=pending`); anything else shows every state."""
    try:
        return TestimonialState(request.args.get("state", ""))
    except ValueError:
        return None


def _list_url() -> str:
    state = _state_filter()
    return url_for("testimonials.moderation", state=state.value if state else None)


def _row_forms(t: Testimonial, reject: RejectForm | None = None) -> dict[str, object]:
    return {"approve": ActionForm(prefix=f"a{t.id}"),
            "reject": reject or RejectForm(prefix=f"r{t.id}")}  # fmt: skip


def _listing(refused: tuple[int, RejectForm] | None = None) -> str:
    state = _state_filter()
    items = moderation.for_moderation(state)
    forms = {t.id: _row_forms(t, refused[1] if refused and refused[0] == t.id else None)
             for t in items}  # fmt: skip
    return render_template(
        "testimonials/staff_list.html", items=items, forms=forms,
        state=state.value if state else "", states=list(TestimonialState),
    )  # fmt: skip


@bp.get(LIST, endpoint="moderation")
@staff_required
def queue() -> str:
    return _listing()


@bp.post(LIST)
@staff_required
def decide_listed() -> Page:
    """Approve, or reject with a reason, from the list; back to the list as it was filtered."""
    raw = request.form.get("testimonial", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        abort(400)
    testimonial_id = int(raw)
    do = request.form.get("do")
    if do == "approve":
        if not ActionForm(prefix=f"a{testimonial_id}").validate_on_submit():
            abort(400)
        return _done(lambda: _approve(testimonial_id), _list_url())
    if do != "reject":
        abort(400)
    form = RejectForm(prefix=f"r{testimonial_id}")
    if not form.validate_on_submit():
        return _listing((testimonial_id, form)), 400
    try:
        _reject(testimonial_id, form.reason.data or "")
    except TestimonialError as exc:
        form.reason.errors = [*form.reason.errors, str(exc)]
        return _listing((testimonial_id, form)), 422
    except NotFound:
        abort(404)
    return redirect(_list_url())


def _confirmed(testimonial_id: int) -> Testimonial:
    try:
        testimonial = get_store().testimonials.get(testimonial_id)
    except NotFound:
        abort(404)
    if testimonial.email_confirmed_at is None:  # staff never see an unconfirmed one
        abort(404)
    return testimonial


def _detail(testimonial_id: int, **refused: object) -> str:
    t = _confirmed(testimonial_id)
    return render_template(
        "testimonials/staff_detail.html", t=t, action_form=ActionForm(),
        edit_form=refused.get("edit") or EditForm(text=t.published_text),
        reject_form=refused.get("reject") or RejectForm(),
        tags_form=refused.get("tags") or TagsForm(tags=", ".join(t.tags)),
        answers=customer_answers(get_store(), t.email, t.survey_id),
        history=moderation.history(t.id),
    )  # fmt: skip


@bp.get(f"{LIST}/<int:testimonial_id>")
@staff_required
def detail(testimonial_id: int) -> str:
    return _detail(testimonial_id)


@bp.post(f"{LIST}/<int:testimonial_id>")
@staff_required
def decide(testimonial_id: int) -> Page:
    """Every decision of the testimonial's page, told apart by the button pressed."""
    here = url_for("testimonials.detail", testimonial_id=testimonial_id)
    do = request.form.get("do")
    if do in ("approve", "feature", "unfeature"):
        if not ActionForm().validate_on_submit():
            abort(400)
        if do == "approve":
            return _done(lambda: _approve(testimonial_id), here)
        return _done(lambda: _feature(testimonial_id, do == "feature"), here)
    if do == "reject":
        reject = RejectForm()
        return _typed(testimonial_id, "reject", reject, reject.reason,
                      lambda: _reject(testimonial_id, reject.reason.data or ""))  # fmt: skip
    if do == "edit":
        edit = EditForm()
        return _typed(testimonial_id, "edit", edit, edit.text,
                      lambda: _edit(testimonial_id, edit.text.data or ""))  # fmt: skip
    if do == "tags":
        tags = TagsForm()
        return _typed(testimonial_id, "tags", tags, tags.tags,
                      lambda: _tag(testimonial_id, tags.tags.data or ""))  # fmt: skip
    abort(400)


def _typed(testimonial_id: int, name: str, form: FlaskForm, field: Field,
           action: Callable[[], None]) -> Page:  # fmt: skip
    """A decision with typed text: refused, the page comes back with the text and the reason
    beside the field."""
    if not form.validate_on_submit():
        return _detail(testimonial_id, **{name: form}), 400
    try:
        action()
    except TestimonialError as exc:
        field.errors = [*field.errors, str(exc)]
        return _detail(testimonial_id, **{name: form}), 422
    except NotFound:
        abort(404)
    return redirect(url_for("testimonials.detail", testimonial_id=testimonial_id))


def _done(action: Callable[[], None], back: str) -> Response:
    """Run a decision that has no text to keep: a refusal is said in a message instead."""
    try:
        action()
    except TestimonialError as exc:
        flash(str(exc), "error")
    except NotFound:
        abort(404)
    return redirect(back)


def _approve(testimonial_id: int) -> None:
    approved = moderation.approve(testimonial_id, current_user.user)
    if approved.edit_awaiting_customer:
        flash(_("Approved: it is on the site once the customer approves the edited wording."),
              "success")  # fmt: skip
    else:
        flash(_("Approved: it is on the site after the next publish."), "success")


def _reject(testimonial_id: int, reason: str) -> None:
    moderation.reject(testimonial_id, current_user.user, reason)
    flash(_("Rejected; the reason is kept with it. It is not on the site after the next "
            "publish."), "success")  # fmt: skip


def _edit(testimonial_id: int, text: str) -> None:
    edited = moderation.edit(testimonial_id, current_user.user, text)
    if edited.edit_awaiting_customer:
        flash(_("Edit kept beside the original. The customer was asked to approve it; until "
                "then it is not published."), "success")  # fmt: skip
    else:
        flash(_("The customer's own words are used again."), "success")


def _tag(testimonial_id: int, raw: str) -> None:
    moderation.set_tags(testimonial_id, current_user.user, raw)
    flash(_("Tags saved: the site groups testimonials by them from the next publish."),
          "success")  # fmt: skip


def _feature(testimonial_id: int, featured: bool) -> None:
    moderation.feature(testimonial_id, current_user.user, featured)
    if featured:
        flash(_("Featured: it leads the site's home page from the next publish."), "success")
    else:
        flash(_("No longer featured."), "success")


@bp.get(f"{LIST}/<int:testimonial_id>/photo")
@staff_required
def photo(testimonial_id: int) -> Response:
    testimonial = _confirmed(testimonial_id)
    if testimonial.photo_id is None:
        abort(404)
    try:
        found = get_store().photos.get(testimonial.photo_id)
    except NotFound:
        abort(404)
    response = Response(found.content, mimetype=found.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
