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
from feedback_app.store import Store
from generator.publish import publish


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture
def site_url(tmp_path: Path, site_project: Path) -> Iterator[str]:
    store = Store(tmp_path / "data")
    seed_demo(store)
    site = site_project / "site"
    publish(store, site_project, site, "http://board.example", "http://127.0.0.1/")
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_prospect_finds_testimonials_ideas_and_searches(site_url: str, page: Page) -> None:
    page.goto(site_url + "/")
    expect(page.get_by_role("heading", name="What our customers say").first).to_be_visible()
    expect(page.get_by_text("Найкраща кава в місті").first).to_be_visible()
    expect(page.get_by_text("average rating")).to_be_visible()

    page.get_by_role("link", name="All Ideas in Action").click()
    expect(page).to_have_url(re.compile(r"/generated/ideas/$"))
    expect(page.get_by_role("heading", name="Ideas in Action", exact=True)).to_be_visible()
    page.locator("article").get_by_role("link", name="Oat milk at no extra charge").click()
    expect(page).to_have_url(re.compile(r"/generated/ideas/\d+/$"))
    expect(page.locator("article")).to_contain_text("Oat, soy and almond milk now cost the same")
    expect(
        page.get_by_role("link", name="Join the conversation on the idea board")
    ).to_have_attribute("href", __import__("re").compile(r"^http://board\.example/ideas/\d+$"))

    page.goto(site_url + "/generated/testimonials/")
    expect(page.get_by_text("Employee of the company")).to_be_visible()

    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("cornetti")
    result = page.locator(".md-search-result__item").filter(has_text="cornetti")
    expect(result.first).to_be_visible(timeout=15_000)
