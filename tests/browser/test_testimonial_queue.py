"""A marketer on a phone (390×844) works through the testimonial queue from the list: approves
one with a tap, rejects another with a reason using the keyboard alone; no page is wider than
the screen."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from feedback_app.store import Testimonial, TestimonialState, utcnow
from tests.browser.conftest import LiveServer, marketer_sign_in_link

GOOD = "Кава приїхала за два дні, ще тепла від обсмаження. Дякую!"
ODD = "Il barista Marco mi ha fatto lo sconto, quindi cinque stelle."
REASON = "Називає співробітника на ім'я і згадує знижку"


def _waiting(live_server: LiveServer, text: str, email: str) -> Testimonial:
    now = utcnow()
    return live_server.store.testimonials.add(Testimonial(
        original_text=text, rating=5, credit_name="Олена Коваленко", email=email,
        email_confirmed_at=now, consent_text="I agree.", consent_version="1", consented_at=now,
    ))  # fmt: skip


def marketer_on_a_phone(live_server: LiveServer, browser: Browser) -> Page:
    """A new marketer signed in on a 390×844 screen."""
    staff = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844}).new_page()
    staff.set_default_timeout(10_000)
    staff.goto(marketer_sign_in_link(live_server))
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_role("link", name="Console")).to_be_visible()
    return staff


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide: it scrolls sideways on a phone"


def _tab_to(page: Page, selector: str, most: int = 80) -> None:
    """Press Tab until the element `selector` has the focus, as a keyboard user does."""
    for _ in range(most):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus by Tab")


def test_a_marketer_decides_from_the_list_on_a_phone(
    live_server: LiveServer, browser: Browser
) -> None:
    good = _waiting(live_server, GOOD, "olena@example.com")
    odd = _waiting(live_server, ODD, "giulia@example.com")
    staff = marketer_on_a_phone(live_server, browser)
    staff.goto(live_server.url + "/admin/testimonials")
    expect(staff.get_by_role("heading", name="Testimonials")).to_be_visible()
    fits(staff)

    row = staff.locator(f"#t{good.id}")
    row.get_by_role("button", name="Approve — it appears on the site at the next publish").click()
    expect(staff.get_by_text("Approved: it is on the site after the next publish.")).to_be_visible()
    assert live_server.store.testimonials.get(good.id).state is TestimonialState.APPROVED
    fits(staff)

    staff.locator("body").focus()
    _tab_to(staff, f"#r{odd.id}-reason")
    staff.keyboard.type(REASON)
    staff.keyboard.press("Tab")
    assert staff.evaluate("document.activeElement.textContent").startswith("Reject")
    staff.keyboard.press("Enter")
    expect(staff.get_by_text("Rejected; the reason is kept with it.")).to_be_visible()
    rejected = live_server.store.testimonials.get(odd.id)
    assert (rejected.state, rejected.rejected_reason) == (TestimonialState.REJECTED, REASON)
    expect(staff.locator(f"#t{odd.id}")).to_contain_text(REASON)
    fits(staff)

    staff.locator(f"#t{odd.id}").get_by_role("link").click()
    expect(staff.get_by_text("I agree.")).to_be_visible()
    fits(staff)
    assert [e.action for e in live_server.store.audit.all()] == [
        "testimonial.reject", "testimonial.approve"]
