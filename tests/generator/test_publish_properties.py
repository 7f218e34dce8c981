"""Property-based: whatever text a published item carries, the site shows it and nothing more.

Every field of a published idea and testimonial gets arbitrary text (all of Unicode, lone
surrogates and U+FFFF included, markup, XSS vectors, bidi controls, newlines). The site built
from it must hold no element, attribute or script that the same site built from plain words
does not (apart from the harmless tags the sanitised Markdown fields may use), a well-formed
feed.xml, and a testimonials.json that matches its schema.

The fast property renders only (many examples); the slow one runs a real MkDocs build per
example, with many items batched into each build, so it stays under a minute.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import jsonschema
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from feedback_app.store import IdeaStatus
from generator.build import build_site
from generator.collect import PublishedIdea, PublishedTestimonial, SiteData
from generator.publish import GENERATED
from generator.render import page_title, render_site, xml_safe
from generator.slugs import idea_slug
from generator.write import write_files
from tests.conftest import ROOT
from tests.test_text import XSS

SCHEMA = json.loads((ROOT / "generator/testimonials.schema.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "http://site.example/"
# What the sanitised Markdown of a description or an official response may hold.
RICH_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
             "h3", "h4", "hr", "del"}  # fmt: skip
RICH_ATTRIBUTES = {"href", "title", "rel"}
# As mkdocs.yml has them.
EXTENSIONS = ["toc", "admonition", "attr_list", "md_in_html"]

VECTORS = [
    *XSS,
    "</title><script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "&#x27;",
    "<!--", "-->", "]]>", "{: onclick=alert(1) }", "{ .md-button }", '--8<-- "mkdocs.yml"',
    '!!! danger "x"', "---", "# heading", "title: x", "    indented", "* item", "1. item",
    "| a | b |", "[x]: javascript:alert(1)", "<div markdown>**x**</div>", "{{ config }}",
    "\r\n", "\n\n", "\t", "\u2028", "\x85", "\u202e", "\u2066", "\u200f", "\ufeff", "\u2060",
    "\x00", "\x0b", "\x1b", "\x7f", "\x9f", "\ufffe", "\uffff", "\ud800", "\udfff",
    "Кава", "咖啡", "Ang sarap", "caffè", "👩‍💻", "\U0010ffff",
]  # fmt: skip
ANY_CHAR = st.one_of(
    st.characters(exclude_categories=()),
    st.characters(categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"]),
)
ANY_TEXT = st.lists(st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(VECTORS)),
                    max_size=4).map("".join)  # fmt: skip
DAY = date(2026, 3, 1)


@st.composite
def site_data(draw: st.DrawFn, most: int) -> SiteData:
    """Between one and `most` ideas and testimonials, every text field arbitrary."""
    ideas = tuple(
        PublishedIdea(
            n,
            title,
            draw(ANY_TEXT),
            draw(ANY_TEXT),
            IdeaStatus.IMPLEMENTED,
            draw(ANY_TEXT),
            draw(ANY_TEXT),
            DAY,
            n,
            idea_slug(n, title),
        )
        for n in range(1, draw(st.integers(1, most)) + 1)
        for title in [draw(ANY_TEXT)]
    )
    testimonials = tuple(
        PublishedTestimonial(
            n,
            draw(ANY_TEXT.filter(lambda q: xml_safe(q).strip())),
            draw(st.integers(1, 5)),
            draw(ANY_TEXT),
            draw(ANY_TEXT),
            draw(ANY_TEXT),
            draw(ANY_TEXT),
            tuple(sorted(set(draw(st.lists(ANY_TEXT, max_size=3))))),
            draw(st.booleans()),
            DAY,
        )
        for n in range(1, draw(st.integers(1, most)) + 1)
    )
    return SiteData(testimonials, ideas, "http://board.example")


def _plain(data: SiteData) -> SiteData:
    """The same site with every text in plain words: what the generator itself writes."""

    def words(text: str) -> str:
        return "Plain words" if xml_safe(text) else ""

    tags = sorted({tag for t in data.testimonials for tag in t.tags})
    plain_tag = {tag: f"topic{n}" for n, tag in enumerate(tags)}
    return SiteData(
        tuple(
            replace(
                t,
                quote="Plain words",
                name=words(t.name),
                role=words(t.role),
                company=words(t.company),
                disclosure=words(t.disclosure),
                tags=tuple(plain_tag[tag] for tag in t.tags),
            )
            for t in data.testimonials
        ),
        tuple(
            replace(
                i,
                title=words(i.title),
                asked=words(i.asked),
                category=words(i.category),
                what_changed=words(i.what_changed),
                response=words(i.response),
            )
            for i in data.ideas
        ),
        data.board_url,
    )


class _Markup(HTMLParser):
    """Element names, attribute names, scripts and link targets of an HTML text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.scripts: list[str] = []
        self.links: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        values = dict(attrs)
        self.links += [values[a] or "" for a in ("href", "src", "action") if a in values]
        if tag == "script":
            self._script = [f"{values.get('type')} {values.get('src')} "]

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def _markup(pages: Iterable[str]) -> _Markup:
    found = _Markup()
    for page in pages:
        found.feed(page)
        found.close()
        found.reset()
    return found


