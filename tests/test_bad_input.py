"""Odd input on every route: numbers out of range, text that is not UTF-8, missing and doubled
fields. Each gets a clear 4xx answer that keeps what was typed, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.ideas.service import unsubscribe_link
from feedback_app.store import Idea, Role, Store
from tests.conftest import app_store, csrf_token, sign_in

HUGE = "9" * 309  # past a float: WTForms' NumberRange used to overflow on it
ENORMOUS = "9" * 5000  # past Python's int() digit limit


@pytest.fixture
def crash_free(app: Flask) -> Flask:
    """The app as in production: an exception becomes the 500 page, which these tests forbid."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def _store(app: Flask) -> Store:
    return app_store(app)


def _staff(app: Flask, role: Role = Role.MARKETER) -> FlaskClient:
    client = app.test_client()
    sign_in(client, _store(app).users.add(f"{role.value}@example.com", role, "Marta").id)
    return client


def _idea(app: Flask) -> int:
    return _store(app).ideas.add(Idea("Oat milk at no extra charge", "d", "Drinks", 1)).id


NO_SUCH = "No idea has that number."
NOT_A_NUMBER = "Find the original idea and press “Merge into this”."


@pytest.mark.parametrize(
    ("original", "message"),
    [(HUGE, NO_SUCH), (ENORMOUS, NO_SUCH), ("-1", NO_SUCH), ("0", NO_SUCH),
     ("9223372036854775807", NO_SUCH), ("1e400", NOT_A_NUMBER), ("abc", NOT_A_NUMBER),
     ("1.5", NOT_A_NUMBER), (" ", NOT_A_NUMBER)],
)  # fmt: skip
def test_a_bad_merge_target_is_a_clear_400_that_keeps_the_text(
    crash_free: Flask, original: str, message: str
) -> None:
    idea = _idea(crash_free)
    staff = _staff(crash_free)
    token = csrf_token(staff, f"/ideas/{idea}")
    form = {"csrf_token": token, "staff_form": "merge", "merge-original": original,
            "merge-response": "Già proposta: 已合并"}  # fmt: skip
    reply = staff.post(f"/ideas/{idea}", data=form)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert message in page
    assert ({NO_SUCH, NOT_A_NUMBER} - {message}).pop() not in page, "one clear message"
    assert "Già proposta: 已合并" in page
    assert _store(crash_free).ideas.get(idea).merged_into is None


@pytest.mark.parametrize("page", [HUGE, ENORMOUS, "400" * 100, "-5", "0", "100001", "2"])
@pytest.mark.parametrize("url", ["/ideas", "/ideas/in-action"])
def test_a_page_number_out_of_range_is_a_clear_404(
    crash_free: Flask, client: FlaskClient, url: str, page: str
) -> None:
    _idea(crash_free)
    reply = client.get(url, query_string={"page": page})
    assert reply.status_code == 404
    assert "There is no such page" in reply.get_data(as_text=True)


def test_pages_that_exist_still_open(crash_free: Flask, client: FlaskClient) -> None:
    _idea(crash_free)
    for url in ("/ideas", "/ideas/in-action"):
        for query in ("", "?page=", "?page=1", "?page=1&page=2", "?page=+1", "?page=abc",
                      "?page=1.5"):  # fmt: skip
            assert client.get(url + query).status_code == 200, url + query


@pytest.mark.parametrize("query", ["tag=%00", "tag=veg%00an", "tag=%1bvegan", "q=%00"])
def test_a_control_character_in_a_filter_is_no_500(
    crash_free: Flask, client: FlaskClient, query: str
) -> None:
    """PostgreSQL holds no U+0000 in text: a filter is cleaned as stored tags are (found by
    the property tests)."""
    _store(crash_free).ideas.add(Idea("Вівсяне молоко", "d", "Drinks", 1, tags=["vegan"]))
    page = client.get("/ideas?" + query)
    assert page.status_code == 200
    if "vegan" in query:
        assert "Вівсяне молоко" in page.get_data(as_text=True), "the tag still matches"


@pytest.mark.parametrize("number", [HUGE, ENORMOUS, "18446744073709551616", "0"])
def test_a_huge_id_in_an_address_is_404(crash_free: Flask, number: str) -> None:
    idea = _idea(crash_free)
    admin = _staff(crash_free, Role.ADMIN)
    token = csrf_token(admin, f"/ideas/{idea}")
    gets = [f"/ideas/{number}", f"/ideas/{idea}/comments/{number}/edit",
            f"/ideas/{number}/comments/1/edit"]  # fmt: skip
    posts = [f"/ideas/{number}/vote", f"/ideas/{number}/comments", f"/ideas/{number}/follow",
             f"/ideas/{number}/unfollow", f"/ideas/{number}",
             f"/ideas/{idea}/comments/{number}/hide", f"/ideas/{idea}/comments/{number}/show",
             f"/admin/staff/{number}/role", f"/admin/staff/{number}/deactivate",
             f"/admin/staff/{number}/reactivate", f"/admin/sales/jobs/{number}/cancel"]  # fmt: skip
    for url in gets:
        assert admin.get(url).status_code == 404, url
    for url in posts:
        reply = admin.post(url, data={"csrf_token": token, "value": "1", "body": "x",
                                      "staff_form": "status", "status-status": "planned",
                                      "status-response": "x",
                                      f"u{number}-role": "admin"})  # fmt: skip
        assert reply.status_code == 404, url


def _raw_post(client: FlaskClient, url: str, body: bytes) -> tuple[int, str]:
    reply = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    return reply.status_code, reply.get_data(as_text=True)


