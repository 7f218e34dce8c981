"""Helpers templates use: dates relative with the absolute date on hover, locale-aware numbers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_timedelta,
    get_locale,
    gettext,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .store import IdeaStatus, utcnow
from .text import plain_text

__all__ = ["STATUS_LABELS", "init_templating", "time_ago"]

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
    relative = format_timedelta(moment - utcnow(), add_direction=True)
    return Markup('<time datetime="{iso}" title="{full}">{rel}</time>').format(
        iso=escape(moment.isoformat()),
        full=escape(format_datetime(moment, "medium")),
        rel=escape(relative),
    )


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


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["ago"] = time_ago
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["plain"] = plain_text
    app.jinja_env.filters["isodate"] = datetime.fromisoformat
    app.jinja_env.globals["now"] = utcnow
    app.jinja_env.filters["status_label"] = STATUS_LABELS.__getitem__
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["vote_labels"] = vote_labels
    app.jinja_env.globals["site_name"] = lambda: app.config["SITE_NAME"]
