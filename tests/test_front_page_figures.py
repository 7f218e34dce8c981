"""The figures people read on the front page are the real counts (the console's: tests/admin).

Each figure is seeded to a different number, so a figure stuck at 0, swapped with another, or
counting what it should not (a withdrawn vote, a hidden comment, a sent email) fails here.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Idea, Stance
from tests.conftest import app_store

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
