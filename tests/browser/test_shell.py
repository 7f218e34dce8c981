"""The app as a visitor's browser sees it, served by the real multi-process server."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from feedback_app.store import Idea
from tests.browser.conftest import LiveServer


def test_front_page_lists_ideas_written_by_another_process(
    live_server: LiveServer, page: Page
) -> None:
    store = live_server.store
    idea = store.ideas.add(Idea("支持支付宝和微信支付", "d", "App & ordering", 1))
    store.votes.cast(idea.id, 1, 1)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Trending ideas")).to_be_visible()
    expect(page.get_by_text("支持支付宝和微信支付")).to_be_visible()
    expect(page.locator(".demo-banner")).to_contain_text("Demo mode")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.reload()
    assert errors == [], "no CSP violations or script errors"


def test_unknown_page_shows_the_friendly_404(live_server: LiveServer, page: Page) -> None:
    response = page.goto(live_server.url + "/nowhere")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Go to the front page").click()
    expect(page).to_have_url(live_server.url + "/")
