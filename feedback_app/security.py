"""Protections every page gets: CSRF on state-changing requests, strict response headers, and
request bodies read safely (too large, or not UTF-8)."""

from __future__ import annotations

import contextlib
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, Request, Response, current_app, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream

__all__ = [
    "CSP",
    "SiteSessionInterface",
    "TooLarge",
    "UndecodableForm",
    "csrf",
    "decode_form",
    "drained_limit",
    "from_this_site",
    "init_security",
    "undecodable_form",
]

csrf = CSRFProtect()

# No inline script and no third party: every script and style is served from /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class UndecodableForm(BadRequest):
    """A form post whose text is not UTF-8: acting on it would store garbled text."""


def decode_form(raw: bytes) -> tuple[list[tuple[str, str]], bool]:
    """The fields of a urlencoded body, and whether any byte was not UTF-8 (shown as U+FFFD)."""
    try:
        return parse_qsl(raw.decode(), keep_blank_values=True, errors="strict"), False
    except UnicodeDecodeError:
        text = raw.decode(errors="replace")
        return parse_qsl(text, keep_blank_values=True, errors="replace"), True


class _FormParser(FormDataParser):
    """Reads a urlencoded body that is not valid UTF-8 instead of dropping every field.

    Werkzeug gives back an empty form for such a body, so the person would see none of what
    they typed. Here the text is decoded with U+FFFD for each unreadable byte, and the parser
    remembers that it had to, so the request can be answered with the fields to correct.
    """

    undecodable = False

    def _parse_urlencoded(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: Any
    ) -> Any:
        raw = stream.read()
        # A streamed (chunked) body is cut at the limit without an error: refuse it rather than
        # act on a truncated form. One exactly at the limit is refused too.
        limit = self.max_content_length
        if content_length is None and limit is not None and len(raw) >= limit:
            raise RequestEntityTooLarge()
        items, self.undecodable = decode_form(raw)
        return stream, self.cls(items), self.cls()


class _Request(Request):
    form_data_parser_class = _FormParser
    _parser: _FormParser | None = None

    def make_form_data_parser(self) -> FormDataParser:
        self._parser = super().make_form_data_parser()  # type: ignore[assignment]
        return self._parser  # type: ignore[return-value]

    @property
    def form_undecodable(self) -> bool:
        """Whether the form's text had bytes that are not UTF-8 (reads the form first)."""
        _ = self.form
        return bool(self._parser and self._parser.undecodable)


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


class SiteSessionInterface(SecureCookieSessionInterface):
    """Never writes the session cookie in answer to a post from another site.

    The browser withholds our SameSite cookie from such a post, so the app sees no session;
    a cookie set in the answer (a new CSRF secret, say) would replace the visitor's own and
    sign them out. Whatever the answer (refused, rate-limited, a page that needs no token),
    the visitor's cookie stays as it was.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.method in _BODY_METHODS and not from_this_site():
            return
        super().save_session(app, session, response)


def undecodable_form() -> bool:
    """Whether this request's form text had to be repaired (see `_FormParser`)."""
    return request.method in _BODY_METHODS and bool(getattr(request, "form_undecodable", False))


def drained_limit(limit: int) -> int:
    """The largest body read through even when refused, so its 413 page arrives intact.

    A server that answers before the body is read and then closes makes the client's system
    reset the connection, and the person sees a network error instead of the page. A body
    somewhat over the limit (an overlong paste) is cheap to read and drop; a larger one is not
    read, and the server says `Connection: close` (see server.py).
    """
    return 4 * limit


class TooLarge(RequestEntityTooLarge):
    """A body over the limit; `fields` holds a form small enough to give back to be shortened."""

    def __init__(self, fields: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.fields = fields


def _refuse_oversized() -> None:
    """Refuse a large body before routing, even where the view would never read it.

    A form somewhat over the limit (an overlong paste) is read anyway, so the 413 page can give
    back what was typed and the answer reaches the browser (see `drained_limit`).
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    length = request.content_length
    if length is None or length <= limit:
        return
    if length > drained_limit(limit):
        raise TooLarge()
    raw = _read_unopened_body(length)
    form = request.mimetype == "application/x-www-form-urlencoded"
    raise TooLarge(decode_form(raw)[0] if form else None)


def _read_unopened_body(length: int) -> bytes:
    """The body Werkzeug refuses to open (over the limit), read once, up to `length` bytes."""
    if g.get("_body_read"):
        return b""
    g._body_read = True
    with contextlib.suppress(HTTPException, OSError):
        return LimitedStream(request.environ["wsgi.input"], length).read()
    return b""


def _refuse_undecodable() -> None:
    """Runs after the CSRF check: only the person's own post comes back with a form to resend."""
    if undecodable_form():
        raise UndecodableForm()


def _finish_body(response: Response) -> Response:
    """Read and drop what is left of the body, up to `drained_limit`, before answering.

    The server keeps a connection open for the next request only if nothing of this one is
    left on it. A body can be left unread by a refusal (413, 429) or an early 404; bodies too
    large to read through make the server close the connection instead (see server.py).
    """
    length = request.content_length
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if not length or length > drained_limit(limit):
        return response
    if length > limit:  # refused before anything read it (a 429 comes first)
        _read_unopened_body(length)
        return response
    with contextlib.suppress(HTTPException, OSError):
        request.stream.read()  # what the form parser left, if it ran at all
    return response


def init_security(app: Flask) -> None:
    app.request_class = _Request
    app.session_interface = SiteSessionInterface()
    app.before_request(_refuse_oversized)
    csrf.init_app(app)
    app.before_request(_refuse_undecodable)
    app.after_request(_finish_body)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
