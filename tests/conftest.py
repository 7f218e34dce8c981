"""Fixtures shared by every test: `backend`, `store`, `app`, `client`, `runner`.

Every test that asks for the store, the app, the client or the runner runs once per store
backend: on a TinyDB folder in tmp_path (`[tinydb]`) and on a fresh PostgreSQL database
(`[postgresql]`), so the whole suite is the conformance suite of the store contract. A test
about one backend's own machinery says so with `@pytest.mark.backends("tinydb")`.

PostgreSQL is a throwaway server started on first need and stopped at the end of the session
(see `feedback_app/dev/throwaway_pg.py`). Each test gets a database equal to a fresh copy of
the migrated schema, with no rows, locks or sessions left by the test before
(`PostgresDatabases`). Without PostgreSQL's programs the tests fail saying how to install
them; they are never skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from psycopg import sql

from feedback_app.app import create_app
from feedback_app.cli import cli
from feedback_app.data import close_store, get_store
from feedback_app.dev.throwaway_pg import PostgresMissing, ThrowawayPostgres
from feedback_app.mail import mailer, stop_mailers
from feedback_app.publishing import stop_publishers
from feedback_app.store import Store, open_store

# In CI the property-based tests draw the same examples on every run, so a landing is decided by
# the code, not by the draw; on a developer's machine every run explores new examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

BACKENDS = ("tinydb", "postgresql")
TEMPLATE_DB = "voicebox_template"
TEST_DB = "voicebox_test"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): the store backends a test runs on (default: all of them)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses the `backend` fixture (directly, or through `store`, `app`,
    `client` or `runner`) runs once per backend its `backends` mark allows."""
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    names = marker.args if marker else BACKENDS
    unknown = set(names) - set(BACKENDS)
    if unknown:
        raise pytest.UsageError(f"unknown backends {sorted(unknown)} in {metafunc.function}")
    metafunc.parametrize("backend", list(names), indirect=True)


@pytest.fixture(autouse=True)
def _no_database_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """A VOICEBOX_DATABASE_URL of the developer's never reaches a test: each test's data is
    its own (the `backend` fixture sets the variable for the tests that use it)."""
    monkeypatch.delenv("VOICEBOX_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def _no_mailer_left_running() -> Iterator[None]:
    """Apps built with background mail start a mailer thread: stop it when the test ends."""
    yield
    stop_mailers()


@pytest.fixture(autouse=True)
def _no_publisher_left_running() -> Iterator[None]:
    """A publish asked for in a test ("publish now") runs in a thread: let it finish and stop
    it when the test ends, so it never writes into the next test's data."""
    yield
    stop_publishers()


def run_mail_jobs(app: Flask) -> int:
    """What the background mailer does after a request: turn recorded jobs (a status change
    told to followers) into queued messages. Returns how many messages were queued."""
    with app.app_context():
        return mailer().run_jobs()


class PostgresDatabases:
    """The session's throwaway server and the one database the tests use in turn.

    Between tests the database is made equal to a fresh copy of the migrated template: every
    other session on it is ended (taking its locks, advisory ones included, with it), every
    row deleted and every id sequence restarted. A test that changed the schema itself gets a
    new copy of the template instead. Measured in one run on 2 busy cores: emptying 7-9 ms a
    test, against 90-145 ms to copy the template and drop the copy.
    """

    def __init__(self, server: ThrowawayPostgres) -> None:
        from feedback_app.store.postgres import PgStore

        self.server = server
        template = server.create_database(TEMPLATE_DB)
        PgStore(template).close()  # the migrations, run once
        with psycopg.connect(template) as conn:
            self._tables = [r[0] for r in conn.execute(_TABLES).fetchall()]
            self._sequences = [r[0] for r in conn.execute(_SEQUENCES).fetchall()]
            self._shape = conn.execute(_SHAPE).fetchone()
        self.url = server.create_database(TEST_DB, template=TEMPLATE_DB)
        self.sessions_left_open = 0
        self.recreated = 0
        self._conn: psycopg.Connection[Any] | None = None
        self._empty = sql.SQL("; ").join(
            [sql.SQL("DELETE FROM {}").format(sql.Identifier(t)) for t in self._tables]
            + [
                sql.SQL("ALTER SEQUENCE {} RESTART").format(sql.Identifier(q))
                for q in self._sequences
            ]
        )

    def empty(self) -> str:
        """The test database, empty and migrated; returns its URL."""
        conn = self._connection()
        ended = conn.execute(_END_OTHER_SESSIONS).fetchall()
        self.sessions_left_open += len(ended)
        if conn.execute(_SHAPE).fetchone() != self._shape:
            self.recreated += 1
            conn.close()
            self.server.drop_database(TEST_DB)
            self.server.create_database(TEST_DB, template=TEMPLATE_DB)
            return self.url
        with conn.transaction():
            conn.execute(self._empty)
        return self.url

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def _connection(self) -> psycopg.Connection[Any]:
        """The fixture's own session on the test database, kept from test to test."""
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn


# The tables and id sequences of the migrated schema (all but its version), and a fingerprint
# of the schema that tells when a test changed it.
_TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
    "AND tablename <> 'schema_version' ORDER BY tablename"
)
_SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
_SHAPE = (
    "SELECT (SELECT max(version) FROM schema_version), (SELECT md5(string_agg(col, ',' "
    "ORDER BY col)) FROM (SELECT c.relname || '.' || a.attname || ':' || a.atttypid AS col"
    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
    " WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped)"
    " AS columns)"
)
_END_OTHER_SESSIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


