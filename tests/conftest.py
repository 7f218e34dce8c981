"""Fixtures shared by every test: `app`, `client`, `runner`, and a `store` on tmp_path."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from feedback_app.app import create_app
from feedback_app.cli import cli
from feedback_app.mail import mailer, stop_mailers
from feedback_app.store import Store, TinyStore

# In CI the property-based tests draw the same examples on every run, so a landing is decided by
# the code, not by the draw; on a developer's machine every run explores new examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SINGLE_FILE = {
    name: 1
    for name in ("users", "ideas", "votes", "comments", "surveys", "testimonials", "followups")
}


@pytest.fixture(autouse=True)
def _no_mailer_left_running() -> Iterator[None]:
    """Apps built with background mail start a mailer thread: stop it when the test ends."""
    yield
    stop_mailers()


def run_mail_jobs(app: Flask) -> int:
    """What the background mailer does after a request: turn recorded jobs (a status change
    told to followers) into queued messages. Returns how many messages were queued."""
    with app.app_context():
        return mailer().run_jobs()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(params=["sharded", "single-file"])
def store(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Store]:
    """The store, once split over many files (the default) and once one file per collection."""
    opened = TinyStore(data_dir, shards=SINGLE_FILE if request.param == "single-file" else None)
    yield opened
    opened.close()


TEST_CONFIG = {
    "TESTING": True,
    "MAIL_IN_BACKGROUND": False,  # tests deliver explicitly, when they mean to
    "AUTO_PUBLISH": False,  # likewise
    "POST_LIMIT": (10_000, 60),
    "BASE_URL": "http://localhost",
}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def site_project(tmp_path: Path) -> Path:
    """A copy of mkdocs.yml and the hand-written site pages: tests never touch the real ones."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "site_src",
        project / "site_src",
        ignore=shutil.ignore_patterns("generated", "__pycache__"),
    )
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


@pytest.fixture
def app(data_dir: Path, site_project: Path) -> Flask:
    return create_app(
        {"DATA_DIR": str(data_dir), "SITE_PROJECT": str(site_project),
         "SITE_DIR": str(site_project / "site"), **TEST_CONFIG}
    )  # fmt: skip


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class VoiceboxRunner:
    """Runs the `voicebox` command against the test's data folder and site project."""

    def __init__(self, data_dir: Path, site_project: Path) -> None:
        self.data_dir = data_dir
        self.site_dir = site_project / "site"
        env = {"VOICEBOX_SITE_PROJECT": str(site_project), "VOICEBOX_SITE_DIR": str(self.site_dir)}
        self._runner = CliRunner(env=env)

    def invoke(self, *args: str, input: str | None = None) -> Result:
        return self._runner.invoke(cli, ["--data-dir", str(self.data_dir), *args], input=input)


@pytest.fixture
def runner(data_dir: Path, site_project: Path) -> VoiceboxRunner:
    return VoiceboxRunner(data_dir, site_project)


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    found = _CSRF.search(page)
    assert found, f"no CSRF token on {url}"
    return found.group(1) or found.group(2)


def sign_in(client: FlaskClient, user_id: int) -> None:
    """Sign a test client in as a user (the emailed-link flow has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


def next_after_sign_in(location: str) -> str | None:
    """Where a redirect to the sign-in page will send the person afterwards."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(location)
    assert parts.path == "/signin", location
    return parse_qs(parts.query).get("next", [None])[0]
