"""Unsubscribing from an idea's emails: a link opened (by a person or a mail scanner) only asks;
the button on that page, or a mail client's RFC 8058 one-click POST, unsubscribes."""

from __future__ import annotations

import re

from flask import Flask

from feedback_app.ideas.service import unsubscribe_link
from feedback_app.store import Idea, Store
from tests.conftest import app_store


def _following(app: Flask) -> tuple[Store, int, int, str]:
    store = app_store(app)
    user = store.users.add("olena@example.com", name="Олена")
    idea = store.ideas.add(Idea("Тихий зал для роботи", "d", "Space", user.id)).id
    store.follows.set(idea, user.id, True)
    with app.test_request_context():
        link = unsubscribe_link(user.id, idea).removeprefix("http://localhost")
    return store, user.id, idea, link


def test_opening_the_link_only_asks(app: Flask) -> None:
    store, user, idea, link = _following(app)
    scanner = app.test_client()
    for method in (scanner.get, scanner.head):
        assert method(link).status_code == 200
    page = scanner.get(link).get_data(as_text=True)
    assert "Stop emails about “Тихий зал для роботи”?" in page
    assert user in store.ideas.followers(idea), "a mail scanner opening the link changes nothing"
    form = re.search(r'<form method="post" action="([^"]+)"', page)
    assert form and form.group(1) == link, "the button posts to the link itself"


def test_the_button_unsubscribes(app: Flask) -> None:
    store, user, idea, link = _following(app)
    person = app.test_client()
    person.get(link)
    page = person.post(link).get_data(as_text=True)
    assert "You will no longer get emails about “Тихий зал для роботи”." in page
    assert user not in store.ideas.followers(idea)
    assert person.post(link).status_code == 200, "pressing twice is fine"


def test_one_click_post_from_a_mail_client_unsubscribes(app: Flask) -> None:
    """RFC 8058: no cookie, no CSRF token, the body `List-Unsubscribe=One-Click`."""
    store, user, idea, link = _following(app)
    reply = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert reply.status_code == 200
    assert user not in store.ideas.followers(idea)


def test_a_damaged_link_says_so_and_changes_nothing(app: Flask) -> None:
    store, user, idea, link = _following(app)
    client = app.test_client()
    for damaged in (link[:-3] + "xyz", "/unsubscribe/x", "/unsubscribe/" + "A" * 3000):
        for method in (client.get, client.post):
            reply = method(damaged)
            assert reply.status_code == 400
            assert "This link does not work" in reply.get_data(as_text=True)
    assert user in store.ideas.followers(idea)
