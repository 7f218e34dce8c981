"""Request bodies read safely: too large, not UTF-8, or of a kind no form here sends.

Every form of Voicebox posts `application/x-www-form-urlencoded`. A body over the size limit
is refused before routing (a form somewhat over it is read, so the 413 page can give the text
back); a body that is not UTF-8 is decoded with U+FFFD and refused after the CSRF check with
its fields to correct; a multipart body is refused, except on the few forms that carry a file
(`accept_upload`: the testimonial form's photo), which have their own, larger limit. Whatever
a view left unread is drained before answering, so the connection stays usable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import IO, Any
from urllib.parse import parse_qsl

from flask import Flask, Request, Response, current_app, g, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream

__all__ = [
    "BODY_METHODS",
    "TooLarge",
    "UndecodableForm",
    "accept_upload",
    "body_limit",
    "decode_form",
    "drained_limit",
    "init_body",
    "refuse_undecodable",
    "undecodable_form",
]

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The forms that carry a file, by path: the largest body each accepts, from the settings.
_UPLOADS: dict[str, Callable[[Mapping[str, Any]], int]] = {}


def accept_upload(path: str, limit: Callable[[Mapping[str, Any]], int]) -> None:
    """Let the form at `path` post multipart/form-data of up to `limit(settings)` bytes.

    MAX_UPLOAD_KB keeps every other form small; a photo needs megabytes on its own form only.
    """
    _UPLOADS[path] = limit


def body_limit(settings: Mapping[str, Any], path: str) -> int:
    """The largest body a request to `path` may have."""
    limit: int = settings["MAX_CONTENT_LENGTH"]
    upload = _UPLOADS.get(path)
    return max(limit, upload(settings)) if upload else limit


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

    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: Any
    ) -> Any:
        """Werkzeug decodes a multipart field's bad bytes as U+FFFD without saying so. Our
        pages send UTF-8, so a U+FFFD in a field means bytes were lost: flag the form, as
        for a urlencoded one (a person who really typed U+FFFD is asked to send it again)."""
        parsed = super()._parse_multipart(stream, mimetype, content_length, options)
        fields = parsed[1].items(multi=True)
        self.undecodable = any("\ufffd" in value for _name, value in fields)
        return parsed


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


def undecodable_form() -> bool:
    """Whether this request's form text had to be repaired (see `_FormParser`)."""
    return request.method in BODY_METHODS and bool(getattr(request, "form_undecodable", False))


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
    limit = body_limit(current_app.config, request.path)
    if request.path in _UPLOADS:
        request.max_content_length = limit
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


def refuse_undecodable() -> None:
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
    limit = body_limit(current_app.config, request.path)
    if not length or length > drained_limit(limit):
        return response
    if length > limit:  # refused before anything read it (a 429 comes first)
        _read_unopened_body(length)
        return response
    with contextlib.suppress(HTTPException, OSError):
        request.stream.read()  # what the form parser left, if it ran at all
    return response


def _refuse_multipart() -> None:
    """Only the forms that carry a file send multipart: refusing it elsewhere keeps "not
    UTF-8, nothing saved" true without reading it."""
    if request.path in _UPLOADS:
        return
    if request.method in BODY_METHODS and request.mimetype == "multipart/form-data":
        raise UnsupportedMediaType(
            _l("This site only takes forms sent from its own pages. Nothing was saved.")
        )


def init_body(app: Flask) -> None:
    """Hooks that run before the CSRF check reads the form (`refuse_undecodable` runs after
    it: see security.init_security)."""
    app.request_class = _Request
    app.before_request(_refuse_oversized)
    app.before_request(_refuse_multipart)
    app.after_request(_finish_body)
