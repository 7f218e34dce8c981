"""/admin/staff (admins only): the people who run the console, their roles and access, the
API tokens of the shop systems, and one person's data (export, erase).

Views stay thin: check the form, call one service function (which writes the audit entry),
flash, redirect. A form that fails comes back on its own address with what was typed.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)  # fmt: skip
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.current import role_required
from ..data import get_store
from ..form_ids import form_id
from ..forms import ActionForm
from ..sales.tokens import TokenNotFound
from ..store import NotFound, Role, User, utcnow
from . import accounts, integrations, person_data
from .forms import ROLE_LABELS, InviteForm, PersonForm, RoleForm, TokenForm

__all__ = ["bp"]

bp = Blueprint("admin_staff", __name__, url_prefix="/admin/staff")

admin_only = role_required(Role.ADMIN)
# The list shows this many people at most; the search box finds anyone else.
SHOWN = 100


@bp.get("/")
@admin_only
def index() -> str:
    query = request.args.get("q", "").strip().casefold()
    people = get_store().users.all()
    if query:
        people = [u for u in people if query in u.email.casefold() or query in u.name.casefold()]
    else:
        people = [u for u in people if u.role.is_staff or not u.active]
    people.sort(key=lambda u: (u.role is Role.CUSTOMER, u.email))
    return render_template(
        "admin/staff/index.html", people=people[:SHOWN], more=len(people) > SHOWN, query=query,
        roles={u.id: RoleForm(role=u.role.value, prefix=f"u{u.id}") for u in people[:SHOWN]},
        action=ActionForm(), invite=InviteForm(), labels=ROLE_LABELS,
    )  # fmt: skip


@bp.route("/invite", methods=["GET", "POST"])
@admin_only
def invite() -> str | Response | tuple[str, int]:
    form = InviteForm()
    if not form.validate_on_submit():
        return _page("admin/staff/invite.html", form)
    try:
        person = accounts.invite(get_store(), _me(), form.email.data, Role(form.role.data),
                                 form.name.data or "")  # fmt: skip
    except accounts.AccountError as exc:
        form.email.errors.append(str(exc))
        return render_template("admin/staff/invite.html", form=form), 422
    flash(_("%(email)s is invited: a sign-in link is on its way to them.", email=person.email),
          "success")  # fmt: skip
    return redirect(url_for("admin_staff.index"))


@bp.post("/<int:user_id>/role")
@admin_only
def set_role(user_id: int) -> Response:
    form = RoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash(_("Choose one of the roles listed."), "error")
        return redirect(url_for("admin_staff.index"))
    try:
        person = accounts.change_role(get_store(), _me(), user_id, Role(form.role.data))
    except NotFound:
        abort(404)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin_staff.index"))
    flash(_("%(email)s is now: %(role)s.", email=person.email, role=ROLE_LABELS[person.role]),
          "success")  # fmt: skip
    return redirect(url_for("admin_staff.index"))


@bp.post("/<int:user_id>/deactivate")
@admin_only
def deactivate(user_id: int) -> Response:
    return _set_active(user_id, False)


@bp.post("/<int:user_id>/reactivate")
@admin_only
def reactivate(user_id: int) -> Response:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        person = accounts.set_active(get_store(), _me(), user_id, active)
    except NotFound:
        abort(404)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin_staff.index"))
    if active:
        flash(_("%(email)s may sign in again.", email=person.email), "success")
    else:
        flash(_("%(email)s is deactivated: signed out everywhere, and no sign-in link works "
                "for them.", email=person.email), "success")  # fmt: skip
    return redirect(url_for("admin_staff.index"))


@bp.route("/tokens", methods=["GET", "POST"])
@admin_only
def tokens() -> Response:
    form = TokenForm()
    if request.method == "GET" or not form.validate_on_submit():
        return make_response(_tokens_page(form), 200 if request.method == "GET" else 400)
    token, secret = integrations.create_api_token(get_store(), _me(), form.name.data,
                                                  form_id(form.submission.data or ""))  # fmt: skip
    # Shown this once: the page must not be kept by the browser or anything in between.
    reply = make_response(_tokens_page(TokenForm(formdata=None), created=token, secret=secret))
    reply.headers["Cache-Control"] = "no-store"
    return reply


def _tokens_page(form: TokenForm, **shown: object) -> str:
    store = get_store()
    listed = sorted(store.api_tokens.all(), key=lambda t: (not t.active, -t.id))
    made_by = {t.created_by for t in listed if t.created_by is not None}
    people = (store.users.get(user_id) for user_id in made_by)  # a few, not every account
    makers = {u.id: u.display_name for u in people if u.role.is_staff}
    return render_template("admin/staff/tokens.html", form=form, tokens=listed, makers=makers,
                           action=ActionForm(), **shown)  # fmt: skip


@bp.post("/tokens/<int:token_id>/revoke")
@admin_only
def revoke_token(token_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        token = integrations.revoke_api_token(get_store(), _me(), token_id, utcnow())
    except TokenNotFound:
        flash(_("This token is already revoked, or does not exist."), "error")
        return redirect(url_for("admin_staff.tokens"))
    flash(_("The token for %(name)s is revoked: calls with it are refused from now on.",
            name=token.name), "success")  # fmt: skip
    return redirect(url_for("admin_staff.tokens"))


@bp.route("/export", methods=["GET", "POST"])
@admin_only
def export() -> str | Response | tuple[str, int]:
    form = PersonForm()
    if not form.validate_on_submit():
        return _page("admin/staff/export.html", form)
    try:
        dossier = person_data.export(get_store(), _me(), form.email.data)
    except accounts.AccountError as exc:
        form.email.errors.append(str(exc))
        return render_template("admin/staff/export.html", form=form), 422
    reply = make_response(dossier.export_text(utcnow()) + "\n")
    reply.mimetype = "application/json"
    reply.headers["Content-Disposition"] = (
        f'attachment; filename="person-export-{utcnow():%Y-%m-%d}.json"'
    )
    reply.headers["Cache-Control"] = "no-store"
    return reply


@bp.route("/erase", methods=["GET", "POST"])
@admin_only
def erase() -> str | Response | tuple[str, int]:
    form = PersonForm()
    if not form.validate_on_submit():
        return _page("admin/staff/erase.html", form)
    store = get_store()
    try:
        if form.confirmed.data != "yes":
            plan = person_data.preview_erasure(store, _me(), form.email.data)
            form.confirmed.data = "yes"
            return render_template("admin/staff/erase_confirm.html", form=form, plan=plan,
                                   counted=person_data.counted)
        done = person_data.erase(store, _me(), form.email.data, utcnow())
    except accounts.AccountError as exc:
        form.email.errors.append(str(exc))
        form.confirmed.data = ""
        return render_template("admin/staff/erase.html", form=form), 422
    flash(_("%(email)s is erased. Backups made before now still hold it.", email=done.email),
          "success")  # fmt: skip
    if done.published_testimonials:
        flash(_("Their testimonials on the published site leave it at the next publish."), "info")
    return redirect(url_for("admin_staff.index"))


def _page(template: str, form: object) -> str | tuple[str, int]:
    """A form's page: empty on GET, again with the typed text and its errors after a post."""
    page = render_template(template, form=form)
    return page if request.method == "GET" else (page, 400)


def _me() -> User:
    return current_user.user  # type: ignore[no-any-return]
