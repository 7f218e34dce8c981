"""The console's front page (what needs attention) and people's roles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from generator.publish import last_publish

from ..auth.current import role_required, staff_required
from ..data import get_store
from ..store import Role, TestimonialState, utcnow
from .forms import RoleForm

__all__ = ["bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def index() -> str:
    store = get_store()
    now = utcnow()
    open_followups = [f for f in store.followups.all() if f.done_at is None]
    figures = {
        "pending_testimonials": sum(  # unconfirmed ones do not reach staff
            1 for t in store.testimonials.all()
            if t.state is TestimonialState.PENDING and t.email_confirmed_at is not None
        ),
        "open_followups": len(open_followups),
        "overdue_followups": sum(1 for f in open_followups if f.overdue(now)),
        "queued_mail": store.messages.pending(),
        "suppressed": sum(1 for c in store.contacts.all() if c.suppressed_at is not None),
        "ideas": store.ideas.count(),
    }
    return render_template("admin/index.html", figures=figures, published=last_publish(store))


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> str:
    people = get_store().users.all()
    forms = {u.id: RoleForm(role=u.role.value, prefix=f"u{u.id}") for u in people}
    return render_template("admin/users.html", people=people, forms=forms)


@bp.post("/users/<int:user_id>/role")
@role_required(Role.ADMIN)
def set_role(user_id: int) -> Response:
    form = RoleForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash(_("Choose one of the roles listed."), "error")
        return redirect(url_for("admin.users"))
    if user_id == current_user.id and form.role.data != Role.ADMIN.value:
        flash(_("You cannot take away your own admin role; ask another admin."), "error")
        return redirect(url_for("admin.users"))
    person = get_store().users.set_role(user_id, Role(form.role.data))
    flash(_("%(email)s is now a %(role)s.", email=person.email, role=form.role.data), "success")
    return redirect(url_for("admin.users"))
