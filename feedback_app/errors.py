"""Error pages, in one place: every error a person can meet gets a page that says what to do."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from .store import CorruptDataError, NotFound, SchemaError, WriteError

__all__ = ["init_errors"]

_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("There is nothing here. Check the address, or start again.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts. Shorten it.")),
    429: (_l("Slow down"), _l("Too many requests in a short time. Wait a minute and retry.")),
    500: (_l("Something went wrong"), _l("We could not finish that. Please try again later.")),
    503: (
        _l("Temporarily unavailable"),
        _l("Our data cannot be read right now. The team has been told; please come back later."),
    ),
}

# A write refused by the disk (full, read-only): the store kept the old data whole.
_NOT_SAVED = _l("We could not save that; nothing was lost. Please try again in a few minutes.")

_NOT_KEPT = {"csrf_token", "website"}


def _page(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = _MESSAGES.get(code, _MESSAGES[500])
    try:
        html = render_template(
            "errors/error.html", code=code, title=title, message=detail or message
        )
    except Exception:  # the error page itself failed: still answer, in plain words
        current_app.logger.exception("error page failed")
        html = str(escape(f"{code} {title}. {detail or message}"))
    return html, code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        # Give back what the person typed, in a fresh form that posts to the same place.
        kept = [
            (name, value) for name, value in request.form.items(multi=True) if name not in _NOT_KEPT
        ]
        action = request.full_path.rstrip("?")
        return render_template("errors/csrf.html", fields=kept, action=action), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return _page(error.code or 500)

    @app.errorhandler(NotFound)
    def missing(error: NotFound) -> tuple[str, int]:
        return _page(404)

    @app.errorhandler(CorruptDataError)
    @app.errorhandler(SchemaError)
    def unreadable(error: Exception) -> tuple[str, int]:
        app.logger.error("data unavailable: %s", error)
        return _page(503)

    @app.errorhandler(WriteError)
    def not_saved(error: WriteError) -> tuple[str, int]:
        app.logger.error("could not save: %s", error)
        return _page(503, _NOT_SAVED)

    @app.errorhandler(Exception)
    def crash(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error")
        return _page(500)
