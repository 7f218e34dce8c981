"""A marketer on a phone (390×844) follows the dashboard's "overdue" link to the follow-ups,
opens the late one and records the call; no page is wider than the screen."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect

from feedback_app.store import FollowUp, utcnow
from feedback_app.store.models import FollowUpEvent, FollowUpState
from tests.browser.conftest import LiveServer
from tests.browser.test_testimonial_queue import fits, marketer_on_a_phone


def test_the_overdue_follow_ups_on_a_phone(live_server: LiveServer, browser: Browser) -> None:
    now = utcnow()
    late = live_server.store.followups.add(FollowUp(
        "call", None, "petro@example.com", "Пакет був розірваний, половина зерен розсипалась",
        due_at=now - timedelta(hours=3), name="Петро Іваненко",
        events=[FollowUpEvent(at=now - timedelta(hours=51), by=None, state="open")],
    ))  # fmt: skip
    staff = marketer_on_a_phone(live_server, browser)
    staff.goto(live_server.url + "/admin/followups?state=overdue")
    expect(staff.locator("tr.overdue")).to_contain_text("overdue")
    fits(staff)
    staff.get_by_role("link", name="Петро Іваненко").click()
    expect(staff.get_by_text("Пакет був розірваний").first).to_be_visible()
    fits(staff)
    staff.get_by_label("State").select_option("contacted")
    staff.get_by_label("Note (for the team)").fill("Подзвонив, надішлемо нову пачку")
    staff.get_by_role("button", name="Save the step").click()
    expect(staff.get_by_text("Recorded.")).to_be_visible()
    fits(staff)
    assert live_server.store.followups.get(late.id).state is FollowUpState.CONTACTED
    assert [e.action for e in live_server.store.audit.all()] == ["followup.step"]
