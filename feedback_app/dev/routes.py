"""Demo-only pages: the emails Voicebox "sent", and the published site as a static host serves it.

A newcomer should reach everything from the addresses the demo prints: `file://` hides the
site's search and shows folder listings, and `mkdocs serve` would take the app's port.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.wrappers import Response as BaseResponse

from ..data import get_store
from ..store.models import normalise_email
from . import SITE_PATH

__all__ = ["SITE_CSP", "bp", "linkify", "site_headers"]

bp = Blueprint("dev", __name__, url_prefix="/dev")

_URL = re.compile(r"https?://[^\s<>\"']+")

# Used only when a build carries no `_headers` file (a site built without the CSP hook): the
# site's own origin, with the inline scripts Material needs. A build's `_headers` file, whose
# policy allows Material's scripts by hash, is served instead whenever it exists.
SITE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


def site_headers(root: Path, path: str = "") -> dict[str, str]:
    """The headers a static host would send for the file at `path` (from the site's root),
    read from the build's `_headers` file: every section whose path pattern matches, in the
    file's order, a later section's value of a header replacing an earlier one's (as Netlify
    does). So the demo frames and shares exactly what the published site will."""
    try:
        lines = (root / "_headers").read_text(encoding="utf-8").splitlines()
    except OSError:
        return {"Content-Security-Policy": SITE_CSP}
    found: dict[str, str] = {}
    applies = False
    for line in lines:
        if line.startswith("/"):
            applies = _matches(line.strip(), "/" + path)
            continue
        name, sep, value = line.strip().partition(": ")
        if applies and sep and line.startswith((" ", "\t")):
            found[name] = value
    return found or {"Content-Security-Policy": SITE_CSP}


def _matches(pattern: str, path: str) -> bool:
    """Whether a `_headers` path pattern matches `path`: `*` stands for anything."""
    return re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), path) is not None


def linkify(text: str) -> Markup:
    """Escape a plain-text email body and make its web addresses clickable."""
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


@bp.get("/outbox")
def outbox() -> str:
    store = get_store()
    suppressed = {c.email: c for c in store.contacts.all() if c.suppressed_at is not None}
    return render_template(
        "dev/outbox.html", messages=store.messages.all(), linkify=linkify,
        suppressed=suppressed, normalise_email=normalise_email,
    )  # fmt: skip


@bp.get(SITE_PATH.removeprefix("/dev"), defaults={"path": ""})
@bp.get(SITE_PATH.removeprefix("/dev") + "<path:path>")
def site(path: str) -> BaseResponse | tuple[str, int]:
    """A file of the published site; a folder answers with its index.html, like a static host.

    SITE_DIR is resolved on every request: a publish may switch it (a symbolic link to the
    newest build), and the next page must come from the new build.
    """
    root = Path(current_app.config["SITE_DIR"]).resolve()
    if not (root / "index.html").is_file():
        return render_template(
            "errors/error.html",
            code=404,
            title=_("The site is not published yet"),
            message=_("Run “voicebox publish”, then reload this page."),
        ), 404
    target = safe_join(str(root), path)
    if target is None:
        return _site_not_found(root)
    if os.path.isdir(target):
        if path and not path.endswith("/"):  # relative links inside need the slash
            return redirect(url_for(".site", path=path + "/"), 301)
        path += "index.html"
    try:
        return _send(root, path)
    except NotFound:
        return _site_not_found(root)


def _send(root: Path, path: str) -> Response:
    """One file, revalidated on every visit: the next publish must show at once."""
    response = send_from_directory(root, path, max_age=0)
    response.headers.update(site_headers(root, path))
    return response


def _site_not_found(root: Path) -> BaseResponse | tuple[str, int]:
    """The site's own 404 page, as its static host would show it."""
    try:
        response = _send(root, "404.html")
    except NotFound:
        return render_template(
            "errors/error.html", code=404, title=_("Page not found"),
            message=_("There is nothing here. Check the address, or start again."),
        ), 404  # fmt: skip
    response.status_code = 404
    return response
