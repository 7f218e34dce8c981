"""The board's list page, kept for visitors who are not signed in: what each visitor sees must
be exactly what a fresh page would show them, now."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from babel import Locale, dates
from flask import Flask
from flask.testing import FlaskClient

from feedback_app import page_cache
from feedback_app.auth.current import Account
from feedback_app.store import Idea, IdeaStatus, Store, open_store, utcnow
from feedback_app.store.models import TRENDING_REFRESH_S
from feedback_app.templating import age_changes_at
from tests.conftest import Backend, app_store, sign_in
from tests.store.processes import run_together

_TOKENS = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _page(client: FlaskClient, address: str = "/ideas", **kw: Any) -> str:
    answer = client.get(address, **kw)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def _tokens(page: str) -> set[str]:
    return {meta or field for meta, field in _TOKENS.findall(page)}


def _card(page: str, title: str) -> str:
    """The card of the idea titled `title` on `page`."""
    found = [c for c in page.split('<li class="idea-card">')[1:] if f">{title}</a></h3>" in c]
    assert len(found) == 1, f"{title!r} is on the page once"
    return found[0]


def _score(page: str, title: str) -> str:
    found = re.search(r"data-score[^>]*>([^<]+)<", _card(page, title))
    assert found
    return found.group(1)


def _idea(store: Store, title: str, seconds_old: float = 3600, **fields: Any) -> int:
    idea = Idea(title, "Чому це важливо", "Drinks", 999, **fields)
    idea.created_at = utcnow() - timedelta(seconds=seconds_old)
    return store.ideas.add(idea).id


CHANGES: dict[str, tuple[Callable[[Store, int], Any], Callable[[str], bool]]] = {
    "a vote": (lambda s, i: s.votes.cast(i, 7, 1), lambda page: _score(page, "无糖饮品") == "1"),
    "a new idea": (
        lambda s, i: _idea(s, "Cornetti vegani"),
        lambda page: "Cornetti vegani" in page,
    ),
    "a status change": (
        lambda s, i: s.ideas.set_status(i, IdeaStatus.PLANNED, "Скоро", by=9),
        lambda page: "status-planned" in _card(page, "无糖饮品"),
    ),
    "a comment": (
        lambda s, i: s.comments.add(i, 7, "Так!"),
        lambda page: "1 comment" in _card(page, "无糖饮品"),
    ),
    "an edited title": (
        lambda s, i: s.ideas.edit(i, title="Безлактозні десерти"),
        lambda page: "Безлактозні десерти" in page and "无糖饮品" not in page,
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_made_elsewhere_shows_on_the_next_visit(
    client: FlaskClient, store: Store, backend: Backend, change: str
) -> None:
    idea = _idea(store, "无糖饮品")
    make, shown = CHANGES[change]
    before = _page(client)
    assert not shown(before)
    assert _page(client) == before, "kept, and served again"
    make(backend.open(), idea)  # another process, or another host
    assert shown(_page(client))
    assert shown(_page(FlaskClient(client.application)))


def _vote(settings: dict[str, Any], idea_id: int, start: Any) -> None:
    store = open_store(settings)
    start.wait()
    store.votes.cast(idea_id, 42, 1)
    store.close()


def test_a_vote_from_another_process_shows_on_the_next_visit(
    client: FlaskClient, store: Store, backend: Backend
) -> None:
    idea = _idea(store, "无糖饮品")
    assert _score(_page(client), "无糖饮品") == "0"
    run_together(_vote, [(backend.settings, idea)])
    assert _score(_page(client), "无糖饮品") == "1"


def test_a_kept_page_serves_the_next_visitors_without_reading_the_board(
    app: Flask, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _idea(store, "Більше безлактозних десертів")
    first = _page(app.test_client())
    listed: list[Any] = []
    board = app_store(app).ideas
    original = board.list
    monkeypatch.setattr(board, "list", lambda *a, **kw: listed.append(a) or original(*a, **kw))
    pages = [_page(app.test_client()) for _ in range(3)]
    assert listed == []
    token = _tokens(first).pop()
    assert all(p.replace(_tokens(p).pop(), token) == first for p in pages), "the same page"
    _page(app.test_client(), "/ideas?sort=new")
    assert len(listed) == 1, "another address is a page of its own"


def test_a_kept_page_is_rendered_afresh_when_the_trending_minute_turns(
    app: Flask, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trending ranks as of the minute: a page kept in one minute is not served in the next."""
    _idea(store, "Більше безлактозних десертів", seconds_old=86400 * 3)
    clock = [time.time()]
    monkeypatch.setattr(page_cache.time, "time", lambda: clock[0])
    listed: list[Any] = []
    board = app_store(app).ideas
    original = board.list
    monkeypatch.setattr(board, "list", lambda *a, **kw: listed.append(a) or original(*a, **kw))
    _page(app.test_client())
    minute_ends = (clock[0] // TRENDING_REFRESH_S + 1) * TRENDING_REFRESH_S
    clock[0] = minute_ends - 0.01
    _page(app.test_client())
    assert len(listed) == 1, "the same minute: kept"
    clock[0] = minute_ends
    _page(app.test_client())
    assert len(listed) == 2, "the next minute: ranked afresh"


def test_each_visitor_gets_their_own_token_and_it_works(client: FlaskClient, store: Store) -> None:
    idea = _idea(store, "Більше безлактозних десертів")
    other = FlaskClient(client.application)
    mine, theirs = _tokens(_page(client)), _tokens(_page(other))
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    vote = f"/ideas/{idea}/vote"
    asked = client.post(vote, data={"csrf_token": mine.pop(), "value": "1", "back": "/ideas"})
    assert asked.status_code == 302 and asked.location.startswith("/signin"), "to sign in"
    refused = other.post(vote, data={"csrf_token": next(iter(mine | _tokens(_page(client)))),
                                     "value": "1", "back": "/ideas"})  # fmt: skip
    assert refused.status_code == 400, "a token of another visitor's session is refused"
    taken = other.post(vote, data={"csrf_token": theirs.pop(), "value": "1", "back": "/ideas"})
    assert taken.status_code == 302, "the kept page's token is the visitor's own"


def test_signed_in_people_never_get_a_kept_page(app: Flask, store: Store) -> None:
    idea = _idea(store, "Більше безлактозних десертів")
    olena = store.users.add("olena@example.com", name="Олена").id
    marta = store.users.add("marta@example.com", name="Marta").id
    store.votes.cast(idea, olena, 1)
    anonymous = _page(app.test_client())
    assert "Олена" not in anonymous and 'aria-pressed="true"' not in anonymous
    for person, name, pressed in ((olena, "Олена", "true"), (marta, "Marta", "false")):
        client = app.test_client()
        sign_in(client, person)
        page = _page(client)
        assert name in page and "Ideas I voted on" in page
        assert re.search(rf'class="vote-up"\s+aria-pressed="{pressed}"', page)
    after = _page(app.test_client())
    assert "Олена" not in after and "Marta" not in after and "Ideas I voted on" not in after


def test_a_page_rendered_for_someone_signed_in_another_way_is_not_kept(
    app: Flask, store: Store
) -> None:
    """Should the app ever sign people in by other means than the session (an API key, say),
    a page rendered for them is still theirs alone."""
    _idea(store, "Більше безлактозних десертів")
    olena = store.users.add("olena@example.com", name="Олена")
    login_manager = app.login_manager  # type: ignore[attr-defined]  # one for every app
    login_manager.request_loader(
        lambda request: Account(olena) if request.headers.get("X-Key") == "olena" else None
    )
    try:
        assert "Олена" in _page(app.test_client(), headers={"X-Key": "olena"})
        assert "Олена" not in _page(app.test_client())
    finally:
        login_manager.request_loader(None)


def test_a_flash_message_is_shown_once_and_never_kept(app: Flask, store: Store) -> None:
    _idea(store, "Більше безлактозних десертів")
    told = app.test_client()
    with told.session_transaction() as session:
        session["_flashes"] = [("info", "Дякуємо! Ваш голос враховано.")]
    assert "Дякуємо! Ваш голос враховано." in _page(told)
    assert "Дякуємо!" not in _page(app.test_client()), "not shown to another visitor"
    assert "Дякуємо!" not in _page(told), "shown once"


def test_the_ages_on_a_kept_page_are_those_of_the_moment(client: FlaskClient, store: Store) -> None:
    _idea(store, "Більше безлактозних десертів", seconds_old=10)
    assert "10 seconds ago" in _page(client)
    time.sleep(0.6)
    assert "11 seconds ago" in _page(client)


def test_kept_pages_answer_as_rendered_ones_do(client: FlaskClient, store: Store) -> None:
    _idea(store, "Більше безлактозних десертів")
    rendered, kept = client.get("/ideas"), client.get("/ideas")
    names = ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options",
             "Referrer-Policy", "X-Frame-Options", "Vary")  # fmt: skip
    assert [kept.headers.get(n) for n in names] == [rendered.headers.get(n) for n in names]
    assert kept.headers["Vary"] == "Cookie"
    assert kept.get_data() == rendered.get_data()


