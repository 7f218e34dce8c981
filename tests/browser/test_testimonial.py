"""A customer writes a testimonial in Ukrainian, with a photo, confirms it from the outbox; a
marketer approves it, and it appears on the published site, credited as the customer chose."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, marketer_sign_in_link
from tests.testimonials.conftest import jpeg

QUOTE = "Замовлення прийшло за два дні, а підтримка відповіла навіть у неділю. Рекомендую!"


def _wait_for(page: Page, url: str, text: str, seconds: float) -> None:
    """Reload `url` until it shows `text` (the mailer and the publisher work in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        if text in page.content():
            return
        assert time.monotonic() < deadline, f"{text!r} never appeared at {url}"
        time.sleep(0.5)


def test_a_ukrainian_testimonial_from_the_form_to_the_published_site(
    live_server: LiveServer, page: Page, browser: Browser
) -> None:
    page.goto(live_server.url + "/testimonials/new")
    page.get_by_label("Your testimonial").fill("Коротко")
    page.get_by_role("button", name="Send my testimonial").click()
    expect(page.get_by_role("alert")).to_contain_text("Please tick the consent box")
    expect(page.get_by_label("Your testimonial")).to_have_value("Коротко")

    page.get_by_label("Your testimonial").fill(QUOTE)
    page.get_by_role("radio", name="5").check()
    page.get_by_label("Your name").fill("Олена Коваленко")
    page.get_by_label("Your company (optional)").fill("Квітка")
    page.get_by_label("Your email (never published)").fill("olena@example.com")
    page.get_by_label("First name and initial (Olena K.)").check()
    page.get_by_label("A photo of you (optional)").set_input_files(
        {"name": "я.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    page.locator("#consent").check()
    page.get_by_role("button", name="Send my testimonial").click()
    expect(page.get_by_role("heading", name="Thank you! Please check your email")).to_be_visible()

    mail = page.locator("article.mail").filter(has_text="olena@example.com").first
    _wait_for(page, live_server.url + "/dev/outbox", "olena@example.com", 30)
    expect(mail).not_to_contain_text(QUOTE)  # not to an address nobody has confirmed yet
    mail.locator("a[href*='/testimonials/confirm/']").first.click()
    expect(page.locator("main")).to_contain_text(QUOTE)  # the page shows what is confirmed
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_role("heading", name="Thank you, your address is confirmed")).to_be_visible()

    staff = browser.new_context(locale="en-GB").new_page()
    staff.goto(marketer_sign_in_link(live_server))
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(live_server.url + "/admin/testimonials")
    staff.get_by_role("link", name=QUOTE[:40], exact=False).click()
    expect(staff.locator("img.testimonial-photo")).to_be_visible()
    staff.get_by_role("button", name="Approve — it appears on the site").click()
    expect(staff.get_by_text("Approved: it is on the site after the next publish.")).to_be_visible()

    _wait_for(page, live_server.url + "/dev/site/testimonials/", QUOTE, 90)
    card = page.locator("article li").filter(has_text=QUOTE)
    expect(card).to_contain_text("Олена К.")
    expect(card).not_to_contain_text("Коваленко")
    photo = card.locator("img.vb-photo")
    expect(photo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) > 0
