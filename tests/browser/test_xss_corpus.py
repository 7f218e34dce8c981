"""A corpus of public XSS vector shapes (`xss_vectors.txt`), put in every place people's words
go: idea titles, descriptions and tags, comments, display names, status responses and "what
changed" notes, and testimonials (quote, credit, disclosure, tags). Then Chromium reads the
board, every idea page, the demo outbox and every page of the published site, and the feed,
the JSON and the queued emails are read as their consumers would.

A page fails on any dialog, any console message that shows injected code trying to run (or
being blocked from running), and any element carrying an `on*` attribute or a `javascript:`
(or `vbscript:`, `data:text/html`) address. Each vector must also be *shown*: a heading made
from it reads exactly as typed, so the test cannot pass by showing nothing.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Dialog, Page

from feedback_app.app import create_app
from feedback_app.data import close_store
from feedback_app.ideas import service
from feedback_app.mail import FileTransport, Mailer
from feedback_app.store import (
    Idea,
    IdeaStatus,
    Role,
    Stance,
    Testimonial,
    TestimonialState,
    utcnow,
)
from generator.publish import publish
from tests.browser.conftest import LiveServer
from tests.conftest import TEST_CONFIG, built_idea_page
from tests.fuzz.expected import matches, one_line

CORPUS = Path(__file__).with_name("xss_vectors.txt")


def _vectors() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line and not line.startswith("#!")]


VECTORS = _vectors()

# The whole corpus goes through the TinyDB folder; through PostgreSQL, every fourth vector
# (26 of 101, from every part of the file). What a backend changes is how the words are
# stored and read back, which the store's own tests check for any text; the pages come from
# the same templates and generator whatever the backend, and the whole corpus in Chromium
# takes about three minutes per backend (measured: 170 s on TinyDB, 200 s on PostgreSQL).
SAMPLE_EVERY = {"tinydb": 1, "postgresql": 4}

# Run in every page: lists what would let injected code run.
FIND_INJECTED = """() => {
  const urlAttrs = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "poster", "background", "to", "values", "from", "by", "srcdoc", "content", "codebase"]);
  // A page's description and link-preview tags carry words as text: no browser or preview
  // reads them as an address (their URL-valued ones, og:url and the images, are checked).
  const textMeta = (el) => el.localName === "meta" && !el.httpEquiv
    && !/^(og:url|og:image|twitter:image)/.test(
      el.getAttribute("property") || el.getAttribute("name") || "");
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) bad.push(`<${el.localName} ${a.name}="${a.value}">`);
      if (urlAttrs.has(name) && !(name === "content" && textMeta(el))
          && /^(javascript|vbscript|data:text\\/html)|url=javascript/.test(value))
        bad.push(`<${el.localName} ${a.name}="${a.value}">`);
      if (name === "style" && /expression\\(|javascript:|-moz-binding/.test(value))
        bad.push(`<${el.localName} style="${a.value}">`);
    }
    const tag = el.localName;
    if (["iframe", "object", "embed", "base", "frame", "frameset", "applet"].includes(tag))
      bad.push(`<${tag}>`);
    const sitePolicy = el.parentElement === document.head
      && (el.httpEquiv || "").toLowerCase() === "content-security-policy";
    if (tag === "meta" && el.httpEquiv && !sitePolicy)
      bad.push(`<meta http-equiv=${el.httpEquiv}>`);
    if (tag === "script" && /alert|msgbox/.test(el.textContent + (el.src || "")))
      bad.push(`<script>${el.textContent}</script>`);
  }
  return bad;
}"""

# Console words that mean injected code ran or was stopped from running.
_INJECTED_CONSOLE = ("alert", "msgbox", "Refused to execute", "Refused to load",
                     "Content Security Policy", "Uncaught")  # fmt: skip


class Watch:
    """Dialogs and console messages of one tab, and the check each page must pass."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.events: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.events.append(f"page error: {error}"))

    def _dialog(self, dialog: Dialog) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if any(word in message.text for word in _INJECTED_CONSOLE):
            self.events.append(f"console {message.type}: {message.text}")

    def visit(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(30)  # let autofocus, animations and onload fire
        injected = self.page.evaluate(FIND_INJECTED)
        assert injected == [], (url, injected)
        assert self.events == [], (url, self.events)


def _shown(text: str) -> str:
    """How a text reads once rendered as inert HTML (white space runs collapse)."""
    return " ".join(text.split())


@dataclass
class Seeded:
    """What the corpus was written into: by vector, its idea, its author and their comment."""

    app: Flask
    vectors: list[str]
    ideas: dict[str, int]
    authors: dict[str, int]
    comments: dict[str, int]
    staff: int


@pytest.fixture
def seeded(live_server: LiveServer) -> Iterator[Seeded]:
    """Every vector in every field, written as the app and the publisher's sources hold it.

    Status changes go through the board's service, so followers' emails are queued as in use;
    every other author's comment is hidden, so staff pages show hidden comments too."""
    store = live_server.store
    app = create_app({**TEST_CONFIG, **live_server.backend.settings,
                      "BASE_URL": live_server.url})  # fmt: skip
    vectors = VECTORS[:: SAMPLE_EVERY[live_server.backend.name]]
    staff = store.users.add("xss-staff@example.com", Role.MARKETER, vectors[0]).id
    found = Seeded(app, vectors, {}, {}, {}, staff)
    stances = list(Stance)
    for n, vector in enumerate(vectors):
        author = store.users.add(f"xss{n}@example.com", name=vector).id
        idea = store.ideas.add(Idea(vector, vector, "Drinks", author, tags=[vector])).id
        comment = store.comments.add(idea, author, vector, stances[n % 3]).id
        store.comments.add(idea, staff, vector, Stance.NEUTRAL, official=True)
        if n % 2:
            store.comments.set_hidden(comment, True)
        found.ideas[vector], found.authors[vector], found.comments[vector] = idea, author, comment
        with app.test_request_context("/"):
            service.change_status(
                idea, IdeaStatus.IMPLEMENTED, vector, store.users.get(staff), changed_note=vector
            )
        store.testimonials.add(Testimonial(
            vector, 1 + n % 5, vector, user_id=author, credit_role=vector,
            credit_company=vector, connection=vector, tags=[vector], featured=n < 3,
            state=TestimonialState.APPROVED, email_confirmed_at=utcnow(),
            consent_text="I agree", consent_version="1", consented_at=utcnow(),
        ))  # fmt: skip
    # Deliver now, as the server's mailer would within seconds: the emails are composed and
    # written out before anyone looks at them.
    outbox = FileTransport(live_server.data_dir / "outbox")
    Mailer(store, outbox, "t@example.com", app=app).deliver_due()
    yield found
    close_store(app)


def _sign_in(page: Page, seeded: Seeded, server: LiveServer, user_id: int) -> None:
    """Give the tab a session cookie for `user_id`, signed with the server's own key."""
    signer = seeded.app.session_interface.get_signing_serializer(seeded.app)  # type: ignore[attr-defined]
    cookie = signer.dumps({"_user_id": str(user_id), "_fresh": True})
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "session", "value": cookie, "url": server.url}])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture
def published(seeded: Seeded, live_server: LiveServer, site_project: Path) -> Iterator[str]:
    """The site published from the seeded data, served from its folder on 127.0.0.1."""
    site = site_project / "site"
    site.mkdir(parents=True, exist_ok=True)
    # The server holds its port from the start (a port found free, closed and bound again
    # after a publish of several seconds could be taken by then); it serves whatever the site
    # link points at when a page is asked for.
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    publish(live_server.store, site_project, site, live_server.url, url + "/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield url
    server.shutdown()
    server.server_close()


def test_vectors_stay_inert_on_the_board(
    seeded: Seeded, live_server: LiveServer, page: Page
) -> None:
    watch = Watch(page)
    for n in range(1, -(-len(seeded.vectors) // 20) + 1):
        watch.visit(f"{live_server.url}/ideas?sort=new&page={n}")
    watch.visit(f"{live_server.url}/")
    watch.visit(f"{live_server.url}/ideas/in-action")
    for vector, idea in seeded.ideas.items():
        watch.visit(f"{live_server.url}/ideas/{idea}")
        heading = page.locator("article h1").first.inner_text()
        assert _shown(heading) == _shown(vector), "the title is shown as typed"
        assert _shown(vector) in _shown(page.locator("article").inner_text())
    watch.visit(f"{live_server.url}/dev/outbox")


def test_vectors_stay_inert_in_forms_and_staff_pages(
    seeded: Seeded, live_server: LiveServer, page: Page
) -> None:
    """Where the words go back into forms (the name field, the comment being edited) and the
    staff panel with hidden comments: `"><` and `</textarea>` must not break out."""
    watch = Watch(page)
    for vector, author in seeded.authors.items():
        _sign_in(page, seeded, live_server, author)
        watch.visit(f"{live_server.url}/account")
        typed = page.locator("input[name=name]").input_value()
        assert matches(typed, one_line(vector), True), "the name field holds the name as typed"
        idea, comment = seeded.ideas[vector], seeded.comments[vector]
        watch.visit(f"{live_server.url}/ideas/{idea}/comments/{comment}/edit")
        assert page.locator("textarea[name=body]").input_value() == vector
    _sign_in(page, seeded, live_server, seeded.staff)
    watch.visit(f"{live_server.url}/admin/")
    for n, idea in enumerate(seeded.ideas.values()):
        if n % 2:  # the ideas with a hidden comment; the others read as on the board
            watch.visit(f"{live_server.url}/ideas/{idea}")
            assert page.locator("section.staff").count() == 1, "the staff panel is there"
            assert page.locator(".hidden-comment").count() == 1, "and the hidden comment"


def test_vectors_stay_inert_on_the_published_site(
    published: str, site_project: Path, page: Page, seeded: Seeded
) -> None:
    site = site_project / "site"
    # Not the redirects at the first addresses (/generated/): they hold no text and leave at
    # once, so there is no page left to read; where they lead is visited below.
    pages = sorted(
        path
        for path in (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        if not path.startswith(("assets/", "generated/")) and path != "404.html"
    )
    watch = Watch(page)
    for path in pages:
        watch.visit(f"{published}/{path}")
    for vector, idea in seeded.ideas.items():
        address = built_idea_page(site, idea).parent.relative_to(site).as_posix()
        watch.visit(f"{published}/{address}/")
        heading = page.locator("article h1").first.inner_text()
        assert _shown(heading) == _shown(vector), "the title is shown as typed"


def test_feed_json_and_emails_carry_vectors_as_inert_text(
    published: str, site_project: Path, live_server: LiveServer, seeded: Seeded
) -> None:
    generated = site_project / "site"
    feed = ET.fromstring((generated / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {e.findtext(f"{atom}title"): e.findtext(f"{atom}summary") for e in
               feed.iter(f"{atom}entry")}  # fmt: skip
    assert entries, "the feed lists the implemented ideas"
    for title, summary in entries.items():
        if title in seeded.ideas:
            assert summary == title, "the feed carries the note exactly as written"

    data = json.loads((generated / "testimonials.json").read_text(encoding="utf-8"))
    quotes = {t["quote"] for t in data["testimonials"]}
    assert set(seeded.vectors) <= quotes, "every testimonial quote comes back exactly"
    for t in data["testimonials"]:
        if t["quote"] in seeded.ideas:  # credits are one-line fields
            credit = one_line(t["quote"])
            assert all(matches(part, credit, True) for part in t["credit"].values()), t["credit"]

    # The server's mailer turns each status change's job into emails in the background.
    deadline = time.monotonic() + 30
    while live_server.store.jobs.pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    messages = live_server.store.messages.all()
    for vector in seeded.vectors:
        about = [m for m in messages if f"\n{vector}\n" in m.text]
        assert about, f"an email carries the response {vector!r} unchanged in its text part"
        greetings = {m.text.split("\n", 1)[0] for m in messages}
        assert any(
            matches(line, {f"Hello {n}," for n in one_line(vector)}, True) for line in greetings
        ), "and the name, under the one-line rule"
    for message in messages:
        if message.html:
            _assert_inert_html(message.html)


class _ActiveParts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "object", "embed", "base", "meta", "style", "svg", "math"}:
            self.bad.append(tag)
        for name, value in attrs:
            cleaned = "".join((value or "").split()).lower()
            if name.startswith("on") or cleaned.startswith(("javascript:", "vbscript:", "data:")):
                self.bad.append(f"{tag} {name}={value}")


def _assert_inert_html(html: str) -> None:
    parser = _ActiveParts()
    parser.feed(html)
    assert parser.bad == [], parser.bad
