"""Pages in the reader's language and time zone, also where the app remembers formatted values:
two boards in one process, one Ukrainian in Kyiv and one English in UTC, never show each
other's dates, numbers or messages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from flask.testing import FlaskClient

from feedback_app.app import create_app
from feedback_app.data import get_store
from feedback_app.store import Idea, Vote
from tests.conftest import TEST_CONFIG, csrf_token, sign_in

POSTED = datetime(2024, 3, 30, 22, 30, tzinfo=UTC)  # already the 31st in Kyiv


def _board(folder: Path, locale: str, zone: str) -> FlaskClient:
    """A signed-in client of a board with one idea, posted at POSTED, with 1,234 promotions."""
    app = create_app({"DATA_DIR": str(folder), "LOCALE": locale, "TIMEZONE": zone, **TEST_CONFIG})
    with app.app_context():
        store = get_store()
        idea = Idea("Oat milk", "Please", "Drinks", 999)
        idea.created_at = POSTED
        idea_id = store.ideas.add(idea).id
        store.votes.cast_many(Vote(idea_id, 10_000 + n, 1) for n in range(1234))
        me = store.users.add("olena@example.com", name="Олена").id
    client = app.test_client()
    sign_in(client, me)
    return client


def _card(client: FlaskClient) -> tuple[str, str, str]:
    """The list page's score, full date and age of the idea, as shown."""
    page = client.get("/ideas").get_data(as_text=True)
    score = re.search(r"data-score[^>]*>([^<]+)<", page)
    when = re.search(r'<time datetime="[^"]+" title="([^"]+)">([^<]+)</time>', page)
    assert score and when
    return score.group(1), when.group(1), when.group(2)


def _form_error(client: FlaskClient) -> str:
    """The message next to the category field, after choosing one that does not exist."""
    token = csrf_token(client, "/ideas/new")
    page = client.post(
        "/ideas/new",
        data={"csrf_token": token, "title": "A new idea", "description": "d", "category": "?"},
    ).get_data(as_text=True)
    found = re.search(r'id="category-errors">\s*<li>([^<]+)</li>', page)
    assert found, "no error next to the category"
    return found.group(1)


def test_two_boards_in_one_process_keep_their_own_language_and_zone(tmp_path: Path) -> None:
    english = _board(tmp_path / "en", "en", "UTC")
    ukrainian = _board(tmp_path / "uk", "uk", "Europe/Kyiv")
    for _ in range(2):  # the second round reads what the first one remembered
        score, full, ago = _card(english)
        assert (score, full) == ("1,234", "Mar 30, 2024, 10:30:00\u202fPM")
        assert re.fullmatch(r"\d+ years ago", ago)
        score, full, ago = _card(ukrainian)
        assert score == "1\xa0234"
        assert full == "31 бер. 2024\u202fр., 00:30:00"
        assert re.fullmatch(r"\d+ рок(и|ів) тому", ago)
        assert _form_error(english) == "Not a valid choice."
        assert _form_error(ukrainian) == "Недійсний варіант."
