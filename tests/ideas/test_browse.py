"""The board's list: sorts, filters, search in several scripts, paging, Ideas in Action."""

from __future__ import annotations

from datetime import timedelta

from feedback_app.store import SEARCH_COUNT_LIMIT, Idea, IdeaStatus, utcnow
from tests.ideas.conftest import Board


def _titles(board: Board, query: str) -> list[str]:
    import re

    page = board.client.get("/ideas" + query).get_data(as_text=True)
    return re.findall(r'<h3><a href="/ideas/\d+">([^<]+)</a></h3>', page)


def _seed(board: Board) -> dict[str, int]:
    made = {}
    for n, (title, category, tags) in enumerate([
        ("Oat milk", "Drinks", ["milk"]), ("Тихий зал", "Stores", ["тишина"]),
        ("增加无糖饮品选项", "Drinks", []), ("Cornetti vegani", "Food", ["vegano"]),
    ]):  # fmt: skip
        idea = Idea(title, f"desc {n}", category, 999 if n else board.user_id, tags=tags)
        idea.created_at = utcnow() - timedelta(days=n)
        made[title] = board.store.ideas.add(idea).id
    board.store.votes.cast(made["Cornetti vegani"], 1, 1)
    board.store.votes.cast(made["Cornetti vegani"], 2, 1)
    board.store.votes.cast(made["Тихий зал"], board.user_id, 1)
    board.store.comments.add(made["增加无糖饮品选项"], 1, "c")
    board.store.ideas.set_status(made["Oat milk"], IdeaStatus.PLANNED, "yes", by=1)
    return made


def test_sorts(board: Board) -> None:
    _seed(board)
    assert _titles(board, "?sort=new") == [
        "Oat milk",
        "Тихий зал",
        "增加无糖饮品选项",
        "Cornetti vegani",
    ]
    assert _titles(board, "?sort=top")[0] == "Cornetti vegani"
    assert _titles(board, "?sort=discussed")[0] == "增加无糖饮品选项"
    assert len(_titles(board, "?sort=trending")) == 4
    assert len(_titles(board, "?sort=bogus&page=xyz")) == 4, "bad parameters fall back"


def test_filters(board: Board) -> None:
    _seed(board)
    assert sorted(_titles(board, "?category=Drinks")) == ["Oat milk", "增加无糖饮品选项"]
    assert _titles(board, "?status=planned") == ["Oat milk"]
    assert _titles(board, "?tag=тишина") == ["Тихий зал"]
    assert _titles(board, "?mine=1") == ["Oat milk"]
    assert _titles(board, "?voted=1") == ["Тихий зал"]
    assert len(_titles(board, "?category=Weapons")) == 4, "an unknown category is ignored"


def test_search_in_several_scripts(board: Board) -> None:
    _seed(board)
    assert _titles(board, "?q=тихий") == ["Тихий зал"]
    assert _titles(board, "?q=无糖") == ["增加无糖饮品选项"]
    assert _titles(board, "?q=VEGANI") == ["Cornetti vegani"]
    page = board.client.get("/ideas?q=nothing-matches").get_data(as_text=True)
    assert "No ideas match" in page


def test_pagination(board: Board) -> None:
    board.store.ideas.add_many(Idea(f"idea {n:02d}", "d", "Food", 1) for n in range(45))
    first = board.client.get("/ideas?sort=new").get_data(as_text=True)
    assert "Page 1 of 3" in first and 'rel="next"' in first
    assert len(_titles(board, "?sort=new&page=3")) == 5


def test_a_search_with_very_many_matches_says_more_than(board: Board) -> None:
    """A search stops counting at SEARCH_COUNT_LIMIT: the board says "more than", and its
    pages still lead on to the last one, which counts exactly again."""
    total = SEARCH_COUNT_LIMIT + 5
    board.store.ideas.add_many(Idea(f"oat idea {n:04d}", "d", "Food", 1) for n in range(total))
    per_page = board.app.config["IDEAS_PER_PAGE"]
    known = SEARCH_COUNT_LIMIT // per_page
    first = board.client.get("/ideas?sort=new&q=oat").get_data(as_text=True)
    assert f"More than {SEARCH_COUNT_LIMIT:,} ideas" in first
    assert f"Page 1 of more than {known:,}" in first and 'rel="next"' in first
    last_page = -(-total // per_page)
    last = board.client.get(f"/ideas?sort=new&q=oat&page={last_page}").get_data(as_text=True)
    assert f"{total} ideas" in last and "More than" not in last
    assert f"Page {last_page} of {last_page}<" in last and 'rel="next"' not in last
    assert len(_titles(board, f"?sort=new&q=oat&page={last_page}")) == total % per_page
    assert board.client.get(f"/ideas?q=oat&page={last_page + 1}").status_code == 404
    assert f"{total} ideas" in board.client.get("/ideas").get_data(as_text=True)


def test_empty_board_says_what_to_do(board: Board) -> None:
    assert "share the first" in board.client.get("/ideas").get_data(as_text=True)
    assert "Nothing implemented yet" in board.client.get("/ideas/in-action").get_data(as_text=True)


def test_links_follow_the_address_the_board_is_served_under(board: Board) -> None:
    """The cards' links are built once per request and page shape: a board behind a path
    prefix still links every idea, vote form and category inside it, right after a request
    without one, exactly as url_for would."""
    first = board.store.ideas.add(Idea("Oat milk", "d", "App & ordering", 999)).id
    second = board.store.ideas.add(Idea("Тихий зал", "d", "Кава & чай", 999)).id
    assert f'href="/ideas/{first}"' in board.client.get("/ideas").get_data(as_text=True)
    page = board.client.get("/ideas", base_url="http://localhost/board").get_data(as_text=True)
    with board.app.test_request_context("/ideas", base_url="http://localhost/board"):
        from flask import url_for
        from markupsafe import escape

        for idea in (first, second):
            assert f'href="{url_for("ideas.show", idea_id=idea)}"' in page
            assert f'action="{url_for("ideas.vote", idea_id=idea)}"' in page
        for category in ("App & ordering", "Кава & чай"):
            assert f'href="{escape(url_for("ideas.index", category=category))}"' in page
    assert f'href="/board/ideas/{second}"' in page
