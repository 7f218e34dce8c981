"""The published site as a prospect browses it: testimonials, Ideas in Action, search."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from feedback_app.demo import seed_demo
from feedback_app.store import (
    Idea,
    IdeaStatus,
    Store,
    Testimonial,
    TestimonialState,
    utcnow,
)
from generator.publish import publish
from tests.conftest import built_idea_page

HOSTILE = ["</title><script>alert(1)</script>", "<img src=x onerror=alert(1)>",
           "Don't \"quote\" me & co"]  # fmt: skip
SITE_NAME = "Voicebox"  # the business's name (VOICEBOX_SITE_NAME) when none is set
# Records every policy violation from the first byte of each page, before any page script.
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


def _serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def site_url(store: Store, site_project: Path) -> Iterator[str]:
    seed_demo(store)
    site = site_project / "site"
    publish(store, site_project, site, "http://board.example", "http://127.0.0.1/")
    server, url = _serve(site)
    yield url
    server.shutdown()


@pytest.fixture
def hostile_site(store: Store, site_project: Path) -> Iterator[tuple[str, dict[str, int], Path]]:
    """The demo site plus ideas and a testimonial whose titles and tags are attacks."""
    seed_demo(store)
    ids = {}
    for title in HOSTILE:
        idea = store.ideas.add(Idea(title, "Please", "Food", 1))
        store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Done", by=1,
                               changed_note="Shipped")  # fmt: skip
        ids[title] = idea.id
    store.testimonials.add(Testimonial(
        "Cornetti everywhere", 5, "Test Person", state=TestimonialState.APPROVED,
        email_confirmed_at=utcnow(),
        consented_at=utcnow(), consent_text="ok", consent_version="1", tags=list(HOSTILE),
    ))  # fmt: skip
    site = site_project / "site"
    publish(store, site_project, site, "http://board.example", "http://127.0.0.1/")
    server, url = _serve(site)
    yield url, ids, site
    server.shutdown()


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Dialogs opened and console messages about the security policy, as they happen."""
    dialogs: list[str] = []
    csp: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: csp.append(m.text) if "Security Policy" in m.text else None)
    page.add_init_script(VIOLATIONS)
    return dialogs, csp


def _visible(text: str) -> str:
    """What a reader sees: the invisible word joiner a title carries after "<" shows nothing."""
    return " ".join(text.replace("\u2060", "").split())


def test_hostile_titles_show_as_typed_run_nothing_and_the_site_still_works(
    hostile_site: tuple[str, dict[str, int], Path], page: Page
) -> None:
    url, ids, site = hostile_site
    dialogs, csp = _watch(page)
    for title, idea in ids.items():
        page.goto(f"{url}/{_address(site, idea)}")
        expect(page).to_have_title(f"{title} - {SITE_NAME}")
        expect(page.locator("article h1")).to_have_text(title)
        topic = page.locator("[data-md-component=header-topic]").inner_text()
        assert _visible(topic) == title, "the header shows the title once escaped"
        assert "&#x27;" not in page.locator("body").inner_text()
        assert page.evaluate("window.__violations") == []
    page.goto(f"{url}/testimonials/")
    for tag in HOSTILE:
        page.get_by_role("link", name=f"#{tag}").click()
        expect(page).to_have_title(f"Customers on “{tag}” - {SITE_NAME}")
        expect(page.locator("article")).to_contain_text("Cornetti everywhere")
        assert page.evaluate("window.__violations") == []
        page.go_back()

    page.get_by_role("link", name="Ideas in Action", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/ideas/$"))
    search = page.get_by_role("textbox", name="Search")
    search.click()
    page.keyboard.type("onerror")
    found = page.locator(".md-search-result__item").filter(has_text=HOSTILE[1])
    expect(found.first).to_be_visible(timeout=15_000)
    search.fill("")
    page.keyboard.type("cornetti")
    result = page.locator(".md-search-result__item").filter(has_text="Cornetti everywhere")
    expect(result.first).to_be_visible(timeout=15_000)
    result.first.click()
    expect(page.locator("article")).to_contain_text("Cornetti everywhere")
    assert dialogs == [], "no script from a title or tag ran"
    assert csp == [] and page.evaluate("window.__violations") == [], "Material's scripts pass"


def test_a_script_slipped_into_a_page_is_blocked_by_its_policy(
    hostile_site: tuple[str, dict[str, int], Path], page: Page
) -> None:
    url, ids, site = hostile_site
    dialogs, _ = _watch(page)
    idea = next(iter(ids.values()))
    built = built_idea_page(site, idea)
    built.write_text(built.read_text().replace("</article>", "<script>alert(2)</script></article>"))
    page.goto(f"{url}/{_address(site, idea)}")
    expect(page.locator("article h1")).to_be_visible()
    assert dialogs == []
    assert any("script-src" in v for v in page.evaluate("window.__violations"))


def test_prospect_finds_testimonials_ideas_and_searches(site_url: str, page: Page) -> None:
    page.goto(site_url + "/")
    expect(page.get_by_role("heading", name="What our customers say").first).to_be_visible()
    expect(page.get_by_text("Найкраща кава в місті").first).to_be_visible()
    expect(page.get_by_text("average rating")).to_be_visible()

    page.get_by_role("link", name="All Ideas in Action").click()
    expect(page).to_have_url(re.compile(r"/ideas/$"))
    expect(page.get_by_role("heading", name="Ideas in Action", exact=True)).to_be_visible()
    page.locator("article").get_by_role("link", name="Oat milk at no extra charge").click()
    expect(page).to_have_url(re.compile(r"/ideas/\d+-oat-milk-at-no-extra-charge/$"))
    expect(page.locator("article")).to_contain_text("Oat, soy and almond milk now cost the same")
    expect(
        page.get_by_role("link", name="Join the conversation on the idea board")
    ).to_have_attribute("href", __import__("re").compile(r"^http://board\.example/ideas/\d+$"))

    page.goto(site_url + "/testimonials/")
    expect(page.get_by_text("Employee of the company")).to_be_visible()

    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("cornetti")
    result = page.locator(".md-search-result__item").filter(has_text="cornetti")
    expect(result.first).to_be_visible(timeout=15_000)


def _address(site: Path, idea: int) -> str:
    """An idea's address on the site, relative to its root ("ideas/<slug>/")."""
    return built_idea_page(site, idea).parent.relative_to(site).as_posix() + "/"


def test_the_sites_first_addresses_still_lead_to_each_page(
    hostile_site: tuple[str, dict[str, int], Path], page: Page
) -> None:
    """Links sent before pages moved out of /generated/ (emails, bookmarks) still arrive."""
    url, ids, site = hostile_site
    title, idea = next(iter(ids.items()))
    page.goto(f"{url}/generated/ideas/{idea}/")
    expect(page).to_have_url(f"{url}/{_address(site, idea)}")
    expect(page.locator("article h1")).to_have_text(title)
    page.goto(f"{url}/generated/testimonials/")
    expect(page).to_have_url(f"{url}/testimonials/")
    expect(page.locator("article")).to_contain_text("Cornetti everywhere")
