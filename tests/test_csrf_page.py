"""The page for a post we did not act on (no or stale CSRF token).

A person whose form went stale gets what they typed back, and sends it again with their own
press of a button. A post made by another site changes nothing: not the visitor's session
cookie, and it gets no form that would re-send the fields that site chose with a valid token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role, Store
from tests.conftest import app_store, csrf_token, sign_in

CROSS_SITE = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
SAME_SITE_OTHER_ORIGIN = {"Origin": "http://other.localhost", "Sec-Fetch-Site": "same-site"}
OWN_PAGE = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}


def _store(app: Flask) -> Store:
    return app_store(app)


def _resend_form(page: str) -> tuple[str, dict[str, str]]:
    """The re-send form's address and fields, as the browser would post them."""
    form = re.search(r'<form method="post" action="([^"]*)" class="stacked">(.*?)</form>', page,
                     re.S)  # fmt: skip
    assert form, "a form to send again"
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(2))
    assert token, "the form carries a token"
    fields = {"csrf_token": token.group(1)}
    textareas = re.findall(r'name="([^"]+)" rows="\d+">(.*?)</textarea>', form.group(2), re.S)
    for name, value in textareas:
        fields[unescape(name)] = unescape(value)
    return unescape(form.group(1)), fields


def test_a_post_from_another_site_leaves_a_signed_in_session_alone(
    app: Flask, client: FlaskClient
) -> None:
    admin = _store(app).users.add("admin@example.com", Role.ADMIN, "Ada")
    victim = _store(app).users.add("victim@example.com", Role.CUSTOMER)
    sign_in(client, admin.id)
    client.get("/admin/staff/")  # the session now holds its CSRF secret, as after any page
    before = client.get_cookie("session")
    assert before is not None
    for headers in (CROSS_SITE, SAME_SITE_OTHER_ORIGIN):
        reply = client.post(f"/admin/staff/{victim.id}/role", headers=headers,
                            data={f"u{victim.id}-role": "admin"})  # fmt: skip
        page = reply.get_data(as_text=True)
        assert reply.status_code == 400
        assert "Set-Cookie" not in reply.headers
        assert client.get_cookie("session").value == before.value  # type: ignore[union-attr]
        assert "sent from another website" in page
        assert "Send again" not in page and "u2-role" not in page, "nothing to re-send"
    assert client.get("/admin/staff/").status_code == 200, "still signed in"
    assert _store(app).users.get(victim.id).role is Role.CUSTOMER


def test_a_post_from_another_site_without_our_cookie_sets_none(app: Flask) -> None:
    """SameSite keeps the session cookie off a cross-site post; the answer must not set a new
    one, which the browser would store over the visitor's own and so sign them out."""
    stranger = app.test_client()
    for headers in (CROSS_SITE, SAME_SITE_OTHER_ORIGIN, {"Origin": "null"}):
        reply = stranger.post("/signin", headers=headers,
                              data={"email": "attacker-chosen@example.com"})  # fmt: skip
        page = reply.get_data(as_text=True)
        assert reply.status_code == 400
        assert "Set-Cookie" not in reply.headers, headers
        assert "attacker-chosen@example.com" not in page
        assert 'name="csrf_token" value="' not in page.replace('value=""', "")
    assert _store(app).messages.all() == []


def test_a_stale_form_comes_back_to_be_sent_again(app: Flask, client: FlaskClient) -> None:
    user = _store(app).users.add("olena@example.com", name="Олена")
    sign_in(client, user.id)
    client.get("/ideas/new")
    session_before = client.get_cookie("session").value  # type: ignore[union-attr]
    typed = {"title": "Більше веганських тістечок", "description": "Per favore, senza latte. 谢谢",
             "category": "Food", "confirmed": "1"}  # fmt: skip
    reply = client.post("/ideas/new", headers=OWN_PAGE, data={"csrf_token": "stale", **typed})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "Please send that again" in page
    assert "Set-Cookie" not in reply.headers, "the session is kept as it was"
    assert client.get_cookie("session").value == session_before  # type: ignore[union-attr]
    assert reply.headers["Cache-Control"] == "no-store"
    action, fields = _resend_form(page)
    assert action == "/ideas/new"
    assert {k: v for k, v in fields.items() if k != "csrf_token"} == typed
    assert "/ideas/new" in page, "the page says where the form goes"
    sent = client.post(action, headers=OWN_PAGE, data=fields)
    assert sent.status_code == 302, "one press sends it"
    assert "Більше веганських тістечок" in client.get(sent.headers["Location"]).get_data(
        as_text=True
    )


def test_a_visitor_whose_session_expired_can_still_send_again(app: Flask) -> None:
    """A post from our own page without a session (expired, cleared): starting one is safe."""
    visitor = app.test_client()
    reply = visitor.post("/signin", headers=OWN_PAGE, data={"email": "li.wei@example.com"})
    assert reply.status_code == 400 and "Set-Cookie" in reply.headers
    action, fields = _resend_form(reply.get_data(as_text=True))
    assert fields["email"] == "li.wei@example.com"
    assert visitor.post(action, headers=OWN_PAGE, data=fields).status_code == 200
    assert [m.to for m in _store(app).messages.all()] == ["li.wei@example.com"]


def test_the_resend_token_works_only_in_the_visitors_own_session(app: Flask) -> None:
    visitor = app.test_client()
    reply = visitor.post("/signin", headers=OWN_PAGE, data={"email": "li.wei@example.com"})
    action, fields = _resend_form(reply.get_data(as_text=True))
    other = app.test_client()
    csrf_token(other, "/signin")  # a session of its own
    assert other.post(action, data=fields).status_code == 400
    assert _store(app).messages.all() == []


def test_a_button_without_fields_says_what_sending_again_does(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, _store(app).users.add("olena@example.com").id)
    client.get("/")
    page = client.post("/signout", headers=OWN_PAGE).get_data(as_text=True)
    assert "Nothing you typed is lost" not in page
    assert "Nothing was typed in this form" in page and "/signout" in page
    assert client.get("/account").status_code == 200, "not signed out until the press"


def test_no_answer_to_another_sites_post_sets_a_cookie(make_app: Callable[..., Flask]) -> None:
    """Whatever the answer (refused as too many, too large, or a link page that needs no
    token), a post from another site never replaces the visitor's session cookie."""
    app = make_app(POST_LIMIT=(2, 60), MAX_UPLOAD_KB=1)
    stranger = app.test_client()
    answers = [
        stranger.post("/unsubscribe/not-a-link", headers=CROSS_SITE),
        stranger.post("/signin", headers=CROSS_SITE, data={"email": "x" * 5000}),
        stranger.post("/signin", headers=CROSS_SITE, data={"email": "a@example.com"}),
    ]
    assert [a.status_code for a in answers] == [400, 413, 429]
    assert all("Set-Cookie" not in a.headers for a in answers)
    assert stranger.get("/").headers.get("Set-Cookie"), "a visit of our own starts a session"
