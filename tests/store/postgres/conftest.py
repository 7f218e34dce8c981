"""PostgreSQL's own machinery: databases of their own for tests that need one empty (not
migrated) or changed beyond what the shared test database allows."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import Backend, PostgresDatabases

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _on_postgresql(backend: Backend) -> None:
    """Every test here is about PostgreSQL: each is parametrised `[postgresql]` like the
    conformance suite's, so `-k postgresql` selects them all."""


@pytest.fixture
def new_database(postgres: PostgresDatabases) -> Iterator[Callable[[], str]]:
    """Makes empty databases (no schema at all); returns their URLs. Dropped afterwards."""
    made: list[str] = []

    def make() -> str:
        name = f"own_{next(_numbers)}"
        made.append(name)
        return postgres.server.create_database(name, template="template0")

    yield make
    for name in made:
        postgres.server.drop_database(name)
