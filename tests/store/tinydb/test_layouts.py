"""A TinyDB folder is split as its `meta.json` says (older folders may differ from today's
default): the store keeps the contract with one file per collection as with many."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from feedback_app.store import BoardQuery, Idea, Message, TinyStore, utcnow
from feedback_app.store.tinydb.schema import DEFAULT_SHARDS

pytestmark = pytest.mark.backends("tinydb")


@pytest.fixture
def one_file_each(data_dir: Path) -> TinyStore:
    store = TinyStore(data_dir, shards=dict.fromkeys(DEFAULT_SHARDS, 1))
    assert {c.size for c in store.collections.values()} == {1}
    return store


def test_ids_listings_and_tallies_on_one_file_per_collection(one_file_each: TinyStore) -> None:
    store = one_file_each
    ids = [store.ideas.add(Idea(f"Ідея {n}", "d", "Food", 1)).id for n in range(5)]
    assert len(set(ids)) == 5
    for voter in range(3):
        store.votes.cast(ids[2], voter, 1)
    store.comments.add(ids[4], 1, "无糖")
    top = store.ideas.list(BoardQuery(sort="top", per_page=2))
    assert [s.idea.id for s in top.items] == [ids[2], ids[4]] and top.total == 5
    assert store.ideas.summary(ids[4]).comments == 1
    assert TinyStore(store.root).votes.tally(ids[2]) == (3, 0), "the split is read from meta"


def test_the_outbox_claims_in_order_on_one_file(one_file_each: TinyStore) -> None:
    store = one_file_each
    ids = [store.messages.enqueue(Message(f"p{n}@example.com", "Hi", "b")).id for n in range(4)]
    now = utcnow()
    claimed = store.messages.claim_due(timedelta(seconds=60), now, 3)
    assert [m.id for m in claimed] == ids[:3]
    assert [m.id for m in store.messages.claim_due(timedelta(seconds=60), now)] == ids[3:]
