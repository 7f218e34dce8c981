"""A real publish: store -> Markdown -> MkDocs -> site/, checked as a prospect's browser would
receive it, and as a careful reviewer would (no scripts from users, no email addresses)."""

from __future__ import annotations

import importlib
import json
import re
import threading
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import jsonschema
import pytest
from flask import Flask

from feedback_app.demo import seed_demo
from feedback_app.store import (
    Idea,
    IdeaStatus,
    LockTimeout,
    Role,
    Store,
    Testimonial,
    TestimonialState,
    utcnow,
)
from generator.publish import (
    GENERATED,
    BuildError,
    last_publish,
    publish,
    publish_pending,
    publish_requested,
)  # fmt: skip
from generator.slugs import idea_slug
from tests.conftest import Backend, VoiceboxRunner, app_store, built_idea_page, idea_pages, sign_in

XSS_MARK = "vb-xss"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _approved(store: Store, text: str, **kw: object) -> None:
    fields = {"state": TestimonialState.APPROVED, "consented_at": utcnow(), "consent_text": "ok",
              "consent_version": "1", "email_confirmed_at": utcnow()}  # fmt: skip
    fields.update(kw)
    store.testimonials.add(Testimonial(text, 5, "Test Person", **fields))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _python_writes_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without PYTHONDONTWRITEBYTECODE: MkDocs loading the site's hook must
    not change the site's inputs (it once made every second publish rebuild)."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


@pytest.fixture
def published(store: Store, site_project: Path) -> tuple[Store, Path]:
    seed_demo(store)
    _approved(
        store, f'<script>alert("{XSS_MARK}")</script> <img src=x onerror=alert("{XSS_MARK}")>'
    )
    _approved(store, "Parola" + "lunghissima" * 30, tags=["tè", "oat milk"])
    _approved(store, "Not consented", consented_at=None)
    _approved(store, "Edited without asking", approved_text="Edited!", customer_approved_edit=False)
    store.ideas.set_status(
        store.ideas.add(Idea("[x](javascript:alert(1)) idea", "**Md** <b>x</b>", "Food", 1)).id,
        IdeaStatus.IMPLEMENTED, "Done", by=1, changed_note="Now inert",
    )  # fmt: skip
    publish(
        store, site_project, site_project / "site", "http://board.example", "http://site.example/"
    )
    return store, site_project / "site"


def _html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def _text(site: Path) -> str:
    return "\n".join(p.read_text() for p in _html_files(site))


def test_prospects_see_approved_testimonials_and_implemented_ideas(
    published: tuple[Store, Path],
) -> None:
    _, site = published
    home = (site / "index.html").read_text()
    assert "Найкраща кава в місті" in home, "featured testimonials on the home page"
    assert "ideas from customers implemented" in home
    wall = (site / "testimonials/index.html").read_text()
    for text in (
        "Finalmente cornetti vegani",
        "咖啡很好喝",
        "Ang sarap ng kape",
        "Employee of the company",
    ):
        assert text in wall
    everything = _text(site)
    for hidden in ("Great coffee, but the queue", "I changed my mind", "Not consented", "Edited"):
        assert hidden not in everything, f"{hidden!r} must not be published"
    assert "Oat, soy and almond milk now cost the same" in everything


