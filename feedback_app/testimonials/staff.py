"""Staff pages for testimonials (minimal, until the console has its own): the confirmed ones,
and approve / reject with a reason / edit beside the original."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.current import staff_required
from ..data import get_store
from ..forms import ActionForm
from ..store import NotFound, Testimonial
from . import service
from .blueprint import bp
from .forms import EditForm, RejectForm

__all__ = ["bp"]


@bp.get("/admin/testimonials")
@staff_required
def moderation() -> str:
    return render_template("testimonials/staff_list.html", items=service.for_moderation())


def _confirmed(testimonial_id: int) -> Testimonial:
    testimonial = get_store().testimonials.get(testimonial_id)
    if testimonial.email_confirmed_at is None:  # staff never see an unconfirmed one
        abort(404)
    return testimonial


def _detail(testimonial_id: int, edit_form: EditForm | None = None,
            reject_form: RejectForm | None = None) -> str:  # fmt: skip
    testimonial = _confirmed(testimonial_id)
    return render_template(
        "testimonials/staff_detail.html", t=testimonial, action_form=ActionForm(),
        edit_form=edit_form or EditForm(text=testimonial.published_text),
        reject_form=reject_form or RejectForm(),
    )  # fmt: skip


@bp.get("/admin/testimonials/<int:testimonial_id>")
@staff_required
def detail(testimonial_id: int) -> str:
    return _detail(testimonial_id)


def _decided(testimonial_id: int, done: str) -> Response:
    flash(done, "success")
    return redirect(url_for("testimonials.detail", testimonial_id=testimonial_id))


def _refused(testimonial_id: int, exc: service.TestimonialError) -> Response:
    flash(str(exc), "error")
    return redirect(url_for("testimonials.detail", testimonial_id=testimonial_id))


@bp.post("/admin/testimonials/<int:testimonial_id>/approve")
@staff_required
def approve(testimonial_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.approve(testimonial_id, current_user.id)
    except service.TestimonialError as exc:
        return _refused(testimonial_id, exc)
    return _decided(testimonial_id, _("Approved: it is on the site after the next publish."))


@bp.post("/admin/testimonials/<int:testimonial_id>/reject")
@staff_required
def reject(testimonial_id: int) -> Response | tuple[str, int]:
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(testimonial_id, reject_form=form), 400
    try:
        service.reject(testimonial_id, current_user.id, form.reason.data)
    except service.TestimonialError as exc:
        return _refused(testimonial_id, exc)
    return _decided(testimonial_id, _("Rejected; the reason is kept with it."))


@bp.post("/admin/testimonials/<int:testimonial_id>/edit")
@staff_required
def edit(testimonial_id: int) -> Response | tuple[str, int]:
    form = EditForm()
    if not form.validate_on_submit():
        return _detail(testimonial_id, edit_form=form), 400
    try:
        edited = service.edit(testimonial_id, current_user.id, form.text.data)
    except service.TestimonialError as exc:
        return _refused(testimonial_id, exc)
    if edited.edit_awaiting_customer:
        return _decided(testimonial_id, _("Edit kept beside the original. The customer was "
                                          "asked to approve it; until then it is not published."))
    return _decided(testimonial_id, _("The customer's own words are used again."))


@bp.get("/admin/testimonials/<int:testimonial_id>/photo")
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
