"""A page on another site posts a form to Voicebox in the visitor's own Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from feedback_app.store import Role
from tests.browser.conftest import LiveServer
from tests.browser.test_board import _sign_in


def _attacker_page(target: str, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    html = (f'<form method="post" action="{target}">{inputs}</form>'
            "<script>document.forms[0].submit()</script>")  # fmt: skip

    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=html)

    return serve


def test_a_post_from_another_site_neither_signs_out_nor_offers_to_resend(
    live_server: LiveServer, page: Page
) -> None:
    store = live_server.store
    admin = store.users.add("ada@example.com", Role.ADMIN, "Ada")
    victim = store.users.add("li.wei@example.com", Role.CUSTOMER, "李伟")
    _sign_in(page, live_server, admin.email, "Ada")
    target = f"{live_server.url}/admin/staff/{victim.id}/role"
    page.route("http://evil.test/**", _attacker_page(target, {f"u{victim.id}-role": "admin"}))
    page.goto("http://evil.test/prize")
    page.wait_for_url(f"{target}*")
    answer = page.locator("main").inner_text()
    page.goto(f"{live_server.url}/admin/staff/")
    assert "/signin" not in page.url, "still signed in"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert "Not sent from this site" in answer
    assert "Send again" not in answer and f"u{victim.id}-role" not in answer
    assert store.users.get(victim.id).role is Role.CUSTOMER
