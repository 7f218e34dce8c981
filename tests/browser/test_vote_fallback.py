"""When the vote script's request fails, the plain form post still casts the pressed vote."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from feedback_app.store import Idea
from tests.browser.conftest import LiveServer
from tests.browser.test_board import _sign_in


def _fail(how: str):  # type: ignore[no-untyped-def]
    """A route handler that fails the script's request and lets the page's own post through."""

    def handle(route: Route) -> None:
        if route.request.resource_type != "fetch":
            route.continue_()
        elif how == "network":
            route.abort("connectionreset")
        else:
            status = {"rate-limited": 429, "csrf": 400}[how]
            route.fulfill(status=status, content_type="text/html", body="<p>not now</p>")

    return handle


@pytest.mark.parametrize("how", ["network", "rate-limited", "csrf"])
def test_a_failed_vote_request_falls_back_to_the_form(
    live_server: LiveServer, page: Page, how: str
) -> None:
    store = live_server.store
    idea = store.ideas.add(Idea("Cornetti vegani ogni mattina", "d", "Food", 1)).id
    _sign_in(page, live_server, "li.wei@example.com", "李伟")
    page.route("**/ideas/*/vote", _fail(how))
    page.goto(f"{live_server.url}/ideas/{idea}")
    page.get_by_role("button", name="Demote this idea").click()
    expect(page.get_by_text("You demoted this idea.")).to_be_visible()
    assert store.votes.tally(idea) == (0, 1), "the vote pressed is the vote cast"
