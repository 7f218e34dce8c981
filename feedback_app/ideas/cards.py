"""The board's idea cards, each rendered once per distinct content and then remembered.

A list page shows twenty cards, and rendering one through Jinja (its vote form, links, status
badge, date and numbers in the reader's language) was most of the page's cost. A card's HTML
is a function of what it shows: `Card` holds exactly that (the idea's fields and figures as
the store answered in this request, and its age in words as of now), and the card is rendered
by a Jinja environment that cannot see the request, the session or the person, only its
arguments and the locale's helpers (anything else is an error, not an empty string). So a
card is remembered under its `Card`, the reader's own vote, the locale, the time zone and the
address prefix the app is served under, and

- its figures are never stale: the key holds the figures this request read from the store;
- it never shows another person's vote: the vote is in the key, and the HTML holds nothing
  else of the person; the CSRF token and the address the vote form comes back to (which
  differ per session and page) are written into their slots on every request;
- it is never in another language or zone: both are in the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import NamedTuple

from babel import Locale
from flask import Flask, current_app, request
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from ..page_urls import idea_url, repeated_url
from ..store import IdeaStatus, IdeaSummary, utcnow
from ..templating import (
    age,
    install_gettext,
    localized_number,
    status_label,
    time_tag,
    vote_labels,
)
from ..text import plain_text

__all__ = ["Card", "idea_cards", "init_cards"]

_KEY = "voicebox.cards"
# Cards remembered per process: a few pages' worth for each sort, filter and vote state (a
# card is about 1.5 KB).
_REMEMBERED = 2048
# Where the per-request values go. Text in a card is always escaped, so "<" never comes from
# it: these can only be the slots themselves.
_CSRF_SLOT = "<csrf-token-slot>"
_BACK_SLOT = "<back-address-slot>"


class Card(NamedTuple):
    """Everything a card shows about its idea."""

    id: int
    title: str
    description: str
    category: str
    status: IdeaStatus
    created_at: datetime
    score: int
    comments: int
    age: str  # "3 days ago", as of this request


def idea_cards(items: Sequence[IdeaSummary], my_votes: Mapping[int, int], back: str) -> Markup:
    """The cards of `items` for the person who cast `my_votes`; their vote forms come back to
    `back`."""
    render = current_app.extensions[_KEY]
    locale, zone, prefix = get_locale(), get_timezone(), request.script_root
    allow_demote = current_app.config["ALLOW_DEMOTE"]
    now = utcnow()
    cards = []
    for s in items:
        i = s.idea
        card = Card(i.id, i.title, i.description, i.category, i.status, i.created_at, s.score,
                    s.comments, age(i.created_at, now, locale))  # fmt: skip
        cards.append(render(card, my_votes.get(i.id, 0), allow_demote, locale, zone, prefix))
    html = "".join(cards)
    return Markup(
        html.replace(_CSRF_SLOT, escape(generate_csrf())).replace(_BACK_SLOT, escape(back))
    )


def init_cards(app: Flask) -> None:
    """Give the app its card renderer, with its own memory of cards."""
    env = _card_environment(app)

    # While templates reload on change (debug), a remembered card would hide the change.
    @lru_cache(maxsize=0 if env.auto_reload else _REMEMBERED)
    def render(
        card: Card, my_vote: int, allow_demote: bool, locale: Locale | None,
        zone: tzinfo | None, prefix: str,
    ) -> str:  # fmt: skip
        # The locale, zone and prefix are the request's, which the helpers read themselves.
        macro = env.get_template("ideas/_macros.html").module.idea_card  # type: ignore[attr-defined]
        return str(macro(card, my_vote, allow_demote, Markup(_BACK_SLOT)))

    app.extensions[_KEY] = render
    app.jinja_env.globals["idea_cards"] = idea_cards


def _card_environment(app: Flask) -> Environment:
    """Jinja for cards: the app's templates, gettext and the locale-bound helpers, and nothing
    of the request; a card that reads anything else fails instead of being remembered."""
    env = Environment(
        loader=app.jinja_env.loader,
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        auto_reload=app.jinja_env.auto_reload,
    )
    install_gettext(env)
    env.filters.update(number=localized_number, status_label=status_label, plain=plain_text)
    env.globals.update(
        csrf_token=lambda: Markup(_CSRF_SLOT),
        vote_labels=vote_labels,
        idea_url=idea_url,
        repeated_url=repeated_url,
        time_tag=time_tag,
    )
    return env
