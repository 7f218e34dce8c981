"""The idea queue: new ideas and those without an official response first, each answered from
the list, several decided at once. Every form posts to the queue's own address (with its
filters), so one that fails comes back there with what was typed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.current import staff_required
from ...data import get_store
from ...ideas import moderation, replies, service
from ...ideas.forms import StatusForm
from ...ideas.routes import fill_from_reply
from ...store import IdeaStatus, NotFound
from ...templating import status_label
from . import bp
from .forms import SPAM, BulkForm, QueueFilter

PER_PAGE = 25


@bp.route("", methods=["GET", "POST"])
@staff_required
def queue() -> str | Response | tuple[str, int]:
    if request.method == "POST":
        if request.form.get("queue_form") == "bulk":
            return _bulk()
        return _answer()
    return _render()


def _render(status: int = 200, **overrides: Any) -> tuple[str, int]:
    filters = QueueFilter(request.args)
    filters.validate()
    page = moderation.queue_page(filters.chosen_show, filters.chosen_status, filters.number,
                                 PER_PAGE)  # fmt: skip
    saved = replies.replies()
    forms = {s.idea.id: StatusForm(formdata=None, prefix=f"i{s.idea.id}",
                                   status=s.idea.status.value, replies=saved)
             for s in page.items}  # fmt: skip
    answering = overrides.pop("answering", None)
    if answering is not None:
        if answering[0] not in forms:  # answered since, or on another page: shown first
            page = replace(page, items=[get_store().ideas.summary(answering[0]), *page.items])
        forms[answering[0]] = answering[1]
    context = {
        "filters": filters,
        "page": page,
        "forms": forms,
        "open_row": answering[0] if answering else None,
        "bulk": overrides.pop("bulk", None) or BulkForm(formdata=None),
        "has_replies": bool(saved),
    }
    return render_template("admin/ideas/queue.html", **context), status


def _back() -> Response:
    """The queue as it was filtered."""
    return redirect(request.full_path.rstrip("?"))


def _answer() -> str | Response | tuple[str, int]:
    try:
        idea_id = int(request.form.get("idea", ""))
        idea = get_store().ideas.get(idea_id)
    except (ValueError, NotFound):
        abort(404)
    form = StatusForm(prefix=f"i{idea.id}", replies=replies.replies())
    if form.use_reply.data:
        fill_from_reply(form)
        return _render(400 if form.reply.errors else 200, answering=(idea.id, form))
    if form.validate_on_submit():
        try:
            service.change_status(
                idea.id, IdeaStatus(form.status.data), form.response.data, current_user.user,
                form.changed_note.data or "", form.changed_on.data, notify=form.notify.data,
            )  # fmt: skip
        except service.BoardError as exc:
            form.status.errors = [str(exc)]
        else:
            flash(_("“%(title)s” is answered.", title=idea.title), "success")
            return _back()
    return _render(400, answering=(idea.id, form))


def _bulk() -> Response | tuple[str, int]:
    form = BulkForm()
    if not form.validate_on_submit():
        return _render(400, bulk=form)
    if form.action.data == SPAM:
        result = moderation.bulk_archive_spam(form.ids.data, current_user.user)
    else:
        result = moderation.bulk_status(form.ids.data, IdeaStatus(form.action.data),
                                        form.response.data or "", current_user.user,
                                        form.notify.data)  # fmt: skip
    if result.done:
        flash(_done_message(form.action.data, len(result.done)), "success")
    for idea_id, why in result.refused.items():
        flash(_("Idea #%(id)s was left as it was: %(why)s", id=idea_id, why=why), "error")
    return _back()


def _done_message(action: str, count: int) -> str:
    """What a bulk action did, in words: how many ideas, and to what."""
    if action == SPAM:
        return ngettext("%(num)d idea archived as spam; nobody was emailed.",
                        "%(num)d ideas archived as spam; nobody was emailed.", count)  # fmt: skip
    return ngettext("%(num)d idea is now “%(status)s”.", "%(num)d ideas are now “%(status)s”.",
                    count, status=status_label(IdeaStatus(action)))  # fmt: skip
