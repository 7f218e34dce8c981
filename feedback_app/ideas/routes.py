"""The idea board's pages. Each view: check the form, call one service function, answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..audit_labels import action_label
from ..audit_query import Names, readable_changes
from ..auth.current import staff_required
from ..auth.service import safe_next
from ..data import get_store
from ..forms import ActionForm
from ..page_cache import kept_for_visitors
from ..security import csrf
from ..store import Idea, IdeaStatus, NotFound, Page, Stance
from ..text import render_markdown
from . import moderation, replies, service
from .forms import (
    CommentForm,
    EditCommentForm,
    EditIdeaForm,
    FilterForm,
    IdeaForm,
    MergeForm,
    PageForm,
    StatusForm,
    VoteForm,
)
from .listing import board_page, in_action_page

__all__ = ["bp"]

T = TypeVar("T")

bp = Blueprint("ideas", __name__, url_prefix="/ideas")
unsubscribe_bp = Blueprint("unsubscribe", __name__)


@bp.get("")
@kept_for_visitors
def index() -> str:
    filters = FilterForm(request.args)
    filters.validate()
    page = _existing(
        filters,
        board_page(
            filters,
            current_user.id if current_user.is_authenticated else None,
            current_app.config["IDEAS_PER_PAGE"],
        ),
    )
    return render_template("ideas/list.html", filters=filters, page=page, my_votes=_my_votes())


def _existing(asked: PageForm, page: Page[T]) -> Page[T]:
    """The page asked for, or 404: a page number out of range is not silently the first page."""
    if asked.out_of_range or page.page > page.pages:
        abort(404, _("There is no such page: the pages go from 1 to %(last)s.",
                     last=format_number(page.pages)))  # fmt: skip
    return page


def _my_votes() -> dict[int, int]:
    if not current_user.is_authenticated:
        return {}
    return get_store().votes.ideas_voted_by(current_user.id)


@bp.get("/in-action")
def in_action() -> str:
    asked = PageForm(request.args)
    asked.validate()
    page = _existing(asked, in_action_page(asked.number, current_app.config["IDEAS_PER_PAGE"]))
    return render_template("ideas/in_action.html", page=page, render_markdown=render_markdown)


@bp.get("/similar")
def similar() -> Response:
    title = request.args.get("title", "")[:120]
    found = get_store().ideas.similar(title) if len(title.strip()) >= 3 else []
    return jsonify(
        [{"id": i.id, "title": i.title, "url": url_for("ideas.show", idea_id=i.id)} for i in found]
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    form = IdeaForm()
    if form.validate_on_submit():
        similar_ideas = get_store().ideas.similar(form.title.data)
        if similar_ideas and not form.confirmed.data:
            form.confirmed.data = "1"
            return render_template("ideas/confirm.html", form=form, similar=similar_ideas)
        idea = service.post_idea(
            current_user.id,
            form.title.data,
            form.description.data,
            form.category.data,
            form.tags.data or "",
        )
        flash(
            _("Thank you! Your idea is on the board. Our team reads every idea; you will get an "
              "email when its status changes."),
            "success",
        )  # fmt: skip
        return redirect(url_for("ideas.show", idea_id=idea.id))
    return render_template("ideas/new.html", form=form)


@bp.route("/<int:idea_id>", methods=["GET", "POST"])
def show(idea_id: int) -> str | Response | tuple[str, int]:
    """The idea; a POST is one of the staff panel's forms (see `_staff_action`)."""
    if request.method == "POST":
        return _staff_action(idea_id)
    return _render_show(idea_id)


def _render_show(idea_id: int, **overrides: Any) -> str:
    store = get_store()
    summary = store.ideas.summary(idea_id)
    staff = current_user.is_authenticated and current_user.is_staff
    comments = store.comments.for_idea(idea_id, include_hidden=staff)
    authors = {c.author_id for c in comments} | {summary.idea.author_id}
    authors |= {change.by for change in summary.idea.history}
    me = current_user.id if current_user.is_authenticated else None
    context = {
        "s": summary,
        "idea": summary.idea,
        "pros": [c for c in comments if c.stance is Stance.PRO],
        "cons": [c for c in comments if c.stance is Stance.CON],
        "neutral": [c for c in comments if c.stance is Stance.NEUTRAL],
        "names": {uid: _name(uid) for uid in authors},
        "my_vote": store.votes.value(idea_id, me) if me else 0,
        "following": store.ideas.is_following(idea_id, me) if me else False,
        "original": store.ideas.get(summary.idea.merged_into) if summary.idea.merged_into else None,
        "comment_form": CommentForm(),
        "action_form": ActionForm(),
        "edit_window": service.COMMENT_EDIT_WINDOW,
        "render_markdown": render_markdown,
        "allow_demote": current_app.config["ALLOW_DEMOTE"],
    }
    if staff:
        context.update(_staff_panel(summary.idea))
    context.update(overrides)
    return render_template("ideas/detail.html", **context)


