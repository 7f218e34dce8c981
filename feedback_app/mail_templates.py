"""Emails written as templates: one `.txt` and one `.html` per email, in `templates/<area>/email/`.

Every email has a plain-text part (some readers, and every spam filter, read that one) and an
HTML part; writing both as templates keeps their words in one place each, through gettext.
The `.txt` template is rendered without HTML escaping (Flask escapes only `.html` templates),
so a customer's name reaches the text part as written and the HTML part escaped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

__all__ = ["in_language", "render_email"]


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Write in the recipient's language, or the site's default when it is not known."""
    with force_locale(language or current_app.config["LOCALE"]):
        yield


def render_email(template: str, **context: Any) -> tuple[str, str]:
    """(text, html) of the email template `template` (without its extension)."""
    context.setdefault("site", current_app.config["SITE_NAME"])
    text = render_template(f"{template}.txt", **context)
    return text, render_template(f"{template}.html", **context)
