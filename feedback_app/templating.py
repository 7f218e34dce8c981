"""Helpers templates use: dates relative with the absolute date on hover, locale-aware numbers.

A board page formats a few values per idea, twenty ideas a page. Flask-Babel's own helpers
look up the request's locale and time zone anew inside every call (several context lookups
each), which made dates, numbers and status labels most of a list page's cost. The helpers
here call Babel with the locale looked up once per value, and remember results that depend
only on their inputs and the locale (a full date, a number, a translated label): the same
ideas are shown to every visitor, and a result can never belong to another locale because
the locale is part of what is remembered.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from numbers import Number
from typing import Any

from babel import Locale, dates, numbers
from flask import Flask, g
from flask_babel import format_date, get_locale, get_timezone, get_translations, gettext
from flask_babel import lazy_gettext as _l
from jinja2 import Environment
from markupsafe import Markup, escape

from .page_cache import changes_at
from .page_urls import idea_url
from .store import IdeaStatus, utcnow
from .text import plain_text

__all__ = [
    "STATUS_LABELS", "age", "age_changes_at", "init_templating", "install_gettext",
    "localized_number", "status_label", "time_ago", "time_tag", "vote_labels",
]  # fmt: skip

# How many results each helper remembers per process: far more than the ideas a busy board
# shows on its first pages, and at most a few hundred kilobytes.
_REMEMBERED = 4096

STATUS_LABELS = {
    IdeaStatus.NEW: _l("New"),
    IdeaStatus.UNDER_REVIEW: _l("Under review"),
    IdeaStatus.PLANNED: _l("Planned"),
    IdeaStatus.IN_PROGRESS: _l("In progress"),
    IdeaStatus.IMPLEMENTED: _l("Implemented"),
    IdeaStatus.PARTIALLY_IMPLEMENTED: _l("Partially implemented"),
    IdeaStatus.NOT_PLANNED: _l("Not planned"),
    IdeaStatus.DUPLICATE: _l("Duplicate"),
    IdeaStatus.ARCHIVED: _l("Archived"),
}


def time_ago(moment: datetime) -> Markup:
    """`<time>` saying "3 days ago", with the full date as its title and machine value."""
    return time_tag(moment, age(moment, utcnow(), get_locale()))


def age(moment: datetime, now: datetime, locale: Locale | None) -> str:
    """How long before `now` the moment was, in the reader's words ("3 days ago"). A page
    kept for later (page_cache.py) is told when these words will change."""
    changes_at(age_changes_at(moment, now))
    return dates.format_timedelta(moment - now, add_direction=True, locale=locale)


# How Babel's format_timedelta (with its defaults, as `age` calls it) chooses its words: the
# largest unit of which there is at least this share, the count rounded to a whole number.
_UNITS = dates.TIMEDELTA_UNITS  # ("year", seconds), ... ("second", 1), largest first
_THRESHOLD = 0.85
# Under the exact instant, against floating-point rounding.
_MARGIN = timedelta(milliseconds=1)


def age_changes_at(moment: datetime, now: datetime) -> datetime:
    """The first instant after `now` from which `age(moment, ...)` may read differently: when
    the rounded count moves on ("3 minutes" → "4 minutes"), or a larger unit takes over
    ("59 minutes" → "1 hour"), whichever comes first. A moment not in the past reads "in …"
    and counts down: it changes at once."""
    elapsed = (now - moment).total_seconds()
    if elapsed <= 0:
        return now
    used = next(
        n
        for n, (unit, size) in enumerate(_UNITS)
        if elapsed / size >= _THRESHOLD or unit == "second"
    )
    size = _UNITS[used][1]
    shown = round(max(1.0, elapsed / size))  # "1 second", never "0 seconds", once past
    change = (shown + 0.5) * size
    if used:
        change = min(change, _THRESHOLD * _UNITS[used - 1][1])
    return moment + timedelta(seconds=change) - _MARGIN


def time_tag(moment: datetime, relative: str) -> Markup:
    """`<time>` saying `relative`, with the full date as its title and machine value."""
    full = _full_date(moment, get_locale(), get_timezone())
    return Markup(
        f'<time datetime="{escape(moment.isoformat())}" title="{full}">{escape(relative)}</time>'
    )


@lru_cache(maxsize=_REMEMBERED)
def _full_date(moment: datetime, locale: Locale | None, zone: tzinfo | None) -> Markup:
    """The date and time in the reader's zone, as Flask-Babel's format_datetime(moment,
    "medium") gives it, escaped."""
    return escape(dates.format_datetime(moment, "medium", tzinfo=zone, locale=locale))


def localized_number(number: Number) -> str:
    """A number as the reader's locale writes it ("1,234"; Flask-Babel's format_decimal).
    Whole numbers (scores, counts) are remembered; others (1.0 == Decimal("1.00") as keys)
    are not."""
    if type(number) is int:
        return _whole_number(number, get_locale())
    return numbers.format_decimal(number, locale=get_locale())


@lru_cache(maxsize=_REMEMBERED)
def _whole_number(number: int, locale: Locale | None) -> str:
    return numbers.format_decimal(number, locale=locale)


def status_label(status: IdeaStatus) -> str:
    """A status's name in the reader's language."""
    return _status_label(status, get_locale())


@lru_cache(maxsize=64)
def _status_label(status: IdeaStatus, locale: Locale | None) -> str:
    return str(STATUS_LABELS[status])  # translated now, in `locale`: the request's


def vote_labels() -> dict[str, str]:
    """The vote buttons' words, translated once per request rather than once per button."""
    if "vote_labels" not in g:
        g.vote_labels = {
            "promote": gettext("Promote this idea"),
            "unpromote": gettext("Withdraw my promotion"),
            "demote": gettext("Demote this idea"),
            "undemote": gettext("Withdraw my demotion"),
            "score": gettext("Score"),
        }
    return g.vote_labels


def install_gettext(env: Environment) -> None:
    """Give templates `_()` and `ngettext()` from Flask-Babel's catalogs, each catalog found by
    the request's locale in a dict of this environment's: Flask-Babel's own lookup walks the
    request context three times per string, a tenth of a list page. (The app uses one message
    domain; a catalog, once loaded, never changes in Flask-Babel either.)"""
    catalogs: dict[Locale | None, Any] = {}

    def catalog() -> Any:
        locale = get_locale()
        found = catalogs.get(locale)
        if found is None:
            found = catalogs[locale] = get_translations()
        return found

    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )


def init_templating(app: Flask) -> None:
    install_gettext(app.jinja_env)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["ago"] = time_ago
    app.jinja_env.filters["number"] = localized_number
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["plain"] = plain_text
    app.jinja_env.filters["isodate"] = datetime.fromisoformat
    app.jinja_env.globals["now"] = utcnow
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["vote_labels"] = vote_labels
    app.jinja_env.globals["idea_url"] = idea_url
    from .audit_labels import value_label  # it reads this module's status labels

    app.jinja_env.globals["value_label"] = value_label  # a stored state as staff read it
    app.jinja_env.globals["site_name"] = lambda: app.config["SITE_NAME"]
