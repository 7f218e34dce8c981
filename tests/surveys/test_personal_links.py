"""The emailed links: opening one records nothing, one press of "Send" records the answer,
one answer per link, and a clear page for a link that cannot be used."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner

from tests.conftest import app_store, csrf_token
from tests.surveys.conftest import add_sale, backdate, checked, links, page_text, path, send


def test_opening_any_link_records_nothing_and_shows_its_choice_made(
    app: Flask, client: FlaskClient
) -> None:
    sale = add_sale(app)
    urls = links(app, sale)
    assert len(urls) == 11
    for score, url in enumerate(urls):
        page = client.get(path(url))
        assert page.status_code == 200
        assert checked(page, "score") == [str(score)]
    arrival = links(app, sale, "arrival")
    for url in (*arrival.values(), links(app, sale, "lost")):
        assert client.get(path(url)).status_code == 200
        assert client.head(path(url)).status_code == 200
    store = app_store(app)
    assert store.surveys.count() == 0, "a mail scanner opening every link records nothing"
    assert store.followups.count() == 0 and store.messages.all() == []


def test_one_press_of_send_records_the_answer_with_the_optional_rest(
    app: Flask, client: FlaskClient
) -> None:
    sale = add_sale(app, "Wei.Zhang@Example.com", name="张伟", touchpoint="门店")
    url = links(app, sale)[8]
    offered = client.get(path(url)).get_data(as_text=True)
    assert "门店" in offered, "the sale's touchpoint is offered"
    answer = send(client, url, score="8", effort="6", touchpoint="门店 · Milano",
                  comment="Il caffè era ottimo — 咖啡很好", may_contact="y")  # fmt: skip
    assert answer.status_code == 302 and answer.location.endswith("/survey/thanks")
    (stored,) = app_store(app).surveys.all()
    assert (stored.score, stored.effort, stored.touchpoint, stored.may_contact) == (
        8, 6, "门店 · Milano", True)  # fmt: skip
    assert stored.reason == "Il caffè era ottimo — 咖啡很好"
    assert (stored.email, stored.sale_id, stored.order_ref) == (
        "wei.zhang@example.com", sale.id, sale.order_ref)  # fmt: skip
    assert "Your answer is recorded" in page_text(client.get("/survey/thanks"))


def test_a_second_answer_within_a_day_changes_the_first_and_later_the_link_is_answered(
    app: Flask, client: FlaskClient
) -> None:
    sale = add_sale(app)
    first, again = links(app, sale)[6], links(app, sale)[9]
    assert send(client, first, score="6").status_code == 302
    reopened = client.get(path(first))
    assert "You answered already" in page_text(reopened)
    # The same token in the other emailed link: the clicked score is the one preselected.
    same_token = first.replace("score=6", "score=9")
    assert send(client, same_token, score="9", comment="Changed my mind").status_code == 302
    store = app_store(app)
    (stored,) = store.surveys.all()
    assert (stored.score, stored.reason) == (9, "Changed my mind")
    assert stored.updated_at is not None
    assert "Your answer is updated" in page_text(client.get("/survey/thanks"))

    backdate(store, stored.id, timedelta(hours=25))
    closed = client.get(path(first))
    assert closed.status_code == 200 and "Already answered" in page_text(closed)
    assert [s.score for s in store.surveys.all()] == [9], "one answer per link, never two"
    # A link of another email (another token) is another answer.
    assert send(client, again, score="10").status_code == 302
    assert store.surveys.count() == 2


def test_a_late_post_on_an_answered_link_says_so(app: Flask, client: FlaskClient) -> None:
    sale = add_sale(app)
    url = links(app, sale)[7]
    send(client, url, score="7")
    store = app_store(app)
    (stored,) = store.surveys.all()
    token = csrf_token(client, path(url))  # the page is open while the day runs out
    backdate(store, stored.id, timedelta(days=2))
    late = client.post(path(url).split("?")[0], data={"csrf_token": token, "score": "1"})
    assert late.status_code == 409 and "Already answered" in page_text(late)
    assert store.surveys.get(stored.id).score == 7
    assert store.followups.count() == 0, "an answer refused opens nothing"


def test_expired_and_tampered_links_get_a_clear_page(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale = add_sale(app)
    start = 1_800_000_000
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start)
    old = links(app, sale)[10]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start + 31 * 86400)
    expired = client.get(path(old))
    assert expired.status_code == 410
    assert "This link has expired" in page_text(expired) and 'href="/survey"' in page_text(expired)
    form = {"csrf_token": csrf_token(client, "/survey"), "score": "10"}
    assert client.post(path(old).split("?")[0], data=form).status_code == 410

    token_path = path(links(app, sale)[10]).split("?")[0]
    tampered = token_path[:-3] + ("abc" if not token_path.endswith("abc") else "xyz")
    for url in (tampered, "/survey/not-a-token", "/arrival/x", "/lost/x"):
        page = client.get(url)
        assert page.status_code == 404 and "This link does not work" in page_text(page)
    # A link made for one question does not open another.
    arrival_token = path(links(app, sale, "arrival")["no"]).split("/arrival/")[1].split("?")[0]
    assert client.get(f"/survey/{arrival_token}").status_code == 404
    assert app_store(app).surveys.count() == 0


def test_a_link_of_an_erased_sale_no_longer_works(app: Flask, client: FlaskClient) -> None:
    sale = add_sale(app)
    url = links(app, sale)[5]
    app_store(app).sales.remove(sale.id)
    assert client.get(path(url)).status_code == 404


def test_bad_input_keeps_the_text_with_a_clear_message(app: Flask, client: FlaskClient) -> None:
    sale = add_sale(app)
    url = links(app, sale)[4]
    token = csrf_token(client, path(url))
    action = path(url).split("?")[0]
    missing = client.post(action, data={"csrf_token": token, "comment": "Холодна кава, але добре"})
    assert missing.status_code == 400
    text = page_text(missing)
    assert "Choose a score from 0 to 10." in text and "Холодна кава, але добре" in text
    odd = client.post(action, data={"csrf_token": token, "score": "11", "effort": "9",
                                    "touchpoint": "Maynila"})  # fmt: skip
    assert odd.status_code == 400 and "Maynila" in page_text(odd)
    long = client.post(action, data={"csrf_token": token, "score": "5", "comment": "x" * 2001})
    assert long.status_code == 400 and "At most 2000 characters" in page_text(long)
    assert app_store(app).surveys.count() == 0