def _staff_panel(idea: Idea) -> dict[str, Any]:
    """The staff panel's forms, each empty but for its defaults (a form that failed replaces
    its own), the merge picker's candidates (those holding the words of `?find=`, else the
    ideas that look like this one; `?merge` opens the picker), and what staff did to it."""
    find = request.args.get("find", "")[:200]
    if idea.merged_into is not None:  # a merged idea shows no merge picker: nothing to find
        alike, candidates = False, []
    elif find.strip():
        alike, candidates = False, moderation.merge_candidates(idea.id, find)
    else:
        alike, candidates = moderation.merge_suggestions(idea)
    names = Names(get_store())  # the history says who, and what changed, in words
    return {
        "status_form": StatusForm(formdata=None, prefix="status", status=idea.status.value,
                                  replies=replies.replies()),
        "merge_form": MergeForm(formdata=None, prefix="merge"),
        "edit_form": EditIdeaForm(formdata=None, prefix="edit", title=idea.title,
                                  description=idea.description),
        "find": find,
        "open_merge": bool(find) or "merge" in request.args,
        "alike": alike,
        "candidates": candidates,
        "staff_history": moderation.idea_history(idea.id),
        "history_changes": lambda entry: readable_changes(entry, names),
        "history_actor": lambda entry: names.person(entry.actor_id) or entry.actor_email,
        "action_label": action_label,
    }  # fmt: skip


def _name(user_id: int) -> str:
    try:
        person = get_store().users.get(user_id)
    except NotFound:
        return _("a former member")
    return _("a former member") if person.erased_at else person.display_name


@bp.post("/<int:idea_id>/vote")
@login_required
def vote(idea_id: int) -> Response | tuple[Response, int]:
    form = VoteForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        abort(400)
    try:
        value = service.cast_vote(idea_id, current_user.id, int(form.value.data))
    except service.BoardError as exc:
        if wants_json:
            return jsonify({"error": str(exc)}), 409
        flash(str(exc), "error")
        return redirect(_back(idea_id))
    if wants_json:
        up, down = get_store().votes.tally(idea_id)
        return jsonify({"value": value, "promotes": up, "demotes": down, "score": up - down})
    messages = {
        1: _("You promoted this idea."),
        -1: _("You demoted this idea."),
        0: _("Your vote is withdrawn."),
    }
    flash(messages[value], "success")
    return redirect(_back(idea_id))


def _back(idea_id: int) -> str:
    """Where a vote returns to: the page it came from on this site, else the idea."""
    return safe_next(request.form.get("back")) or url_for("ideas.show", idea_id=idea_id)


@bp.post("/<int:idea_id>/comments")
@login_required
def add_comment(idea_id: int) -> str | Response | tuple[str, int]:
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_show(idea_id, comment_form=form), 400
    try:
        service.comment_on(
            idea_id,
            current_user.id,
            current_user.is_staff,
            form.body.data,
            Stance(form.stance.data),
        )
    except service.BoardError as exc:
        flash(str(exc), "error")
    else:
        flash(
            _("Thank you for your comment. You now follow this idea and will hear about changes."),
            "success",
        )
    return redirect(url_for("ideas.show", idea_id=idea_id) + "#comments")


