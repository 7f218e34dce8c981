"""The demo's published site in a browser: served by the app, searchable, linking back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from feedback_app.demo import seed_demo
from generator.publish import publish
from tests.browser.conftest import LiveServer


def test_demo_site_searches_and_leads_back_to_the_board(
    live_server: LiveServer, site_project: Path, page: Page
) -> None:
    store = live_server.store
    seed_demo(store)
    site_url = live_server.url + "/dev/site/"
    publish(store, site_project, site_project / "site", live_server.url, site_url)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(site_url)
    expect(page.get_by_role("heading", name="What our customers say").first).to_be_visible()
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("cornetti")
    result = page.locator(".md-search-result__item").filter(has_text="cornetti")
    expect(result.first).to_be_visible(timeout=15_000)
    assert errors == [], "no CSP violation stops the site's own scripts"

    page.goto(site_url + "ideas/")
    page.locator("article").get_by_role("link", name="Oat milk at no extra charge").click()
    page.get_by_role("link", name="Join the conversation on the idea board").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/ideas/\d+$"))
    expect(page.get_by_role("heading", name="Oat milk at no extra charge")).to_be_visible()
