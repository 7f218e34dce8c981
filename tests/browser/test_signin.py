"""Signing in as people would: a new customer through the outbox, a marketer from the CLI."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, marketer_sign_in_link


def test_new_customer_signs_in_through_the_emailed_link(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Your email address").fill("maria.santos@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.get_by_role("link", name="Outbox").click()
    mail = page.locator("article.mail").filter(has_text="maria.santos@example.com").first
    expect(mail).to_contain_text("Your sign-in link")
    mail.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Sign in as maria.santos@example.com?")).to_be_visible()
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Welcome! Tell us what to call you.")).to_be_visible()
    page.get_by_label("Your name, as others will see it").fill("Maria Santos 🌺")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Maria Santos 🌺")).to_be_visible()
    expect(page.get_by_role("link", name="Console")).to_have_count(0)
    assert page.goto(live_server.url + "/admin/").status == 403  # type: ignore[union-attr]


def test_marketer_created_on_the_command_line_reaches_the_console(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(marketer_sign_in_link(live_server))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Your name, as others will see it").fill("Marco")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Console").click()
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
