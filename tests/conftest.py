"""Fixtures shared by every test: `app`, `client`, `runner`, and a `store` on tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

from feedback_app import create_app
from feedback_app.cli import cli
from feedback_app.store import Store

SINGLE_FILE = {
    name: 1
    for name in ("users", "ideas", "votes", "comments", "surveys", "testimonials", "followups")
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(params=["sharded", "single-file"])
def store(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Store]:
    """The store, once split over many files (the default) and once one file per collection."""
    opened = Store(data_dir, shards=SINGLE_FILE if request.param == "single-file" else None)
    yield opened
    opened.close()


@pytest.fixture
def app(data_dir: Path) -> Flask:
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class VoiceboxRunner:
    """Runs the `voicebox` command against the test's data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._runner = CliRunner()

    def invoke(self, *args: str, input: str | None = None) -> Result:
        return self._runner.invoke(cli, ["--data-dir", str(self.data_dir), *args], input=input)


@pytest.fixture
def runner(data_dir: Path) -> VoiceboxRunner:
    return VoiceboxRunner(data_dir)
