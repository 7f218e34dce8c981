"""The answer pages: the ten-second survey by personal link and at /survey, "did everything
arrive?", "what made you decide?", and the thank-you page.

Opening a link shows its question with the emailed choice already made and records nothing
(mail scanners open every link); one press of "Send" (a POST with its CSRF token) records it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from ..forms import VoiceboxForm
from . import service
from .forms import ArrivalForm, LostForm, PublicSurveyForm, SurveyForm
from .links import ARRIVAL, LOST, SURVEY
from .service import Answer, Link, LinkError

__all__ = ["bp"]

bp = Blueprint("surveys", __name__)

THANKS = "survey_thanks"
# A link that cannot be used: gone for good, not ours, or already answered.
PROBLEM_STATUS = {"expired": 410, "invalid": 404, "answered": 409}

Page = str | Response | tuple[str, int]


@bp.route("/survey/<token>", methods=["GET", "POST"])
def personal(token: str) -> Page:
    return _personal_page(SURVEY, token, SurveyForm, "surveys/survey.html", _survey_answer)


@bp.route("/arrival/<token>", methods=["GET", "POST"])
def arrival(token: str) -> Page:
    return _personal_page(ARRIVAL, token, ArrivalForm, "surveys/arrival.html", _arrival_answer)


@bp.route("/lost/<token>", methods=["GET", "POST"])
def lost(token: str) -> Page:
    return _personal_page(LOST, token, LostForm, "surveys/lost.html", _lost_answer)


@bp.route("/survey", methods=["GET", "POST"])
def public() -> Page:
    if request.method == "GET":
        form = PublicSurveyForm(score=_asked_score(), email=_my_email())
    else:
        form = PublicSurveyForm()
    if form.validate_on_submit():
        if form.is_bot:  # looks like thanks, records nothing
            return redirect(url_for("surveys.thanks"))
        answer = _survey_answer(form)
        answer.email, answer.name = form.email.data or "", form.name.data or ""
        user_id = current_user.id if current_user.is_authenticated else None
        try:
            recorded = service.answer_public(form.answer.data, answer, _language(), user_id)
        except LinkError as exc:
            return _problem(exc.reason)
        return _thanks(recorded)
    status = 400 if form.is_submitted() else 200
    return render_template("surveys/survey.html", form=form, link=None), status


@bp.get("/survey/thanks")
def thanks() -> str:
    return render_template("surveys/thanks.html", done=session.get(THANKS) or {})


def _personal_page(
    purpose: str,
    token: str,
    form_class: type[VoiceboxForm],
    template: str,
    to_answer: Callable[[Any], Answer],
) -> Page:
    try:
        link = service.open_link(purpose, token)
    except LinkError as exc:
        return _problem(exc.reason)
    form = form_class(**_prefill(link)) if request.method == "GET" else form_class()
    if form.validate_on_submit():
        try:
            recorded = service.answer_link(link, to_answer(form))
        except LinkError as exc:  # the answer window closed while the page was open
            return _problem(exc.reason)
        return _thanks(recorded)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, link=link, token=token), status


def _prefill(link: Link) -> dict[str, Any]:
    """The form as the link left it: the answer so far, with the choice the emailed link
    made on top, so the person only has to press "Send"."""
    prior = link.prior
    values: dict[str, Any] = {"touchpoint": link.sale.touchpoint}
    if prior is not None:
        values.update(
            score=None if prior.score is None else str(prior.score),
            effort=None if prior.effort is None else str(prior.effort),
            touchpoint=prior.touchpoint, comment=prior.reason, may_contact=prior.may_contact,
            arrived=None if prior.arrived is None else ("yes" if prior.arrived else "no"),
        )  # fmt: skip
    score = _asked_score()
    if score is not None:
        values["score"] = score
    if request.args.get("answer") in ("yes", "no"):
        values["arrived"] = request.args["answer"]
    return values


def _asked_score() -> str | None:
    score = request.args.get("score", "")
    return score if score.isascii() and score.isdigit() and int(score) <= 10 else None


def _survey_answer(form: SurveyForm) -> Answer:
    # WTForms' Optional() passes any blank value, and counts U+2028 and U+2029 as blank: an
    # effort that is only those is no answer, as an empty one is.
    effort = (form.effort.data or "").strip()
    return Answer(
        score=int(form.score.data), effort=int(effort) if effort else None,
        touchpoint=form.touchpoint.data or "", comment=form.comment.data or "",
        may_contact=bool(form.may_contact.data),
    )  # fmt: skip


def _arrival_answer(form: ArrivalForm) -> Answer:
    return Answer(arrived=form.arrived.data == "yes", comment=form.comment.data or "",
                  may_contact=True)  # fmt: skip


def _lost_answer(form: LostForm) -> Answer:
    return Answer(comment=form.comment.data or "", may_contact=bool(form.may_contact.data))


def _thanks(recorded: service.Recorded) -> Response:
    """Remember what to say on the thank-you page (the invitation made for this answer is
    shown there, the same link as in the email), and go there: a reload sends nothing."""
    r = recorded.response
    session[THANKS] = {
        "question": r.question, "group": r.category, "first": recorded.first,
        "invite": recorded.invite, "followup": recorded.followup, "arrived": r.arrived,
        "emailed": recorded.emailed,
    }  # fmt: skip
    return redirect(url_for("surveys.thanks"))


def _problem(reason: str) -> tuple[str, int]:
    status = PROBLEM_STATUS.get(reason, 404)
    if reason == "answered" and request.method == "GET":
        status = 200
    return render_template("surveys/problem.html", reason=reason), status


def _my_email() -> str:
    return current_user.user.email if current_user.is_authenticated else ""


def _language() -> str:
    return str(get_locale() or current_app.config["LOCALE"])
