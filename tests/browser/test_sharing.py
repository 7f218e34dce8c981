"""The published site shared and embedded, as browsers see it: link-preview tags and the feed
on every page type, with customers' words inert; the wall of love on a business's own site (a
page on another origin), by script and by <iframe>, under the headers the build asks its host
to send; every other page refuses to be framed there.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Frame, Page, expect

from feedback_app.demo import seed_demo
from feedback_app.dev.routes import site_headers
from feedback_app.store import Idea, IdeaStatus, Testimonial, TestimonialState, TinyStore, utcnow
from generator.publish import publish
from tests.conftest import built_idea_page

HOSTILE = ['"><script>alert(1)</script>', "&lt;script&gt;alert(2)&lt;/script&gt;",
           "Don't \"quote\" me & <b>co</b>"]  # fmt: skip
LONG_WORD = "https://example.com/" + "x" * 600  # a pasted link: one word, wider than a page
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
NO_ICON = '<link rel="icon" href="data:,">'  # the business's test pages ask for no favicon
META = """(name) => Array.from(document.head.querySelectorAll(
    `meta[property="${name}"], meta[name="${name}"]`)).map((m) => m.content)"""


def _host(site: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    """A static host for the built site that sends what its `_headers` file asks for, as
    Netlify would (the demo's /dev/site/ reads it the same way)."""

    class Host(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

        def end_headers(self) -> None:
            path = self.path.split("?", 1)[0].lstrip("/")
            for name, value in site_headers(site, path).items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output clean."""

    return Host


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[http.server.HTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def published(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path, dict[str, int]]]:
    """The demo site plus ideas and a featured testimonial made of attacks, served with its
    header files applied: (its address, its folder, the hostile ideas' ids by title)."""
    import shutil

    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("sharing")
    project = root / "project"
    shutil.copytree(ROOT / "site_src", project / "site_src",
                    ignore=shutil.ignore_patterns("generated", "__pycache__"))  # fmt: skip
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    store = TinyStore(root / "data")
    seed_demo(store)
    ids = {}
    for title in HOSTILE:
        idea = store.ideas.add(Idea(title, "Please", "Food", 1))
        store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Done", by=1, changed_note=title)
        ids[title] = idea.id
    for text in HOSTILE:
        quote = text if text != HOSTILE[-1] else f"{text} {LONG_WORD}"
        store.testimonials.add(Testimonial(
            quote, 4, text, credit_company=text, state=TestimonialState.APPROVED, featured=True,
            email_confirmed_at=utcnow(), consented_at=utcnow(), consent_text="ok",
            consent_version="1", connection=text, tags=["oat milk"],
        ))  # fmt: skip
    site = project / "site"
    publish(store, project, site, "http://board.example", "http://127.0.0.1/")
    server, url = _serve(_host(site.resolve()))
    yield url, site.resolve(), ids
    server.shutdown()


@pytest.fixture
def business(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A business's own site, on another origin: the folder it serves, and its address."""

    class Business(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output clean."""

    server, url = _serve(Business)
    yield tmp_path, url
    server.shutdown()


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Dialogs opened and console errors, as they happen; policy violations are recorded in
    each document (`window.__violations`)."""
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Security Policy" in message.text:
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(VIOLATIONS)
    return dialogs, errors


def _featured(site: Path) -> list[str]:
    items = json.loads((site / "testimonials.json").read_text(encoding="utf-8"))["testimonials"]
    featured = [t["quote"] for t in items if t["featured"]]
    assert len(featured) >= 4, "the demo's featured testimonials and the hostile ones"
    return featured[:6]


def test_every_page_type_shares_its_own_title_and_description_and_names_the_feed(
    published: tuple[str, Path, dict[str, int]], page: Page
) -> None:
    url, site, ids = published
    dialogs, errors = _watch(page)
    ideas = {title: built_idea_page(site, idea).parent.relative_to(site) for title, idea in
             ids.items()}  # fmt: skip
    tag = "oat-milk"
    pages = {"/": "Voicebox", "/testimonials/": "Testimonials",
             f"/testimonials/tags/{tag}/": None, "/ideas/": "Ideas in Action",
             **{f"/{path.as_posix()}/": title for title, path in ideas.items()}}  # fmt: skip
    for path, title in pages.items():
        page.goto(url + path)
        shared = {name: page.evaluate(META, name) for name in (
            "og:title", "og:description", "og:url", "og:type", "og:site_name", "og:locale",
            "twitter:card", "twitter:title", "twitter:description")}  # fmt: skip
        assert all(len(values) == 1 and values[0] for values in shared.values()), (path, shared)
        if title is not None:
            assert shared["og:title"] == shared["twitter:title"] == [title], path
        canonical = page.locator("link[rel=canonical]").get_attribute("href")
        assert shared["og:url"] == [canonical] and canonical.startswith("http://127.0.0.1/")
        feed = page.locator('link[rel=alternate][type="application/atom+xml"]')
        assert feed.evaluate("(link) => link.href") == f"{url}/feed.xml", path
        assert page.evaluate("window.__violations") == [], path
    for title, path in ideas.items():
        page.goto(f"{url}/{path.as_posix()}/")
        assert page.evaluate(META, "og:description") == [title], "as typed, once"
        assert page.evaluate(META, "twitter:description") == [title]
    assert dialogs == [], "no script from a title or description ran"
    assert errors == []
    page.goto(url + "/ideas/")
    page.get_by_role("link", name="Follow Ideas in Action by feed (Atom)").click()
    expect(page).to_have_url(f"{url}/feed.xml")  # (shown by Chromium's XML viewer)


def test_the_wall_of_love_shows_on_a_business_site_by_script_and_by_frame(
    published: tuple[str, Path, dict[str, int]], business: tuple[Path, str], page: Page
) -> None:
    url, site, _ = published
    folder, home = business
    featured = _featured(site)
    # The business's own page, with a strict policy of its own: the script must live with it.
    (folder / "script.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
        f"script-src {url}; connect-src {url}; style-src 'self'; img-src data:\">"
        f"<title>Our shop</title>{NO_ICON}</head><body><h1>Our shop</h1>"
        f'<div data-voicebox-wall></div><script src="{url}/wall.js" defer></script>'
        "</body></html>",
        encoding="utf-8",
    )
    (folder / "frame.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our shop</title>'
        f"{NO_ICON}</head><body><h1>Our shop</h1>"
        f'<iframe id="wall" src="{url}/wall/" title="What our customers say" width="800" '
        'height="900"></iframe></body></html>',
        encoding="utf-8",
    )
    dialogs, errors = _watch(page)

    page.goto(f"{home}/script.html")
    wall = page.locator("[data-voicebox-wall]")
    for quote in featured:
        expect(wall.get_by_text(f"“{' '.join(quote.split())}”", exact=True)).to_be_visible()
    expect(wall.get_by_role("listitem")).to_have_count(len(featured))
    expect(wall.get_by_role("img", name="4 out of 5 stars").first).to_be_visible()
    expect(wall.get_by_text(f"{HOSTILE[0]}, {HOSTILE[0]}", exact=True)).to_be_visible()
    expect(wall.get_by_role("link", name="All testimonials")).to_have_attribute(
        "href", f"{url}/testimonials/"
    )
    assert wall.locator("script, img, b").count() == 0, "customers' words stay text"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (
        "a long word wraps inside its card: the business's page keeps its width"
    )
    assert page.evaluate("window.__violations") == []

    page.goto(f"{home}/frame.html")
    framed = page.frame_locator("#wall")
    for quote in featured:
        expect(framed.get_by_text(f"“{' '.join(quote.split())}”", exact=True)).to_be_visible()
    expect(framed.get_by_role("img", name="4 out of 5 stars").first).to_be_visible()
    assert framed.locator("script, b").count() == 0
    frame = next(f for f in page.frames if f.url == f"{url}/wall/")
    assert frame.evaluate("window.__violations") == [] == page.evaluate("window.__violations")
    assert dialogs == [] and errors == []


def _child(page: Page) -> Frame:
    return next(f for f in page.frames if f is not page.main_frame)


def test_a_site_page_refuses_to_be_framed_by_another_site(
    published: tuple[str, Path, dict[str, int]], business: tuple[Path, str], page: Page
) -> None:
    url, _, _ = published
    folder, home = business
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if "frame" in m.text else None)
    for path in ("/testimonials/", "/", "/testimonials.json"):
        (folder / "page.html").write_text(
            f'<!doctype html><title>Our shop</title><iframe src="{url}{path}"></iframe>',
            encoding="utf-8",
        )
        page.goto(f"{home}/page.html")
        page.wait_for_load_state("load")
        child = _child(page)
        assert not child.url.startswith(url), f"{path} was framed: {child.url}"
    assert len(refusals) == 3 and all("X-Frame-Options" in r for r in refusals), refusals
