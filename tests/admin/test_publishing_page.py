"""/admin/publishing: the last publish, what the next would change, and "publish now"."""

from __future__ import annotations

import re
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Idea, IdeaStatus, Role, Store
from generator.publish import last_publish
from tests.conftest import app_store, csrf_token, sign_in


def _implemented(store: Store, title: str, by: int) -> Idea:
    idea = store.ideas.add(Idea(title, "Please", "Drinks", by))
    return store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Done", by, "On the menu")


def test_the_page_shows_what_the_next_publish_would_add(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    marta = store.users.add("marta@example.com", Role.MARKETER).id
    sign_in(client, marta)
    idea = _implemented(store, "Овсяне молоко 燕麦奶", marta)
    page = client.get("/admin/publishing").get_data(as_text=True)
    assert "The site has not been published yet." in page
    assert "Add " in page and "Овсяне молоко 燕麦奶" in page
    cells = re.findall(r'<td data-label="Page">(.*?)</td>', page, re.DOTALL)
    assert cells and all(re.match(r'<span dir="auto">[^<]+</span>', c) for c in cells)
    assert any(f'<small class="note">File: ideas/{idea.id}.md</small>' in c for c in cells)
    assert "index.md" not in "".join(re.sub(r"<small.*?</small>", "", c) for c in cells), (
        "each file by its title, the path only secondary"
    )
    assert "Home page" in page
    assert "View the published site" not in page, "no link to a site not yet published"
    assert "Remove " not in page
    assert page.count("<td") == page.count("<td data-label=")


def test_publish_now_publishes_in_the_background_and_says_who_asked(
    app: Flask, client: FlaskClient, site_project: Path
) -> None:
    store = app_store(app)
    marta = store.users.add("marta@example.com", Role.MARKETER).id
    sign_in(client, marta)
    _implemented(store, "Oat milk", marta)
    reply = client.post("/admin/publishing/publish",
                        data={"csrf_token": csrf_token(client, "/admin/publishing")})  # fmt: skip
    assert reply.status_code == 302 and reply.headers["Location"] == "/admin/publishing"
    under_way = client.get("/admin/publishing").get_data(as_text=True)
    assert "A publish is under way" in under_way  # the build takes seconds
    assert '<a href="/admin/publishing">See whether it finished</a>' in under_way
    assert '<script src="/static/publishing.js" defer></script>' in under_way
    assert "Reload this page" not in under_way
    [entry] = store.audit.find(action="site.publish")
    assert entry.actor_id == marta and entry.target_kind == "site"
    deadline = time.monotonic() + 120
    while last_publish(store) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    done = last_publish(store)
    assert done is not None and done.get("ok"), done
    assert (site_project / "site" / "index.html").exists()
    page = client.get("/admin/publishing").get_data(as_text=True)
    assert "Nothing: the site already shows everything there is to publish." in page
    assert "files changed" in page
    assert f'<a href="{app.config["SITE_URL"]}">View the published site</a>' in page
    assert "publishing.js" not in page, "nothing to wait for: the page stays still"


def test_customers_and_strangers_cannot_publish(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    token = csrf_token(client, "/signin")
    reply = client.post("/admin/publishing/publish", data={"csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/signin")
    sign_in(client, store.users.add("olena@example.com").id)
    assert client.post("/admin/publishing/publish", data={"csrf_token": token}).status_code == 403
    assert client.get("/admin/publishing").status_code == 403
    assert store.audit.count() == 0 and last_publish(store) is None
