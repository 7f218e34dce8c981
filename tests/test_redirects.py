"""Every `next` and `back` a person (or a crafted link) can hand us ends on a page of this site.

A redirect target is judged the way the browser will read the Location header: tabs and
newlines are dropped, a backslash is a slash, and what is left must be a path on this site.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.auth.service import safe_next
from feedback_app.store import Idea, Store
from tests.conftest import app_store, csrf_token, next_after_sign_in, sign_in

# Targets a browser would follow off the site, or that break the Location header.
HOSTILE = [
    "/\t/evil.example/phish",
    "/\n/evil.example/phish",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "evil.example",
    "/a\r\nSet-Cookie: x=1",
    "/a\rX-Injected: 1",
    "/ideas\x0b\x0c\x7f",
    "",
]


def _on_site(location: str) -> bool:
    """Whether a Location header stays on this site, and is a valid header value."""
    if any(ord(c) < 0x21 or ord(c) > 0x7E or c == "\\" for c in location):
        return False
    parts = urlsplit(location)
    return parts.netloc in ("", "localhost") and parts.scheme in ("", "http")


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_keeps_nothing_that_leaves_the_site(target: str) -> None:
    kept = safe_next(target)
    assert kept == "" or (kept.startswith("/") and not kept.startswith("//") and _on_site(kept))


def test_safe_next_keeps_paths_on_this_site_as_the_browser_reads_them() -> None:
    assert safe_next("/ideas/5") == "/ideas/5"
    assert safe_next("/ideas?sort=top&page=2#c-3") == "/ideas?sort=top&page=2#c-3"
    assert safe_next("/ide\tas/5") == "/ideas/5", "the browser drops tabs"
    assert safe_next("/ideas?q=чай 茶") == "/ideas?q=%D1%87%D0%B0%D0%B9%20%E8%8C%B6"
    assert safe_next("/ideas?q=%E5%92%96") == "/ideas?q=%E5%92%96", "escapes stay as they are"
    assert safe_next(None) == ""


def _store(app: Flask) -> Store:
    return app_store(app)


def _person(app: Flask, client: FlaskClient, name: str | None = "Олена") -> int:
    user = _store(app).users.add("olena@example.com", name=name)
    sign_in(client, user.id)
    return user.id


@pytest.mark.parametrize("target", HOSTILE)
def test_account_returns_only_to_this_site(app: Flask, client: FlaskClient, target: str) -> None:
    _person(app, client)
    assert client.get("/account", query_string={"next": target}).status_code == 200
    token = csrf_token(client, "/account")
    reply = client.post(
        "/account", query_string={"next": target},
        data={"csrf_token": token, "name": "Giulia", "next": target},
    )  # fmt: skip
    assert reply.status_code == 302
    assert _on_site(reply.headers["Location"]), reply.headers["Location"]
    assert _store(app).users.find_by_email("olena@example.com").name == "Giulia"  # type: ignore[union-attr]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_vote_returns_only_to_this_site(app: Flask, client: FlaskClient, target: str) -> None:
    _person(app, client)
    idea = _store(app).ideas.add(Idea("Oat milk", "d", "Drinks", 1)).id
    token = csrf_token(client, f"/ideas/{idea}")
    reply = client.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1",
                                                     "back": target})  # fmt: skip
    assert reply.status_code == 302
    assert _on_site(reply.headers["Location"]), reply.headers["Location"]
    assert _store(app).votes.tally(idea) == (1, 0)


@pytest.mark.parametrize("target", HOSTILE)
def test_a_visitor_sent_to_sign_in_comes_back_only_to_this_site(
    app: Flask, client: FlaskClient, target: str
) -> None:
    idea = _store(app).ideas.add(Idea("Oat milk", "d", "Drinks", 1)).id
    token = csrf_token(client, "/signin")
    reply = client.post(
        f"/ideas/{idea}/vote",
        data={"csrf_token": token, "value": "1", "back": target},
        headers={"Referer": "http://localhost" + "".join(c for c in target if c.isprintable())},
    )
    assert reply.status_code == 302 and _on_site(reply.headers["Location"])
    back = next_after_sign_in(reply.headers["Location"])
    assert back is None or _on_site(safe_next(back))


def test_a_visitor_opening_an_odd_address_is_brought_back_to_it(client: FlaskClient) -> None:
    reply = client.get("/ideas/new?from=%0d%0a%09x")
    assert reply.status_code == 302 and _on_site(reply.headers["Location"])
    assert next_after_sign_in(reply.headers["Location"]) == "/ideas/new?from=%0d%0a%09x"


LINK = re.compile(r"http://localhost(/signin/[\w-]+)(\?next=\S+)?")


def _ask_and_open_link(app: Flask, client: FlaskClient, target: str) -> str:
    """Ask for a sign-in link with `next`; the emailed link (path and query)."""
    client.get("/signin", query_string={"next": target})
    token = csrf_token(client, "/signin")
    client.post("/signin", data={"csrf_token": token, "email": "olena@example.com",
                                 "next": target})  # fmt: skip
    found = LINK.search(_store(app).messages.all()[-1].text)
    assert found, "the link is in the email"
    return found.group(1) + (found.group(2) or "")


@pytest.mark.parametrize("target", HOSTILE)
def test_the_emailed_link_carries_only_a_path_on_this_site(
    app: Flask, client: FlaskClient, target: str
) -> None:
    link = _ask_and_open_link(app, client, target)
    carried = parse_qs(urlsplit(link).query).get("next", [""])[0]
    assert carried == "" or _on_site(carried)


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_with_a_bad_next_signs_in_and_stays_on_site(
    app: Flask, client: FlaskClient, target: str
) -> None:
    """A hand-edited `next` on the link neither breaks sign-in nor leads off the site."""
    _store(app).users.add("olena@example.com", name="Олена")
    token = _store(app).tokens.issue("olena@example.com")
    link = f"/signin/{token}"
    page = client.get(link, query_string={"next": target})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sign in as olena@example.com?" in html
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    assert action and _on_site(action.group(1).replace("&amp;", "&"))
    form_token = csrf_token(client, link)
    reply = client.post(link, query_string={"next": target}, data={"csrf_token": form_token})
    assert reply.status_code == 302, "a bad next is dropped, not a failed sign-in"
    assert _on_site(reply.headers["Location"]), reply.headers["Location"]
    assert client.get("/account").status_code == 200, "signed in"


def test_a_new_person_with_a_bad_next_names_themselves_and_stays_on_site(
    app: Flask, client: FlaskClient
) -> None:
    token = _store(app).tokens.issue("new@example.com")
    form_token = csrf_token(client, "/signin")
    reply = client.post(f"/signin/{token}", query_string={"next": "/\t/evil.example/phish"},
                        data={"csrf_token": form_token})  # fmt: skip
    assert reply.status_code == 302
    account = reply.headers["Location"]
    assert urlsplit(account).path == "/account" and _on_site(account)
    name_token = csrf_token(client, account)
    kept_next = parse_qs(urlsplit(account).query).get("next", [""])[0]
    saved = client.post(account, data={"csrf_token": name_token, "name": "Kalayaan",
                                       "next": kept_next})  # fmt: skip
    assert saved.status_code == 302 and _on_site(saved.headers["Location"])
