"""Signing in by emailed link, as a new and as a returning person would."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.auth.service import safe_next
from feedback_app.store import Role, Store, TokenError, utcnow
from tests.conftest import app_store, csrf_token
from tests.store.raw import raw_text

LINK = re.compile(r"http://localhost/signin/([\w-]+)(\?next=\S+)?")


def _store(app: Flask) -> Store:
    return app_store(app)


def ask_for_link(client: FlaskClient, email: str, **extra: str) -> tuple[int, str]:
    token = csrf_token(client, "/signin")
    response = client.post("/signin", data={"csrf_token": token, "email": email, **extra})
    return response.status_code, response.get_data(as_text=True)


def emailed_link(app: Flask, email: str) -> str:
    mails = [m for m in _store(app).messages.all() if m.to == email]
    assert mails, f"no email to {email}"
    found = LINK.search(mails[0].text)
    assert found
    return found.group(0).removeprefix("http://localhost")


def test_new_person_signs_in_with_the_emailed_link(app: Flask, client: FlaskClient) -> None:
    status, page = ask_for_link(client, "olena@example.com")
    assert status == 200 and "Check your email" in page
    link = emailed_link(app, "olena@example.com")
    confirm = client.get(link).get_data(as_text=True)
    assert "Sign in as olena@example.com?" in confirm
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    response = client.post(link, data={"csrf_token": token})
    assert response.status_code == 302 and "/account" in response.headers["Location"]
    user = _store(app).users.find_by_email("olena@example.com")
    assert user is not None and user.role is Role.CUSTOMER
    page = client.get("/account").get_data(as_text=True)
    assert "Signed in as olena@example.com" in page
    name_token = csrf_token(client, "/account")
    client.post("/account", data={"csrf_token": name_token, "name": "Олена Коваленко"})
    assert "Олена Коваленко" in client.get("/").get_data(as_text=True)


def _use(client: FlaskClient, link: str) -> int:
    token = csrf_token(client, "/signin")
    return client.post(link, data={"csrf_token": token}).status_code


def test_a_link_works_only_once(app: Flask, client: FlaskClient) -> None:
    ask_for_link(client, "a@example.com")
    link = emailed_link(app, "a@example.com")
    assert _use(client, link) == 302
    client.post("/signout", data={"csrf_token": csrf_token(client, "/signin")})
    assert _use(client, link) == 400
    page = client.get(link)
    assert page.status_code == 400 and "no longer works" in page.get_data(as_text=True)


def test_tampered_and_unknown_links_are_refused(app: Flask, client: FlaskClient) -> None:
    ask_for_link(client, "a@example.com")
    link = emailed_link(app, "a@example.com")
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    assert _use(client, tampered) == 400
    assert _use(client, "/signin/not-a-token") == 400
    assert _use(client, link) == 302, "the real link still works after failed attempts"


def test_expired_tokens_are_refused(store: Store) -> None:
    token = store.tokens.issue("a@example.com", timedelta(minutes=15))
    with pytest.raises(TokenError) as err:
        store.tokens.redeem(token, now=utcnow() + timedelta(minutes=16))
    assert err.value.reason == "expired"
    assert store.tokens.peek(store.tokens.issue("b@example.com", timedelta(seconds=-1))) is None


def test_a_token_signs_in_only_the_email_it_was_issued_to(store: Store) -> None:
    for_a = store.tokens.issue("A@example.com")
    store.tokens.issue("b@example.com")
    assert store.tokens.peek(for_a) == "a@example.com"
    assert store.tokens.redeem(for_a) == "a@example.com"
    stored = raw_text(store, "tokens")
    assert "a@example.com" in stored and for_a not in stored, "only a hash of the token is stored"


_CSRF_VALUE = re.compile(r'(csrf[-_]token"[^>]*?(?:content|value)=")[^"]+')


def test_the_page_says_the_same_for_known_and_unknown_emails(
    app: Flask, client: FlaskClient
) -> None:
    _store(app).users.add("known@example.com")
    _, known = ask_for_link(client, "known@example.com")
    _, unknown = ask_for_link(client, "unknown@example.com")
    # Form tokens carry the second they were made in: the two pages may differ there only.
    known, unknown = (_CSRF_VALUE.sub(r"\1TOKEN", page) for page in (known, unknown))
    assert known.replace("known@", "X@") == unknown.replace("unknown@", "X@")


def test_bad_email_keeps_what_was_typed(client: FlaskClient) -> None:
    status, page = ask_for_link(client, "олена@")
    assert status == 200
    assert "This does not look like an email address." in page
    assert 'value="олена@"' in page
    assert "Please check the form" in page


def test_links_per_email_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    limit = app.config["SIGNIN_LIMIT"][0]
    for _ in range(limit):
        assert ask_for_link(client, "busy@example.com")[0] == 200
    status, page = ask_for_link(client, "busy@example.com")
    assert status == 429 and "Too many sign-in links" in page
    assert 'value="busy@example.com"' in page
    assert len([m for m in _store(app).messages.all() if m.to == "busy@example.com"]) == limit


def test_a_bot_filling_the_honeypot_gets_no_email(app: Flask, client: FlaskClient) -> None:
    status, page = ask_for_link(client, "bot@example.com", website="http://spam.example")
    assert status == 200 and "Check your email" in page
    assert _store(app).messages.all() == []


def test_missing_csrf_token_is_refused_and_the_text_kept(client: FlaskClient) -> None:
    response = client.post("/signin", data={"email": "Giulia Rossi <giulia@example.com>"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please send that again" in page
    assert "Giulia Rossi &lt;giulia@example.com&gt;" in page
    assert 'name="csrf_token"' in page


def test_next_is_kept_only_for_paths_on_this_site() -> None:
    assert safe_next("/ideas/5") == "/ideas/5"
    for bad in ("//evil.example", "https://evil.example", "\\\\evil", "", None, "javascript:x"):
        assert safe_next(bad) == ""


def test_next_survives_the_emailed_link(app: Flask, client: FlaskClient) -> None:
    _store(app).users.add("named@example.com", name="Named")
    ask_for_link(client, "named@example.com", next="/account")
    link = emailed_link(app, "named@example.com")
    token = csrf_token(client, "/signin")
    response = client.post(link, data={"csrf_token": token})
    assert response.headers["Location"].endswith("/account")


def test_session_cookie_is_httponly_and_lax(app: Flask, client: FlaskClient) -> None:
    ask_for_link(client, "c@example.com")
    _use(client, emailed_link(app, "c@example.com"))
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_secure_cookie_when_served_over_https(make_app: Callable[..., Flask]) -> None:
    app = make_app(BASE_URL="https://voice.example")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_sign_out_ends_the_session(app: Flask, client: FlaskClient) -> None:
    ask_for_link(client, "d@example.com")
    _use(client, emailed_link(app, "d@example.com"))
    assert client.get("/account").status_code == 200
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/account").status_code == 302


def test_the_emailed_link_is_on_the_public_address_whatever_host_was_asked(
    app: Flask, client: FlaskClient
) -> None:
    """The Host header is the client's: a link built from it would send the token elsewhere."""
    page = client.get("/signin", headers={"Host": "evil.example"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    client.post(
        "/signin",
        data={"csrf_token": token.group(1), "email": "admin@example.com"},
        headers={"Host": "evil.example"},
    )
    (mail,) = [m for m in _store(app).messages.all() if m.to == "admin@example.com"]
    assert "evil.example" not in mail.text
    assert LINK.search(mail.text), "the link is on VOICEBOX_BASE_URL (http://localhost)"


def test_signing_out_ends_a_copied_session_too(app: Flask, client: FlaskClient) -> None:
    """The session is a signed cookie: without an epoch a copy of it would outlive sign-out."""
    from tests.conftest import csrf_token as token_of

    assert ask_for_link(client, "copy@example.com")[0] == 200
    link = emailed_link(app, "copy@example.com")
    client.post(link.split("?")[0], data={"csrf_token": token_of(client, link)})
    assert client.get("/account").status_code == 200, "signed in"
    copied = client.get_cookie("session")
    assert copied is not None
    client.post("/signout", data={"csrf_token": token_of(client, "/account")})
    thief = app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/account").status_code == 302, "the copy no longer signs anyone in"
    assert ask_for_link(client, "copy@example.com")[0] == 200
    link = emailed_link(app, "copy@example.com")
    client.post(link.split("?")[0], data={"csrf_token": token_of(client, link)})
    assert client.get("/account").status_code == 200, "signing in again works"


def _sign_in_by_link(app: Flask, client: FlaskClient, email: str) -> tuple[int, str]:
    assert ask_for_link(client, email)[0] == 200
    link = emailed_link(app, email).split("?")[0]
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    return response.status_code, response.headers.get("Location", "")


def test_staff_land_on_the_dashboard_and_customers_on_the_home_page(
    app: Flask, client: FlaskClient
) -> None:
    _store(app).users.add("marta@example.com", Role.MARKETER, "Марта")
    _store(app).users.add("olena@example.com", Role.CUSTOMER, "Олена")
    assert _sign_in_by_link(app, client, "marta@example.com") == (302, "/admin/")
    other = app.test_client()
    assert _sign_in_by_link(app, other, "olena@example.com") == (302, "/")


def test_a_deactivated_person_is_signed_out_everywhere_and_cannot_sign_in_again(
    app: Flask, client: FlaskClient
) -> None:
    marta = _store(app).users.add("marta@example.com", Role.MARKETER, "Марта")
    _sign_in_by_link(app, client, "marta@example.com")
    assert client.get("/admin/").status_code == 200
    _store(app).users.set_active(marta.id, False)
    assert client.get("/admin/").status_code == 302, "the open session ended"
    status, _ = _sign_in_by_link(app, app.test_client(), "marta@example.com")
    assert status == 403
    _store(app).users.set_active(marta.id, True)
    assert _sign_in_by_link(app, app.test_client(), "marta@example.com") == (302, "/admin/")


def test_a_session_of_a_deactivated_account_signs_nobody_in_even_with_its_current_epoch(
    app: Flask, client: FlaskClient
) -> None:
    """Deactivation ends sessions by their epoch and by the account's state: a session bearing
    the epoch the account has now (say, one restored with a backup) still signs nobody in."""
    marta = _store(app).users.add("marta@example.com", Role.MARKETER)
    off = _store(app).users.set_active(marta.id, False)
    with client.session_transaction() as session:
        session["_user_id"] = f"{off.id}:{off.session_epoch}"
        session["_fresh"] = True
    assert client.get("/admin/").status_code == 302
