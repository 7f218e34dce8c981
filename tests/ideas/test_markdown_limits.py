"""Stored Markdown that is too deep or too costly to render still shows, as escaped text.

A comment of `"- " * 600 + "x"` (1.2 KB, well inside the form's limit) once made Python-Markdown
recurse past Python's limit: the idea page answered 500 to every visitor, and the board's
excerpts did the same for `/ideas?sort=new`.
"""

from __future__ import annotations

from feedback_app.store import Idea, IdeaStatus
from tests.ideas.conftest import Board

DEEP = "- " * 600 + "x<b>"


def _idea(board: Board, title: str, description: str) -> int:
    return board.store.ideas.add(Idea(title, description, "Drinks", board.user_id)).id


def test_idea_page_with_a_deeply_nested_comment_answers(board: Board) -> None:
    idea = board.idea()
    board.store.comments.add(idea, board.user_id, DEEP)
    reply = board.client.get(f"/ideas/{idea}")
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "- - - - x&lt;b&gt;" in page, "the comment is shown as the text that was typed"
    assert "x<b>" not in page


def test_idea_page_with_a_deeply_nested_description_and_response_answers(board: Board) -> None:
    idea = _idea(board, "Deep quotes", ">" * 600 + " " + DEEP)
    board.store.ideas.set_status(idea, IdeaStatus.PLANNED, "1. " * 600 + "soon", by=1)
    reply = board.client.get(f"/ideas/{idea}")
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "1. 1. 1. soon" in page, "the official response, as typed"
    assert "&gt;&gt;&gt;&gt; - - - " in page and "- - x&lt;b&gt;" in page, "the description"


def test_board_excerpts_of_a_deeply_nested_description_answer(board: Board) -> None:
    _idea(board, "Nested lists everywhere", DEEP)
    reply = board.client.get("/ideas?sort=new")
    assert reply.status_code == 200
    assert "Nested lists everywhere" in reply.get_data(as_text=True)


def test_a_comment_posted_through_the_form_is_shown_either_way(board: Board) -> None:
    idea = board.idea()
    reply = board.post(f"/ideas/{idea}/comments", {"body": DEEP, "stance": "pro"})
    assert reply.status_code in (200, 302)
    assert board.client.get(f"/ideas/{idea}").status_code == 200
