"""Saved responses: the list with a form to add one, a page to change one, and removing one.
A form that fails comes back on its own address with what was typed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.current import staff_required
from ...data import get_store
from ...forms import ActionForm
from ...ideas import replies as service
from ...store import IdeaStatus
from . import bp
from .forms import ReplyForm


@bp.route("/replies", methods=["GET", "POST"])
@staff_required
def replies() -> str | Response | tuple[str, int]:
    form = ReplyForm()
    if form.validate_on_submit():
        service.add_reply(current_user.user, form.name.data, IdeaStatus(form.status.data),
                          form.body.data)  # fmt: skip
        flash(_("The response is saved; it is offered when an idea gets that status."), "success")
        return redirect(url_for("admin_ideas.replies"))
    page = render_template("admin/ideas/replies.html", form=form, saved=service.replies(),
                           action_form=ActionForm())  # fmt: skip
    return (page, 400) if form.is_submitted() else page


@bp.route("/replies/<int:reply_id>", methods=["GET", "POST"])
@staff_required
def reply(reply_id: int) -> str | Response | tuple[str, int]:
    saved = get_store().replies.get(reply_id)
    form = ReplyForm(name=saved.name, status=saved.status.value, body=saved.body)
    if form.validate_on_submit():
        service.change_reply(reply_id, current_user.user, form.name.data,
                             IdeaStatus(form.status.data), form.body.data)  # fmt: skip
        flash(_("The response is changed."), "success")
        return redirect(url_for("admin_ideas.replies"))
    page = render_template("admin/ideas/reply.html", form=form, saved=saved)
    return (page, 400) if form.is_submitted() else page


@bp.post("/replies/<int:reply_id>/delete")
@staff_required
def delete_reply(reply_id: int) -> Response:
    if ActionForm().validate_on_submit():
        service.remove_reply(reply_id, current_user.user)
        flash(_("The response is removed. Answers already given keep their words."), "success")
    return redirect(url_for("admin_ideas.replies"))
