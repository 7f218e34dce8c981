"""People's text on the way out: Markdown rendered safely, at a bounded cost.

Markdown is rendered by `markdown` and then passed through nh3 (the Rust `ammonia` sanitiser)
with an allow-list: no raw HTML survives, links may only be http(s) or mailto, and every link
is marked `nofollow ugc noopener`. Plain fields are never marked safe: Jinja escapes them.

Python-Markdown recurses once per level of nesting and scans forward from every `[` and
backtick it meets, so a short text can cost a RecursionError (`"- " * 600`) or seconds of CPU
(`"[" * 5000`), on every page that shows it and in every publish. Before rendering, a linear
pre-check measures a text's length, its nesting and the forward scanning it would cause; a
text over any limit, or one that still makes the renderer recurse too deep, is shown as the
escaped text that was typed, in paragraphs. The limits sit far above anything a person writes
in the board's forms (at most 5,000 characters).

The cleaning rules for text coming in live in `textrules` (standard library only, so the store
can apply them without loading Markdown or Flask).
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

__all__ = [
    "MARKDOWN_MAX_BLOCK_WORK",
    "MARKDOWN_MAX_CHARS",
    "MARKDOWN_MAX_DEPTH",
    "MARKDOWN_MAX_SCAN",
    "plain_text",
    "render_markdown",
    "renderable",
]

# Longer texts are shown as text (twice the longest field a form accepts).
MARKDOWN_MAX_CHARS = 10_000
# Lists and quotes nested deeper than this (counted per line) are shown as text. Each level
# costs the renderer a few stack frames, and real texts rarely go beyond three or four.
MARKDOWN_MAX_DEPTH = 32
# Python-Markdown looks for the end of a link from every `[` and for the end of a code span
# from every backtick, up to the end of the paragraph at worst. The sum of those distances
# bounds the characters it visits (measured: about 0.3 microseconds each).
MARKDOWN_MAX_SCAN = 200_000
# Some block rules (a run of `***` or `===` lines) split a paragraph one line at a time and
# search the rest again: lines times characters, summed over paragraphs, bounds that work
# (measured: about 40 nanoseconds each).
MARKDOWN_MAX_BLOCK_WORK = 5_000_000

_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "hr", "del",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}}
_SCHEMES = {"http", "https", "mailto"}

# A line's container prefix: spaces, quote markers and list markers, in any order.
_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_MARKER = re.compile(r">|[-*+]|\d+[.)]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SCAN_START = re.compile(r"[\[`]")


def renderable(source: str) -> bool:
    """Whether Python-Markdown can render `source` within the limits above (linear time)."""
    if len(source) > MARKDOWN_MAX_CHARS:
        return False
    scan = work = 0
    for block in _BLANK_LINE.split(source):
        lines = block.splitlines()
        if any(_depth(line) > MARKDOWN_MAX_DEPTH for line in lines):
            return False
        work += len(lines) * len(block)
        # Each `[` or backtick may be scanned from up to the end of its block.
        scan += sum(len(block) - m.start() for m in _SCAN_START.finditer(block))
        if scan > MARKDOWN_MAX_SCAN or work > MARKDOWN_MAX_BLOCK_WORK:
            return False
    return True


def _depth(line: str) -> int:
    """How deep a line nests: its quote and list markers, and four columns of indent a level."""
    prefix = _PREFIX.match(line).group()  # type: ignore[union-attr]  # matches "" at worst
    columns = prefix.count(" ") + 4 * prefix.count("\t")
    return len(_MARKER.findall(prefix)) + columns // 4


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


def _as_text(source: str) -> Markup:
    """`source` exactly as typed, escaped: one paragraph per blank-line-separated block."""
    blocks = (b.strip() for b in _BLANK_LINE.split(source.strip()))
    paragraphs = (escape(b).replace("\n", Markup("<br>\n")) for b in blocks if b)
    return Markup("\n").join(Markup("<p>{}</p>").format(p) for p in paragraphs)


def render_markdown(source: str) -> Markup:
    """Markdown to HTML that cannot run script, whatever the source holds."""
    if len(source) > MARKDOWN_MAX_CHARS:  # not kept in the cache below
        return _as_text(source)
    return _render(source)


def plain_text(source: str) -> str:
    """The words of a Markdown text without its markup, for excerpts and emails."""
    if len(source) > MARKDOWN_MAX_CHARS:
        return source.strip()
    return _plain(source)


# Both renderings are pure functions of the text: pages repeat them for every visitor, so
# recent results are kept (most texts on a busy page are the same from one request to the next).
@lru_cache(maxsize=4096)
def _render(source: str) -> Markup:
    if not renderable(source):
        return _as_text(source)
    try:
        converted = _markdown().convert(source)
    except RecursionError:
        # The last resort, for a nesting the pre-check did not foresee: the converter may be
        # left half-way through, so this thread builds a fresh one next time.
        _local.md = None
        return _as_text(source)
    # Belt and braces: whatever Markdown produced, only the allow-list gets through.
    safe = nh3.clean(
        converted,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
    return Markup(safe)


@lru_cache(maxsize=4096)
def _plain(source: str) -> str:
    if not renderable(source):
        return source.strip()
    return html.unescape(nh3.clean(str(_render(source)), tags=set())).strip()
