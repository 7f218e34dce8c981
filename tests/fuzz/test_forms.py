"""Every form, every text field, any text: never a 500; the text comes back as the rules say
(see `expected.py`) or is refused with a message beside its field, the typed text kept;
redirects stay on the site; the feed and JSON answers stay well-formed.

The forms are found by walking the app's URL map, so a new POST route without a strategy here
fails `test_every_post_route_has_a_strategy`. Each strategy runs as its own Hypothesis test on
one app built for that test (data in tmp_path), signed-in customer, staff and admin clients.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer
from markupsafe import escape
from werkzeug.test import TestResponse

from feedback_app.app import create_app
from feedback_app.data import close_store
from feedback_app.store import (
    FollowUp,
    Idea,
    IdeaStatus,
    Message,
    MessageState,
    Outcome,
    Role,
    Stance,
    Store,
    Testimonial,
    TestimonialState,
    utcnow,
)
from feedback_app.store.models import Contact, FollowUpEvent, Sale
from feedback_app.surveys.links import arrival_urls, lost_url, survey_urls
from generator.collect import collect
from generator.i18n import set_locale
from generator.render import render_site
from tests.conftest import TEST_CONFIG, Backend, app_store, csrf_token, sign_in
from tests.fuzz.expected import PageParts, assert_same_site, matches, multi_line, one_line

# Shapes that have broken web forms before, mixed into Hypothesis' own text.
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}{% raw %}${7*7}",
    "a\r\nb",
    "a\rb\n\nc",
    "\n\n  padded  \n\n",
    "tab\there",
    "\uffff",
    "x\ufffey\U0010ffff",
    "\ufdd0",
    "\u202e",
    "abc\u202edef\u202c",
    "\u2066isolate\u2069",
    "\u2028\u2029",
    "\x00\x07\x1b[31m\x7f\x85",
    "\u200b\u200d\u200f\ufeff",
    "- " * 600 + "x",
    "1. " * 600 + "x",
    "> " * 600 + "x",
    "[" * 300 + "x" + "]" * 300,
    "9" * 309,
    "-" + "9" * 309,
    "1e309",
    "/\t/evil.example",
    "\t//evil.example",
    "/\n/evil.example",
    "/\\evil.example",
    "//evil.example/%2e%2e",
    "https://evil.example/",
    "javascript:alert(1)",
    "Олена Коваленко",
    "Вкусный кофе",
    "咖啡很好喝",
    "Ang sarap ng kape",
    "Caffè perfetto",
    "👩‍👩‍👧‍👦🇺🇦",
    "a" * 120,
    "a" * 121,
    "я" * 2001,
]

TEXT = st.one_of(
    st.text(),
    st.sampled_from(HOSTILE),
    st.tuples(st.text(max_size=6), st.sampled_from(HOSTILE), st.text(max_size=6)).map("".join),
)
IDS = st.one_of(st.integers(min_value=0, max_value=2**70), st.just(10**309))

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    # No shrinking: against a defect, shrinking through HTTP requests takes minutes; the
    # failing example is printed as generated.
    phases=[Phase.explicit, Phase.generate],
    print_blob=True,  # a failure prints the @reproduce_failure line that replays it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(repr=False)
class Env:
    """One app on tmp_path, with clients for each kind of person and an idea to work on."""

    app: Flask
    store: Store
    customer: FlaskClient
    staff: FlaskClient
    admin: FlaskClient
    anonymous: FlaskClient
    customer_id: int
    staff_id: int
    admin_id: int
    open_idea: int
    closed_idea: int
    comment: int
    tokens: dict[FlaskClient, str]

    def post(self, client: FlaskClient, url: str, data: dict[str, str], **kw: Any) -> TestResponse:
        token = self.tokens.get(client) or self._token(client)
        reply = client.post(url, data={"csrf_token": token, **data}, **kw)
        assert reply.status_code != 500, (url, data)
        return reply

    def get(self, client: FlaskClient, url: str, **kw: Any) -> TestResponse:
        reply = client.get(url, **kw)
        assert reply.status_code != 500, url
        return reply

    def _token(self, client: FlaskClient) -> str:
        self.tokens[client] = csrf_token(client, "/signin")
        return self.tokens[client]

    def idea_from(self, title: str) -> int:
        """An idea posted by the customer with `title` (a plain one when that is refused)."""
        reply = self.post(self.customer, "/ideas/new", {
            "title": title, "description": "Posted by the fuzzer", "category": "Drinks",
            "confirmed": "1"})  # fmt: skip
        if reply.status_code == 302:
            return int(urlsplit(reply.headers["Location"]).path.rsplit("/", 1)[1])
        return self.store.ideas.add(Idea("Plain idea", "d", "Food", self.customer_id)).id


def _build(tmp_path: Path, settings: dict[str, Any], demo: bool = False) -> Flask:
    return create_app({
        **TEST_CONFIG, **settings, "SITE_PROJECT": str(tmp_path),
        "SITE_DIR": str(tmp_path / "site"), "SIGNIN_LIMIT": (1_000_000, 3600), "DEMO": demo,
    })  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, backend: Backend) -> Iterator[Env]:
    app = _build(tmp_path, backend.settings)
    store = app_store(app)
    clients = [app.test_client() for _ in range(4)]
    people = [
        store.users.add("olena@example.com", name="Олена").id,
        store.users.add("marta@example.com", Role.MARKETER, "Marta").id,
        store.users.add("root@example.com", Role.ADMIN, "Admin").id,
    ]
    for client, person in zip(clients, people, strict=False):
        sign_in(client, person)
    open_idea = store.ideas.add(Idea("Oat milk at no extra charge", "Why", "Drinks", people[0])).id
    closed = store.ideas.add(Idea("Bring back the old cups", "Why", "Stores", people[0])).id
    store.ideas.set_status(closed, IdeaStatus.ARCHIVED, "Old news", people[1])
    comment = store.comments.add(open_idea, people[0], "First words", Stance.PRO).id
    yield Env(app, store, *clients, *people, open_idea, closed, comment, {})  # type: ignore[misc]
    close_store(app)


# -- what every refused form must show -------------------------------------------------------
def _refused(reply: TestResponse, typed: dict[str, tuple[str, bool]]) -> PageParts:
    """The form again, a message beside at least one field, every typed text still there."""
    assert reply.status_code in (200, 400, 422, 429), reply.status_code
    parts = PageParts(reply.get_data(as_text=True))
    assert parts.errors, "a refused form says why, beside the field"
    assert all(parts.errors.values()) and all(all(m for m in v) for v in parts.errors.values())
    for name, (text, single) in typed.items():
        assert name in parts.values, f"the {name} field is shown again"
        acceptable = one_line(text) if single else multi_line(text)
        assert matches(parts.values[name], acceptable, single), (name, text, parts.values[name])
    return parts


def _must_refuse(text: str, single: bool, max_length: int, required: bool) -> bool:
    """Empty (when required) or too long under every acceptable reading."""
    forms = one_line(text) if single else multi_line(text)
    return (required and all(f == "" for f in forms)) or all(len(f) > max_length for f in forms)


def _feed_and_json_parse(env: Env) -> None:
    """What the publisher would write from the data now: the feed is XML, the JSON is JSON, and
    each feed entry carries its idea's stored title and note unchanged."""
    set_locale("en")
    files = render_site(collect(env.store, "http://board.example"), "http://site.example/")
    feed = ET.fromstring(files["feed.xml"].encode())
    atom = "{http://www.w3.org/2005/Atom}"
    stored = {i.id: i for i in env.store.ideas.all()}
    for entry in feed.iter(f"{atom}entry"):
        idea_id = int(entry.findtext(f"{atom}id", "").rstrip("/").rsplit("/", 1)[1])
        assert entry.findtext(f"{atom}title") == stored[idea_id].title
        assert entry.findtext(f"{atom}summary") == stored[idea_id].changed_note
    json.loads(files["testimonials.json"])


