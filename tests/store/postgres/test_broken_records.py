"""A row whose document does not match its model (edited by hand, written by a bug): named by
`check` and `voicebox check`, a 503 where it is read, never a 500, and never rewritten."""

from __future__ import annotations

import psycopg
import pytest
from flask.testing import FlaskClient

from feedback_app.store import CorruptDataError, Idea, Store
from tests.conftest import Backend, VoiceboxRunner

pytestmark = pytest.mark.backends("postgresql")


def test_a_record_missing_a_field_is_named_and_answers_503(
    store: Store, backend: Backend, runner: VoiceboxRunner, client: FlaskClient
) -> None:
    kept = store.ideas.add(Idea("Cornetti vegani", "d", "Food", 1)).id
    broken = store.ideas.add(Idea("Більше десертів", "d", "Food", 1)).id
    with psycopg.connect(backend.url) as conn:
        conn.execute("UPDATE ideas SET doc = doc - 'title' WHERE id = %s", (broken,))
    with pytest.raises(CorruptDataError, match=f"record {broken}"):
        store.check()
    with pytest.raises(CorruptDataError):
        store.ideas.edit(broken, title="fixed by a write")
    result = runner.invoke("check")
    assert result.exit_code == 1 and f"record {broken}" in result.output, result.output
    assert "Traceback" not in result.output
    assert client.get(f"/ideas/{broken}").status_code == 503
    assert client.get(f"/ideas/{kept}").status_code == 200, "the other ideas still open"
    with psycopg.connect(backend.url) as conn:
        row = conn.execute("SELECT doc ? 'title' FROM ideas WHERE id = %s", (broken,)).fetchone()
    assert row == (False,), "the broken record was left as it was"