def test_each_address_is_kept_apart(client: FlaskClient, store: Store) -> None:
    for n in range(25):
        _idea(store, f"Idea {n:02d}", seconds_old=3600 * (n + 1), tags=["кава"] if n < 2 else [])
    assert "Idea 00" in _page(client, "/ideas?sort=new")
    assert "Idea 24" in _page(client, "/ideas?sort=new&page=2")
    assert "Idea 00" not in _page(client, "/ideas?sort=new&page=2")
    assert _page(client, "/ideas?tag=кава").count('<li class="idea-card">') == 2
    prefixed = _page(client, "/ideas?sort=new", base_url="http://localhost/board")
    assert 'href="/board/ideas/' in prefixed and 'href="/ideas/' not in prefixed
    assert 'href="/ideas/' in _page(client, "/ideas?sort=new")
    assert client.get("/ideas?page=9").status_code == 404


@pytest.mark.backends("postgresql")
def test_a_page_read_while_a_vote_commits_is_not_kept(
    client: FlaskClient, store: Store, backend: Backend
) -> None:
    from feedback_app.store.postgres import PgStore

    idea = _idea(store, "无糖饮品")
    voter = backend.open()
    assert isinstance(voter, PgStore)
    with voter.db.connection() as conn:
        voter.votes.cast_in(conn, idea, 7, 1)
        assert _score(_page(client), "无糖饮品") == "0", "not committed yet"
    assert _score(_page(client), "无糖饮品") == "1"


def _babel_age(moment: datetime, now: datetime) -> str:
    return dates.format_timedelta(moment - now, add_direction=True, locale=Locale("en"))


def test_an_age_reads_the_same_until_the_moment_it_is_said_to_change() -> None:
    rng = random.Random(9)
    now = utcnow()
    elapsed = [0.2, 0.5, 1.4999, 1.5, 44.9, 51, 59.9, 3059, 3060, 3061, 5400, 86400 * 6.49]
    elapsed += [rng.uniform(0, 60) for _ in range(300)] + [rng.uniform(60, 4e7) for _ in range(700)]
    for seconds in elapsed:
        moment = now - timedelta(seconds=seconds)
        changes = age_changes_at(moment, now)
        text = _babel_age(moment, now)
        span = max(0.0, (changes - now).total_seconds())  # none: within the margin of it
        for share in (0.0, 0.3, 0.7, 0.999999):
            assert _babel_age(moment, now + timedelta(seconds=span * share)) == text, seconds
        assert _babel_age(moment, changes + timedelta(seconds=1)) != text, "and soon after"


def test_an_age_in_the_future_changes_at_once() -> None:
    now = utcnow()
    assert age_changes_at(now + timedelta(seconds=5), now) == now
    assert age_changes_at(now, now) == now
