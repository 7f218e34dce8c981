"""A new marketer in the console's idea queue: answers an idea with a saved response, merges a
duplicate through the title picker, and every page fits a 390 px phone."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from feedback_app.store import Idea, IdeaStatus, Role
from feedback_app.store.models import ResponseTemplate
from tests.browser.conftest import LiveServer
from tests.browser.test_board import _sign_in


def test_marketer_answers_with_a_saved_response_and_merges_through_the_picker(
    live_server: LiveServer, page: Page
) -> None:
    store = live_server.store
    olena = store.users.add("olena@example.com", Role.CUSTOMER, "Олена")
    original = store.ideas.add(Idea("Oat milk at no extra charge", "Plant milk costs more.",
                                    "Drinks", olena.id)).id  # fmt: skip
    duplicate = store.ideas.add(Idea("Free oat milk please", "Same as dairy", "Drinks",
                                     olena.id)).id  # fmt: skip
    store.replies.add(ResponseTemplate("Next season", IdeaStatus.PLANNED,
                                       "Заплановано на весну: 计划中。"))  # fmt: skip
    store.users.add("marketer@example.com", Role.MARKETER, "Marta")

    _sign_in(page, live_server, "marketer@example.com", "Marta")
    page.goto(f"{live_server.url}/admin/ideas")
    row = page.locator(f"#idea-{original}")
    row.get_by_text("Answer", exact=True).click()
    row.get_by_label("Saved response").select_option(label="Planned: Next season")
    expect(row.get_by_label("Official response (Markdown)")).to_have_value(
        "Заплановано на весну: 计划中。"
    )  # filled by replies.js, no round trip
    expect(row.get_by_label("New status")).to_have_value("planned")
    row.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("“Oat milk at no extra charge” is answered.")).to_be_visible()
    assert store.ideas.get(original).status is IdeaStatus.PLANNED

    page.goto(f"{live_server.url}/admin/ideas")
    page.locator(f"#idea-{duplicate}").get_by_text("Answer", exact=True).click()
    page.locator(f"#idea-{duplicate}").get_by_role("link", name="Merge…").click()
    candidate = page.locator(".candidates li").filter(has_text="Oat milk at no extra charge")
    expect(candidate).to_be_visible()  # offered at once: nothing to type
    merge = page.locator("#merge")
    merge.get_by_label("Official response on the duplicate (Markdown)").fill("Già proposta.")
    candidate.get_by_role("button", name="Merge into this").click()
    expect(page.get_by_text("Merged. Votes and followers moved")).to_be_visible()
    assert urlsplit(page.url).path == f"/ideas/{original}"
    assert store.ideas.get(duplicate).merged_into == original
    assert {e.action for e in store.audit.all()} == {"idea.status", "idea.merge"}

    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/admin/ideas?show=all", "/admin/ideas/replies", f"/ideas/{duplicate}",
                 f"/ideas/{original}?find=oat"):  # fmt: skip
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)

    page.goto(f"{live_server.url}/admin/ideas?show=all")
    row = page.locator(f"#idea-{duplicate}")
    row.get_by_text("Answer", exact=True).click()
    date, select = row.get_by_label("Changed on"), row.get_by_label("New status")
    assert date.bounding_box()["width"] == select.bounding_box()["width"]  # type: ignore[index]
    assert date.evaluate("e => getComputedStyle(e).borderRadius") == "8px"
