"""The dashboard in Chromium against the real server, as a marketer starting the day: the
counts that need them (overdue in red) lead to their queues, the six charts are drawn (the
SVG pictures load and show under the app's CSP), the numbers are in tables, and the page fits
a 390 px phone without sideways scrolling as well as a laptop. A failed email is sent again
from the emails page."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from feedback_app.store import (
    FollowUp,
    Idea,
    Message,
    Outcome,
    Store,
    SurveyResponse,
    Vote,
    utcnow,
)
from tests.browser.conftest import LiveServer, marketer_sign_in_link

CHARTS = ("nps", "effort", "answers", "ideas", "votes", "followups")
DANGER = "rgb(180, 35, 24)"  # --danger in voicebox.css


def _seed(store: Store) -> None:
    now = utcnow()
    idea = store.ideas.add(Idea("Овсяне молоко без доплати", "d", "Drinks", 1))
    store.votes.cast_many([Vote(idea.id, 100 + n, 1 if n % 4 else -1, now - timedelta(days=n))
                           for n in range(30)])  # fmt: skip
    for n, score in enumerate((10, 9, 7, 3, 10, 0)):
        store.surveys.add(SurveyResponse(
            f"c{n}@example.com", "", score, effort=1 + score % 7,
            touchpoint=("Online shop", "Кав'ярня на Подолі")[n % 2],
            created_at=now - timedelta(days=3 * n)))  # fmt: skip
    store.followups.add(FollowUp("call", None, "c3@example.com", "3/10", now - timedelta(hours=5)))
    message = store.messages.enqueue(Message("c0@example.com", "Дякуємо за замовлення", "Текст"))
    store.messages.settle({message.id: Outcome(error="SMTPServerDisconnected: closed")})


def _sign_in(live_server: LiveServer, page: Page) -> None:
    page.goto(marketer_sign_in_link(live_server))
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/admin/")


def _no_csp_reports(page: Page) -> list[str]:
    reports: list[str] = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security" in m.text else None)
    return reports


def _numbers_fit(page: Page) -> None:
    """Every chart's table of numbers fits its box on a laptop: nothing to scroll sideways,
    nothing cut (on a phone a wide one may scroll inside its box, never the page)."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.chart .numbers')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => `${box.closest('figure').id}: ${box.scrollWidth} > ${box.clientWidth}`)"""
    )
    assert not wide, wide


def test_marketer_reads_the_dashboard_on_a_laptop_and_a_phone(
    live_server: LiveServer, page: Page
) -> None:
    _seed(live_server.store)
    page.set_viewport_size({"width": 1280, "height": 900})
    reports = _no_csp_reports(page)
    _sign_in(live_server, page)
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()

    overdue = page.locator(".attention li").filter(has_text="overdue")
    expect(overdue).to_have_class("urgent")
    assert overdue.evaluate("e => getComputedStyle(e).borderTopColor") == DANGER
    expect(overdue.locator("strong")).to_have_css("color", DANGER)
    failed = page.locator(".attention li").filter(has_text="email failed")
    expect(failed).to_have_class("urgent")

    for name in CHARTS:
        image = page.locator(f"#chart-{name} img")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        box = image.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150, (name, box)
    nps = page.locator("#chart-nps")
    nps.get_by_text("The numbers").click()
    expect(nps.locator("table")).to_be_visible()
    expect(nps.locator("tbody tr")).to_have_count(12)
    answers = page.locator("#chart-answers")
    answers.get_by_text("The numbers").click()
    expect(answers.locator("tbody")).to_contain_text("Кав'ярня на Подолі")
    assert not reports, reports
    for details in page.locator("details").all():
        details.evaluate("e => { e.open = true; }")
    _numbers_fit(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    for details in page.locator("details").all():
        details.evaluate("e => { e.open = true; }")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="1 follow-up overdue").click()
    assert page.url.endswith("/admin/followups?state=overdue")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_marketer_sends_a_failed_email_again(live_server: LiveServer, page: Page) -> None:
    _seed(live_server.store)
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(live_server, page)
    page.locator(".attention li").filter(has_text="email failed").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Failed emails")).to_be_visible()
    expect(page.get_by_text("The mail server hung up before the email was sent.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("is queued again")).to_be_visible()
    expect(page.get_by_text("No failed emails")).to_be_visible()
    (entry,) = live_server.store.audit.find(action="email.send_again")
    assert entry.actor_email == "marketer@example.com"