def _unlinkable(links: list[str]) -> list[str]:
    """Link targets that are neither on this site, nor http(s), nor mailto."""
    return [url for url in links if urlsplit(url).scheme not in ("", "http", "https", "mailto")]


def _check_feed_and_json(files: dict[str, str], data: SiteData) -> None:
    feed = ElementTree.fromstring(files["feed.xml"].encode("utf-8"))
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == [_as_xml_reads(xml_safe(i.title)) for i in data.ideas]
    published = json.loads(files["testimonials.json"])
    jsonschema.validate(published, SCHEMA)
    assert [t["quote"] for t in published["testimonials"]] == [
        xml_safe(t.quote) for t in data.testimonials
    ]


def _as_xml_reads(text: str) -> str:
    """An XML parser hands back every line break as a newline."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _markdown_pages(files: dict[str, str]) -> dict[str, str]:
    """Generated pages as HTML, the way MkDocs reads them: front matter, then Markdown."""
    pages = {}
    for name, source in files.items():
        if name.endswith(".md"):
            body, meta = get_data(source)
            assert "title" in meta, f"{name}: front matter must always parse"
            pages[name] = markdown.markdown(body, extensions=EXTENSIONS)
    return pages


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_data(most=4))
def test_rendered_pages_hold_only_the_generators_markup(data: SiteData) -> None:
    files = render_site(data, SITE_URL)
    for content in files.values():
        content.encode("utf-8")  # nothing that cannot be written
    _check_feed_and_json(files, data)
    for idea in data.ideas:
        _, meta = get_data(files[f"ideas/{idea.slug}.md"])
        assert meta["title"] == page_title(xml_safe(idea.title))
    found = _markup(_markdown_pages(files).values())
    baseline = _markup(_markdown_pages(render_site(_plain(data), SITE_URL)).values())
    assert found.tags <= baseline.tags | RICH_TAGS
    assert found.attributes <= baseline.attributes | RICH_ATTRIBUTES
    assert found.scripts == []
    assert _unlinkable(found.links) == []


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> _Markup:
    """A site built from plain words with every optional part present."""
    ideas = tuple(
        PublishedIdea(
            n,
            "Plain idea",
            "Plain words",
            "Food",
            IdeaStatus.IMPLEMENTED,
            "Plain change",
            "Plain answer",
            DAY,
            n,
            idea_slug(n, "Plain idea"),
        )
        for n in range(1, 4)
    )
    testimonials = tuple(PublishedTestimonial(n, "Plain quote", 5, "Ana", "Chef", "Studio",
                                              "Employee", ("topic0", "topic1"), n == 1, DAY)
                         for n in range(1, 4))  # fmt: skip
    site = _build(tmp_path_factory.mktemp("plain"), SiteData(testimonials, ideas, "http://b"))
    return _markup(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def _project(folder: Path) -> Path:
    project = folder / "project"
    if not project.exists():
        shutil.copytree(ROOT / "site_src", project / "site_src",
                        ignore=shutil.ignore_patterns("generated"))  # fmt: skip
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def _build(folder: Path, data: SiteData) -> Path:
    project = _project(folder)
    write_files(render_site(data, SITE_URL), project / GENERATED)
    build_site(project, project / "site", SITE_URL)
    return project / "site"


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(data=site_data(most=8))
def test_built_site_holds_only_the_generators_markup(plain_site: _Markup, data: SiteData) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = _build(Path(folder), data)
        found = _markup(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        files = {
            name: (site / name).read_text(encoding="utf-8")
            for name in ("feed.xml", "testimonials.json")
        }
        json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert found.tags <= plain_site.tags | RICH_TAGS
    assert found.attributes <= plain_site.attributes | RICH_ATTRIBUTES
    assert set(found.scripts) <= set(plain_site.scripts)
    assert _unlinkable(found.links) == []
    _check_feed_and_json(files, data)