# -- one strategy per POST route ------------------------------------------------------------
Draw = Callable[[st.SearchStrategy[Any]], Any]


def post_idea(env: Env, draw: Draw) -> None:
    title, description, tags = draw(TEXT), draw(TEXT), draw(TEXT)
    category = draw(st.one_of(st.sampled_from(env.app.config["CATEGORIES"]), TEXT))
    reply = env.post(env.customer, "/ideas/new", {"title": title, "description": description,
                     "category": category, "tags": tags, "confirmed": "1"})  # fmt: skip
    if reply.status_code != 302:
        _refused(reply, {"title": (title, True), "description": (description, False),
                         "tags": (tags, True)})  # fmt: skip
        return
    assert not _must_refuse(title, True, 120, True)
    assert not _must_refuse(description, False, 5000, True)
    assert not _must_refuse(tags, True, 160, False)
    assert category in env.app.config["CATEGORIES"]
    idea_id = int(urlsplit(reply.headers["Location"]).path.rsplit("/", 1)[1])
    page = PageParts(env.get(env.customer, f"/ideas/{idea_id}").get_data(as_text=True))
    assert matches(page.h1[0], one_line(title), True), (title, page.h1)
    stored = env.store.ideas.get(idea_id)
    assert stored.title == page.h1[0] and stored.description in multi_line(description)
    typed_tags = {re.sub(" +", " ", t.casefold()) for t in one_line(tags)}
    assert len(page.tags) <= 5
    for tag in page.tags:
        assert tag.strip() and any(re.sub(" +", " ", tag) in t for t in typed_tags), (tags, tag)
    board = env.get(env.customer, "/ideas?sort=new").get_data(as_text=True)
    assert str(escape(stored.title)) in board
    similar = env.get(env.customer, "/ideas/similar?title=" + quote(title))
    assert isinstance(json.loads(similar.get_data(as_text=True)), list)


def vote(env: Env, draw: Draw) -> None:
    idea = draw(st.one_of(st.sampled_from([env.open_idea, env.closed_idea]), IDS))
    value = draw(st.one_of(st.sampled_from(["1", "-1", "0"]), TEXT))
    back = draw(st.one_of(st.just(f"/ideas/{env.open_idea}"), TEXT))
    wants_json = draw(st.booleans())
    headers = {"Accept": "application/json"} if wants_json else {}
    reply = env.post(env.customer, f"/ideas/{idea}/vote", {"value": value, "back": back},
                     headers=headers)  # fmt: skip
    if reply.status_code == 302:
        assert_same_site(reply.headers["Location"])
    if reply.mimetype == "application/json":
        answer = json.loads(reply.get_data(as_text=True))
        assert isinstance(answer, dict)
    if value not in ("1", "-1", "0"):
        assert reply.status_code in (400, 404)


def add_comment(env: Env, draw: Draw) -> None:
    idea = draw(st.one_of(st.sampled_from([env.open_idea] * 4 + [env.closed_idea]), IDS))
    body = draw(TEXT)
    stance = draw(st.one_of(st.sampled_from([s.value for s in Stance]), TEXT))
    before = {c.id for c in env.store.comments.for_idea(env.open_idea, include_hidden=True)}
    reply = env.post(env.customer, f"/ideas/{idea}/comments", {"body": body, "stance": stance})
    if idea != env.open_idea:  # closed or missing: no comment form to show again
        assert reply.status_code in (302, 400, 404)
        assert reply.status_code != 302 or not env.store.comments.for_idea(idea)
        return
    if stance not in {s.value for s in Stance}:  # only a forged request sends another
        assert reply.status_code == 400
        assert {c.id for c in env.store.comments.for_idea(idea, include_hidden=True)} == before
        return
    if reply.status_code != 302:
        _refused(reply, {"body": (body, False)})
        return
    assert_same_site(reply.headers["Location"])
    assert not _must_refuse(body, False, 2000, True)
    (new,) = [c for c in env.store.comments.for_idea(idea, include_hidden=True)
              if c.id not in before]  # fmt: skip
    assert new.body in multi_line(body)
    edit = env.get(env.customer, f"/ideas/{idea}/comments/{new.id}/edit")
    assert PageParts(edit.get_data(as_text=True)).values["body"] == new.body


def edit_comment(env: Env, draw: Draw) -> None:
    body = draw(TEXT)
    url = f"/ideas/{env.open_idea}/comments/{env.comment}/edit"
    reply = env.post(env.customer, url, {"body": body})
    if reply.status_code != 302:
        _refused(reply, {"body": (body, False)})
        return
    assert_same_site(reply.headers["Location"])
    assert not _must_refuse(body, False, 2000, True)
    stored = env.store.comments.get(env.comment).body
    assert stored in multi_line(body)
    assert PageParts(env.get(env.customer, url).get_data(as_text=True)).values["body"] == stored


def _hide_or_show(action: str) -> Callable[[Env, Draw], None]:
    def strategy(env: Env, draw: Draw) -> None:
        idea = draw(st.one_of(st.just(env.open_idea), IDS))
        comment = draw(st.one_of(st.just(env.comment), IDS))
        junk = draw(st.dictionaries(st.sampled_from(["body", "hidden", "next"]), TEXT))
        reply = env.post(env.staff, f"/ideas/{idea}/comments/{comment}/{action}", junk)
        assert reply.status_code in (302, 400, 404)
        if reply.status_code == 302:
            assert_same_site(reply.headers["Location"])

    return strategy


STATUSES = [s.value for s in IdeaStatus]
DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "9" * 309, "2026-02-30", "-1-01-01"]),
    TEXT,
)


def _staff_form(env: Env, idea: int, which: str, data: dict[str, str]) -> TestResponse:
    """One form of the idea page's staff panel, posted to the page's own address."""
    fields = {f"{which}-{name}": value for name, value in data.items()}
    return env.post(env.staff, f"/ideas/{idea}", {"staff_form": which, **fields})


