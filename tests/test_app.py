"""The app shell: settings, the secret key, error pages, security headers, the 503 page."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.config import SETTINGS, ConfigError, load_config
from feedback_app.store import Idea, Store, TinyStore

MakeApp = Callable[..., Flask]


def test_front_page_shows_trending_ideas_and_figures(client: FlaskClient, store: Store) -> None:
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1))
    store.votes.cast(idea.id, 1, 1)
    page = client.get("/").get_data(as_text=True)
    assert "Більше безлактозних десертів" in page
    assert "Trending ideas" in page


def test_empty_board_says_what_to_do(client: FlaskClient) -> None:
    assert "share the first" in client.get("/").get_data(as_text=True)


def test_secret_key_is_made_once_and_shared_by_every_app(make_app: MakeApp, store: Store) -> None:
    first = make_app(SECRET_KEY="")
    assert make_app(SECRET_KEY="").secret_key == first.secret_key == store.secret_key()
    assert len(first.secret_key) >= 32
    assert make_app(SECRET_KEY="configured").secret_key == "configured"


@pytest.mark.backends("tinydb")
def test_the_folder_keeps_the_secret_key_private(make_app: MakeApp, data_dir: Path) -> None:
    key = make_app(SECRET_KEY="").secret_key
    key_file = data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == key


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICEBOX_SITE_NAME", "Brewline")
    monkeypatch.setenv("VOICEBOX_MAX_UPLOAD_KB", "64")
    config = load_config(__import__("os").environ)
    assert config["SITE_NAME"] == "Brewline" and config["MAX_UPLOAD_KB"] == 64
    monkeypatch.setenv("VOICEBOX_WORKERS", "many")
    with pytest.raises(ConfigError, match="VOICEBOX_WORKERS"):
        load_config(__import__("os").environ)
    assert all(s.env.startswith("VOICEBOX_") for s in SETTINGS)


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_oversized_request_is_refused_with_413(make_app: MakeApp) -> None:
    app = make_app(MAX_UPLOAD_KB=1, WTF_CSRF_ENABLED=False)
    response = app.test_client().post("/", data={"text": "x" * 5000})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    for url in ("/", "/missing"):
        headers = client.get(url).headers
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.backends("tinydb")
def test_broken_data_file_gives_503_and_is_left_alone(
    client: FlaskClient, store: TinyStore
) -> None:
    idea = store.ideas.add(Idea("t", "d", "c", 1))
    shard, _ = store.collections["ideas"].split_id(idea.id)
    shard.path.write_text("{broken")
    response = client.get("/")
    assert response.status_code == 503
    assert "cannot be read" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    assert shard.path.read_text() == "{broken"


def test_health_check_says_ok_and_nothing_about_storage(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True}


def test_an_unexpected_error_gives_the_500_page(app: Flask) -> None:
    def broken() -> str:
        raise RuntimeError("bug")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
