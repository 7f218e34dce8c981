"""`Store.scan`: a collection batch by batch, for downloads as long as the collection."""

from __future__ import annotations

import pytest

from feedback_app.store import Idea, Store
from feedback_app.store.models import AuditEntry


def test_scan_hands_out_every_record_in_order_in_batches(store: Store) -> None:
    ids = [store.audit.add(AuditEntry(f"idea.edit {n}", target_id=n)).id for n in range(7)]
    batches = list(store.scan("audit", batch=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    entries = [entry for b in batches for entry in b]
    assert [record_id for record_id, _ in entries] == sorted(ids), "by id"
    assert {doc["action"] for _, doc in entries} == {f"idea.edit {n}" for n in range(7)}


def test_scan_of_votes_gives_their_natural_keys(store: Store) -> None:
    idea = store.ideas.add(Idea("Ранкова кава", "d", "Drinks", 1))
    for user in (5, 3, 9):
        store.votes.cast(idea.id, user, 1 if user != 3 else -1)
    rows = [doc for batch in store.scan("votes") for _, doc in batch]
    assert [(d["user_id"], d["value"]) for d in rows] == [(3, -1), (5, 1), (9, 1)]


def test_a_scan_stopped_early_lets_writers_on(store: Store) -> None:
    for n in range(5):
        store.audit.add(AuditEntry("x", target_id=n))
    scan = store.scan("audit", batch=2)
    next(scan)
    store.audit.add(AuditEntry("written while a download runs"))
    scan.close()
    assert store.audit.count() == 6


def test_scan_refuses_a_name_that_is_no_collection(store: Store) -> None:
    with pytest.raises(ValueError):
        list(store.scan("passwords"))
