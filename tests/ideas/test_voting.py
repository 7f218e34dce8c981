"""Promote, demote, change, withdraw; and the cases where voting is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from feedback_app.store import Idea, IdeaStatus, Role, Store
from tests.conftest import app_store, csrf_token, next_after_sign_in, sign_in
from tests.ideas.conftest import Board


def test_one_vote_per_person_changeable_and_retractable(board: Board) -> None:
    idea = board.idea()
    for value, expected in (("1", (1, 0)), ("1", (1, 0)), ("-1", (0, 1)), ("0", (0, 0))):
        assert board.post(f"/ideas/{idea}/vote", {"value": value}).status_code == 302
        assert board.store.votes.tally(idea) == expected
    page = board.post(f"/ideas/{idea}/vote", {"value": "1"}, follow_redirects=True)
    assert "You promoted this idea." in page.get_data(as_text=True)
    assert 'aria-pressed="true"' in page.get_data(as_text=True)


def test_vote_without_reload_answers_json(board: Board) -> None:
    idea = board.idea()
    reply = board.post(
        f"/ideas/{idea}/vote", {"value": "1"}, headers={"Accept": "application/json"}
    )
    assert reply.get_json() == {"value": 1, "promotes": 1, "demotes": 0, "score": 1}


def test_voting_on_closed_ideas_gives_a_clear_message(board: Board) -> None:
    idea = board.idea()
    board.store.ideas.set_status(idea, IdeaStatus.ARCHIVED, "", by=1)
    page = board.post(f"/ideas/{idea}/vote", {"value": "1"}, follow_redirects=True)
    assert page.status_code == 200
    assert "archived: it no longer takes votes" in page.get_data(as_text=True)
    json = board.post(f"/ideas/{idea}/vote", {"value": "1"}, headers={"Accept": "application/json"})
    assert json.status_code == 409 and "archived" in json.get_json()["error"]
    assert board.store.votes.tally(idea) == (0, 0)


@pytest.mark.parametrize("json", [True, False])
def test_a_vote_that_loses_the_race_to_a_merge_says_where_to_vote(
    board: Board, monkeypatch: pytest.MonkeyPatch, json: bool
) -> None:
    """Staff merge the idea just after the vote found it open: the person is told it was
    merged, as if they had come a moment later, and their vote is counted nowhere."""
    original = board.idea("Ube latte, please")
    duplicate = board.store.ideas.add(Idea("Magdagdag ng ube latte", "d", "Drinks", 999)).id
    ideas = app_store(board.app).ideas
    read = ideas.get

    def read_then_merge(idea_id: int) -> Idea:
        found = read(idea_id)
        board.store.ideas.merge(duplicate, original, by=1, response="Same idea")
        return found

    monkeypatch.setattr(ideas, "get", read_then_merge)
    headers = {"Accept": "application/json"} if json else {}
    reply = board.post(f"/ideas/{duplicate}/vote", {"value": "1"}, headers=headers)
    monkeypatch.undo()
    if json:
        assert reply.status_code == 409
        assert "merged into another one" in reply.get_json()["error"]
    else:
        assert reply.status_code == 302
        page = board.client.get(reply.headers["Location"]).get_data(as_text=True)
        assert "merged into another one: vote and comment there" in page
    assert board.store.votes.ideas_voted_by(board.user_id) == {}


def test_a_bad_vote_value_is_refused(board: Board) -> None:
    idea = board.idea()
    assert board.post(f"/ideas/{idea}/vote", {"value": "5"}).status_code == 400
    assert board.store.votes.tally(idea) == (0, 0)


def test_demote_can_be_switched_off(make_app: Callable[..., Flask], store: Store) -> None:
    app = make_app(ALLOW_DEMOTE=False)
    client = app.test_client()
    sign_in(client, store.users.add("a@example.com", Role.CUSTOMER).id)
    from feedback_app.store import Idea

    idea = store.ideas.add(Idea("t", "d", "Drinks", 1)).id
    token = csrf_token(client, f"/ideas/{idea}")
    assert "Demote this idea" not in client.get(f"/ideas/{idea}").get_data(as_text=True)
    page = client.post(
        f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "-1"}, follow_redirects=True
    )
    assert "only counts promotions" in page.get_data(as_text=True)
    assert store.votes.tally(idea) == (0, 0)


def test_after_voting_people_return_only_to_pages_on_this_site(board: Board) -> None:
    idea = board.idea()
    for bad in ("//evil.example/", "/\\evil.example", "https://evil.example/"):
        reply = board.post(f"/ideas/{idea}/vote", {"value": "1", "back": bad})
        assert reply.headers["Location"].endswith(f"/ideas/{idea}"), bad
    reply = board.post(f"/ideas/{idea}/vote", {"value": "0", "back": "/ideas?sort=top"})
    assert reply.headers["Location"].endswith("/ideas?sort=top")


def test_a_visitor_who_votes_is_asked_to_sign_in_and_comes_back(board: Board) -> None:
    idea = board.idea()
    visitor = board.app.test_client()
    token = csrf_token(visitor, "/signin")
    reply = visitor.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1",
                                                      "back": "/ideas?sort=top"})  # fmt: skip
    assert reply.status_code == 302
    assert next_after_sign_in(reply.headers["Location"]) == "/ideas?sort=top"
    json = visitor.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1"},
                        headers={"Accept": "application/json"})  # fmt: skip
    assert json.status_code == 401 and "sign in" in json.get_json()["error"]
    assert next_after_sign_in(visitor.get("/ideas/new").headers["Location"]) == "/ideas/new"
