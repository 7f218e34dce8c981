"""A new marketer's first day in the console, in Chromium against the real server, finding
every page from the dashboard and the menu by their visible names: signs in with the link
they were sent and lands on the dashboard, reads the charts and their numbers, approves the
waiting testimonial, answers an idea with a saved response (its follower's email carries the
response), merges a duplicate through the title picker, resolves the overdue follow-up,
downloads the testimonials as CSV and finds every one of those actions in the audit log."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from feedback_app.store import (
    FollowUp,
    Idea,
    IdeaStatus,
    Role,
    Store,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    utcnow,
)
from feedback_app.store.models import FollowUpEvent, FollowUpState, ResponseTemplate
from tests.browser.conftest import LiveServer, marketer_sign_in_link

QUOTE = "Кава приїхала за два дні, ще тепла від обсмаження.\n咖啡两天就到了，还是热的。"
ORIGINAL, DUPLICATE = "Oat milk at no extra charge", "Free oat milk please"
RESPONSE = "Заплановано на весну: 计划中。"
OUTCOME = "Подзвонила: надішлемо нову пачку безкоштовно"
MARKETER = "marketer@example.com"


def _seed(store: Store) -> dict[str, int]:
    """What a marketer finds waiting on a morning: one testimonial, two ideas (one a
    duplicate), a saved response and a customer who should have been called hours ago."""
    now = utcnow()
    testimonial = store.testimonials.add(Testimonial(
        original_text=QUOTE, rating=5, credit_name="Олена Коваленко", email="olena@example.com",
        email_confirmed_at=now, consent_text="I agree.", consent_version="1", consented_at=now,
    ))  # fmt: skip
    olena = store.users.add("olena@example.com", Role.CUSTOMER, "Олена")
    li = store.users.add("li.wei@example.com", Role.CUSTOMER, "李伟")
    original = store.ideas.add(Idea(ORIGINAL, "Plant milk costs more.", "Drinks", olena.id))
    store.follows.set(original.id, li.id, True)
    duplicate = store.ideas.add(Idea(DUPLICATE, "Same as dairy", "Drinks", olena.id))
    store.replies.add(ResponseTemplate("Next season", IdeaStatus.PLANNED, RESPONSE))
    for n, score in enumerate((10, 3)):
        store.surveys.add(SurveyResponse(
            f"c{n}@example.com", "", score, effort=2 + n, touchpoint="Кав'ярня на Подолі",
            created_at=now - timedelta(days=n)))  # fmt: skip
    late = store.followups.add(FollowUp(
        "call", None, "petro@example.com", "Пакет був розірваний, половина зерен розсипалась",
        due_at=now - timedelta(hours=3), name="Петро Іваненко",
        events=[FollowUpEvent(at=now - timedelta(hours=51), by=None, state="open")],
    ))  # fmt: skip
    return {"testimonial": testimonial.id, "original": original.id,
            "duplicate": duplicate.id, "followup": late.id}  # fmt: skip


def _dashboard_link(page: Page, words: str) -> None:
    """Back to the dashboard by the header's "Console" link (on the console's pages and the
    public ones alike), then follow the count that says `words`."""
    page.get_by_role("link", name="Console", exact=True).click()
    page.get_by_role("link", name=re.compile(words)).click()


def _outbox_shows(page: Page, text: str) -> None:
    """Wait, as Playwright waits, until the demo outbox holds `text`: the server's mailer
    writes the followers' emails in the background."""
    page.wait_for_function(
        """text => {
            const r = new XMLHttpRequest();
            r.open("GET", "/dev/outbox", false);
            r.send();
            return r.responseText.includes(text);
        }""",
        arg=text, polling=500, timeout=45_000,
    )  # fmt: skip


