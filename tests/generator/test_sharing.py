"""A built site that can be shared and found: link-preview tags (OpenGraph, Twitter card) on
every page, from the page's own title and description, with customers' words as typed and
inert; the Atom feed named in every page's head; a sitemap of the pages (not the redirects);
who the site belongs to as JSON-LD on the home page, and no review markup anywhere.

These build a real site with MkDocs and read it as a browser's parser would.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from feedback_app.brand import Brand, BrandImage
from feedback_app.store import IdeaStatus
from generator.build import build_site
from generator.collect import PublishedIdea, PublishedTestimonial, SiteData
from generator.publish import GENERATED
from generator.render import render_site, site_env
from generator.write import write_files
from site_src.hooks.share import og_locale
from tests.conftest import ROOT

HOSTILE = [
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    'Don\'t "quote" me & <b>co</b>',
    "</title><script>alert(2)</script>",
    "Кава з вівсяним молоком — 咖啡 'ok'",
]
SITE_URL = "http://site.example/reviews/"
HOSTILE_NAME = 'Caffè </script> & "Co"'


class _Head(HTMLParser):
    """A page's meta tags, feed links, canonical link, JSON-LD blocks and running scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.feeds: list[str] = []
        self.canonical = ""
        self.json_ld: list[str] = []
        self.scripts = 0
        self._ld: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a.get("content", ""))
        elif tag == "link" and a.get("rel") == "alternate":
            if a.get("type") == "application/atom+xml":
                self.feeds.append(a["href"])
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        elif tag == "script":
            if a.get("type") == "application/ld+json":
                self._ld = []
            elif "src" not in a:
                self.scripts += 1

    def handle_data(self, data: str) -> None:
        if self._ld is not None:
            self._ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._ld is not None:
            self.json_ld.append("".join(self._ld))
            self._ld = None

    def one(self, name: str) -> str:
        assert len(self.meta.get(name, [])) == 1, (name, self.meta.get(name))
        return self.meta[name][0]


def _head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _data() -> SiteData:
    ideas = tuple(
        PublishedIdea(n, title, "Please", "Food", IdeaStatus.IMPLEMENTED, f"Now: {title}", "",
                      date(2026, 3, n + 1), 2, f"{n}-idea")
        for n, title in enumerate(HOSTILE)
    )  # fmt: skip
    testimonials = (
        PublishedTestimonial(1, "Ottimo caffè", 5, "Giulia", "", "", "", ("oat milk",), True,
                             date(2026, 1, 2)),
    )  # fmt: skip
    return SiteData(testimonials, ideas, "http://board.example")