_DATABASES = pytest.StashKey["PostgresDatabases"]()


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> Iterator[PostgresDatabases]:
    """A throwaway PostgreSQL for the whole session, started when a test first needs it and
    stopped at the end of the session, whatever happened."""
    try:
        server = ThrowawayPostgres(durable=False)
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    with server:
        databases = PostgresDatabases(server)
        request.config.stash[_DATABASES] = databases
        yield databases
        databases.close()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say how many database sessions tests left open (each a store nobody closed), and how
    often the test database had to be copied anew."""
    databases = config.stash.get(_DATABASES, None)
    if databases is not None:
        terminalreporter.write_line(
            f"PostgreSQL: {databases.sessions_left_open} sessions were left open by tests "
            f"and ended before the next test; {databases.recreated} tests changed the schema "
            "(the next got a new copy of the template)"
        )


@dataclass
class Backend:
    """Where one test's data lives: the TinyDB folder `data_dir`, or the PostgreSQL database
    at `url`. `settings` are what `open_store`, `create_app` and the CLI are given."""

    name: str
    data_dir: Path
    url: str = ""
    opened: list[Store] = field(default_factory=list)

    @property
    def settings(self) -> dict[str, Any]:
        return {"DATA_DIR": str(self.data_dir), "DATABASE_URL": self.url}

    @property
    def env(self) -> dict[str, str]:
        """The same, as the VOICEBOX_* variables a `voicebox` process reads."""
        return {"VOICEBOX_DATA_DIR": str(self.data_dir), "VOICEBOX_DATABASE_URL": self.url}

    def open(self) -> Store:
        """Another store object on the test's data: what a second process would see. Closed
        when the test ends."""
        store = open_store(self.settings)
        self.opened.append(store)
        return store

    def close(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def backend(
    request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Backend]:
    """The store backend this run of the test is about (see `pytest_generate_tests`).

    VOICEBOX_DATABASE_URL is set to match, so whatever reads the environment (the CLI, a
    served process) finds the same data as the test does."""
    name = getattr(request, "param", "tinydb")
    url = request.getfixturevalue("postgres").empty() if name == "postgresql" else ""
    monkeypatch.setenv("VOICEBOX_DATABASE_URL", url)
    chosen = Backend(name, data_dir, url)
    yield chosen
    chosen.close()


@pytest.fixture
def store(backend: Backend) -> Store:
    """The store, on each backend in turn."""
    return backend.open()


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
def make_app(backend: Backend, site_project: Path) -> Iterator[Callable[..., Flask]]:
    """Builds apps on the test's data and site project, with `TEST_CONFIG` and any settings
    given on top; their stores are closed when the test ends."""
    built: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = create_app(
            {**backend.settings, "SITE_PROJECT": str(site_project),
             "SITE_DIR": str(site_project / "site"), **TEST_CONFIG, **config}
        )  # fmt: skip
        built.append(app)
        return app

    yield make
    for app in built:
        close_store(app)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


def app_store(app: Flask) -> Store:
    """The store `app` itself uses (closed with the app when the test ends)."""
    with app.app_context():
        return get_store()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class VoiceboxRunner:
    """Runs the `voicebox` command against the test's data and site project."""

    def __init__(self, backend: Backend, site_project: Path) -> None:
        self.data_dir = backend.data_dir
        self.site_dir = site_project / "site"
        env = {"VOICEBOX_SITE_PROJECT": str(site_project), "VOICEBOX_SITE_DIR": str(self.site_dir),
               "VOICEBOX_DATABASE_URL": backend.url}  # fmt: skip
        self._runner = CliRunner(env=env)

    def invoke(self, *args: str, input: str | None = None) -> Result:
        return self._runner.invoke(cli, ["--data-dir", str(self.data_dir), *args], input=input)

    def use_database(self, url: str) -> None:
        """Run the command on the database `url` from now on ("" for the data folder)."""
        self._runner.env["VOICEBOX_DATABASE_URL"] = url


@pytest.fixture
def runner(backend: Backend, site_project: Path) -> VoiceboxRunner:
    return VoiceboxRunner(backend, site_project)


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


def idea_pages(site: Path, idea_id: int) -> list[Path]:
    """The built pages of an Idea in Action (at /ideas/<slug>/), found by the idea's number."""
    return [*site.glob(f"ideas/{idea_id}/index.html"), *site.glob(f"ideas/{idea_id}-*/index.html")]


def built_idea_page(site: Path, idea_id: int) -> Path:
    """The one built page of an Idea in Action."""
    found = idea_pages(site, idea_id)
    assert len(found) == 1, f"idea {idea_id}: {found}"
    return found[0]
