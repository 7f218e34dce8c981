"""An admin on a phone (390×844): invites a marketer, who signs in with the emailed link, and
revokes a shop system's API token; no page scrolls sideways."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from feedback_app.sales.tokens import create_token
from feedback_app.store import Role
from tests.browser.conftest import LiveServer
from tests.browser.test_board import _sign_in


def _fits(page: Page) -> None:
    page.wait_for_load_state("load")  # the stylesheets too: a table is a card only then
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > 390).map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 40))"
    )
    assert width <= 390, f"{page.url} is {width} px wide: {wide[:5]}"


def test_an_admin_invites_a_marketer_and_revokes_a_token_on_a_phone(
    live_server: LiveServer, page: Page
) -> None:
    store = live_server.store
    store.users.add("ada@example.com", Role.ADMIN, "Ada Lovelace")
    token, _secret = create_token(store, "Інтернет-магазин")
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, "ada@example.com", "Ada Lovelace")

    page.goto(f"{live_server.url}/admin/staff/")
    _fits(page)
    page.get_by_text("Invite a member of staff").click()
    page.get_by_label("Their email address").fill("olena.kovalenko@example.com")
    page.get_by_label("Their name (optional)").fill("Олена Коваленко")
    page.get_by_role("button", name="Invite and send the sign-in link").click()
    expect(page.get_by_text("olena.kovalenko@example.com is invited")).to_be_visible()
    expect(page.get_by_role("cell", name="Олена Коваленко")).to_be_visible()
    _fits(page)
    invited = store.users.find_by_email("olena.kovalenko@example.com")
    assert invited is not None and invited.role is Role.MARKETER

    page.get_by_role("link", name="API tokens of the shop systems").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    _fits(page)
    page.get_by_role("button", name="Revoke: refuse its calls from now on").click()
    expect(page.get_by_text("The token for Інтернет-магазин is revoked")).to_be_visible()
    _fits(page)
    assert not store.api_tokens.get(token.id).active

    page.get_by_label("Name of the integration (e.g. the shop system)").fill("Каса 收银台")
    page.get_by_role("button", name="Create a token").click()
    shown = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"vbx_\S+", shown)
    _fits(page)

    mail = [m for m in store.messages.all() if m.to == "olena.kovalenko@example.com"]
    link = re.search(r"http://\S+/signin/\S+", mail[0].text)
    assert link and "Ada Lovelace" in mail[0].subject
    marketer = page.context.browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[union-attr]
    tab = marketer.new_page()
    tab.goto(link.group(0))
    tab.get_by_role("button", name="Sign in").click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))  # staff land on the console
    expect(tab.get_by_role("button", name="Sign out")).to_be_visible()
    marketer.close()
