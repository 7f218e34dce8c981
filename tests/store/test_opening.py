"""`open_store(settings)`: the one place that picks where the data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_app.config import load_config
from feedback_app.store import Idea, StoreError, TinyStore, UnsupportedBackend, open_store


def test_without_a_database_url_the_data_is_the_folder_in_data_dir(data_dir: Path) -> None:
    settings = {**load_config({}), "DATA_DIR": str(data_dir)}
    store = open_store(settings)
    assert isinstance(store, TinyStore)
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1))
    assert TinyStore(data_dir).ideas.get(idea.id).title == "Більше безлактозних десертів"
    assert open_store({"DATA_DIR": str(data_dir), "DATABASE_URL": ""}).ideas.count() == 1


@pytest.mark.parametrize(
    "url", ["mysql://u:s3cret@h/db", "sqlite:///s3cret.db", "nonsense", "s3cret@db.example"]
)
def test_a_database_url_of_another_kind_is_refused_in_one_clear_line(
    data_dir: Path, url: str
) -> None:
    with pytest.raises(UnsupportedBackend) as err:
        open_store({"DATA_DIR": str(data_dir), "DATABASE_URL": url})
    message = str(err.value)
    assert isinstance(err.value, StoreError), "the CLI and the app report store errors in one line"
    assert "\n" not in message
    assert "VOICEBOX_DATABASE_URL" in message and "postgresql://" in message
    assert "s3cret" not in message, "a password in the URL is never echoed"
    assert not data_dir.exists(), "nothing was written to the folder instead"


@pytest.mark.parametrize(
    "url", ["mysql://u:s3cret@h/db", "postgresql://voicebox:s3cret@/voicebox?host=/nonexistent"]
)
def test_the_app_answers_503_not_500_when_the_store_cannot_be_opened(
    data_dir: Path, url: str
) -> None:
    from feedback_app.app import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATA_DIR": str(data_dir), "DATABASE_URL": url})
    for page in ("/healthz", "/", "/ideas", "/signin"):
        response = app.test_client().get(page)
        assert response.status_code == 503, page
        assert "s3cret" not in response.get_data(as_text=True)
