"""People's text: cleaning what comes in, and rendering Markdown safely on the way out.

Markdown is rendered by `markdown` and then passed through nh3 (the Rust `ammonia` sanitiser)
with an allow-list: no raw HTML survives, links may only be http(s) or mailto, and every link
is marked `nofollow ugc noopener`. Plain fields are never marked safe: Jinja escapes them.
"""

from __future__ import annotations

import html
import threading
import unicodedata
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

__all__ = ["clean_text", "plain_text", "render_markdown"]

_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "hr", "del",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto"}
_KEEP = {"\n", "\t"}


def clean_text(value: str | None) -> str:
    """Strip control characters (keeping newlines and tabs) and surrounding space.

    Every other character, emoji joiners and right-to-left marks included, is kept as typed.
    """
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = (ch for ch in value if ch in _KEEP or unicodedata.category(ch) != "Cc")
    return "".join(kept).strip()


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown converter (building one costs more than converting a comment)."""
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        # Raw HTML typed by a person is shown as the text they typed, not interpreted.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        _local.md = md
    return md.reset()


# Both renderings are pure functions of the text: pages repeat them for every visitor, so
# recent results are kept (most texts on a busy page are the same from one request to the next).
@lru_cache(maxsize=4096)
def render_markdown(source: str) -> Markup:
    """Markdown to HTML that cannot run script, whatever the source holds."""
    html = _markdown().convert(source)
    # Belt and braces: whatever Markdown produced, only the allow-list gets through.
    safe = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
    return Markup(safe)


@lru_cache(maxsize=4096)
def plain_text(source: str) -> str:
    """The words of a Markdown text without its markup, for excerpts and emails."""
    return html.unescape(nh3.clean(_markdown().convert(source), tags=set())).strip()
