"""The figures people read on the front page and staff read on the console are the real counts.

Each figure is seeded to a different number, so a figure stuck at 0, swapped with another, or
counting what it should not (a withdrawn vote, a hidden comment, a sent email) fails here.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import (
    FollowUp,
    Idea,
    Message,
    Outcome,
    Role,
    Stance,
    Testimonial,
    TestimonialState,
    utcnow,
)
from feedback_app.store.models import Contact
from tests.conftest import app_store, sign_in

_FIGURE = re.compile(
    r"<li[^>]*>\s*<strong>([\d,.\s\u00a0\u202f]+)</strong>\s*(?:<a [^>]*>)?([^<]+)"
)


def _figures(page: str) -> dict[str, int]:
    """'<li><strong>3</strong> ideas</li>' -> {'ideas': 3}, for the figures list on a page."""
    block = page.split('<ul class="figures">', 1)[1].split("</ul>", 1)[0]
    return {
        label.strip().rstrip(" —"): int(re.sub(r"\D", "", number))
        for number, label in _FIGURE.findall(block)
    }


def test_front_page_figures_are_the_real_counts(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    ideas = [store.ideas.add(Idea(f"Idea {n}", "d", "Drinks", 1)).id for n in range(3)]
    for user in range(1, 8):  # seven votes that count ...
        store.votes.cast(ideas[user % 3], 100 + user, 1 if user % 2 else -1)
    store.votes.cast(ideas[0], 200, 1)
    store.votes.cast(ideas[0], 200, 0)  # ... and one withdrawn, which does not
    for n in range(4):
        store.comments.add(ideas[n % 3], 100 + n, f"Comment {n}", Stance.PRO)
    hidden = store.comments.add(ideas[1], 150, "Hidden one")
    store.comments.set_hidden(hidden.id, True)

    page = client.get("/").get_data(as_text=True)
    assert _figures(page) == {"ideas": 3, "votes": 7, "comments": 4}


def test_front_page_figures_on_an_empty_board(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert _figures(page) == {"ideas": 0, "votes": 0, "comments": 0}


def test_console_figures_are_the_real_counts(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    now = utcnow()
    for n in range(5):
        store.ideas.add(Idea(f"Idea {n}", "d", "Food", 1))
    for state in (TestimonialState.PENDING, TestimonialState.PENDING, TestimonialState.APPROVED,
                  TestimonialState.REJECTED, TestimonialState.WITHDRAWN):  # fmt: skip
        store.testimonials.add(Testimonial("Words", 5, "Name", state=state, email_confirmed_at=now))
    # not confirmed yet: staff do not see it
    store.testimonials.add(Testimonial("Words", 5, "Name", state=TestimonialState.PENDING))
    due = [now - timedelta(days=1), now + timedelta(days=1), now + timedelta(days=2)]
    for when in due:  # three open, one of them overdue
        store.followups.add(FollowUp("call", None, "c@example.com", "score 3", when))
    store.followups.add(
        FollowUp("call", None, "d@example.com", "score 2", now - timedelta(days=3), done_at=now)
    )  # done: neither open nor overdue
    queued = [store.messages.enqueue(Message("x@example.com", f"S{n}", "t")).id for n in range(6)]
    store.messages.settle({
        queued[0]: Outcome(sent=True),
        queued[1]: Outcome(error="refused"),  # given up
        queued[2]: Outcome(error="busy", retry_at=now + timedelta(minutes=5)),  # retried
    })  # fmt: skip
    for n in range(3):  # two suppressed after a 5xx, one that may be mailed
        store.contacts.add(Contact(f"c{n}@example.com", suppressed_at=now if n else None))

    sign_in(client, store.users.add("marta@example.com", Role.MARKETER).id)
    page = client.get("/admin/").get_data(as_text=True)
    assert _figures(page) == {
        "testimonials waiting for a decision": 2,
        "customers to call back": 3,
        "emails waiting to be sent": 4,
        "addresses suppressed after a permanent delivery failure (no mail goes to them)": 2,
        "ideas on the board": 5,
    }
    assert re.search(r'class="danger">\s*1 overdue\s*<', page), "one follow-up is overdue"


def test_console_shows_no_overdue_warning_when_none_is_late(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    store.followups.add(
        FollowUp("call", None, "c@example.com", "score 3", utcnow() + timedelta(days=1))
    )
    sign_in(client, store.users.add("marta@example.com", Role.MARKETER).id)
    page = client.get("/admin/").get_data(as_text=True)
    assert _figures(page)["customers to call back"] == 1
    assert "overdue" not in page.split('<ul class="figures">', 1)[1].split("</ul>", 1)[0]
