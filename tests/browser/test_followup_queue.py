"""A marketer on a phone (390×844) follows the dashboard's "overdue" link to the follow-ups,
opens the late one and records the call; no page is wider than the screen."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect

from feedback_app.store import FollowUp, utcnow
from feedback_app.store.models import FollowUpEvent, FollowUpState
from tests.browser.conftest import LiveServer, marketer_sign_in_link
from tests.browser.test_testimonial_queue import _fits


def test_the_overdue_follow_ups_on_a_phone(live_server: LiveServer, browser: Browser) -> None:
    now = utcnow()
    late = live_server.store.followups.add(FollowUp(
        "call", None, "petro@example.com", "Пакет був розірваний, половина зерен розсипалась",
        due_at=now - timedelta(hours=3), name="Петро Іваненко",
        events=[FollowUpEvent(at=now - timedelta(hours=51), by=None, state="open")],
    ))  # fmt: skip
    staff = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}).new_page()
    staff.set_default_timeout(10_000)
    staff.goto(marketer_sign_in_link(live_server))
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_role("link", name="Console")).to_be_visible()
    staff.goto(live_server.url + "/admin/followups?state=overdue")
    expect(staff.locator("tr.overdue")).to_contain_text("overdue")
    _fits(staff)
    staff.get_by_role("link", name="Петро Іваненко").click()
    expect(staff.get_by_text("Пакет був розірваний").first).to_be_visible()
    _fits(staff)
    staff.get_by_label("State").select_option("contacted")
    staff.get_by_label("Note (for the team)").fill("Подзвонив, надішлемо нову пачку")
    staff.get_by_role("button", name="Save the step").click()
    expect(staff.get_by_text("Recorded.")).to_be_visible()
    _fits(staff)
    assert live_server.store.followups.get(late.id).state is FollowUpState.CONTACTED
    assert [e.action for e in live_server.store.audit.all()] == ["followup.step"]