def set_status(env: Env, draw: Draw) -> None:
    idea = env.idea_from(draw(TEXT))
    status = draw(st.one_of(st.sampled_from(STATUSES), TEXT))
    response, note, when = draw(TEXT), draw(TEXT), draw(DATES)
    notify = draw(st.sampled_from(["y", ""]))
    reply = _staff_form(env, idea, "status", {"status": status, "response": response,
                        "changed_note": note, "changed_on": when, "notify": notify})  # fmt: skip
    if reply.status_code != 302:
        _refused(reply, {"status-response": (response, False),
                         "status-changed_note": (note, True)})  # fmt: skip
    else:
        assert_same_site(reply.headers["Location"])
        assert not _must_refuse(response, False, 5000, True)
        stored = env.store.ideas.get(idea)
        assert stored.status.value == status
        assert stored.history[-1].response in multi_line(response)
        if stored.status.is_done:
            assert matches(stored.changed_note, one_line(note), True)
        env.get(env.customer, f"/ideas/{idea}")
        env.get(env.customer, "/ideas/in-action")
    _feed_and_json_parse(env)


def merge(env: Env, draw: Draw) -> None:
    duplicate = env.store.ideas.add(Idea("A duplicate", "d", "Drinks", env.customer_id)).id
    original = draw(st.one_of(
        st.just(str(env.open_idea)), st.just(str(env.closed_idea)), IDS.map(str),
        st.integers().map(str), TEXT))  # fmt: skip
    response = draw(TEXT)
    reply = _staff_form(env, duplicate, "merge", {"original": original, "response": response})
    if reply.status_code != 302:
        _refused(reply, {"merge-response": (response, False)})
        return
    assert_same_site(reply.headers["Location"])
    stored = env.store.ideas.get(duplicate)
    # Into the open idea, or into any other open idea a drawn number happens to name (earlier
    # examples leave open duplicates-to-be behind); never into a closed one.
    assert stored.merged_into == int(original) != env.closed_idea
    assert not env.store.ideas.get(int(original)).status.is_closed
    assert stored.history[-1].response in multi_line(response)


def edit_idea(env: Env, draw: Draw) -> None:
    idea = env.store.ideas.add(Idea("To edit", "d", "Drinks", env.customer_id)).id
    title, description = draw(TEXT), draw(TEXT)
    reply = _staff_form(env, idea, "edit", {"title": title, "description": description})
    if reply.status_code != 302:
        _refused(reply, {"edit-title": (title, True), "edit-description": (description, False)})
        return
    stored = env.store.ideas.get(idea)
    assert matches(stored.title, one_line(title), True)
    env.get(env.customer, f"/ideas/{idea}")


def staff_action(env: Env, draw: Draw) -> None:
    which = draw(st.sampled_from(["status", "merge", "edit", "spam", "", "bogus"]))
    if which == "status":
        set_status(env, draw)
    elif which == "merge":
        merge(env, draw)
    elif which == "edit":
        edit_idea(env, draw)
    else:
        idea = draw(st.one_of(st.sampled_from([env.open_idea, env.closed_idea]), IDS))
        reply = _staff_form(env, idea, which, {})
        assert reply.status_code in (302, 400, 404), reply.status_code


def _follow(action: str) -> Callable[[Env, Draw], None]:
    def strategy(env: Env, draw: Draw) -> None:
        idea = draw(st.one_of(st.sampled_from([env.open_idea, env.closed_idea]), IDS))
        junk = draw(st.dictionaries(st.sampled_from(["value", "next", "back"]), TEXT))
        reply = env.post(env.customer, f"/ideas/{idea}/{action}", junk)
        assert reply.status_code in (302, 404)
        if reply.status_code == 302:
            assert_same_site(reply.headers["Location"])

    return strategy


def unsubscribe(env: Env, draw: Draw) -> None:
    signer = URLSafeSerializer(env.app.secret_key, salt="voicebox-unsubscribe")
    token = draw(st.one_of(
        TEXT.map(lambda t: quote(t, safe="")),
        st.tuples(st.sampled_from([env.customer_id, 0]), IDS).map(lambda p: signer.dumps(list(p))),
        st.tuples(TEXT, TEXT).map(lambda p: signer.dumps(list(p))),
    ))  # fmt: skip
    for method in ("get", "post"):
        reply = getattr(env.anonymous, method)(f"/unsubscribe/{token}")
        assert reply.status_code in (200, 308, 400, 404, 405), (token, reply.status_code)
        if reply.status_code == 308:  # Werkzeug merging "//" in the path: same site only
            assert_same_site(reply.headers["Location"])


def signin(env: Env, draw: Draw) -> None:
    email = draw(st.one_of(st.emails(), TEXT, st.tuples(TEXT, st.emails()).map("".join)))
    nxt = draw(st.one_of(st.just("/ideas"), TEXT))
    website = draw(st.one_of(st.just(""), TEXT))
    client = env.app.test_client()
    before = len(env.store.messages.all())
    reply = env.post(client, "/signin", {"email": email, "next": nxt, "website": website})
    if "email-errors" in reply.get_data(as_text=True):
        _refused(reply, {"email": (email, True)})
        return
    assert reply.status_code == 200
    assert not _must_refuse(email, True, 254, True)
    shown = re.search(r"If (.*?) can sign in here", reply.get_data(as_text=True), re.S)
    assert shown, "the thank-you page names the address"
    assert matches(unescape(shown.group(1)), one_line(email), True), (email, shown.group(1))
    sent = env.store.messages.all()[: len(env.store.messages.all()) - before]
    for message in sent:
        link = re.search(r"http://localhost/signin/\S+", message.text)
        assert link, message.text
        for target in parse_qs(urlsplit(link.group(0)).query).get("next", []):
            assert_same_site(target)


def use_link(env: Env, draw: Draw) -> None:
    token = draw(st.one_of(
        st.just("issue"), TEXT.map(lambda t: quote(t, safe="")).filter(bool)))  # fmt: skip
    if token == "issue":
        token = env.store.tokens.issue(f"new{draw(st.integers(0, 10**6))}@example.com")
    nxt = draw(TEXT)
    client = env.app.test_client()
    reply = env.post(client, f"/signin/{token}?next={quote(nxt, safe='')}", {})
    assert reply.status_code in (302, 308, 400, 404)
    if reply.status_code in (302, 308):  # 308: Werkzeug merging the slashes of a decoded %2F
        assert_same_site(reply.headers["Location"])
    confirm = env.get(client, f"/signin/{token}?next={quote(nxt, safe='')}")
    assert confirm.status_code in (200, 308, 400, 404)


