"""What the store offers beyond records, so nothing above it touches files or SQL: a named
lock across processes, small status records, `check` and `clear`."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from feedback_app.store import Idea, LockTimeout, Store
from tests.conftest import ROOT, Backend

# Run by a second process: try the lock once, briefly, and say what happened.
_TRY_LOCK = """
import sys
from feedback_app.store import LockTimeout, open_store
store = open_store({"DATA_DIR": sys.argv[1], "DATABASE_URL": sys.argv[2]})
try:
    with store.lock(sys.argv[3], timeout=0.2):
        print("acquired")
except LockTimeout as exc:
    print("refused:", exc)
store.close()
"""


def _other_process_tries(backend: Backend, name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _TRY_LOCK, str(backend.data_dir), backend.url, name],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_named_lock_excludes_another_process_until_released(
    store: Store, backend: Backend
) -> None:
    with store.lock("publish"):
        refused = _other_process_tries(backend, "publish")
        assert refused.startswith("refused:") and "'publish' lock" in refused
        assert _other_process_tries(backend, "nightly-report") == "acquired", "names are separate"
    assert _other_process_tries(backend, "publish") == "acquired"


def test_a_named_lock_excludes_another_thread_and_another_store_object(
    store: Store, backend: Backend
) -> None:
    outcome: list[str] = []
    other = backend.open()

    def contender() -> None:
        try:
            with other.lock("publish", timeout=0.2):
                outcome.append("acquired")
        except LockTimeout:
            outcome.append("refused")

    with store.lock("publish"):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join()
    assert outcome == ["refused"]
    with other.lock("publish", timeout=0.2):
        outcome.append("acquired once released")
    assert outcome == ["refused", "acquired once released"]


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "meta.json", "", "Publish", "a b"])
def test_lock_and_status_names_are_words_never_paths(store: Store, name: str) -> None:
    with pytest.raises(ValueError), store.lock(name):
        pass
    with pytest.raises(ValueError):
        store.status.put(name, {"ok": True})
    with pytest.raises(ValueError):
        store.status.get(name)


def test_status_round_trips_unicode_for_every_process(store: Store, backend: Backend) -> None:
    record = {
        "at": "2026-11-30T20:00:00+00:00",
        "ok": False,
        "message": "Більше десертів; Сделайте латте; Mas maraming upuan; Cornetti; 无糖",
        "pages": [1, 2, 3],
    }
    assert store.status.get("publish") is None
    store.status.put("publish", record)
    assert backend.open().status.get("publish") == record
    store.status.put("publish", {"ok": True})
    assert backend.open().status.get("publish") == {"ok": True}, "replaced whole, not merged"
    assert store.status.get("other") is None


def test_status_holds_json_objects_only(store: Store) -> None:
    with pytest.raises(TypeError):
        store.status.put("publish", ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        store.status.put("publish", {"when": object()})
    assert store.status.get("publish") is None, "a refused record leaves nothing behind"


def test_check_counts_records(store: Store) -> None:
    assert store.check() == 0
    first = store.ideas.add(Idea("Кава з медом", "d", "Drinks", 1))
    store.ideas.add(Idea("无糖", "d", "Food", 1))
    store.votes.cast(first.id, 1, 1)
    assert store.check() == 3
    store.ping()


def test_clear_removes_every_record_for_every_process_and_keeps_status(
    store: Store, backend: Backend
) -> None:
    other = backend.open()
    idea = store.ideas.add(Idea("Сделайте латте на овсяном", "d", "Drinks", 1))
    store.votes.cast(idea.id, 1, 1)
    store.users.add("ana@example.com")
    store.status.put("publish", {"ok": True})
    key = store.secret_key()
    assert other.ideas.count() == 1
    store.clear()
    assert (other.ideas.count(), other.votes.count(), other.users.count()) == (0, 0, 0)
    assert backend.open().ideas.count() == 0
    assert store.status.get("publish") == {"ok": True}
    assert store.secret_key() == key, "sessions signed before a reset stay valid"
    again = store.ideas.add(Idea("Mas maraming upuan", "d", "Stores", 1))
    assert other.ideas.get(again.id).title == "Mas maraming upuan", "the store still works"