def _project(root: Path, brand: Brand | None = None) -> Path:
    """The site built from `_data()`, for `brand` as its settings give it to the publish."""
    project = root / "project"
    shutil.copytree(ROOT / "site_src", project / "site_src",
                    ignore=shutil.ignore_patterns("generated", "__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    data = replace(_data(), brand=brand) if brand else _data()
    write_files(render_site(data, SITE_URL), project / GENERATED)
    env = site_env(brand, "http://board.example") if brand else None
    build_site(project, project / "site", SITE_URL, env)
    return project / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("share"))


def _pages(site: Path) -> list[Path]:
    """Every page a reader can land on (not the redirects, not the framed wall, not 404)."""
    return sorted(p for p in site.rglob("index.html")
                  if p.relative_to(site).parts[0] not in ("generated", "wall"))  # fmt: skip


def test_every_page_carries_preview_tags_and_the_feed(site: Path) -> None:
    pages = _pages(site)
    kinds = {p.relative_to(site).parts[0] for p in pages}
    assert kinds == {"index.html", "ideas", "testimonials"} and len(pages) >= 9
    for page in pages:
        head = _head(page)
        assert head.one("og:url") == head.canonical and head.canonical.startswith(SITE_URL)
        assert head.one("og:site_name") == "What our customers say"
        assert head.one("og:locale") == "en_US"
        assert head.one("og:type") in ("website", "article")
        assert head.one("og:title") == head.one("twitter:title") != ""
        assert head.one("og:description") == head.one("twitter:description") != ""
        assert head.one("twitter:card") == "summary"
        assert "og:image" not in head.meta, "no logo, no picture"
        depth = len(page.relative_to(site).parts) - 1
        assert head.feeds == ["./feed.xml" if depth == 0 else "../" * depth + "feed.xml"], page


def test_preview_tags_hold_customers_words_as_typed_and_inert(site: Path) -> None:
    for n, title in enumerate(HOSTILE):
        head = _head(site / "ideas" / f"{n}-idea" / "index.html")
        assert head.one("og:title") == title
        assert head.one("og:description") == f"Now: {title}"
        assert head.one("twitter:description") == f"Now: {title}"
        assert head.one("og:type") == "article"
    home = _head(site / "index.html")
    assert home.one("og:type") == "website" and home.one("og:title") == "What our customers say"
    assert home.one("og:description").startswith("Our customers tell us what to do better")
    tag = _head(site / "testimonials" / "tags" / "oat-milk" / "index.html")
    assert tag.one("og:description") == (
        "What our customers say about “oat milk”, in their own words."
    )
    listing = _head(site / "testimonials" / "index.html")
    assert listing.one("og:description").startswith("Our customers tell, in their own words")
    scripts = {_head(p).scripts for p in _pages(site)}
    assert scripts == {_head(site / "testimonials" / "index.html").scripts}, "no page gains one"


def test_the_sitemap_lists_every_page_and_no_redirect(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ElementTree.parse(site / "sitemap.xml")
    listed = {loc.text for loc in tree.findall("s:url/s:loc", ns)}
    assert listed == {_head(p).canonical for p in _pages(site)}
    assert not any("/generated/" in url or "/wall/" in url for url in listed)


def test_the_home_page_says_who_the_site_belongs_to_and_no_page_rates_itself(site: Path) -> None:
    home = _head(site / "index.html")
    assert [json.loads(block) for block in home.json_ld] == [{
        "@context": "https://schema.org", "@type": "Organization",
        "name": "What our customers say", "url": SITE_URL,
    }]  # fmt: skip
    for page in [*_pages(site), site / "404.html"]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"AggregateRating|\bReview\b|itemprop|itemtype", text), page
        if page != site / "index.html":
            assert _head(page).json_ld == [], page


def test_a_logo_is_shared_and_a_hostile_name_stays_data(tmp_path: Path) -> None:
    """The business's name and logo, as its settings give them to the publish."""
    logo = BrandImage(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png", "png")
    site = _project(tmp_path, Brand(name=HOSTILE_NAME, logo=logo))
    logo_url = f"{SITE_URL}brand/logo-{logo.file_name}"
    home = _head(site / "index.html")
    raw = (site / "index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003c/script\\u003e" in block and "<" not in block
    assert json.loads(home.json_ld[0]) == {
        "@context": "https://schema.org", "@type": "Organization", "name": HOSTILE_NAME,
        "url": SITE_URL, "logo": logo_url,
    }  # fmt: skip
    assert home.one("og:site_name") == HOSTILE_NAME
    assert home.one("og:image") == home.one("twitter:image") == logo_url


def test_an_svg_logo_is_not_offered_as_the_preview_picture(tmp_path: Path) -> None:
    """Link previews are not drawn from SVG: better no picture than a broken one."""
    svg = BrandImage(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml", "svg")
    home = _head(_project(tmp_path, Brand(name="Brewline", logo=svg)) / "index.html")
    assert "og:image" not in home.meta and "twitter:image" not in home.meta
    assert "logo" not in json.loads(home.json_ld[0])


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "en_US"), ("uk", "uk_UA"), ("ru", "ru_RU"), ("it", "it_IT"), ("zh", "zh_CN"),
    ("pt-BR", "pt_BR"), ("xx", ""), ("", ""),
])  # fmt: skip
def test_previews_name_the_language_with_its_usual_country(language: str, expected: str) -> None:
    assert og_locale(language) == expected