def account(env: Env, draw: Draw) -> None:
    name, nxt = draw(TEXT), draw(st.one_of(st.just(""), TEXT))
    reply = env.post(env.customer, f"/account?next={quote(nxt, safe='')}",
                     {"name": name, "next": nxt})  # fmt: skip
    if reply.status_code != 302:
        _refused(reply, {"name": (name, True)})
        return
    assert_same_site(reply.headers["Location"])
    assert not _must_refuse(name, True, 80, True)
    shown = PageParts(env.get(env.customer, "/account").get_data(as_text=True)).values["name"]
    assert matches(shown, one_line(name), True), (name, shown)
    assert env.store.users.get(env.customer_id).name == shown


def signout(env: Env, draw: Draw) -> None:
    client = env.app.test_client()
    sign_in(client, env.customer_id)
    junk = draw(st.dictionaries(st.sampled_from(["next", "back", "website"]), TEXT))
    reply = env.post(client, "/signout", junk)
    assert reply.status_code == 302
    assert_same_site(reply.headers["Location"])


def set_role(env: Env, draw: Draw) -> None:
    person = draw(st.one_of(st.sampled_from([env.customer_id, env.staff_id]), IDS))
    role = draw(st.one_of(st.sampled_from([r.value for r in Role]), TEXT))
    reply = env.post(env.admin, f"/admin/staff/{person}/role", {f"u{person}-role": role})
    assert reply.status_code in (302, 404)
    if reply.status_code == 302:
        assert_same_site(reply.headers["Location"])


# -- sales: the opt-out link and the shop systems' JSON API ----------------------------------
def sales_stop(env: Env, draw: Draw) -> None:
    signer = URLSafeSerializer(env.app.secret_key, salt="voicebox-stop")
    token = draw(st.one_of(
        TEXT.map(lambda t: quote(t, safe="")).filter(bool),
        st.one_of(TEXT, st.emails()).map(signer.dumps),
    ))  # fmt: skip
    for method in ("get", "post"):
        reply = getattr(env.anonymous, method)(f"/stop/{token}")
        assert reply.status_code in (200, 308, 400, 404), (token, reply.status_code)
        if reply.status_code == 308:  # Werkzeug merging "//" in the path: same site only
            assert_same_site(reply.headers["Location"])


_SALE_FIELDS = ("email", "name", "language", "order_ref", "date", "touchpoint", "outcome")


