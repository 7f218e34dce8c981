"""Error pages, in one place: every error a person can meet gets a page that says what to do."""

from __future__ import annotations

from flask import Flask, Response, current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from .auth.service import safe_next
from .body import TooLarge, UndecodableForm, body_limit, undecodable_form
from .limits import TooManyPosts
from .security import from_this_site
from .store import (
    CorruptDataError,
    NotFound,
    SchemaError,
    Unavailable,
    UnsupportedBackend,
    WriteError,
)

__all__ = ["init_errors"]

_MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("There is nothing here. Check the address, or start again.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts. Shorten it.")),
    415: (_l("Not a form of this site"), _l("This site only takes forms sent from its own pages.")),
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


def _resend(reason: str, fields: list[tuple[str, str]] | None = None, code: int = 400) -> Response:
    """Give back what was posted, to be sent again by the person's own press of a button.

    A post from another site gets no form at all, so fields that site chose can never be
    re-sent with a valid token, and its answer leaves the visitor's session cookie alone (see
    security.SiteSessionInterface). This page can be neither framed nor scripted (CSP).
    """
    action = safe_next(request.full_path.rstrip("?"))
    from_site = bool(action) and from_this_site()
    if fields is None:
        fields = list(request.form.items(multi=True))
    html = render_template(
        "errors/csrf.html",
        reason=reason if from_site else "elsewhere",
        fields=[(n, v) for n, v in fields if n not in _NOT_KEPT] if from_site else [],
        action=action,
        garbled=reason != "too-large" and undecodable_form(),
    )
    response = make_response(html, code)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return _resend("csrf")

    @app.errorhandler(UndecodableForm)
    def undecodable(error: UndecodableForm) -> Response:
        return _resend("encoding")

    @app.errorhandler(TooLarge)
    def too_large(error: TooLarge) -> Response | tuple[str, int]:
        if error.fields is None:
            return _page(413)
        return _resend("too-large", error.fields, 413)

    @app.errorhandler(TooManyPosts)
    def slow_down(error: TooManyPosts) -> Response | tuple[str, int]:
        # The form is read only when it is small enough to be read at all.
        limit = body_limit(current_app.config, request.path)
        if (request.content_length or 0) > limit:
            answer: Response | tuple[str, int] = _page(429)
        else:
            answer = _resend("slow-down", code=429)
        response = make_response(answer)
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        # A view that aborts with its own description says more than the generic message.
        detail = error.description if "description" in vars(error) else None
        return _page(error.code or 500, detail)

    @app.errorhandler(NotFound)
    def missing(error: NotFound) -> tuple[str, int]:
        return _page(404)

    @app.errorhandler(CorruptDataError)
    @app.errorhandler(SchemaError)
    @app.errorhandler(UnsupportedBackend)
    @app.errorhandler(Unavailable)
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
