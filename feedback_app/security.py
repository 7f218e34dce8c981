"""Protections every page gets: CSRF on state-changing requests and strict response headers."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request
from flask_wtf.csrf import CSRFProtect

__all__ = ["CSP", "csrf", "init_security"]

csrf = CSRFProtect()

# No inline script and no third party: every script and style is served from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _refuse_oversized() -> None:
    """Refuse a large body before routing, even where the view would never read it."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413)


def init_security(app: Flask) -> None:
    app.before_request(_refuse_oversized)
    csrf.init_app(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
