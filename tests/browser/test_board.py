"""The idea board in a real browser: a new customer, then a marketer answering them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from feedback_app.store import Idea, Role
from tests.browser.conftest import LiveServer


def _sign_in(page: Page, server: LiveServer, email: str, name: str) -> None:
    """Follow a fresh one-time link, as from the email, and set a name on first sign-in."""
    token = server.store.tokens.issue(email)
    page.goto(f"{server.url}/signin/{token}")
    page.get_by_role("button", name="Sign in").click()
    if page.get_by_label("Your name, as others will see it").count():
        page.get_by_label("Your name, as others will see it").fill(name)
        page.get_by_role("button", name="Save").click()


def test_customer_posts_votes_argues_and_hears_back(live_server: LiveServer, page: Page) -> None:
    store = live_server.store
    store.ideas.add(Idea("Oat milk at no extra charge", "Plant milk costs more.", "Drinks", 1))
    store.users.add("marketer@example.com", Role.MARKETER, "Marta")

    _sign_in(page, live_server, "giulia@example.com", "Giulia Rossi")
    page.get_by_role("link", name="Ideas", exact=True).click()
    page.get_by_role("link", name="Share an idea").click()
    page.get_by_label("Your idea in one line").press_sequentially("Free oat milk", delay=20)
    suggestion = page.locator("#similar")
    expect(suggestion).to_be_visible()
    expect(suggestion.get_by_role("link", name="Oat milk at no extra charge")).to_be_visible()

    page.get_by_label("Tell us more").fill("Latte d'avena **senza** sovrapprezzo, per favore.")
    page.get_by_label("Category").select_option("Drinks")
    page.get_by_role("button", name="Post my idea").click()
    expect(page.get_by_role("heading", name="Someone may have had this idea")).to_be_visible()
    page.get_by_role("button", name="No, mine is different: post it").click()
    expect(page.get_by_text("Thank you! Your idea is on the board.")).to_be_visible()
    expect(page.get_by_role("heading", name="Free oat milk")).to_be_visible()
    idea_url = page.url

    page.get_by_role("button", name="Promote this idea").click()
    expect(page.locator(".idea-head [data-score]")).to_have_text("1")
    expect(page.get_by_role("button", name="Withdraw my promotion")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_text("You promoted this idea.")).to_have_count(0)  # no reload, no flash

    for stance, words in (("Pro", "Sì, lo voglio!"), ("Con", "Costerà di più?")):
        page.get_by_label(stance, exact=True).check()
        page.get_by_label("Your comment", exact=True).fill(words)
        page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_text("Thank you for your comment.")).to_be_visible()
    expect(page.locator(".column-pro")).to_contain_text("Sì, lo voglio!")
    expect(page.locator(".column-con")).to_contain_text("Costerà di più?")

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server, "marketer@example.com", "Marta")
    page.goto(idea_url)
    page.get_by_label("New status").select_option("implemented")
    page.get_by_label("Official response (Markdown)").fill("Fatto! Grazie a tutti.")
    page.get_by_label("What changed (needed for implemented)").fill(
        "Oat milk costs the same as dairy."
    )
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("Status changed.")).to_be_visible()
    expect(page.locator(".official")).to_contain_text("Fatto! Grazie a tutti.")

    page.get_by_role("link", name="Outbox").click()
    mail = page.locator("article.mail").filter(has_text="giulia@example.com").first
    expect(mail).to_contain_text("Status: Implemented")
    expect(mail).to_contain_text("Fatto! Grazie a tutti.")
