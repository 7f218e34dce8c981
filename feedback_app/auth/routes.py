"""Sign-in pages: ask for a link, confirm it, choose a display name, sign out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..data import get_store
from ..store import TokenError, User
from .current import Account
from .forms import ConfirmForm, NameForm, SignInForm
from .service import Deactivated, RateLimited, request_link, safe_next, sign_in_with, sign_out

__all__ = ["bp"]

bp = Blueprint("auth", __name__)


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> str | Response | tuple[str, int]:
    form = SignInForm(next=safe_next(request.args.get("next")))
    if form.validate_on_submit():
        if form.is_bot:
            return render_template("auth/check_email.html", email=form.email.data)
        try:
            request_link(form.email.data, safe_next(form.next.data))
        except RateLimited:
            form.email.errors.append(
                _("Too many sign-in links were asked for. Please wait a while and try again.")
            )
            return render_template("auth/signin.html", form=form), 429
        return render_template("auth/check_email.html", email=form.email.data)
    return render_template("auth/signin.html", form=form)


@bp.get("/signin/<token>")
def confirm(token: str) -> str | tuple[str, int]:
    email = get_store().tokens.peek(token)
    if email is None:
        return render_template("auth/invalid.html", form=SignInForm()), 400
    return render_template(
        "auth/confirm.html",
        form=ConfirmForm(),
        email=email,
        next=safe_next(request.args.get("next")),
    )


@bp.post("/signin/<token>")
def use_link(token: str) -> Response | tuple[str, int]:
    # Where to go is settled before the one-time token is used: nothing after it can fail.
    target = safe_next(request.args.get("next"))
    if not ConfirmForm().validate_on_submit():
        return render_template("auth/invalid.html", form=SignInForm()), 400
    try:
        user = sign_in_with(token)
    except TokenError:
        return render_template("auth/invalid.html", form=SignInForm()), 400
    except Deactivated:
        return render_template("auth/deactivated.html"), 403
    login_user(Account(user))
    target = landing(user, target)
    if not user.name:
        flash(_("Welcome! Tell us what to call you."), "success")
        return redirect(url_for("auth.account", next=target))
    flash(_("You are signed in. Welcome back, %(name)s.", name=user.display_name), "success")
    return redirect(target)


def landing(user: User, target: str) -> str:
    """Where a sign-in ends: where the person was going; staff who were going nowhere in
    particular (or to the public home page) start their day on the console's dashboard."""
    home = url_for("main.index")
    if user.role.is_staff and target in ("", home):
        return url_for("admin.index")
    return target or home


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    form = NameForm(name=current_user.user.name, next=safe_next(request.args.get("next")))
    if form.validate_on_submit():
        get_store().users.rename(current_user.id, form.name.data)
        flash(_("Saved. Others will see you as %(name)s.", name=form.name.data), "success")
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template("auth/account.html", form=form)


@bp.post("/signout")
def signout() -> Response:
    if current_user.is_authenticated:
        sign_out(current_user.id)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))