@bp.route("/<int:idea_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(idea_id: int, comment_id: int) -> str | Response:
    comment = get_store().comments.get(comment_id)
    if comment.idea_id != idea_id:
        abort(404)
    if comment.author_id != current_user.id:  # not even the form: the text may be hidden
        abort(403)
    form = EditCommentForm(body=comment.body)
    if form.validate_on_submit():
        try:
            service.edit_comment(comment_id, current_user.id, form.body.data)
        except service.BoardError as exc:
            flash(str(exc), "error")
            return render_template("ideas/edit_comment.html", form=form, comment=comment)
        flash(_("Your comment is updated."), "success")
        return redirect(url_for("ideas.show", idea_id=idea_id) + f"#comment-{comment_id}")
    return render_template("ideas/edit_comment.html", form=form, comment=comment)


@bp.post("/<int:idea_id>/comments/<int:comment_id>/hide")
@staff_required
def hide_comment(idea_id: int, comment_id: int) -> Response:
    return _set_hidden(idea_id, comment_id, True)


@bp.post("/<int:idea_id>/comments/<int:comment_id>/show")
@staff_required
def unhide_comment(idea_id: int, comment_id: int) -> Response:
    return _set_hidden(idea_id, comment_id, False)


def _set_hidden(idea_id: int, comment_id: int, hidden: bool) -> Response:
    if ActionForm().validate_on_submit():
        moderation.set_comment_hidden(idea_id, comment_id, hidden, current_user.user)
        flash(_("The comment is hidden; it is kept and can be shown again.") if hidden
              else _("The comment is shown again."), "success")  # fmt: skip
    return redirect(url_for("ideas.show", idea_id=idea_id) + f"#comment-{comment_id}")


@staff_required
def _staff_action(idea_id: int) -> str | Response | tuple[str, int]:
    """Every form of the staff panel posts to the idea's own address (one rule for both
    methods: a number no idea can have is a 404 whichever): one that fails comes back there
    (reloading asks to send it again, never a 405), with only its own fields refilled, since
    each form reads only the fields of its own prefix."""
    act = _STAFF_ACTIONS.get(request.form.get("staff_form", ""))
    if act is None:
        abort(400)
    return act(idea_id)


def _done(idea_id: int, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("ideas.show", idea_id=idea_id))


def _set_status(idea_id: int) -> str | Response | tuple[str, int]:
    form = StatusForm(prefix="status", replies=replies.replies())
    if form.use_reply.data:  # fill the response from a saved one; nothing is saved yet
        fill_from_reply(form)
        return _render_show(idea_id, status_form=form), 400 if form.reply.errors else 200
    if form.validate_on_submit():
        try:
            service.change_status(
                idea_id, IdeaStatus(form.status.data), form.response.data, current_user.user,
                form.changed_note.data or "", form.changed_on.data, notify=form.notify.data,
            )  # fmt: skip
        except service.BoardError as exc:
            form.status.errors = [str(exc)]
        else:
            told = _("Status changed. Everyone following the idea is being emailed.")
            return _done(
                idea_id, told if form.notify.data else _("Status changed. Nobody was emailed.")
            )
    return _staff_form_again(idea_id, status_form=form)


def fill_from_reply(form: StatusForm) -> None:
    """The chosen saved response's words and status in the form (the server's way of doing
    what replies.js does as soon as one is chosen)."""
    chosen = replies.reply_body(form.reply.data)
    if chosen is None:
        form.reply.errors = [_("Choose a saved response first.")]
        return
    form.status.data, form.response.data = chosen[0].value, chosen[1]


def _merge(idea_id: int) -> str | Response | tuple[str, int]:
    form = MergeForm(prefix="merge")
    if form.validate_on_submit():
        try:
            service.merge_ideas(idea_id, form.original.data, current_user.user,
                                form.response.data, notify=form.notify.data)  # fmt: skip
        except (service.BoardError, NotFound) as exc:
            form.original.errors = [
                str(exc) if isinstance(exc, service.BoardError) else _("No idea has that number.")
            ]
        else:
            flash(_("Merged. Votes and followers moved to the original idea."), "success")
            return redirect(url_for("ideas.show", idea_id=form.original.data))
    return _staff_form_again(idea_id, merge_form=form)


def _edit(idea_id: int) -> str | Response | tuple[str, int]:
    form = EditIdeaForm(prefix="edit")
    if form.validate_on_submit():
        moderation.edit_idea(idea_id, current_user.user, form.title.data, form.description.data)
        return _done(idea_id, _("The idea is updated; its earlier words are kept in its history."))
    return _staff_form_again(idea_id, edit_form=form)


def _spam(idea_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        moderation.archive_spam(idea_id, current_user.user)
    except service.BoardError as exc:
        flash(str(exc), "error")
        return redirect(url_for("ideas.show", idea_id=idea_id))
    return _done(idea_id, _("Archived as spam: it is off the board and nobody was emailed. "
                            "Reopen it by setting the status to Under review."))  # fmt: skip


_STAFF_ACTIONS: dict[str, Callable[[int], str | Response | tuple[str, int]]] = {
    "status": _set_status,
    "merge": _merge,
    "edit": _edit,
    "spam": _spam,
}


def _staff_form_again(idea_id: int, **forms: Any) -> tuple[str, int]:
    """The idea page again, with the staff form's errors and typed text kept."""
    return _render_show(idea_id, **forms), 400


@bp.post("/<int:idea_id>/follow")
@login_required
def follow(idea_id: int) -> Response:
    return _follow(idea_id, True)


@bp.post("/<int:idea_id>/unfollow")
@login_required
def unfollow(idea_id: int) -> Response:
    return _follow(idea_id, False)


def _follow(idea_id: int, following: bool) -> Response:
    if ActionForm().validate_on_submit():
        service.set_following(idea_id, current_user.id, following)
        flash(_("You follow this idea: we will email you when it changes.") if following
              else _("You will no longer get emails about this idea."), "success")  # fmt: skip
    return redirect(url_for("ideas.show", idea_id=idea_id))


@unsubscribe_bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients post here without a form: the signed token is the proof
def unsubscribe(token: str) -> str | tuple[str, int]:
    """Stop emails about one idea: the link's page asks, a POST (its button, or a mail client's
    RFC 8058 one-click) acts. Mail scanners open every link; only people press buttons."""
    found = service.read_unsubscribe(token)
    if found is None:
        return render_template("ideas/unsubscribed.html", idea=None), 400
    user_id, idea_id = found
    store = get_store()
    idea = store.ideas.get(idea_id)
    if request.method != "POST":  # GET, and HEAD, which some scanners send
        return render_template("ideas/unsubscribe.html", idea=idea, token=token)
    store.follows.set(idea_id, user_id, False)
    return render_template("ideas/unsubscribed.html", idea=idea)