def test_no_script_or_handler_comes_from_user_content(published: tuple[Store, Path]) -> None:
    class Check(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_script = False
            self.bad: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.in_script = tag == "script"
            for name, value in attrs:
                if XSS_MARK in (value or "") or (name == "href" and "javascript:" in (value or "")):
                    self.bad.append(f"<{tag} {name}={value}>")

        def handle_data(self, data: str) -> None:
            if self.in_script and XSS_MARK in data:
                self.bad.append(data)

    _, site = published
    for page in _html_files(site):
        checker = Check()
        checker.feed(page.read_text())
        assert checker.bad == [], page
    assert "&lt;script&gt;" in (site / "testimonials/index.html").read_text()


def test_no_email_address_anywhere_in_the_site(published: tuple[Store, Path]) -> None:
    _, site = published
    ours = [p for p in site.rglob("*") if p.is_file() and "assets" not in p.parts]
    for path in ours:
        found = EMAIL.findall(path.read_text(errors="ignore"))
        assert found == [], (path, found)


def test_feed_lists_implemented_ideas(published: tuple[Store, Path]) -> None:
    store, site = published
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    titles = {e.title for e in feed.entries}
    done = {i.title for i in store.ideas.all() if i.status.is_done}
    assert titles == done
    assert all(e.link.startswith("http://site.example/ideas/") for e in feed.entries)


def test_testimonials_json_matches_its_schema(published: tuple[Store, Path]) -> None:
    _, site = published
    data = json.loads((site / "testimonials.json").read_text())
    schema = json.loads(
        (Path(__file__).parents[2] / "generator/testimonials.schema.json").read_text()
    )
    jsonschema.validate(data, schema)
    quotes = [t["quote"] for t in data["testimonials"]]
    assert any("Найкраща кава" in q for q in quotes)
    assert not any("Not consented" in q for q in quotes)


def test_idea_page_links_back_to_the_board(published: tuple[Store, Path]) -> None:
    store, site = published
    idea = next(i for i in store.ideas.all() if i.title == "Oat milk at no extra charge")
    page = built_idea_page(site, idea.id).read_text()
    assert f'href="http://board.example/ideas/{idea.id}"' in page
    assert "Oat, soy and almond milk" in page and "What customers asked" in page


def test_same_data_publishes_identical_bytes_and_skips_the_build(
    published: tuple[Store, Path], site_project: Path, tmp_path: Path
) -> None:
    store, site = published
    generated = site_project / GENERATED
    before = {p: p.read_bytes() for p in generated.rglob("*") if p.is_file()}
    index_mtime = (site / "index.html").stat().st_mtime_ns
    again = publish(store, site_project, site, "http://board.example", "http://site.example/")
    assert not again.built and not again.summary.any
    assert {p: p.read_bytes() for p in generated.rglob("*") if p.is_file()} == before
    assert (site / "index.html").stat().st_mtime_ns == index_mtime
    assert last_publish(store)["ok"] is True  # type: ignore[index]


def test_a_change_is_published_and_removed_pages_go(
    published: tuple[Store, Path], site_project: Path
) -> None:
    store, site = published
    idea = next(i for i in store.ideas.all() if i.status is IdeaStatus.IMPLEMENTED)
    store.ideas.set_status(idea.id, IdeaStatus.IN_PROGRESS, "Reopened", by=1)
    result = publish(store, site_project, site, "http://board.example", "http://site.example/")
    assert result.built and f"ideas/{idea_slug(idea.id, idea.title)}.md" in result.summary.removed
    assert idea_pages(site, idea.id) == []


def test_a_failed_build_is_reported_to_staff(app: Flask, store: Store, site_project: Path) -> None:
    (site_project / "mkdocs.yml").write_text("theme: [unclosed")
    with pytest.raises(BuildError, match="MkDocs failed"):
        publish(store, site_project, site_project / "site", "http://b", "http://s/")
    status = last_publish(store)
    assert status is not None and status["ok"] is False and "MkDocs failed" in status["message"]
    console = app.test_client()
    sign_in(console, app_store(app).users.add("m@example.com", Role.MARKETER).id)
    page = console.get("/admin/").get_data(as_text=True)
    assert "The last publish failed" in page and "MkDocs failed" in page


def test_one_publish_at_a_time_through_the_stores_lock(
    store: Store, backend: Backend, site_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_module = importlib.import_module("generator.publish")
    monkeypatch.setattr(publish_module, "PUBLISH_WAIT_S", 0.2)
    site = site_project / "site"
    with backend.open().lock("publish"), pytest.raises(LockTimeout):
        publish(store, site_project, site, "http://b", "http://s/")
    assert not (site_project / GENERATED).exists(), "the waiting publish wrote nothing"
    publish(store, site_project, site, "http://b", "http://s/")
    assert last_publish(backend.open())["ok"] is True  # type: ignore[index]


def test_a_requested_publish_is_under_way_for_every_process_until_one_starts_after_it(
    store: Store, backend: Backend, site_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console of any app worker (or host) says a publish is under way from the moment one
    is asked for until a publish that started after the request has ended."""
    elsewhere = backend.open()  # another worker's store
    site = site_project / "site"
    assert not publish_pending(elsewhere)
    publish(store, site_project, site, "http://b", "http://s/")
    publish_requested(store)
    assert publish_pending(elsewhere), "asked for after the last publish started"
    with elsewhere.lock("publish"):  # a publish that is running, or waiting for the lock
        assert publish_pending(elsewhere)
    publish(store, site_project, site, "http://b", "http://s/")
    assert not publish_pending(elsewhere)
    (site_project / "mkdocs.yml").write_text("theme: [unclosed")
    publish_requested(store)
    with pytest.raises(BuildError):
        publish(store, site_project, site, "http://b", "http://s/")
    assert not publish_pending(elsewhere), "a failed publish has ended too (and says so)"
    publish_requested(store)
    monkeypatch.setattr(importlib.import_module("generator.publish"), "REQUEST_LOST_S", -1)
    assert not publish_pending(elsewhere), "a request its process never served is forgotten"


def test_sitemap_and_stylesheet(published: tuple[Store, Path]) -> None:
    _, site = published
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>http://site.example/testimonials/</loc>" in sitemap
    home = (site / "index.html").read_text()
    assert "stylesheets/voicebox.css" in home
    loaded = re.findall(r'<(?:link|script)[^>]+(?:href|src)="(https?://[^"]+)"', home)
    external = [url for url in loaded if not url.startswith("http://site.example/")]
    assert external == [], "the site loads nothing from other hosts (no font CDN)"
    assert "overflow-wrap: anywhere" in (site / "stylesheets/voicebox.css").read_text()


def test_publish_command_summarises_and_fails_clearly(
    runner: VoiceboxRunner, site_project: Path
) -> None:
    runner.invoke("demo", "--no-serve")  # the demo business's brand: Brewline's
    assert "1 changed" in runner.invoke("publish").output, "the site in this installation's brand"
    result = runner.invoke("publish")
    assert result.exit_code == 0, result.output
    assert "nothing changed, build skipped" in result.output
    (site_project / "mkdocs.yml").write_text("theme: [unclosed")
    failed = runner.invoke("publish", "--force")
    assert failed.exit_code == 1 and "MkDocs failed" in failed.output
    assert "Traceback" not in failed.output


def test_status_change_publishes_in_the_background(
    make_app: Callable[..., Flask],
    store: Store,
    site_project: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import csrf_token

    # The build waits until the request has answered. A request that waited for the build
    # would make the build give up, and the page below would never appear.
    publish_module = importlib.import_module("generator.publish")
    answered = threading.Event()
    real_build = publish_module.build_site

    def build_after_the_answer(*args: object, **kwargs: object) -> object:
        if not answered.wait(timeout=60):
            raise AssertionError("the request waited for the build")
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish_module, "build_site", build_after_the_answer)
    site = site_project / "site"
    app = make_app(AUTO_PUBLISH=True, PUBLISH_DELAY_S=0)
    idea = store.ideas.add(Idea("Bring back the cinnamon roll", "d", "Food", 1)).id
    client = app.test_client()
    sign_in(client, store.users.add("m@example.com", Role.MARKETER).id)
    token = csrf_token(client, f"/ideas/{idea}")
    reply = client.post(f"/ideas/{idea}", data={
        "csrf_token": token, "staff_form": "status", "status-status": "implemented",
        "status-response": "Back!",
        "status-changed_note": "Cinnamon rolls are back every Friday"})  # fmt: skip
    assert reply.status_code == 302
    answered.set()
    deadline = time.monotonic() + 60
    while not any("Cinnamon rolls are back every Friday" in p.read_text()
                  for p in idea_pages(site, idea)):  # fmt: skip
        if time.monotonic() > deadline:
            pytest.fail(f"the site was not republished: {last_publish(store)}")
        time.sleep(0.2)
