"""Rate limits shared by every process, on every form post."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from feedback_app.store import Store
from tests.conftest import Backend, csrf_token

MakeApp = Callable[..., Flask]


def test_posts_over_the_limit_get_429(make_app: MakeApp) -> None:
    app = make_app(POST_LIMIT=(3, 60))
    client = app.test_client()
    token = csrf_token(client, "/signin")
    codes = [
        client.post("/signin", data={"csrf_token": token, "email": f"p{n}@example.com"}).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert "Wait a minute" in client.post("/signin").get_data(as_text=True)
    assert client.get("/signin").status_code == 200, "reading is not limited"


def test_a_post_over_the_limit_comes_back_with_what_was_typed(make_app: MakeApp) -> None:
    app = make_app(POST_LIMIT=(1, 60))
    client = app.test_client()
    token = csrf_token(client, "/signin")
    client.post("/signin", data={"csrf_token": token, "email": "first@example.com"})
    refused = client.post("/signin", data={"csrf_token": token, "email": "олена@приклад.укр"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    page = refused.get_data(as_text=True)
    assert "олена@приклад.укр" in page and "Send again" in page, "nothing typed is lost"


def test_limit_counts_are_shared_between_processes(store: Store, backend: Backend) -> None:
    other = backend.open()
    assert store.limits.hit("k", 2, 60, now=1000.0)
    assert other.limits.hit("k", 2, 60, now=1001.0)
    assert not store.limits.hit("k", 2, 60, now=1002.0)
    assert store.limits.hit("k", 2, 60, now=1060.0), "a new window starts afresh"