def api_sale(env: Env, draw: Draw) -> None:
    from feedback_app.sales.tokens import create_token

    secret = create_token(env.store, "fuzz")[1]
    values = st.one_of(TEXT, st.emails(), st.integers(), st.none(), st.lists(TEXT, max_size=2))
    body = draw(st.one_of(
        st.dictionaries(st.one_of(st.sampled_from(_SALE_FIELDS), TEXT), values),
        st.fixed_dictionaries({"email": st.emails(), "order_ref": TEXT, "name": TEXT}),
        st.lists(TEXT, max_size=3),
    ))  # fmt: skip
    reply = env.anonymous.post("/api/sales", json=body,
                               headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
    assert reply.status_code in (200, 201, 400, 409, 422), (body, reply.status_code)
    assert reply.is_json and reply.get_json()["error" if reply.status_code >= 400 else "sale"]
    if reply.status_code == 201:
        name = body.get("name") or ""
        assert matches(reply.get_json()["sale"]["name"], one_line(name), True), (name, reply)


def api_unknown(env: Env, draw: Draw) -> None:
    path = draw(TEXT.map(lambda t: quote(t, safe="/")).filter(lambda p: p.strip("/")))
    reply = env.anonymous.post(f"/api/{path}", json={})
    assert reply.status_code in (308, 404, 401, 405), (path, reply.status_code)
    if reply.status_code == 404 and "%0A" not in path:  # no route matches a line break
        assert reply.is_json, path


def write_testimonial(env: Env, draw: Draw) -> None:
    """Anyone's testimonial: whatever is typed is refused with the form back, or stored as
    cleaned; never a 500."""
    quote_text = draw(st.one_of(TEXT, TEXT.map(lambda t: "Дуже задоволена покупкою. " + t)))
    fields = {
        "quote": quote_text, "rating": draw(st.one_of(st.sampled_from("12345"), TEXT)),
        "name": draw(TEXT), "email": draw(st.one_of(st.emails(), TEXT)),
        "credit_style": draw(st.one_of(st.just("full"), TEXT)),
        "connection_kind": draw(st.one_of(st.just("none"), TEXT)),
        "connection": draw(TEXT), "consent": draw(st.sampled_from(["y", ""])),
        "submission": draw(TEXT), "invite": draw(st.one_of(st.just(""), TEXT)),
    }  # fmt: skip
    before = env.store.testimonials.count()
    reply = env.post(env.app.test_client(), "/testimonials/new", fields)
    assert reply.status_code in (302, 400)
    if reply.status_code == 302:
        newest = env.store.testimonials.all()[0]
        assert env.store.testimonials.count() == before + 1
        assert matches(newest.original_text, multi_line(quote_text), True)


def _testimonial_link(path: str) -> Callable[[Env, Draw], None]:
    def use(env: Env, draw: Draw) -> None:
        token = quote(draw(TEXT.filter(bool)), safe="")
        data = {"answer": draw(st.one_of(st.sampled_from(["accept", "keep"]), TEXT))}
        reply = env.post(env.app.test_client(), f"/testimonials/{path}/{token}", data)
        assert reply.status_code in (200, 308, 400, 404)
        assert env.get(env.app.test_client(), f"/testimonials/{path}/{token}").status_code in (
            200, 308, 400, 404)  # fmt: skip

    return use


def _confirmed_testimonial(env: Env) -> int:
    now = utcnow()
    return env.store.testimonials.add(Testimonial(
        original_text="Good coffee, fast delivery, thank you!", rating=5, credit_name="Olena",
        email="olena@example.com", email_confirmed_at=now, consented_at=now,
    )).id  # fmt: skip


# The field each staff decision with typed text reads, and whether it is one line.
TYPED = {"reject": ("reason", False), "edit": ("text", False), "tags": ("tags", True)}
DECISIONS = ["approve", "reject", "edit", "tags", "feature", "unfeature"]


def decide_testimonial(env: Env, draw: Draw) -> None:
    """A testimonial's page: any button, any text; a refused form comes back with its text."""
    real = draw(st.booleans())
    tid = _confirmed_testimonial(env) if real else draw(IDS)
    do = draw(st.one_of(st.sampled_from(DECISIONS), TEXT))
    fields = {"do": do, "reason": draw(TEXT), "text": draw(TEXT), "tags": draw(TEXT)}
    reply = env.post(env.staff, f"/admin/testimonials/{tid}", fields)
    assert reply.status_code in (302, 400, 404, 422)
    if real and do in TYPED and reply.status_code != 302:
        name, single = TYPED[do]
        _refused(reply, {name: (fields[name], single)})


def decide_listed(env: Env, draw: Draw) -> None:
    """Approve or reject from the list: a refused reason comes back in its own row."""
    tid = _confirmed_testimonial(env)
    raw = draw(st.one_of(st.just(str(tid)), TEXT))
    do = draw(st.one_of(st.sampled_from(["approve", "reject"]), TEXT))
    reason = draw(TEXT)
    token = env.tokens.get(env.staff) or env._token(env.staff)
    fields = {"testimonial": raw, "do": do, f"a{raw}-csrf_token": token,
              f"r{raw}-csrf_token": token, f"r{raw}-reason": reason}  # fmt: skip
    reply = env.post(env.staff, "/admin/testimonials?state=pending", fields)
    assert reply.status_code in (302, 400, 404, 422)
    if reply.status_code == 302:
        assert_same_site(reply.headers["Location"])
    elif raw == str(tid) and do == "reject":
        _refused(reply, {f"r{tid}-reason": (reason, False)})


# -- the answer pages and follow-ups of the follow-up loop ------------------------------------
SCORES = [str(n) for n in range(11)]


def _answer_fields(draw: Draw) -> dict[str, str]:
    fields = {
        "score": draw(st.one_of(st.sampled_from(SCORES), TEXT)),
        "effort": draw(st.one_of(st.sampled_from(["", "1", "4", "7"]), TEXT)),
        "touchpoint": draw(TEXT),
        "comment": draw(TEXT),
    }
    return {**fields, "may_contact": "y"} if draw(st.booleans()) else fields


def _answer_kept(
    env: Env, reply: TestResponse, fields: dict[str, str], before: int, required: bool
) -> None:
    """A refused answer is the form again with the text kept; an accepted one is stored with
    the comment as the rules leave it, and leads to the thank-you page."""
    if reply.status_code != 302:
        typed = {"comment": (fields["comment"], False)}
        if "touchpoint" in fields:
            typed["touchpoint"] = (fields["touchpoint"], True)
        _refused(reply, typed)
        assert env.store.surveys.count() == before
        return
    assert reply.headers["Location"].endswith("/survey/thanks")
    assert not _must_refuse(fields["comment"], False, 2000, required)
    assert any(matches(a.reason, multi_line(fields["comment"]), False)
               for a in env.store.surveys.all())  # fmt: skip
    assert env.get(env.anonymous, "/survey/thanks").status_code == 200


def survey_public(env: Env, draw: Draw) -> None:
    fields = _answer_fields(draw)
    fields["email"] = draw(st.one_of(st.just(""), st.just("олена@example.com"), TEXT))
    fields["name"], fields["answer"] = draw(TEXT), draw(st.one_of(st.just("a" * 20), TEXT))
    before = env.store.surveys.count()
    reply = env.post(env.anonymous, "/survey", fields)
    if reply.status_code != 302:
        _refused(reply, {"comment": (fields["comment"], False), "name": (fields["name"], True),
                         "touchpoint": (fields["touchpoint"], True)})  # fmt: skip
        assert env.store.surveys.count() == before
        return
    assert fields["score"] in SCORES
    assert not _must_refuse(fields["comment"], False, 2000, False)


def _personal(kind: str) -> Callable[[Env, Draw], None]:
    def strategy(env: Env, draw: Draw) -> None:
        sale = env.store.sales.add(Sale("olena@example.com", f"ORD-{utcnow():%f}", utcnow()))
        with env.app.test_request_context():
            url = {"survey": lambda: survey_urls(sale)[5],
                   "arrival": lambda: arrival_urls(sale)["no"],
                   "lost": lambda: lost_url(sale)}[kind]()  # fmt: skip
        path = urlsplit(url).path
        if draw(st.integers(0, 9)) == 0:  # now and then a link altered on its way
            path = path[: path.index("/", 1) + 1] + quote(draw(TEXT), safe="") + "x"
        if kind == "survey":
            fields = _answer_fields(draw)
        elif kind == "arrival":
            fields = {"arrived": draw(st.one_of(st.sampled_from(["yes", "no"]), TEXT)),
                      "comment": draw(TEXT)}  # fmt: skip
        else:
            fields = {"comment": draw(TEXT)}
        before = env.store.surveys.count()
        reply = env.post(env.anonymous, path, fields)
        if reply.status_code in (308, 404, 405):  # an altered link: not one of ours
            assert env.store.surveys.count() == before
            return
        _answer_kept(env, reply, fields, before, required=kind == "lost")

    return strategy


def _followup(env: Env) -> FollowUp:
    now = utcnow()
    return env.store.followups.add(FollowUp(
        "call", None, "olena@example.com", "2/10", due_at=now, owner_id=env.staff_id,
        events=[FollowUpEvent(at=now, by=None, state="open", owner_id=env.staff_id)],
    ))  # fmt: skip


def followup_step(env: Env, draw: Draw) -> None:
    followup = _followup(env)
    fields = {
        "seen": draw(st.one_of(st.just("1"), TEXT)),
        "state": draw(st.one_of(st.sampled_from(["open", "contacted", "resolved"]), TEXT)),
        "note": draw(TEXT), "outcome": draw(TEXT), "customer_note": draw(TEXT),
    }  # fmt: skip
    reply = env.post(env.staff, f"/admin/followups/{followup.id}", {"do": "step", **fields})
    stored = env.store.followups.get(followup.id)
    if reply.status_code != 302:
        _refused(reply, {name: (fields[name], False)
                         for name in ("note", "outcome", "customer_note")})  # fmt: skip
        assert stored.events == followup.events
        return
    assert_same_site(reply.headers["Location"])
    assert len(stored.events) == 2 and stored.state.value == fields["state"]
    assert matches(stored.events[-1].note, multi_line(fields["note"]), False)


def followup_owner(env: Env, draw: Draw) -> None:
    followup = _followup(env)
    owner = draw(st.one_of(st.sampled_from([str(env.admin_id), str(env.customer_id)]), TEXT))
    reply = env.post(env.staff, f"/admin/followups/{followup.id}", {
        "do": "owner", "seen": draw(st.one_of(st.just("1"), TEXT)), "owner": owner})  # fmt: skip
    assert reply.status_code in (302, 400, 422)
    if reply.status_code == 302:
        assert env.store.followups.get(followup.id).owner_id == env.admin_id


def publish_now(env: Env, draw: Draw) -> None:
    asked = env.store.audit.count()
    extra = draw(st.dictionaries(st.sampled_from(["force", "next", "what"]), TEXT, max_size=2))
    reply = env.post(env.staff, "/admin/publishing/publish", extra)
    assert reply.status_code == 302 and reply.headers["Location"] == "/admin/publishing"
    assert [e.action for e in env.store.audit.all()[: env.store.audit.count() - asked]] == [
        "site.publish"]  # fmt: skip


# -- the console's people pages: staff, tokens, one person's data, sales ---------------------
def _answered(reply: TestResponse, typed: dict[str, tuple[str, bool]]) -> None:
    """A redirect on the site, or the form again with the typed text and a message."""
    if reply.status_code == 302:
        assert_same_site(reply.headers["Location"])
    else:
        _refused(reply, typed)


def staff_invite(env: Env, draw: Draw) -> None:
    email = draw(st.one_of(st.emails(), TEXT))
    name = draw(TEXT)
    role = draw(st.one_of(st.sampled_from([r.value for r in Role]), TEXT))
    reply = env.post(env.admin, "/admin/staff/invite", {"email": email, "name": name,
                                                        "role": role})  # fmt: skip
    _answered(reply, {"name": (name, True)})


def _staff_access(kind: str) -> Callable[[Env, Draw], None]:
    def strategy(env: Env, draw: Draw) -> None:
        person = draw(st.one_of(st.sampled_from([env.customer_id, env.admin_id]), IDS))
        reply = env.post(env.admin, f"/admin/staff/{person}/{kind}", {"back": draw(TEXT)})
        assert reply.status_code in (302, 404)
        if reply.status_code == 302:
            assert_same_site(reply.headers["Location"])
        assert env.store.users.get(env.admin_id).active, "never oneself"

    return strategy


def token_create(env: Env, draw: Draw) -> None:
    name = draw(TEXT)
    reply = env.post(env.admin, "/admin/staff/tokens", {"name": name})
    if reply.status_code == 200:
        assert "vbx_" in reply.get_data(as_text=True)
        assert reply.headers["Cache-Control"] == "no-store"
        return
    _refused(reply, {"name": (name, True)})


def token_revoke(env: Env, draw: Draw) -> None:
    from feedback_app.sales.tokens import create_token

    made = create_token(env.store, "fuzz")[0].id
    which = draw(st.one_of(st.just(made), IDS))
    reply = env.post(env.admin, f"/admin/staff/tokens/{which}/revoke", {})
    assert reply.status_code in (302, 404)


def _person(path: str) -> Callable[[Env, Draw], None]:
    def strategy(env: Env, draw: Draw) -> None:
        email = draw(st.one_of(st.sampled_from(["olena@example.com", "marta@example.com"]),
                               st.emails(), TEXT))  # fmt: skip
        confirmed = draw(st.one_of(st.just(""), st.just("yes"), TEXT))
        reply = env.post(env.admin, path, {"email": email, "confirmed": confirmed})
        assert reply.status_code in (200, 302, 400, 422), reply.status_code
        if reply.status_code >= 400:
            _refused(reply, {})
        assert env.store.users.get(env.admin_id).role is Role.ADMIN

    return strategy


def sales_import(env: Env, draw: Draw) -> None:
    from io import BytesIO

    rows = draw(st.lists(st.lists(st.one_of(TEXT, st.emails()), max_size=8), max_size=5))
    head = draw(st.one_of(st.just("email,order_ref,date,name"), TEXT))
    text = "\n".join([head, *(",".join(r) for r in rows)])
    data = draw(st.one_of(st.just(text.encode("utf-8", "replace")), st.binary(max_size=200)))
    before = env.store.sales.count()
    reply = env.post(env.staff, "/admin/sales/import", {"file": (BytesIO(data), "sales.csv")},
                     content_type="multipart/form-data")  # fmt: skip
    assert reply.status_code in (302, 400, 409, 422), reply.status_code
    if reply.status_code in (400, 422):
        assert env.store.sales.count() == before, "a bad file keeps nothing"


def sales_link(env: Env, draw: Draw) -> None:
    env.store.sales.add_once(Sale("olena@example.com", "ORD-FUZZ", utcnow()), "order_ref")
    email = draw(st.one_of(st.just("olena@example.com"), st.emails(), TEXT))
    ref = draw(st.one_of(st.just("ORD-FUZZ"), TEXT))
    fields = {"email": email, "order_ref": ref}
    if draw(st.booleans()):
        fields["send"] = draw(st.one_of(st.just("y"), TEXT))
    reply = env.post(env.staff, "/admin/sales/link", fields)
    if reply.status_code == 200:
        assert "/survey/" in reply.get_data(as_text=True)
        return
    _refused(reply, {"order_ref": (ref, True)})


def sales_cancel(env: Env, draw: Draw) -> None:
    from feedback_app.store import Job

    job = env.store.jobs.add(Job("sale_survey", {"sale": 1})).id
    which = draw(st.one_of(st.just(job), IDS))
    reply = env.post(env.staff, f"/admin/sales/jobs/{which}/cancel", {"back": draw(TEXT)})
    assert reply.status_code in (302, 404)
    if reply.status_code == 302:
        assert_same_site(reply.headers["Location"])


def followup_act(env: Env, draw: Draw) -> None:
    """A follow-up's page: a step, a reassignment, or a button no form has."""
    choice = draw(st.sampled_from(["step", "owner", "other"]))
    if choice == "step":
        followup_step(env, draw)
    elif choice == "owner":
        followup_owner(env, draw)
    else:
        followup = _followup(env)
        do = draw(TEXT.filter(lambda t: t not in ("step", "owner")))
        reply = env.post(env.staff, f"/admin/followups/{followup.id}", {"do": do})
        assert reply.status_code == 400
        assert env.store.followups.get(followup.id).events == followup.events


def send_email_again(env: Env, draw: Draw) -> None:
    """A failed email sent again, or any number in its place: queued with one audit entry,
    or refused (404 for no such email), never a 500."""
    failed = env.store.messages.enqueue(Message("olena@example.com", draw(TEXT), draw(TEXT)))
    env.store.messages.settle({failed.id: Outcome(error=draw(TEXT))})
    target = draw(st.one_of(st.just(failed.id), IDS))
    entries = env.store.audit.count()
    reply = env.post(env.staff, f"/admin/emails/{target}/send-again", {"extra": draw(TEXT)})
    assert reply.status_code in (302, 404), reply.status_code
    if reply.status_code == 302:
        assert_same_site(reply.headers["Location"])
    if target == failed.id:
        assert env.store.messages.get(failed.id).state is MessageState.QUEUED  # type: ignore[union-attr]
        assert env.store.audit.count() == entries + 1


def allow_mail_again(env: Env, draw: Draw) -> None:
    """A suppressed address allowed mail again, or any number in its place: lifted with one
    audit entry, or 404, never a 500."""
    address = f"s{env.store.contacts.count()}@example.com"
    contact = env.store.contacts.add(Contact(address, suppressed_at=utcnow(),
                                             suppressed_reason=draw(TEXT)))  # fmt: skip
    target = draw(st.one_of(st.just(contact.id), IDS))
    reply = env.post(env.staff, f"/admin/emails/suppressed/{target}/allow", {"x": draw(TEXT)})
    assert reply.status_code in (302, 404), reply.status_code
    if target == contact.id:
        assert env.store.contacts.get(contact.id).suppressed_at is None


def idea_queue(env: Env, draw: Draw) -> None:
    """The console's idea queue: an answer from a row or a bulk decision, with any text."""
    idea = env.idea_from(draw(TEXT))
    query = draw(st.sampled_from(["", "?show=all", "?show=new&status=new", "?show=x&page=9"]))
    if draw(st.booleans()):
        response = draw(TEXT)
        row = draw(st.one_of(st.just(str(idea)), IDS.map(str), TEXT))
        data = {"queue_form": "answer", "idea": row,
                f"i{row}-status": draw(st.sampled_from(STATUSES)), f"i{row}-response": response,
                f"i{row}-use_reply": draw(st.sampled_from(["", "y"])),
                f"i{row}-reply": draw(st.one_of(IDS.map(str), TEXT))}  # fmt: skip
        reply = env.post(env.staff, f"/admin/ideas{query}", data)
        assert reply.status_code in (200, 302, 400, 404), reply.status_code
        if reply.status_code == 400:
            _refused(reply, {f"i{row}-response": (response, False)})
        return
    ids = draw(st.lists(st.one_of(st.just(str(idea)), IDS.map(str), TEXT), max_size=3))
    action = draw(st.one_of(st.sampled_from([*STATUSES, "spam"]), TEXT))
    reply = env.post(env.staff, f"/admin/ideas{query}",
                     {"queue_form": "bulk", "ids": ids, "action": action,  # type: ignore[dict-item]
                      "response": draw(TEXT)})  # fmt: skip
    assert reply.status_code in (302, 400), reply.status_code


def saved_reply(env: Env, draw: Draw) -> None:
    name, body = draw(TEXT), draw(TEXT)
    status = draw(st.one_of(st.sampled_from(STATUSES), TEXT))
    reply = env.post(env.staff, "/admin/ideas/replies",
                     {"name": name, "status": status, "body": body})  # fmt: skip
    if reply.status_code != 302:
        _refused(reply, {"body": (body, False)})
        return
    saved = env.store.replies.all()[0]
    assert matches(saved.name, one_line(name), True) and saved.status.value == status
    again = env.post(env.staff, f"/admin/ideas/replies/{saved.id}",
                     {"name": draw(TEXT), "status": status, "body": draw(TEXT)})  # fmt: skip
    assert again.status_code in (302, 400)
    env.get(env.staff, "/admin/ideas/replies")


def change_reply(env: Env, draw: Draw) -> None:
    number = draw(st.one_of(IDS, st.just(1)))
    body = draw(TEXT)
    reply = env.post(env.staff, f"/admin/ideas/replies/{number}",
                     {"name": draw(TEXT), "status": draw(TEXT), "body": body})  # fmt: skip
    assert reply.status_code in (302, 400, 404)


def delete_reply(env: Env, draw: Draw) -> None:
    number = draw(st.one_of(IDS, st.just(1)))
    reply = env.post(env.staff, f"/admin/ideas/replies/{number}/delete", {})
    assert reply.status_code in (302, 404)


STRATEGIES: dict[str, Callable[[Env, Draw], None]] = {
    "ideas.new": post_idea,
    "ideas.vote": vote,
    "ideas.add_comment": add_comment,
    "ideas.edit_comment": edit_comment,
    "ideas.hide_comment": _hide_or_show("hide"),
    "ideas.unhide_comment": _hide_or_show("show"),
    "ideas.show": staff_action,
    "ideas.follow": _follow("follow"),
    "ideas.unfollow": _follow("unfollow"),
    "unsubscribe.unsubscribe": unsubscribe,
    "auth.signin": signin,
    "auth.use_link": use_link,
    "auth.account": account,
    "auth.signout": signout,
    "admin_staff.set_role": set_role,
    "sales.stop": sales_stop,
    "sales.api.create_sale": api_sale,
    "sales.api.unknown": api_unknown,
    "testimonials.new": write_testimonial,
    "testimonials.confirm": _testimonial_link("confirm"),
    "testimonials.withdraw": _testimonial_link("withdraw"),
    "testimonials.review_edit": _testimonial_link("edit"),
    "testimonials.decide": decide_testimonial,
    "testimonials.decide_listed": decide_listed,
    "surveys.public": survey_public,
    "surveys.personal": _personal("survey"),
    "surveys.arrival": _personal("arrival"),
    "surveys.lost": _personal("lost"),
    "followups.act": followup_act,
    "admin_publishing.publish": publish_now,
    "admin_staff.invite": staff_invite,
    "admin_staff.deactivate": _staff_access("deactivate"),
    "admin_staff.reactivate": _staff_access("reactivate"),
    "admin_staff.tokens": token_create,
    "admin_staff.revoke_token": token_revoke,
    "admin_staff.export": _person("/admin/staff/export"),
    "admin_staff.erase": _person("/admin/staff/erase"),
    "admin_sales.import_sales": sales_import,
    "admin_sales.link": sales_link,
    "admin_sales.cancel": sales_cancel,
    "admin_mail.send_again": send_email_again,
    "admin_mail.allow_mail_again": allow_mail_again,
    "admin_ideas.queue": idea_queue,
    "admin_ideas.replies": saved_reply,
    "admin_ideas.reply": change_reply,
    "admin_ideas.delete_reply": delete_reply,
}


def test_every_post_route_has_a_strategy(tmp_path: Path) -> None:
    """A new form (any POST route, demo-only ones included) must be added to STRATEGIES."""
    app = _build(tmp_path, {"DATA_DIR": str(tmp_path / "data")}, demo=True)
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert posts - set(STRATEGIES) == set(), "POST routes with no property-based strategy"
    assert set(STRATEGIES) - posts == set(), "strategies for routes that no longer exist"


@pytest.mark.parametrize("endpoint", sorted(STRATEGIES))
@FUZZ
@given(data=st.data())
def test_form_survives_any_text(env: Env, endpoint: str, data: st.DataObject) -> None:
    STRATEGIES[endpoint](env, data.draw)


QUERY_PAGES = [
    "/", "/ideas", "/ideas/in-action", "/signin", "/account", "/admin/", "/admin/staff/",
    "/admin/sales/", "/admin/staff/tokens", "/admin/audit", "/admin/testimonials",
    "/admin/followups", "/admin/ideas", "/admin/ideas/replies", "/admin/emails",
]  # fmt: skip
PARAMS = ["q", "email", "tag", "category", "status", "sort", "page", "mine", "voted", "next",
          "title", "person", "action", "kind", "since", "until", "state", "owner",
          "show"]  # fmt: skip


@FUZZ
@given(
    page=st.sampled_from(QUERY_PAGES),
    params=st.dictionaries(st.sampled_from(PARAMS), st.one_of(TEXT, IDS.map(str))),
    raw=st.sampled_from(["", "&q=%FF%FE", "&page=%C0%AF", "&next=%E2%80%AE"]),
)
def test_pages_survive_any_query(env: Env, page: str, params: dict[str, str], raw: str) -> None:
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params.items()) + raw
    for client in (env.anonymous, env.customer, env.admin):
        env.get(client, f"{page}?{query}")
    similar = env.get(env.customer, f"/ideas/similar?{query}")
    assert isinstance(json.loads(similar.get_data(as_text=True)), list)


