"""The board remembers rendered idea cards: what each person sees must stay their own and now."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import request
from flask_babel import get_babel

from feedback_app.store import Idea, IdeaStatus, Vote, utcnow
from tests.conftest import sign_in
from tests.ideas.conftest import Board

_VOTE_FORM = re.compile(
    r'<form class="vote" method="post" action="/ideas/(\d+)/vote" data-vote>\s*'
    r'<input type="hidden" name="csrf_token" value="([^"]+)">\s*'
    r'<input type="hidden" name="back" value="([^"]+)">'
)


def _cards(page: str) -> dict[str, dict[str, str]]:
    """Per idea title: its score, whether the promote button is pressed, its age and date."""
    cards = {}
    for card in page.split('<li class="idea-card">')[1:]:
        title = re.search(r"<h3><a [^>]+>([^<]+)</a>", card)
        score = re.search(r"data-score[^>]*>([^<]+)<", card)
        pressed = re.search(r'class="vote-up"\s+aria-pressed="(\w+)"', card)
        when = re.search(r'<time [^>]+ title="([^"]+)">([^<]+)</time>', card)
        assert title and score and pressed and when
        cards[title.group(1)] = {
            "score": score.group(1), "promoted": pressed.group(1), "age": when.group(2),
            "date": when.group(1),
        }  # fmt: skip
    return cards


def test_figures_and_ages_are_those_of_the_moment(board: Board) -> None:
    idea = board.idea("Oat milk")
    assert _cards(board.client.get("/ideas").get_data(as_text=True))["Oat milk"]["score"] == "0"
    board.store.votes.cast_many(Vote(idea, 100 + n, 1) for n in range(1500))
    board.store.comments.add(idea, 100, "Yes please")
    page = board.client.get("/ideas").get_data(as_text=True)
    assert _cards(page)["Oat milk"]["score"] == "1,500"
    assert "1 comment" in page
    board.store.ideas.set_status(idea, IdeaStatus.PLANNED, "Soon", by=1)
    assert '<span class="badge status-planned">Planned</span>' in board.client.get(
        "/ideas"
    ).get_data(as_text=True)
    _posted_days_ago(board, "Quiet hours", 3)
    assert _cards(board.client.get("/ideas").get_data(as_text=True))["Quiet hours"]["age"] == (
        "3 days ago"
    )


def _posted_days_ago(board: Board, title: str, days: int) -> int:
    idea = Idea(title, "d", "Drinks", 999)
    idea.created_at = utcnow() - timedelta(days=days)
    return board.store.ideas.add(idea).id


def test_each_person_sees_their_own_vote_and_can_cast_it(board: Board) -> None:
    idea = _posted_days_ago(board, "Oat milk", 2)
    board.store.votes.cast(idea, board.user_id, 1)
    mine = board.client.get("/ideas?sort=top").get_data(as_text=True)
    assert _cards(mine)["Oat milk"]["promoted"] == "true"
    other = board.app.test_client()
    sign_in(other, board.store.users.add("taras@example.com", name="Тарас").id)
    theirs = other.get("/ideas?sort=new").get_data(as_text=True)
    assert _cards(theirs)["Oat milk"]["score"] == "1"
    assert _cards(theirs)["Oat milk"]["promoted"] == "false"
    form = _VOTE_FORM.search(theirs)
    assert form and form.group(3) == "/ideas?sort=new", "the form comes back to their page"
    answer = other.post(
        f"/ideas/{idea}/vote", data={"csrf_token": form.group(2), "value": "1", "back": "/ideas"}
    )
    assert answer.status_code == 302, "their page carries their own CSRF token"
    assert board.store.votes.tally(idea) == (2, 0)
    card = _cards(board.client.get("/ideas?sort=top").get_data(as_text=True))["Oat milk"]
    assert (card["score"], card["promoted"]) == ("2", "true"), "and still see their own"


def test_a_card_is_in_each_readers_language(board: Board) -> None:
    """If the board chooses a language per reader, a card remembered for one reader never
    shows in another's language."""
    idea = _posted_days_ago(board, "Oat milk", 5)
    board.store.votes.cast_many(Vote(idea, 100 + n, 1) for n in range(1500))
    get_babel(board.app).locale_selector = lambda: request.args.get("lang")
    for _ in range(2):  # the second round reads what the first one remembered
        seen = {
            lang: _cards(board.client.get(f"/ideas?lang={lang}").get_data(as_text=True))["Oat milk"]
            for lang in ("en", "en_GB", "uk")
        }
        assert (seen["en"]["score"], seen["en"]["age"]) == ("1,500", "5 days ago")
        assert (seen["uk"]["score"], seen["uk"]["age"]) == ("1\xa0500", "5 днів тому")
        assert (seen["en_GB"]["score"], seen["en_GB"]["age"]) == ("1,500", "5 days ago")
        assert re.fullmatch(
            r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d\u202f[AP]M", seen["en"]["date"]
        )
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d", seen["en_GB"]["date"])
