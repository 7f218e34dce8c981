"""A database that stops answering: the store raises Unavailable, the app answers 503 (never
500) and quickly, the CLI says so in one line; once the server is back, everything works
again without a restart."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from feedback_app.app import create_app
from feedback_app.cli import cli
from feedback_app.data import close_store
from feedback_app.dev.throwaway_pg import ThrowawayPostgres
from feedback_app.store import Idea, Unavailable
from feedback_app.store.postgres import PgStore
from tests.conftest import TEST_CONFIG, sign_in

pytestmark = pytest.mark.backends("postgresql")


@pytest.fixture
def server(postgres: object) -> Iterator[ThrowawayPostgres]:
    """A server of this test's own, to be stopped and started (`postgres`: PostgreSQL is
    there, or the session has already said how to install it)."""
    with ThrowawayPostgres(durable=False) as own:
        yield own


def test_a_stopped_database_is_unavailable_then_back(server: ThrowawayPostgres) -> None:
    url = server.create_database("board")
    store = PgStore(url)
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1)).id
    app = create_app({**TEST_CONFIG, "DATA_DIR": "/nonexistent", "DATABASE_URL": url})
    client = app.test_client()
    sign_in(client, store.users.add("olena@example.com").id)
    assert client.get(f"/ideas/{idea}").status_code == 200

    server.halt()
    for call in (lambda: store.ideas.get(idea), store.ping, lambda: store.votes.cast(idea, 1, 1)):
        with pytest.raises(Unavailable):
            call()
    for page in (f"/ideas/{idea}", "/ideas", "/", "/healthz"):
        started = time.monotonic()
        reply = client.get(page)
        assert reply.status_code == 503, (page, reply.status_code)
        assert "Temporarily unavailable" in reply.get_data(as_text=True)
        assert time.monotonic() - started < 5, f"{page} kept the visitor waiting"
    result = CliRunner(env={"VOICEBOX_DATABASE_URL": url}).invoke(cli, ["check"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot reach the database" in result.output

    server.start()
    deadline = time.monotonic() + 15
    while client.get(f"/ideas/{idea}").status_code != 200:
        assert time.monotonic() < deadline, "the app did not come back with the database"
        time.sleep(0.2)
    assert store.ideas.get(idea).title == "Більше безлактозних десертів"
    store.votes.cast(idea, 1, 1)
    assert store.votes.tally(idea) == (1, 0)
    store.close()
    close_store(app)
