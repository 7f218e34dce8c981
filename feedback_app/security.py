"""Protections every page gets: CSRF on state-changing requests and strict response headers."""

from __future__ import annotations

from flask import Flask, Response
from flask_wtf.csrf import CSRFProtect

__all__ = ["CSP", "csrf", "init_security"]

csrf = CSRFProtect()

# No inline script and no third party: every script and style is served from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def init_security(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
