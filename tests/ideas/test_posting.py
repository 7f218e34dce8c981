"""Posting an idea, as a customer would, bad input included."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.ideas.conftest import Board

GOOD = {"title": "Безлактозні десерти", "description": "Хоча б **два**.", "category": "Food",
        "tags": "Lactose, десерти, lactose"}  # fmt: skip


def test_posting_an_idea_thanks_and_says_what_happens_next(board: Board) -> None:
    response = board.post("/ideas/new", GOOD, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Thank you! Your idea is on the board." in page
    assert "you will get an email when its status changes" in page
    idea = board.store.ideas.all()[0]
    assert (idea.title, idea.category, idea.author_id) == (GOOD["title"], "Food", board.user_id)
    assert idea.tags == ["lactose", "десерти"]
    assert "<strong>два</strong>" in page


def test_errors_keep_what_was_typed(board: Board) -> None:
    page = board.post("/ideas/new", {**GOOD, "title": ""}).get_data(as_text=True)
    assert "Please fill this in." in page
    assert "Хоча б **два**." in page, "the description comes back"
    huge = board.post("/ideas/new", {**GOOD, "title": "я" * 500}).get_data(as_text=True)
    assert "At most 120 characters" in huge and "я" * 500 in huge
    unknown = board.post("/ideas/new", {**GOOD, "category": "Weapons"}).get_data(as_text=True)
    assert "Not a valid choice" in unknown
    assert board.store.ideas.count() == 0


def test_similar_idea_asks_before_posting_a_duplicate(board: Board) -> None:
    existing = board.idea("Oat milk at no extra charge")
    draft = {**GOOD, "title": "Free oat milk, no extra charge", "category": "Drinks"}
    page = board.post("/ideas/new", draft).get_data(as_text=True)
    assert "Someone may have had this idea" in page
    assert f"/ideas/{existing}" in page
    assert board.store.ideas.count() == 1
    board.post("/ideas/new", {**draft, "confirmed": "1"})
    assert board.store.ideas.count() == 2


def test_similar_endpoint_answers_json(board: Board) -> None:
    board.idea("增加无糖饮品选项")
    found = board.client.get("/ideas/similar?title=无糖饮品").get_json()
    assert [f["title"] for f in found] == ["增加无糖饮品选项"]
    assert board.client.get("/ideas/similar?title=a").get_json() == []


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/ideas/new")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_unknown_idea_is_404(board: Board) -> None:
    assert board.client.get("/ideas/424242").status_code == 404
    assert board.post("/ideas/424242/vote", {"value": "1"}).status_code == 404
