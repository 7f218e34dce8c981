"""What several hosts share through one database: named locks (released with a dead holder),
status records, the secret key, and the data itself with no folder involved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedback_app.store import LockTimeout, open_store
from feedback_app.store.postgres import PgStore
from tests.conftest import ROOT, Backend

pytestmark = pytest.mark.backends("postgresql")

_HOLD_LOCK = """
import sys, time
from feedback_app.store.postgres import PgStore
with PgStore(sys.argv[1]).lock("publish"):
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_database_url_opens_the_database_and_leaves_the_folder_alone(
    backend: Backend, data_dir: Path
) -> None:
    store = backend.open()
    assert isinstance(store, PgStore)
    store.users.add("ana@example.com")
    store.secret_key()
    assert not data_dir.exists(), "nothing is written to VOICEBOX_DATA_DIR"


def test_a_lock_is_shared_by_two_stores_on_one_database(backend: Backend) -> None:
    first, second = backend.open(), backend.open()
    with first.lock("publish"):
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="'publish' lock"), second.lock("publish", 0.3):
            pass
        assert time.monotonic() - started >= 0.3
        with second.lock("nightly-report", 0.3):
            pass
    with second.lock("publish", 0.3):
        pass


def test_a_lock_held_by_a_killed_process_is_free_at_once(backend: Backend) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, backend.url],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ},
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    store = backend.open()
    with pytest.raises(LockTimeout), store.lock("publish", 0.2):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with store.lock("publish", 10):  # the server ends the dead holder's session
        pass


def test_status_records_and_the_secret_key_are_the_same_for_every_host(backend: Backend) -> None:
    one, two = backend.open(), backend.open()
    key = one.secret_key()
    assert two.secret_key() == key and len(key) >= 32
    one.status.put("publish", {"ok": False, "message": "Більше десертів · 无糖", "pages": [1]})
    assert two.status.get("publish") == {"ok": False, "message": "Більше десертів · 无糖",
                                         "pages": [1]}  # fmt: skip
    two.status.put("publish", {"ok": True})
    assert one.status.get("publish") == {"ok": True}
    settings = {"DATA_DIR": "/nonexistent", "DATABASE_URL": backend.url}
    third = open_store(settings)
    assert third.secret_key() == key
    third.close()
