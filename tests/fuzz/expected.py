"""What people should get back from the app for what they typed, written from the documented
rules, not from the product's own code (a test that imports the function it checks proves
nothing):

- every text field: control characters, bidirectional overrides and noncharacters (U+FDD0 to
  U+FDEF, and U+xFFFE / U+xFFFF on every plane) are removed, surrounding white space is stripped,
  every other character is kept as typed;
- one-line fields: line breaks become spaces;
- multi-line fields: line breaks are kept (CR LF and CR become LF).

Pinned to what the README documents (each choice below was once left open, and a form that
went back to an older, looser filter passed): every line break `str.splitlines` knows is a line
break; every bidi embedding, override and isolate (U+202A to U+202E, U+2066 to U+2069) goes; in
one-line fields a tab becomes a space, and a line break with the spaces around it becomes one
space (so one-line values are compared with runs of spaces collapsed).
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlsplit

__all__ = [
    "BIDI_ALL",
    "PageParts",
    "assert_same_site",
    "is_noncharacter",
    "matches",
    "multi_line",
    "one_line",
]

BIDI_ALL = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACES = re.compile(" {2,}")


def is_noncharacter(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _clean(text: str, all_breaks: bool, bidi: frozenset[str], tab: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if all_breaks:
        text = _OTHER_BREAKS.sub("\n", text)
    kept = []
    for ch in text:
        if ch == "\n":
            kept.append(ch)
        elif ch == "\t":
            kept.append(tab)
        elif unicodedata.category(ch) == "Cc" or ch in bidi or is_noncharacter(ch):
            continue
        else:
            kept.append(ch)
    return "".join(kept)


def multi_line(text: str) -> set[str]:
    """The stored/shown form of `text` typed into a multi-line field (a set, for `matches`)."""
    return {_clean(text, True, BIDI_ALL, "\t").strip()}


def one_line(text: str) -> set[str]:
    """The form of `text` typed into a one-line field, runs of spaces collapsed."""
    flat = _clean(text, True, BIDI_ALL, " ").replace("\n", " ").strip()
    return {_SPACES.sub(" ", flat)}


def matches(shown: str, acceptable: set[str], one_line_field: bool) -> bool:
    return (_SPACES.sub(" ", shown) if one_line_field else shown) in acceptable


class PageParts(HTMLParser):
    """The parts of a page the checks read: form values, errors beside fields, headings."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.errors: dict[str, list[str]] = {}
        self.h1: list[str] = []
        self.tags: list[str] = []
        self.links: list[str] = []
        self._open: tuple[str, str] | None = None  # (what, key) of the element being read
        self._text: list[str] = []
        self._errors_of: str | None = None  # the field whose error list is being read
        # As a browser reads it: the HTML input stream has CR LF and lone CR made LF.
        self.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "href" in a:
            self.links.append(a["href"])
        if tag == "input" and a.get("name") and a.get("type") not in {"radio", "checkbox"}:
            self.values[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._start("textarea", a["name"])
        elif tag == "ul" and a.get("id", "").endswith("-errors"):
            self.errors[a["id"][: -len("-errors")]] = []
            self._errors_of = a["id"][: -len("-errors")]
        elif tag == "li" and self._errors_of:
            self._start("error", self._errors_of)
        elif tag == "h1":
            self._start("h1", "")
        elif tag == "a" and "tag" in a.get("class", "").split():
            self._start("tag", "")

    def _start(self, what: str, key: str) -> None:
        self._open, self._text = (what, key), []

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self._errors_of = None
        if not self._open:
            return
        what, key = self._open
        if {"textarea": "textarea", "error": "li", "h1": "h1", "tag": "a"}[what] != tag:
            return
        text = "".join(self._text)
        if what == "textarea":
            # HTML drops one newline right after <textarea>; WTForms writes one there.
            self.values[key] = text.removeprefix("\n")
        elif what == "error":
            self.errors[key].append(text.strip())
        elif what == "h1":
            self.h1.append(text)
        else:
            self.tags.append(text.removeprefix("#"))
        self._open = None


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def assert_same_site(location: str) -> None:
    """A redirect stays on this site as a browser reads the address (WHATWG URL parsing:
    surrounding controls and spaces trimmed, tabs and newlines removed, `\\` read as `/`)."""
    seen = re.sub(r"[\t\n\r]", "", location.strip(_C0_AND_SPACE)).replace("\\", "/")
    parts = urlsplit(seen)
    assert (parts.scheme, parts.netloc) in {("", ""), ("http", "localhost")}, location
    assert not seen.startswith("//"), location