@FUZZ
@given(idea=IDS, comment=IDS, token=TEXT)
def test_pages_survive_any_address(env: Env, idea: int, comment: int, token: str) -> None:
    for url in (f"/ideas/{idea}", f"/ideas/{idea}/comments/{comment}/edit",
                f"/signin/{quote(token, safe='')}", f"/unsubscribe/{quote(token, safe='')}",
                f"/ideas/{quote(token, safe='')}"):  # fmt: skip
        reply = env.get(env.customer, url)
        assert reply.status_code in (200, 308, 400, 403, 404), (url, reply.status_code)
        if reply.status_code == 308:  # Werkzeug merging the slashes of a decoded %2F
            assert_same_site(reply.headers["Location"])


@FUZZ
@given(title=TEXT, description=TEXT, garbage=st.binary(min_size=1, max_size=8))
def test_invalid_utf8_in_a_form_is_never_a_500(
    env: Env, title: str, description: str, garbage: bytes
) -> None:
    """Bytes that are not UTF-8 in a posted form: read with replacement characters or refused
    with a message, never a crash."""
    token = env.tokens.get(env.customer) or env._token(env.customer)
    body = (
        f"csrf_token={token}&title={quote(title)}".encode()
        + b"".join(b"%%%02X" % b for b in garbage)
        + f"&description={quote(description)}&category=Drinks&confirmed=1".encode()
        + garbage
    )
    reply = env.customer.post(
        "/ideas/new", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert reply.status_code in (200, 302, 400)
    if reply.status_code == 302:
        env.get(env.customer, reply.headers["Location"])


# Addresses a "next" or "back" parameter must never turn into a trip to another site: each is
# tried in every redirect parameter on every run (Hypothesis may not draw them all).
REDIRECTS = [
    "//evil.example", "/\t/evil.example", "\t//evil.example", "/\n/evil.example",
    "/\r\n/evil.example", "/\\evil.example", "\\\\evil.example", " //evil.example",
    "\x00//evil.example", "/\u3000/evil.example", "https://evil.example", "javascript:alert(1)",
    "/%09/evil.example", "/%2F/evil.example", "http:evil.example", "\u202e//evil.example",
]  # fmt: skip


@pytest.mark.parametrize("target", REDIRECTS)
def test_redirect_parameters_stay_on_the_site(env: Env, target: str) -> None:
    back = env.post(env.customer, f"/ideas/{env.open_idea}/vote", {"value": "1", "back": target})
    assert back.status_code == 302
    assert_same_site(back.headers["Location"])
    saved = env.post(env.customer, f"/account?next={quote(target, safe='')}",
                     {"name": "Олена", "next": target})  # fmt: skip
    assert saved.status_code == 302
    assert_same_site(saved.headers["Location"])
    client = env.app.test_client()
    asked = env.post(client, "/signin", {"email": "new@example.com", "next": target})
    assert asked.status_code == 200
    link = re.search(r"http://localhost/signin/\S+", env.store.messages.all()[0].text)
    assert link
    for kept in parse_qs(urlsplit(link.group(0)).query).get("next", []):
        assert_same_site(kept)
    token = env.store.tokens.issue("new@example.com")
    used = env.post(client, f"/signin/{token}?next={quote(target, safe='')}", {})
    assert used.status_code == 302
    assert_same_site(used.headers["Location"])
    if "next=" in used.headers["Location"]:  # on to the name form, then to `next`
        for kept in parse_qs(urlsplit(used.headers["Location"]).query).get("next", []):
            assert_same_site(kept)


# Forms with typed text, and the fields a person types into them.
TYPED_FORMS = {
    "/ideas/new": ("title", "description", "tags"),
    "/account": ("name",),
    "/signin": ("email",),
}


@FUZZ
@given(
    url=st.sampled_from(sorted(TYPED_FORMS)),
    texts=st.lists(TEXT, min_size=3, max_size=3),
    token=st.sampled_from(["", "stale", "IjAi.AAAAAA.forged"]),
)
def test_a_refused_csrf_token_loses_nothing_typed(
    env: Env, url: str, texts: list[str], token: str
) -> None:
    """A stale or missing token: 400, a page that gives back every typed field, posting back
    to the same place on this site."""
    fields = dict(zip(TYPED_FORMS[url], texts, strict=False))
    reply = env.customer.post(url, data={"csrf_token": token, **fields})
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    parts = PageParts(html)
    for name, typed in fields.items():
        assert name in parts.values, f"{name} is given back"
        kept = parts.values[name]
        # As typed, or as the field's rules would store it; surrounding white space aside,
        # which every field strips anyway.
        raw = typed.replace("\r\n", "\n").replace("\r", "\n").strip()
        acceptable = {raw} | multi_line(typed)
        assert kept.strip() in acceptable or matches(kept, one_line(typed), True), (name, kept)
    actions = re.findall(r'<form[^>]* action="([^"]*)"', html)
    assert actions, "the page posts the typed text back"
    for action in actions:
        assert_same_site(unescape(action))


@FUZZ
@given(
    title=st.text(), note=st.text(), asked=st.one_of(st.text(), st.sampled_from(HOSTILE)),
    quote=st.text(), name=st.text(), tag=st.text(),
)  # fmt: skip
def test_feed_and_json_are_well_formed_whatever_the_data_holds(
    env: Env, title: str, note: str, asked: str, quote: str, name: str, tag: str
) -> None:
    """Records written by older versions, the CLI or an import never went through today's
    forms: the feed must still be XML and the JSON still JSON, carrying the words unchanged
    (for XML, where XML 1.0 can hold them at all)."""
    idea = env.store.ideas.add(Idea(title, asked, "Drinks", env.customer_id)).id
    env.store.ideas.set_status(idea, IdeaStatus.IMPLEMENTED, asked, env.staff_id, note)
    env.store.testimonials.add(Testimonial(
        quote, 5, name, user_id=env.customer_id, tags=[tag], state=TestimonialState.APPROVED,
        consented_at=utcnow(), consent_text="ok", consent_version="1",
        email_confirmed_at=utcnow(),
    ))  # fmt: skip
    set_locale("en")
    files = render_site(collect(env.store, "http://board.example"), "http://site.example/")
    ET.fromstring(files["feed.xml"].encode())
    data = json.loads(files["testimonials.json"])
    # The store keeps the words under the text rules; a quote with no words left is not
    # published at all, and any other quote is, with its credit.
    readings = multi_line(quote)
    published = [t for t in data["testimonials"] if t["quote"] in readings]
    if "" in readings and not published:
        return
    assert any(matches(t["credit"]["name"], one_line(name), True) for t in published), name
