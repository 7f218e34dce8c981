"""Whole pages kept for visitors who are not signed in, served only while exact.

The board's list page (any sort, filter, search and page) reads the same for every visitor
who is not signed in, but for their session's form token. Rendering it costs milliseconds of
CPU; serving a kept copy a small fraction of that. A copy is served only when it is, byte for
byte, the page rendering would give now:

- **the data**: a copy is kept under the store's board revision (`Store.board_revision`),
  settled before the page's data is read, and a request finds it only under the revision it
  reads itself: any change to the board, made by any process or host, is a new key;
- **the clock**: a page says how old each idea is ("3 minutes ago") and trending ranks by the
  minute; a copy expires when the first of those would read differently (`changes_at`);
- **the visitor**: nothing is kept or served for a signed-in person, nor while flash messages
  wait to be shown (they are shown once, by a rendered page); copies are kept per locale,
  time zone and address (prefix, path and query string);
- **the form token**: every token rendered into a kept page is a slot, and the visitor's own
  token is written into it on each request.

Every copy expires at the next minute whatever else happens, which also bounds how long a
change to the board could go unseen were it ever made around the store (a tool writing to the
database with its triggers off). The response is made by the same code as a rendered page's
(headers, session cookie, `Vary`). While templates reload on change (debug), nothing is kept:
an edited template shows at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .data import get_store
from .store.models import TRENDING_REFRESH_S

__all__ = ["changes_at", "init_page_cache", "kept_for_visitors"]

F = TypeVar("F", bound=Callable[..., str])

_KEY = "voicebox.page_cache"
# Pages kept per process: every sort and filter's first pages, and some searches (a page is
# about 40 KB).
_KEPT = 128
# Where the visitor's form token goes. Text on a page is always escaped, so "<" never comes
# from it: this can only be the slot itself.
_TOKEN_SLOT = "<voicebox-form-token>"
# Flask-WTF keeps the request's token on `g` under the token field's name and hands it to
# every caller (templates, forms, the idea cards): set there, the slot is what they all get.
_TOKEN_ON_G = "csrf_token"
_EXPIRES = "voicebox_page_expires"


class _Kept(NamedTuple):
    parts: list[bytes]  # the page, split at the token slots
    expires: float  # Unix time from which it may read differently


class _Pages:
    """The kept pages of one app, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._pages: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: float) -> _Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            if now >= kept.expires:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return kept

    def put(self, key: Hashable, kept: _Kept) -> None:
        with self._lock:
            self._pages[key] = kept
            self._pages.move_to_end(key)
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


def kept_for_visitors(view: F) -> F:
    """Serve `view`'s page (a `str`, or an abort) from a kept copy when one is exact for this
    request; otherwise render it, and keep it when it may be kept."""

    @wraps(view)
    def serve(*args: Any, **kwargs: Any) -> str | bytes:
        pages: _Pages | None = current_app.extensions[_KEY]
        if pages is None or _signed_in() or "_flashes" in session:
            return view(*args, **kwargs)
        now = time.time()
        where = (str(get_locale()), str(get_timezone()), request.script_root, request.full_path)
        store = get_store()
        kept = pages.get((store.board_revision(), *where), now)
        if kept is None:
            revision = store.board_revision(settled=True)
            kept = _render(view, args, kwargs, now)
            # Rendered for someone signed in some way `_signed_in` does not foresee, the page
            # is theirs: it is not kept.
            if revision is not None and now < kept.expires and not current_user.is_authenticated:
                pages.put((revision, *where), kept)
        return escape(generate_csrf()).encode().join(kept.parts)

    return serve  # type: ignore[return-value]


def _signed_in() -> bool:
    """Whether a person is signed in. Flask-Login is asked only when the session or a
    remember-me cookie could name one (its check costs tens of microseconds, a tenth of a
    kept page): with neither, it has no one to load (the app gives it no other loader)."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
    if "_user_id" not in session and remember not in request.cookies:
        return False
    return bool(current_user.is_authenticated)


def _render(view: Callable[..., str], args: Any, kwargs: Any, now: float) -> _Kept:
    """The page with a slot for every form token, and when it may first read differently:
    at the next trending minute at the latest, earlier if an age on it changes first."""
    g.pop(_TOKEN_ON_G, None)  # a token made before: the page gets the slot instead
    setattr(g, _TOKEN_ON_G, Markup(_TOKEN_SLOT))
    setattr(g, _EXPIRES, (math.floor(now / TRENDING_REFRESH_S) + 1) * TRENDING_REFRESH_S)
    try:
        html = view(*args, **kwargs)
    finally:
        g.pop(_TOKEN_ON_G, None)  # the visitor's own token is made afresh when asked for
        expires = g.pop(_EXPIRES)
    return _Kept(html.encode().split(_TOKEN_SLOT.encode()), expires)


def changes_at(moment: datetime) -> None:
    """Say that the page being rendered shows something that reads differently from
    `moment` on (an idea's age): a kept copy expires then."""
    if has_request_context() and _EXPIRES in g:
        setattr(g, _EXPIRES, min(getattr(g, _EXPIRES), moment.timestamp()))


def init_page_cache(app: Flask) -> None:
    """Give the app its kept pages (none while templates reload on change)."""
    app.extensions[_KEY] = None if app.jinja_env.auto_reload else _Pages(_KEPT)
