"""What the store offers beyond records, so nothing above it touches files: a named lock across
processes, small status records, `check`, `backup` / `restore` and `clear`."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from feedback_app.store import CorruptDataError, Idea, LockTimeout, Store, TinyStore
from tests.conftest import ROOT

# Run by a second process: try the lock once, briefly, and say what happened.
_TRY_LOCK = """
import sys
from feedback_app.store import LockTimeout, Store
try:
    with TinyStore(sys.argv[1]).lock(sys.argv[2], timeout=0.2):
        print("acquired")
except LockTimeout as exc:
    print("refused:", exc)
"""


def _other_process_tries(store: Store, name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _TRY_LOCK, store.location, name],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_named_lock_excludes_another_process_until_released(store: Store) -> None:
    with store.lock("publish"):
        refused = _other_process_tries(store, "publish")
        assert refused.startswith("refused:") and "'publish' lock" in refused
        assert _other_process_tries(store, "nightly-report") == "acquired", "names are separate"
    assert _other_process_tries(store, "publish") == "acquired"


def test_a_named_lock_excludes_another_thread_and_another_store_object(store: Store) -> None:
    outcome: list[str] = []

    def contender() -> None:
        try:
            with TinyStore(store.root).lock("publish", timeout=0.2):
                outcome.append("acquired")
        except LockTimeout:
            outcome.append("refused")

    with store.lock("publish"):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join()
    assert outcome == ["refused"]


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "meta.json", "", "Publish", "a b"])
def test_lock_and_status_names_are_words_never_paths(store: Store, name: str) -> None:
    with pytest.raises(ValueError), store.lock(name):
        pass
    with pytest.raises(ValueError):
        store.status.put(name, {"ok": True})
    assert not (store.root.parent / "escape.lock").exists()


def test_status_round_trips_unicode_for_every_process(store: Store) -> None:
    record = {
        "at": "2026-11-30T20:00:00+00:00",
        "ok": False,
        "message": "Більше десертів; Сделайте латте; Mas maraming upuan; Cornetti; 无糖",
        "pages": [1, 2, 3],
    }
    assert store.status.get("publish") is None
    store.status.put("publish", record)
    assert TinyStore(store.root).status.get("publish") == record
    store.status.put("publish", {"ok": True})
    assert TinyStore(store.root).status.get("publish") == {"ok": True}, "replaced whole, not merged"
    assert store.status.get("other") is None


def test_status_holds_json_objects_only(store: Store) -> None:
    with pytest.raises(TypeError):
        store.status.put("publish", ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.status.put("publish", {"when": object()})
    assert store.status.get("publish") is None, "a refused record leaves nothing behind"


def test_check_counts_records_and_names_a_broken_one(store: Store) -> None:
    assert store.check() == 0
    first = store.ideas.add(Idea("Кава з медом", "d", "Drinks", 1))
    store.ideas.add(Idea("无糖", "d", "Food", 1))
    store.votes.cast(first.id, 1, 1)
    assert store.check() == 3
    shard, _ = store.collections["ideas"].split_id(first.id)
    shard.path.write_bytes(b"{")
    with pytest.raises(CorruptDataError) as err:
        TinyStore(store.root).check()
    assert str(shard.path) in str(err.value)


def test_backup_and_restore_through_the_store_report_progress(store: Store, tmp_path: Path) -> None:
    kept = store.ideas.add(Idea("Cornetti integrali", "d", "Food", 1))
    archive = tmp_path / "snapshot.zip"
    seen: list[tuple[int, int]] = []
    assert store.backup(archive, lambda done, total: seen.append((done, total))) >= 1
    assert seen and seen[-1][0] == seen[-1][1] and len({total for _, total in seen}) == 1
    store.ideas.add(Idea("added later", "d", "Food", 1))
    restored: list[tuple[int, int]] = []
    store.restore(archive, lambda done, total: restored.append((done, total)))
    assert restored[-1][0] == restored[-1][1]
    assert [i.title for i in TinyStore(store.root).ideas.all()] == ["Cornetti integrali"]
    assert store.ideas.get(kept.id).title == "Cornetti integrali"


def test_clear_removes_every_record_for_every_process_and_keeps_status(store: Store) -> None:
    other = TinyStore(store.root)
    idea = store.ideas.add(Idea("Сделайте латте на овсяном", "d", "Drinks", 1))
    store.votes.cast(idea.id, 1, 1)
    store.users.add("ana@example.com")
    store.status.put("publish", {"ok": True})
    assert other.ideas.count() == 1
    store.clear()
    assert (other.ideas.count(), other.votes.count(), other.users.count()) == (0, 0, 0)
    assert TinyStore(store.root).ideas.count() == 0
    assert store.status.get("publish") == {"ok": True}
    again = store.ideas.add(Idea("Mas maraming upuan", "d", "Stores", 1))
    assert other.ideas.get(again.id).title == "Mas maraming upuan", "the store still works"


def test_clear_removes_a_broken_data_file(store: Store) -> None:
    idea = store.ideas.add(Idea("t", "d", "c", 1))
    shard, _ = store.collections["ideas"].split_id(idea.id)
    shard.path.write_bytes(b"{")
    store.clear()
    assert store.check() == 0
