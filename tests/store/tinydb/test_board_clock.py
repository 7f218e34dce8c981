"""The board's clock on a TinyDB folder: ticked before a write, settled once it is done, kept
small, and safe for a writer killed half-way."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from feedback_app.store import BoardQuery, Idea, TinyStore, open_store
from feedback_app.store.tinydb import revision
from tests.conftest import Backend
from tests.store.processes import run_together

pytestmark = pytest.mark.backends("tinydb")


def test_a_write_in_progress_is_counted_but_not_settled(store: TinyStore) -> None:
    idea = store.ideas.add(Idea("Більше безлактозних десертів", "d", "Food", 1)).id
    before = store.board_revision(settled=True)
    shard = store.collections["votes"].shard_for(idea)
    with shard.writing():
        assert store.board_revision() != before, "ticked before the data changes"
        assert store.board_revision(settled=True) is None, "nothing read now may be kept"
    assert store.board_revision(settled=True) == store.board_revision() != before


def test_the_clock_is_emptied_once_large_and_still_changes(
    store: TinyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(revision, "_ROTATE_AT", 10)
    idea = store.ideas.add(Idea("增加无糖饮品选项", "d", "Drinks", 1)).id
    seen = {store.board_revision()}
    for voter in range(30):
        store.votes.cast(idea, voter, 1)
        seen.add(store.board_revision())
        assert (store.root / revision.CLOCK_FILE).stat().st_size <= 11
    assert len(seen) == 31, "every vote gave a revision never seen before"


def _killed_mid_write(settings: dict[str, Any], idea_id: int, start: Any) -> None:
    store = open_store(settings)
    assert isinstance(store, TinyStore)
    start.wait()
    with store.collections["votes"].shard_for(idea_id).writing():
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_writer_killed_mid_write_leaves_the_revision_settled(
    store: TinyStore, backend: Backend
) -> None:
    idea = store.ideas.add(Idea("Mas maraming upuan", "d", "Stores", 1)).id
    before = store.board_revision()
    with pytest.raises(AssertionError, match="-9"):
        run_together(_killed_mid_write, [(backend.settings, idea)])
    assert store.board_revision(settled=True) not in (None, before)
    assert store.ideas.list(BoardQuery()).total == 1
