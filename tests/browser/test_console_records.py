"""The console's records in Chromium against the real server, on a phone-sized screen: a
marketer downloads a CSV and reads it, sees what the next publish would add, publishes, and
finds both in the audit log; no page scrolls sideways at 390 px."""

from __future__ import annotations

import csv
import io
import time

from playwright.sync_api import Page, expect

from feedback_app import audit
from feedback_app.store import Idea, IdeaStatus, Role
from tests.browser.conftest import LiveServer, marketer_sign_in_link

TITLE = "Овсяне молоко, «без доплати» 燕麦奶"


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways: {width} px"


def _words_cut(page: Page) -> list[str]:
    """The words of the audit table that are split over two lines."""
    return page.evaluate(
        """() => {
            const cut = [];
            const walker = document.createTreeWalker(
                document.querySelector('table.audit tbody'), NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const match of node.textContent.matchAll(/\\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, match.index);
                    range.setEnd(node, match.index + match[0].length);
                    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                    if (tops.size > 1) cut.push(match[0]);
                }
            }
            return cut;
        }"""
    )


def test_a_marketer_downloads_a_csv_and_publishes_from_a_phone(
    live_server: LiveServer, page: Page
) -> None:
    store = live_server.store
    author = store.users.add("olena@example.com", Role.CUSTOMER, "Олена").id
    idea = store.ideas.add(Idea(TITLE, "=1+1, будь ласка", "Drinks", author))
    store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Готово", author, "Тепер у меню")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(marketer_sign_in_link(live_server))
    page.get_by_role("button", name="Sign in").click()

    page.goto(live_server.url + "/admin/exports")
    _fits(page)
    with page.expect_download() as started:
        page.get_by_role("link", name="Download the CSV file of Ideas").click()
    download = started.value
    assert download.suggested_filename.startswith("voicebox-ideas-")
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert row["Title"] == TITLE and row["Description"] == "'=1+1, будь ласка"

    page.goto(live_server.url + "/admin/publishing")
    _fits(page)
    added = page.locator("table.site-pages").first
    expect(added).to_contain_text(TITLE)
    expect(added).to_contain_text(f"ideas/{idea.id}.md")
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("Publishing has started.")).to_be_visible()
    deadline = time.monotonic() + 90
    while not page.locator(".last-publish").count():  # the page looks again by itself
        assert time.monotonic() < deadline, "the publish never finished (or was never shown)"
        page.wait_for_timeout(500)
    expect(page.get_by_role("link", name="View the published site")).to_be_visible()
    expect(page.locator(".last-publish")).to_contain_text("Published")
    expect(page.get_by_text("the site already shows everything there is")).to_be_visible()
    _fits(page)

    staff = store.users.find_by_email("marketer@example.com")
    audit.record(store, staff, "testimonial.reject", "testimonial", 7,
                 {"state": "pending", "rejected_reason": ""},
                 {"state": "rejected",
                  "rejected_reason": "Згадує конкурента на ім'я й прізвище"})  # fmt: skip
    page.goto(live_server.url + "/admin/audit")
    _fits(page)
    actions = page.locator("td[data-label=Action]")
    expect(actions.filter(has_text="asked for a publish")).to_have_count(1)
    expect(actions.filter(has_text="downloaded an export")).to_have_count(1)
    assert not _words_cut(page), "no word broken across lines on a phone"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    width = page.locator("table.audit").evaluate("t => t.getBoundingClientRect().width")
    assert width > 1100, f"the log uses the laptop's width, not a narrow column: {width} px"
    assert not _words_cut(page), "no word broken across lines on a laptop"
