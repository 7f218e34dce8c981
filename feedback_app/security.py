"""Protections every page gets: CSRF on state-changing requests, a session cookie that a post
from another site never replaces, and strict response headers. Bodies: see body.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect

from .body import BODY_METHODS, init_body, refuse_undecodable
from .store import StoreError

__all__ = ["CSP", "HEADERS", "SiteSessionInterface", "csrf", "from_this_site", "init_security"]

csrf = CSRFProtect()

# No inline script and no third party: every script and style is served from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


# What every answer carries unless it says otherwise.
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_this_site() -> bool:
    """Whether the browser says this request came from a page of this site.

    Browsers send `Sec-Fetch-Site` (and `Origin`) with every post; "none" means the person
    did it (a reload, a bookmark), which no other site can cause. A request with neither comes
    from a script or a very old browser, which has no SameSite cookie to protect.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = {_origin(request.host_url), _origin(current_app.config["BASE_URL"])}
    return origin.lower() in own


# Where open_session leaves a store failure for `_key_unavailable` to raise in the request.
_KEY_ERROR = "voicebox.key_error"


class SiteSessionInterface(SecureCookieSessionInterface):
    """Never writes the session cookie in answer to a post from another site.

    The browser withholds our SameSite cookie from such a post, so the app sees no session;
    a cookie set in the answer (a new CSRF secret, say) would replace the visitor's own and
    sign them out. Whatever the answer (refused, rate-limited, a page that needs no token),
    the visitor's cookie stays as it was.

    The signing key may live in the database (see app.VoiceboxApp): when it cannot be read,
    the session is opened empty and the request answers the store's 503, like any request
    that finds the data unreachable, instead of failing before Flask's error pages apply.
    """

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        try:
            return super().open_session(app, request)
        except StoreError as exc:
            request.environ[_KEY_ERROR] = exc
            return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.method in BODY_METHODS and not from_this_site():
            return
        super().save_session(app, session, response)


def _key_unavailable() -> None:
    error = request.environ.get(_KEY_ERROR)
    if error is not None:
        raise error


def init_security(app: Flask) -> None:
    app.session_interface = SiteSessionInterface()
    app.before_request(_key_unavailable)
    init_body(app)  # size and kind of body first: the CSRF check reads the form
    csrf.init_app(app)
    app.before_request(refuse_undecodable)  # after it: only the person's own post comes back

    @app.after_request
    def headers(response: Response) -> Response:
        """Each of `HEADERS` the response does not set itself (one pass over its headers:
        `setdefault` looks through them twice for each)."""
        present = {name.lower() for name, _ in response.headers}
        for name, value in HEADERS:
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
