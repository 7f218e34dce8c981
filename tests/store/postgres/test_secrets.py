"""A password in VOICEBOX_DATABASE_URL never shows: not in `location`, not in any error the
store, the CLI or the app gives, not in the log."""

from __future__ import annotations

import logging
from collections.abc import Callable

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask

from feedback_app.cli import cli
from feedback_app.store import LockTimeout, StoreError, open_store
from feedback_app.store.postgres import PgStore
from tests.conftest import Backend

pytestmark = pytest.mark.backends("postgresql")

SECRET = "s3cret-Пароль"


def _with_password(url: str) -> str:
    """The test database's URL with a password (the throwaway server trusts any)."""
    return url.replace("postgresql://voicebox@", f"postgresql://voicebox:{SECRET}@", 1)


def _unreachable(url: str) -> str:
    return _with_password(url).split("?", 1)[0] + "?host=/nonexistent&port=1"


def test_location_and_errors_of_the_store_never_show_the_password(
    backend: Backend, new_database: Callable[[], str]
) -> None:
    store = PgStore(_with_password(backend.url))
    assert SECRET not in store.location and "voicebox" in store.location
    messages = []
    with store.lock("publish"):
        other = PgStore(_with_password(backend.url))
        with pytest.raises(LockTimeout) as timeout, other.lock("publish", 0.1):
            pass
        messages.append(str(timeout.value))
        other.close()
    store.close()
    newer = new_database()
    PgStore(newer).close()
    with psycopg.connect(newer) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (999)")
    bad_urls = [
        _with_password(newer),
        _unreachable(backend.url),
        f"postgresql://voicebox:{SECRET}@[broken/voicebox",
        f"postgresql://voicebox:{SECRET}@/voicebox?host=/tmp&port=notaport",
    ]
    kinds = []
    for url in bad_urls:
        with pytest.raises(StoreError) as err:
            open_store({"DATA_DIR": "/nonexistent", "DATABASE_URL": url})
        kinds.append(type(err.value).__name__)
        assert "\n" not in str(err.value), "one line, for the CLI and the log"
        chain = [err.value, err.value.__cause__, err.value.__context__]
        messages += [str(e) for e in chain if e is not None]
    assert kinds == ["SchemaError", "Unavailable", "UnsupportedBackend", "Unavailable"]
    assert [m for m in messages if SECRET in m] == []


@pytest.mark.parametrize("reachable", [True, False])
def test_the_cli_never_prints_the_password(backend: Backend, reachable: bool) -> None:
    url = _with_password(backend.url) if reachable else _unreachable(backend.url)
    result = CliRunner(env={"VOICEBOX_DATABASE_URL": url}).invoke(cli, ["check"])
    assert result.exit_code == (0 if reachable else 1), result.output
    assert SECRET not in result.output and "Traceback" not in result.output
    assert ("read correctly" if reachable else "cannot reach the database") in result.output


@pytest.mark.parametrize("reachable", [True, False])
def test_the_app_never_shows_or_logs_the_password(
    make_app: Callable[..., Flask],
    backend: Backend,
    caplog: pytest.LogCaptureFixture,
    reachable: bool,
) -> None:
    url = _with_password(backend.url) if reachable else _unreachable(backend.url)
    caplog.set_level(logging.DEBUG)
    app = make_app(DATABASE_URL=url, SECRET_KEY="")
    client = app.test_client()
    for page in ("/", "/ideas", "/healthz", "/signin"):
        reply = client.get(page)
        assert reply.status_code == (200 if reachable else 503), page
        assert SECRET not in reply.get_data(as_text=True)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in logged
    if not reachable:
        assert "cannot reach the database" in logged
