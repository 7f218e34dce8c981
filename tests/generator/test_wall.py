"""What render_site adds for sharing: each page's description, the visible feed link, and the
wall of love (its framed page and its script), with customers' words as typed and inert."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from html.parser import HTMLParser

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from generator.collect import SiteData
from generator.i18n import set_locale
from generator.render import WALL_SIZE, page_description, page_title, render_site
from tests.generator.test_render import _data, _i, _t

HOSTILE = ['"><script>alert(1)</script>', "&lt;script&gt;alert(1)&lt;/script&gt;",
           "Don't \"quote\" me & co", "<img src=x onerror=alert(1)>"]  # fmt: skip


class _Wall(HTMLParser):
    """The wall page as a browser sees it: its elements and the text of each card."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[dict[str, str | None]] = []
        self.cards: list[list[str]] = []
        self._in_card = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append(dict(attrs))
        if tag == "li":
            self.cards.append([])
            self._in_card = True

    def handle_endtag(self, tag: str) -> None:
        self._in_card = self._in_card and tag != "li"

    def handle_data(self, data: str) -> None:
        if self._in_card and data.strip():
            self.cards[-1].append(data)


def _wall(data: SiteData) -> _Wall:
    parser = _Wall()
    parser.feed(str(render_site(data, "http://s/")["wall/index.html"]))
    return parser


def _front(page: str | bytes) -> dict[str, object]:
    return yaml.safe_load(str(page).split("---\n")[1])


def test_every_page_has_a_description_made_safe_like_its_title() -> None:
    data = SiteData(
        (_t(1, tags=("oat milk",)),),
        tuple(_i(n, what_changed=text) for n, text in enumerate(HOSTILE)),
        "http://b",
    )
    files = render_site(data, "http://s/")
    for n, text in enumerate(HOSTILE):
        assert _front(files[f"ideas/{n}-idea-{n}.md"])["description"] == page_title(text)
    pages = [name for name in files if name.endswith(".md")]
    assert all(_front(files[name]).get("description") for name in pages), "every page has one"
    assert "<" not in str(_front(files["ideas/3-idea-3.md"])["description"])


def test_a_long_description_is_cut_at_a_word() -> None:
    long = "Oat milk costs the same as dairy now. " * 20
    files = render_site(SiteData((), (_i(1, what_changed=long),), "http://b"), "http://s/")
    description = str(_front(files["ideas/1-idea-1.md"])["description"])
    assert len(description) <= 201 and description.endswith("…")
    assert long.startswith(description[:-1]) and not description[:-1].endswith(" ")


def test_the_feed_is_linked_where_readers_see_it() -> None:
    files = render_site(_data(), "http://s/")
    assert "[Follow Ideas in Action by feed (Atom)](../feed.xml)" in str(files["ideas/index.md"])
    assert "[Follow Ideas in Action by feed (Atom)](feed.xml)" in str(files["index.md"])


def test_the_wall_shows_the_featured_testimonials_else_the_newest_three() -> None:
    featured = tuple(_t(n, f"Quote {n}", featured=n % 2 == 0) for n in range(20))
    wall = _wall(SiteData(featured, (), "http://b"))
    shown = [card[0] for card in wall.cards]
    assert shown == [f"“Quote {n}”" for n in range(0, 20, 2)][:WALL_SIZE]
    none_featured = _wall(SiteData(tuple(_t(n, f"Quote {n}") for n in range(5)), (), "http://b"))
    assert [card[0] for card in none_featured.cards] == ["“Quote 0”", "“Quote 1”", "“Quote 2”"]


def test_the_wall_shows_customers_words_as_typed_and_runs_nothing() -> None:
    items = tuple(
        _t(n, text, name=text, role="Chef", company=text, disclosure=text, featured=True,
           rating=n + 1, date=date(2026, 2, n + 1))
        for n, text in enumerate(HOSTILE)
    )  # fmt: skip
    wall = _wall(SiteData(items, (), "http://b"))
    assert set(wall.tags) <= {"html", "head", "meta", "title", "link", "body", "ul", "li",
                              "blockquote", "p", "time", "a"}, "no script, no image"  # fmt: skip
    for n, (card, text) in enumerate(zip(wall.cards, HOSTILE, strict=True)):
        assert card == [f"“{text}”", "★" * (n + 1) + "☆" * (4 - n), f"{text}, Chef, {text}",
                        text, f"February {n + 1}, 2026"]  # fmt: skip
    labels = [a["aria-label"] for a in wall.attrs if a.get("role") == "img"]
    assert labels == [f"{n} out of 5 stars" for n in range(1, 5)]
    assert not any(name.startswith("on") or name == "style" for a in wall.attrs for name in a)


def test_the_wall_page_stands_alone_and_is_not_indexed() -> None:
    page = str(render_site(_data(), "http://s/")["wall/index.html"])
    assert '<html lang="en">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; ' in page
    assert '<link rel="stylesheet" href="../stylesheets/wall.css">' in page
    assert '<a href="../testimonials/" target="_blank" rel="noopener">All testimonials</a>' in page
    empty = str(render_site(SiteData((), (), "http://b"), "http://s/")["wall/index.html"])
    assert "No testimonials yet." in empty


def test_the_wall_script_gets_the_sites_words_and_builds_no_markup_from_data() -> None:
    set_locale("uk")
    try:
        script = str(render_site(_data(), "http://s/")["wall.js"])
    finally:
        set_locale("en")
    assert script.isascii(), "read right whatever the host page's encoding"
    words = json.loads(re.search(r"var WORDS = (\{.*?\});", script).group(1))  # type: ignore[union-attr]
    assert words["lang"] == "uk" and words["size"] == WALL_SIZE and len(words["stars"]) == 5
    assert "/*WORDS*/" not in script
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "Function(",
                   "document.write", '"style"', "setAttribute(\"style"):  # fmt: skip
        assert unsafe not in script, unsafe
    assert 'new URL("testimonials.json", root)' in script and "document.currentScript" in script
    assert "textContent" in script


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=180))
def test_a_description_reads_as_typed_after_the_themes_filters(text: str) -> None:
    """What the preview tags print (main.html: `striptags`, joiner out, `e`) decodes in a
    browser to the words as typed, and holds no tag at any step."""
    made = page_description(text)
    assert "<" not in made and '"' not in made
    decoded = Markup(made).striptags().replace("<\u2060", "<")
    assert decoded == " ".join(text.split())
    assert html.unescape(str(escape(decoded))) == decoded
