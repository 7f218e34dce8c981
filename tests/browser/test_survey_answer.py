"""A customer answers the emailed survey with a 3, and a marketer calls them back: in
Chromium, against the real server."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

from playwright.sync_api import Page, expect

from feedback_app.app import create_app
from feedback_app.data import close_store
from feedback_app.store import utcnow
from feedback_app.store.models import Sale
from feedback_app.surveys.links import survey_urls
from tests.browser.conftest import LiveServer


def test_a_3_in_the_email_becomes_a_follow_up_a_marketer_works_on(
    live_server: LiveServer, page: Page
) -> None:
    signed = subprocess.run(
        [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(live_server.data_dir),
         "user", "add", "marketer@example.com", "--role", "marketer"],
        capture_output=True, text=True, check=True,
        env={"VOICEBOX_BASE_URL": live_server.url, "PATH": "", **live_server.backend.env},
    )  # fmt: skip
    sale = live_server.store.sales.add(
        Sale("oksana@example.com", "ORD-77", utcnow() - timedelta(days=7), name="Оксана")
    )
    app = create_app({**live_server.backend.settings, "BASE_URL": live_server.url,
                      "MAIL_IN_BACKGROUND": False})  # fmt: skip
    with app.test_request_context():
        three = survey_urls(sale)[3]
    close_store(app)

    page.goto(three)
    score = page.get_by_role("group", name="How likely are you to recommend us")
    expect(score.get_by_role("radio", name="3", exact=True)).to_be_checked()
    assert live_server.store.surveys.count() == 0, "opening the link recorded nothing"
    effort = page.get_by_role("group", name="How easy was it to deal with us?")
    effort.get_by_role("radio", name="2", exact=True).check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill(
        "Кава приїхала холодною"
    )
    page.get_by_label("You may contact me about my answer").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("within 48 hours")).to_be_visible()
    (answer,) = live_server.store.surveys.all()
    assert (answer.score, answer.effort, answer.reason) == (3, 2, "Кава приїхала холодною")

    link = re.search(r"http://\S+/signin/\S+", signed.stdout)
    assert link, signed.stdout
    page.goto(link.group(0))
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/admin/followups")
    page.get_by_role("link", name="Оксана").click()
    expect(page.get_by_text("Кава приїхала холодною").first).to_be_visible()
    page.get_by_label("State").select_option("contacted")
    page.get_by_label("Note (for the team)").fill("Подзвонила, надішлемо нову пачку")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()
    (followup,) = live_server.store.followups.all()
    assert followup.state.value == "contacted" and "нову пачку" in followup.notes
