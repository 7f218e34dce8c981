"""The board's rules: who may vote, comment, change a status, and who hears about it.

Views call one function here; each checks the rule, changes the store, and tells followers.
A `BoardError` carries a message meant for the person, shown instead of an error page.

Telling followers leaves the request: it records one job (`FOLLOWER_NEWS`), and the mailer
runs `_follower_news` to write each follower's email, however many there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from generator.render import idea_page_url
from generator.slugs import known_slugs, slug_for

from .. import audit
from ..data import get_store
from ..links import public_url
from ..mail import enqueue_job, job_handler
from ..publishing import published_data_changed
from ..store import (
    Comment,
    Conflict,
    Idea,
    IdeaClosed,
    IdeaStatus,
    Job,
    Message,
    NotFound,
    Stance,
    User,
    utcnow,
)
from ..templating import STATUS_LABELS

__all__ = [
    "COMMENT_EDIT_WINDOW",
    "BoardError",
    "cast_vote",
    "change_status",
    "comment_on",
    "edit_comment",
    "merge_ideas",
    "parse_tags",
    "post_idea",
    "read_unsubscribe",
    "set_following",
]

COMMENT_EDIT_WINDOW = timedelta(minutes=15)
MAX_TAGS = 5
FOLLOWER_NEWS = "follower_news"


class BoardError(Exception):
    """A rule said no; the message says why, in words for the person."""


def parse_tags(raw: str) -> list[str]:
    """'Oat milk, price ,price' -> ['oat milk', 'price']: at most five, each at most 30 chars."""
    tags = [t.strip().casefold()[:30] for t in raw.split(",") if t.strip()]
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def post_idea(author_id: int, title: str, description: str, category: str, tags: str) -> Idea:
    idea = Idea(title, description, category, author_id, tags=parse_tags(tags))
    return get_store().ideas.add(idea)


def cast_vote(idea_id: int, user_id: int, value: int) -> int:
    """The vote now held. A closed idea is refused by the store itself, at the moment the vote
    would be stored, so a merge that lands between reading the idea and voting is caught."""
    store = get_store()
    store.ideas.get(idea_id)  # NotFound: a 404
    if value < 0 and not current_app.config["ALLOW_DEMOTE"]:
        raise BoardError(_("This board only counts promotions: you can promote or withdraw."))
    try:
        return store.votes.cast(idea_id, user_id, value)
    except IdeaClosed:
        raise BoardError(_closed_message(store.ideas.get(idea_id))) from None


def comment_on(idea_id: int, author_id: int, is_staff: bool, body: str, stance: Stance) -> Comment:
    store = get_store()
    idea = store.ideas.get(idea_id)
    if idea.status.is_closed:
        raise BoardError(_closed_message(idea))
    comment = store.comments.add(idea_id, author_id, body, stance, official=is_staff)
    if author_id not in store.follows.choices(idea_id):  # someone who spoke hears back
        store.follows.set(idea_id, author_id, True)
    return comment


def edit_comment(comment_id: int, user_id: int, body: str) -> Comment:
    store = get_store()
    comment = store.comments.get(comment_id)
    if comment.author_id != user_id:
        raise BoardError(_("You can only edit your own comments."))
    if utcnow() - comment.created_at > COMMENT_EDIT_WINDOW:
        raise BoardError(_("Comments can be edited for 15 minutes after posting."))
    return store.comments.edit(comment_id, body)


def _decided(after: dict[str, Any], response: str, notify: bool) -> dict[str, Any]:
    """An audit entry's "after" for a decision: the response only when one was given (an empty
    one changed nothing and would read "(none) → (none)"), and whether followers were told."""
    return {**after, **({"response": response} if response else {}), "notified": notify}


def change_status(
    idea_id: int,
    status: IdeaStatus,
    response: str,
    actor: User,
    changed_note: str = "",
    changed_on: date | None = None,
    notify: bool = True,
) -> Idea:
    """A staff decision: the new status with its official response, kept in the audit log and,
    unless staff say otherwise (`notify`), told to every follower."""
    store = get_store()
    idea = store.ideas.get(idea_id)
    if status is IdeaStatus.DUPLICATE:
        raise BoardError(_("To mark a duplicate, merge it into the original idea."))
    if status is not idea.status and not idea.status.can_become(status):
        raise BoardError(
            _("An idea that is %(old)s cannot become %(new)s.",
              old=STATUS_LABELS[idea.status], new=STATUS_LABELS[status])
        )  # fmt: skip
    if status.is_done and not changed_note:
        raise BoardError(_("Say what changed: customers and the published site show it."))
    updated = store.ideas.set_status(idea_id, status, response, actor.id, changed_note, changed_on)
    before, after = audit.changes(idea, updated, ("status", "changed_note", "changed_on"))
    audit.record(store, actor, "idea.status", "idea", idea_id, before,
                 _decided(after, response, notify))  # fmt: skip
    if notify:
        headline = _("Status: %(status)s", status=STATUS_LABELS[status])
        _tell_followers(updated, headline, response, changed_note if status.is_done else "")
    if status.is_done or idea.status.is_done:  # the public "Ideas in Action" changes
        published_data_changed()
    return updated


def merge_ideas(
    duplicate_id: int, original_id: int, actor: User, response: str, notify: bool = True
) -> Idea:
    store = get_store()
    original = store.ideas.get(original_id)
    duplicate = store.ideas.get(duplicate_id)
    followers_before = store.ideas.followers(duplicate_id)
    try:
        merged = store.ideas.merge(duplicate_id, original_id, actor.id, response)
    except Conflict as exc:
        raise BoardError(_("These ideas cannot be merged: %(why)s.", why=str(exc))) from exc
    before, after = audit.changes(duplicate, merged, ("status", "merged_into"))
    audit.record(store, actor, "idea.merge", "idea", duplicate_id, before,
                 _decided(after, response, notify),
                 summary=original.title)  # fmt: skip
    if notify:
        note = _("Merged into “%(title)s”. Votes and followers moved there.", title=original.title)
        _tell_followers(merged, note, response, recipients=followers_before)
    return merged


def set_following(idea_id: int, user_id: int, following: bool) -> None:
    store = get_store()
    store.ideas.get(idea_id)
    store.follows.set(idea_id, user_id, following)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="voicebox-unsubscribe")


def unsubscribe_link(user_id: int, idea_id: int) -> str:
    token = _serializer().dumps([user_id, idea_id])
    return public_url("unsubscribe.unsubscribe", token=token)


def read_unsubscribe(token: str) -> tuple[int, int] | None:
    """(user id, idea id) from a signed unsubscribe link, or None if it was tampered with."""
    try:
        user_id, idea_id = _serializer().loads(token)
        return int(user_id), int(idea_id)
    except (BadSignature, ValueError, TypeError):  # signed, yet not two ids: not our link
        return None


def _tell_followers(
    idea: Idea,
    headline: str,
    response: str,
    changed_note: str = "",
    recipients: set[int] | None = None,
) -> None:
    """Record one job that the mailer turns into one email per follower (or per `recipients`,
    fixed now when followers are about to move, as in a merge). An idea in action links to its
    page on the published site, where prospects read it too."""
    site_page = ""
    if changed_note:
        slug = slug_for(known_slugs(get_store()), idea.id, idea.title)
        site_page = idea_page_url(current_app.config["SITE_URL"], slug)
    enqueue_job(
        FOLLOWER_NEWS,
        {"idea_id": idea.id, "headline": headline, "response": response,
         "changed_note": changed_note, "site_page": site_page,
         "recipients": sorted(recipients) if recipients is not None else None,
         "locale": str(get_locale() or current_app.config["LOCALE"])},
    )  # fmt: skip


def _news_text(news: dict[str, Any], name: str, link: str, site: str, stop: str) -> str:
    """One follower's email: the headline, the official response, what changed and where it is
    published (for an idea in action), then the way to stop these emails."""
    parts = [_("Hello %(name)s,", name=name), news["headline"], news["response"]]
    if news.get("changed_note"):
        parts.append(_("What changed: %(note)s", note=news["changed_note"]))
    if news.get("site_page"):
        parts.append(_("Read it on our site: %(page)s", page=news["site_page"]))
    parts.append(_("See the idea: %(link)s", link=link))
    parts.append(
        _("You get this because you posted, voted on or follow this idea on %(site)s.\n"
          "Stop emails about this idea (one click): %(stop)s", site=site, stop=stop)
    )  # fmt: skip
    return "\n\n".join(parts) + "\n"


@job_handler(FOLLOWER_NEWS)
def _follower_news(job: Job) -> Iterator[tuple[str, Message]]:
    """One email per follower, each with its own one-click unsubscribe link (in the mailer)."""
    news = job.payload
    store = get_store()
    idea = store.ideas.get(news["idea_id"])
    chosen = news["recipients"]
    recipients = set(chosen) if chosen is not None else store.ideas.followers(idea.id)
    site = current_app.config["SITE_NAME"]
    link = public_url("ideas.show", idea_id=idea.id)
    with force_locale(news["locale"]):
        for user_id in sorted(recipients):
            try:
                person = store.users.get(user_id)
            except NotFound:  # an account removed since it followed
                continue
            stop = unsubscribe_link(user_id, idea.id)
            yield (
                str(user_id),
                Message(
                    person.email,
                    _("News about “%(title)s”", title=idea.title),
                    _news_text(news, person.display_name, link, site, stop),
                    unsubscribe=stop,
                ),
            )


def _closed_message(idea: Idea) -> str:
    if idea.merged_into:
        return _("This idea was merged into another one: vote and comment there.")
    return _("This idea is archived: it no longer takes votes or comments.")