def test_a_new_marketer_runs_a_day_from_the_console(live_server: LiveServer, page: Page) -> None:
    store = live_server.store
    ids = _seed(store)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(marketer_sign_in_link(live_server, MARKETER))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Your name, as others will see it").fill("Marta Bianchi")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
    assert urlsplit(page.url).path == "/admin/"

    figures = page.get_by_role("figure")
    expect(figures).to_have_count(6)
    for figure in figures.all():
        image = figure.get_by_role("img")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        figure.get_by_text("The numbers").click()
        expect(figure.get_by_role("table")).to_be_visible()
    answers = page.get_by_role("figure", name="Survey answers by touchpoint")
    expect(answers.get_by_role("table")).to_contain_text("Кав'ярня на Подолі")

    page.get_by_role("link", name=re.compile("testimonial waiting for a decision")).click()
    expect(page.get_by_role("heading", name="Testimonials")).to_be_visible()
    page.get_by_role("row").filter(has_text="Кава приїхала за два дні").get_by_role(
        "button", name="Approve — it appears on the site at the next publish"
    ).click()
    expect(page.get_by_text("Approved: it is on the site after the next publish.")).to_be_visible()
    assert store.testimonials.get(ids["testimonial"]).state is TestimonialState.APPROVED

    _dashboard_link(page, "ideas without an official response")
    expect(page.get_by_role("heading", name="Ideas to answer")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=ORIGINAL)
    row.get_by_text("Answer", exact=True).click()
    row.get_by_label("Saved response").select_option(label="Planned: Next season")
    expect(row.get_by_label("Official response (Markdown)")).to_have_value(RESPONSE)
    row.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text(f"“{ORIGINAL}” is answered.")).to_be_visible()
    assert store.ideas.get(ids["original"]).status is IdeaStatus.PLANNED
    _outbox_shows(page, RESPONSE)
    page.goto(live_server.url + "/dev/outbox")
    news = page.locator("article.mail").filter(has_text="li.wei@example.com")
    expect(news.get_by_role("heading")).to_have_text(f"News about “{ORIGINAL}”")
    expect(news).to_contain_text(RESPONSE)
    page.go_back()

    _dashboard_link(page, "idea without an official response")
    row = page.get_by_role("row").filter(has_text=DUPLICATE)
    row.get_by_text("Answer", exact=True).click()
    row.get_by_role("link", name="Merge…").click()
    offered = page.get_by_role("listitem").filter(has_text=ORIGINAL)
    expect(offered.get_by_role("button", name="Merge into this")).to_be_visible()
    page.get_by_label("Find the original by words of its title").fill("oat milk charge")
    page.get_by_role("button", name="Find", exact=True).click()
    merge = page.locator("#merge")
    merge.get_by_label("Official response on the duplicate (Markdown)").fill("Già proposta.")
    page.get_by_role("listitem").filter(has_text=ORIGINAL).get_by_role(
        "button", name="Merge into this"
    ).click()
    expect(page.get_by_text("Merged. Votes and followers moved")).to_be_visible()
    assert urlsplit(page.url).path == f"/ideas/{ids['original']}"
    assert store.ideas.get(ids["duplicate"]).merged_into == ids["original"]

    _dashboard_link(page, "overdue")
    expect(page.get_by_role("heading", name="Customers to call back")).to_be_visible()
    page.get_by_role("link", name="Петро Іваненко").click()
    page.get_by_label("State").select_option(label="Resolved")
    page.get_by_label("Outcome (needed to resolve)").fill(OUTCOME)
    page.get_by_role("button", name="Save the step").click()
    expect(page.get_by_role("status")).to_contain_text("Resolved: it leaves the list")
    expect(page.get_by_text(OUTCOME).first).to_be_visible()
    assert store.followups.get(ids["followup"]).state is FollowUpState.RESOLVED

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Exports").click()
    with page.expect_download() as started:
        page.get_by_role("link", name="Download the CSV file of Testimonials").click()
    data = started.value.path().read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    [approved] = [r for r in rows if r["Testimonial number"] == str(ids["testimonial"])]
    assert approved["Customer's words"] == QUOTE
    assert approved["State"] == "approved"

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    for action in ("approved a testimonial", "set an idea's status",
                   "merged an idea into another", "resolved a follow-up",
                   "downloaded an export"):  # fmt: skip
        done = page.get_by_role("row").filter(has=page.get_by_text(action, exact=True))
        expect(done).to_have_count(1)
        expect(done).to_contain_text("Marta Bianchi")