@pytest.mark.parametrize("title", [b"Caf\xe9 latte", b"Caf%E9 latte"], ids=["raw", "escaped"])
def test_text_that_is_not_utf8_comes_back_to_be_corrected(
    crash_free: Flask, client: FlaskClient, title: bytes
) -> None:
    sign_in(client, _store(crash_free).users.add("olena@example.com", name="Олена").id)
    token = csrf_token(client, "/ideas/new").encode()
    status, page = _raw_post(client, "/ideas/new", b"csrf_token=" + token + b"&title=" + title +
                             b"&description=Molto+buono+%C3%A8&category=Drinks")  # fmt: skip
    assert status == 400
    assert "could not be read" in page
    assert "Caf\ufffd latte" in page, "the typed text comes back, unreadable bytes marked"
    assert "Molto buono è" in page
    assert 'name="csrf_token"' in page and "Send again" in page
    assert _store(crash_free).ideas.count() == 0, "nothing is saved with broken characters"


def test_text_that_is_not_utf8_without_a_token_is_shown_honestly(
    crash_free: Flask, client: FlaskClient
) -> None:
    status, page = _raw_post(client, "/signin", b"email=gi\xf9lia@example.com")
    assert status == 400
    assert "gi\ufffdlia@example.com" in page, "what was sent is shown, not an empty form"
    assert "could not be read" in page


def test_a_multipart_post_is_refused_and_saves_nothing(
    crash_free: Flask, client: FlaskClient
) -> None:
    """No form here sends multipart; accepting it would save bytes that are not UTF-8 as
    replacement characters without a word."""
    user = _store(crash_free).users.add("ann@example.com", name="Ann")
    sign_in(client, user.id)
    token = csrf_token(client, "/account")
    reply = client.post(
        "/account",
        data={"csrf_token": token, "name": "Анна"},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 415
    assert "only takes forms sent from its own pages" in reply.get_data(as_text=True)
    assert _store(crash_free).users.get(user.id).name == "Ann"


def test_a_valid_utf8_post_is_untouched(crash_free: Flask, client: FlaskClient) -> None:
    sign_in(client, _store(crash_free).users.add("olena@example.com", name="Олена").id)
    token = csrf_token(client, "/ideas/new")
    reply = client.post("/ideas/new", data={
        "csrf_token": token, "title": "Кава без лактози \ufffd 咖啡", "confirmed": "1",
        "description": "Сapuccino d'avena, salamat po!", "category": "Drinks"})  # fmt: skip
    assert reply.status_code == 302, "a replacement character typed on purpose is fine"
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Кава без лактози \ufffd 咖啡" in page


def _odd_forms(token: str) -> list[dict[str, object]]:
    return [
        {},
        {"csrf_token": token},
        {"csrf_token": token, "value": ["1", "-1"], "original": [HUGE, "1"], "next": ["/a", "//b"]},
        {"csrf_token": token, "value": "x" * 5000, "body": "", "stance": "nope", "name": " "},
        {"csrf_token": [token, "forged"], "back": "\x00", "status": "?", "changed_on": "31/02"},
        {"csrf_token": token, "value": "\ufffe\U0001f600", "email": "a@b@c", "role": ENORMOUS},
    ]


def test_odd_forms_on_every_route_never_answer_500(crash_free: Flask) -> None:
    idea = _idea(crash_free)
    store = _store(crash_free)
    comment = store.comments.add(idea, 1, "first").id
    token = _store(crash_free).tokens.issue("olena@example.com")
    admin = _staff(crash_free, Role.ADMIN)
    customer = crash_free.test_client()
    sign_in(customer, store.users.add("olena@example.com", name="Олена").id)
    visitor = crash_free.test_client()
    with crash_free.test_request_context():
        unsubscribe = unsubscribe_link(1, idea).removeprefix("http://localhost")
    urls = [unsubscribe, "/signin", "/signin/x", "/account", "/ideas/new",
            f"/ideas/{idea}/vote", f"/ideas/{idea}/comments", f"/ideas/{idea}/follow",
            f"/ideas/{idea}/unfollow", f"/ideas/{idea}",
            f"/ideas/{idea}/comments/{comment}/edit", f"/ideas/{idea}/comments/{comment}/hide",
            "/admin/staff/1/role", "/unsubscribe/x",
            f"/signin/{token}", "/signout"]  # last: these two sign in and out  # fmt: skip
    for client in (admin, customer, visitor):
        form_token = csrf_token(client, "/signin")
        for url in urls:
            for form in _odd_forms(form_token):
                for headers in ({}, {"Accept": "application/json"}):
                    reply = client.post(url, data=form, headers=headers)
                    assert reply.status_code < 500, (url, form, reply.status_code)
        for url in [*urls, "/", "/ideas", "/ideas/in-action", "/ideas/similar", "/admin/"]:
            for query in ("?next=%0d%0a", f"?page={HUGE}", f"?page={ENORMOUS}&page=1",
                          "?q=%ff&sort=x&category=%00&title=" + "x" * 3000):  # fmt: skip
                assert client.get(url + query).status_code < 500, url + query


def test_a_post_somewhat_too_large_comes_back_to_be_shortened(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(MAX_UPLOAD_KB=1)
    client = app.test_client()
    sign_in(client, _store(app).users.add("olena@example.com", name="Олена").id)
    token = csrf_token(client, "/ideas/new")
    typed = {"title": "Тихий зал", "description": "Кава з молоком. " * 40, "category": "Food"}
    reply = client.post("/ideas/new", data={"csrf_token": token, **typed})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 413
    assert "larger than this site accepts" in page
    assert "Тихий зал" in page and typed["description"].strip() in page, "nothing typed is lost"
    assert "Send again" in page
    assert _store(app).ideas.count() == 0
