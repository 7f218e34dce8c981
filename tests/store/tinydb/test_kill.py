"""A process writing the TinyDB folder killed with `kill -9` mid-write: every write it
acknowledged is on disk, and every file still parses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from feedback_app.store import Idea, Store, TinyStore

pytestmark = pytest.mark.backends("tinydb")

CRASHING_WRITER = textwrap.dedent(
    """
    import sys
    from feedback_app.store import TinyStore
    from feedback_app.store.tinydb import storage
    if sys.argv[3] == "rewrite-often":  # fold the journal into the file every few writes
        storage._COMPACT_AT_LEAST = 0
    store = TinyStore(sys.argv[1])
    idea = int(sys.argv[2])
    n = 0
    while True:
        comment = store.comments.add(idea, 1, f"comment {n}")
        store.votes.cast(idea, 100_000 + n, 1)
        print(comment.id, 100_000 + n, flush=True)
        n += 1
    """
)


@pytest.mark.parametrize("journal", ["append", "rewrite-often"])
def test_every_acknowledged_write_survives_kill_9(
    store: Store, data_dir: Path, journal: str
) -> None:
    """Killed while appending a change, or while folding changes into a rewritten file."""
    idea = store.ideas.add(Idea("crash me", "d", "c", 1)).id
    acknowledged: list[tuple[int, int]] = []
    for delay in (0.3, 0.7, 1.1):
        child = subprocess.Popen(
            [sys.executable, "-c", CRASHING_WRITER, str(data_dir), str(idea), journal],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # the child is running and writing
        acknowledged.append(tuple(map(int, first.split())))  # type: ignore[arg-type]
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        # Only whole lines count: a line cut short by the kill was never acknowledged.
        whole_lines = rest.split("\n")[:-1]
        acknowledged += [tuple(map(int, line.split())) for line in whole_lines]  # type: ignore[misc]
    for f in data_dir.glob("*/*.json"):  # whole files: a data line, then whole change lines
        raw = f.read_bytes()
        data, *changes = raw.splitlines()
        if not raw.endswith(b"\n"):  # a last line cut short was never acknowledged
            changes = changes[:-1]
        assert isinstance(orjson.loads(data), dict)
        assert all(isinstance(orjson.loads(line), list) for line in changes)
    after = TinyStore(data_dir)
    after.check()
    comment_ids = {c.id for c in after.comments.for_idea(idea)}
    voters = set(after.votes.voters(idea))
    missing = [(c, u) for c, u in acknowledged if c not in comment_ids or u not in voters]
    assert len(acknowledged) > 10
    assert missing == []
