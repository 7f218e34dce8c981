"""Page titles built from customers' words: shown as typed everywhere, markup nowhere.

MkDocs takes a page's title from its front matter (else its first heading), and Material
prints it in `<title>` through `striptags`, which decodes entities once, and raw in the header.
These tests build a real site and read it as a browser's parser would.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup

from feedback_app.store import IdeaStatus
from generator.build import build_site
from generator.collect import PublishedIdea, PublishedTestimonial, SiteData
from generator.publish import GENERATED
from generator.render import page_title, render_site
from generator.slugs import idea_slug
from generator.write import write_files
from tests.conftest import built_idea_page

HOSTILE = [
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    'Don\'t "quote" me & <b>co</b>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "Кава з вівсяним молоком — 咖啡 'ok'",
]


class _Page(HTMLParser):
    """What a browser would make of a page: its scripts, its title, its header topic."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.title = ""
        self.h1 = ""
        self.topic = ""
        self._where: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        self.handlers += [f"{tag} {name}" for name in names if name.startswith("on")]
        if tag == "img":
            self.handlers.append("img")
        if tag in ("script", "title", "h1"):
            self._where.append(tag)
        if tag == "div" and dict(attrs).get("data-md-component") == "header-topic":
            self._where.append("topic")

    def handle_endtag(self, tag: str) -> None:
        if not self._where:
            return
        if tag == self._where[-1] or (tag == "div" and self._where[-1] == "topic"):
            self._where.pop()

    def handle_data(self, data: str) -> None:
        if not self._where:
            return
        where = self._where[-1]
        if where == "script":
            self.scripts.append(data)
        elif where == "title":
            self.title += data
        elif where == "h1":
            self.h1 += data
        elif where == "topic":
            self.topic += data


def _idea(n: int, title: str) -> PublishedIdea:
    return PublishedIdea(n, title, "asked", "Food", IdeaStatus.IMPLEMENTED, "changed", "answer",
                         date(2026, 1, 1), 1, idea_slug(n, title))  # fmt: skip


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import ROOT

    project = tmp_path_factory.mktemp("titles") / "project"
    shutil.copytree(ROOT / "site_src", project / "site_src",
                    ignore=shutil.ignore_patterns("generated"))  # fmt: skip
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    ideas = tuple(_idea(n, title) for n, title in enumerate(HOSTILE, start=1))
    quote = PublishedTestimonial(1, "Good", 5, "Ana", "", "", "", tuple(HOSTILE), False,
                                 date(2026, 1, 1))  # fmt: skip
    files = render_site(SiteData((quote,), ideas, "http://board.example"), "http://s.example/")
    write_files(files, project / GENERATED)
    build_site(project, project / "site", "http://s.example/")
    return project / "site"


def _visible(text: str) -> str:
    """Text as a reader sees it: whitespace runs are one space, a word joiner shows nothing."""
    return " ".join(text.replace("\u2060", "").split())


@pytest.mark.parametrize("n", range(1, len(HOSTILE) + 1))
def test_idea_title_shows_as_typed_and_runs_nothing(site: Path, n: int) -> None:
    typed = HOSTILE[n - 1]
    page = _read(built_idea_page(site, n))
    assert page.title == f"{typed} - What our customers say"
    assert _visible(page.h1) == typed
    assert _visible(page.topic) == typed, "the header shows the title once escaped"
    assert not any("alert" in s for s in page.scripts)
    assert page.handlers == []


def test_tag_page_titles_show_as_typed_and_run_nothing(site: Path) -> None:
    pages = sorted((site / "testimonials/tags").glob("*/index.html"))
    assert len(pages) == len(HOSTILE)
    titles = set()
    for path in pages:
        page = _read(path)
        assert not any("alert" in s for s in page.scripts), path
        assert page.handlers == [], path
        titles.add(page.title)
    assert titles == {f"Customers on “{tag}” - What our customers say" for tag in HOSTILE}


@pytest.mark.parametrize("typed", HOSTILE)
def test_a_title_stays_text_after_a_theme_strips_tags(typed: str) -> None:
    """Whatever a theme does with a title (raw, or through `striptags`, which decodes
    entities), it holds no tag: other themes than ours read the same pages."""
    title = page_title(typed)
    revived = Markup(title).striptags()
    assert re.search(r"<[A-Za-z/!?]", revived) is None
    assert re.search(r"<[A-Za-z/!?]", title) is None
    assert _visible(revived) == " ".join(typed.split())


def test_front_matter_title_round_trips_any_text() -> None:
    import yaml

    typed = "a\u0085b\u2028c\u009f\ufeffd \"q\" 'a' \\ : # - {x}"
    files = render_site(SiteData((), (_idea(1, typed),), "http://b"), "http://s/")
    page = files[f"ideas/{idea_slug(1, typed)}.md"]
    front = re.match(r"---\n(.*?)\n---\n", page, re.S)
    assert front is not None
    assert yaml.safe_load(front.group(1))["title"] == page_title(typed)
