"""The whole follow-up loop as new customers meet it, in Chromium against the real server: a
sale is imported, the thank-you and the survey invitation arrive, a 10 clicked in the email
leads to a testimonial written in Ukrainian, confirmed from its email, approved by a marketer
and published; another customer's 3 becomes a follow-up the marketer sees."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from feedback_app.store import utcnow
from tests.browser.conftest import LiveServer, marketer_sign_in_link
from tests.browser.test_testimonial import _wait_for

QUOTE = "Кава приїхала за два дні, ще тепла від обсмаження. Дякую за турботу, замовлю ще!"
OLENA, PETRO = "olena@example.com", "petro@example.com"


def _import_sales(live_server: LiveServer, folder: Path) -> str:
    """Two sales made a week ago, imported with the `voicebox` command as a shop would: their
    thank-you and survey invitation are due now."""
    sold = (utcnow() - timedelta(days=7, hours=1)).isoformat(timespec="minutes")
    csv = folder / "sales.csv"
    csv.write_text(
        "email,name,language,order_ref,date,outcome\n"
        f"{OLENA},Олена Коваленко,uk,ORD-1,{sold},won\n"
        f"{PETRO},Петро Іваненко,uk,ORD-2,{sold},won\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(live_server.data_dir),
         "sales", "import", str(csv)],
        capture_output=True, text=True, check=True,
        env={"VOICEBOX_BASE_URL": live_server.url, "PATH": "", **live_server.backend.env},
    )  # fmt: skip
    return result.stdout


def _mail(page: Page, to: str, subject: str) -> Locator:
    return page.locator("article.mail").filter(has_text=to).filter(has_text=subject).first


def test_a_sale_becomes_a_published_testimonial_and_a_3_a_follow_up(
    live_server: LiveServer, page: Page, browser: Browser, tmp_path: Path
) -> None:
    imported = _import_sales(live_server, tmp_path)
    assert "Imported 2 new sales" in imported, imported
    outbox = live_server.url + "/dev/outbox"
    # The server's mailer finds the due jobs on its next round (every 15 s at most).
    _wait_for(page, outbox, "How likely are you to recommend", 45)
    _wait_for(page, outbox, PETRO, 45)
    thanks = _mail(page, OLENA, "Thank you for your order")
    expect(thanks.locator("a[href*='answer=yes']")).to_have_count(1)
    expect(thanks.locator("a[href*='answer=no']")).to_have_count(1)

    _mail(page, OLENA, "How likely are you to recommend").locator("a[href*='score=10']").click()
    score = page.get_by_role("group", name="How likely are you to recommend us")
    expect(score.get_by_role("radio", name="10", exact=True)).to_be_checked()
    assert live_server.store.surveys.count() == 0, "opening the link recorded nothing"
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.get_by_role("link", name="Write a testimonial").click()

    expect(page.get_by_label("Your email (never published)")).to_have_value(OLENA)
    page.get_by_label("Your testimonial").fill(QUOTE)
    page.get_by_role("radio", name="5").check()
    page.locator("#consent").check()
    page.get_by_role("button", name="Send my testimonial").click()
    expect(page.get_by_role("heading", name="Thank you! Please check your email")).to_be_visible()
    _wait_for(page, outbox, "Please confirm your testimonial", 30)
    _mail(page, OLENA, "Please confirm your testimonial").locator(
        "a[href*='/testimonials/confirm/']"
    ).first.click()
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("heading", name="Thank you, your address is confirmed")).to_be_visible()

    page.goto(outbox)
    _mail(page, PETRO, "How likely are you to recommend").locator("a[href*='score=3']").click()
    page.get_by_label("Anything you would like to tell us? (optional)").fill(
        "Пакет був розірваний, половина зерен розсипалась"
    )
    page.get_by_label("You may contact me about my answer").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("within 48 hours")).to_be_visible()

    staff = browser.new_context(locale="en-GB").new_page()
    staff.goto(marketer_sign_in_link(live_server))
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(live_server.url + "/admin/followups")
    call = staff.get_by_role("link", name="Петро Іваненко")
    expect(call).to_be_visible()
    call.click()
    expect(staff.get_by_text("Пакет був розірваний").first).to_be_visible()

    staff.goto(live_server.url + "/admin/testimonials")
    staff.get_by_role("link", name=QUOTE[:40], exact=False).click()
    staff.get_by_role("button", name="Approve — it appears on the site").click()
    expect(staff.get_by_text("Approved: it is on the site after the next publish.")).to_be_visible()

    _wait_for(page, live_server.url + "/dev/site/testimonials/", QUOTE, 90)
    expect(page.locator("article li").filter(has_text=QUOTE)).to_contain_text("Олена Коваленко")
