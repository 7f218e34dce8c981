"""The customer's testimonial pages: the form (open, or prefilled by an invitation), and the
pages behind the emailed links. A link never records anything by being opened: its page has
a button, and only that post (with its CSRF token) acts."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..form_ids import new_form_id
from ..forms import ActionForm
from ..store.models import ConnectionKind, CreditStyle, Testimonial
from . import service, staff
from .blueprint import NEW_PATH, bp
from .forms import ReviewEditForm, TestimonialForm
from .photos import PhotoError

__all__ = ["bp", "staff"]


def _problem(message: str, code: int = 400) -> tuple[str, int]:
    """A link that cannot be used: say why, and where to go instead."""
    return render_template("testimonials/problem.html", message=message), code


@bp.route(NEW_PATH, methods=["GET", "POST"])
def new() -> str | Response | tuple[str, int]:
    form = TestimonialForm()
    if request.method == "GET":
        invite = request.args.get("invite", "")
        try:
            invitation = service.read_invitation(invite) if invite else None
        except service.TestimonialError as exc:
            return _problem(str(exc))
        form.invite.data = invite
        form.submission.data = new_form_id()
        if invitation is not None:
            form.email.data, form.name.data = invitation.email, invitation.name
        return _form(form)
    if not form.validate_on_submit():
        form.choose_photo_again()
        return _form(form), 400
    if form.is_bot:
        return redirect(url_for("testimonials.sent"))
    try:
        service.submit(_submission(form), form.invite.data or "")
    except PhotoError as exc:
        form.photo.errors = [str(exc)]
        return _form(form), 400
    except service.TestimonialError as exc:
        flash(str(exc), "error")
        form.choose_photo_again()
        return _form(form), 400
    return redirect(url_for("testimonials.sent"))


def _form(form: TestimonialForm) -> str:
    return render_template("testimonials/new.html", form=form)


def _submission(form: TestimonialForm) -> service.Submission:
    return service.Submission(
        quote=form.quote.data, rating=int(form.rating.data), name=form.name.data,
        email=form.email.data, consent=bool(form.consent.data), role=form.role.data or "",
        company=form.company.data or "", credit_style=CreditStyle(form.credit_style.data),
        connection_kind=ConnectionKind(form.connection_kind.data),
        connection=form.connection.data or "", photo=form.photo_data,
        submission=form.submission.data or "",
    )  # fmt: skip


@bp.get("/testimonials/sent")
def sent() -> str:
    return render_template("testimonials/sent.html")


def _link_page(
    token: str,
    read: Callable[[str], Testimonial],
    act: Callable[[str], Testimonial],
    asking: str,
    done: str,
) -> str | tuple[str, int]:
    """A link's page: GET shows what it is about with one button (`asking`); only the post of
    that button acts (`done` says it happened). A link that cannot be used says why."""
    form = ActionForm()
    try:
        if form.validate_on_submit():
            return render_template(f"testimonials/{done}.html", t=act(token))
        testimonial = read(token)
    except service.TestimonialError as exc:
        return _problem(str(exc))
    return render_template(f"testimonials/{asking}.html", t=testimonial, form=form)


@bp.route("/testimonials/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | tuple[str, int]:
    return _link_page(token, service.read_confirmation, service.confirm, "confirm", "confirmed")


@bp.route("/testimonials/withdraw/<token>", methods=["GET", "POST"])
def withdraw(token: str) -> str | tuple[str, int]:
    return _link_page(token, service.read_withdrawal, service.withdraw, "withdraw", "withdrawn")


@bp.route("/testimonials/edit/<token>", methods=["GET", "POST"])
def review_edit(token: str) -> str | tuple[str, int]:
    form = ReviewEditForm()
    try:
        if form.validate_on_submit():
            accept = form.answer.data == "accept"
            answered = service.answer_edit(token, accept)
            message = (_("Thank you: your testimonial will be published as edited.") if accept
                       else _("Thank you: we keep your own words."))  # fmt: skip
            return render_template("testimonials/answered.html", t=answered, message=message)
        testimonial = service.read_edit(token)
    except service.TestimonialError as exc:
        return _problem(str(exc))
    return render_template("testimonials/review_edit.html", t=testimonial, form=form)
