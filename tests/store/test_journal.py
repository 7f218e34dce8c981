"""TinyDB shard files with a journal: small writes are lines appended to the file.

What a person would notice if this went wrong: a vote lost after a crash, a vote counted
twice or on the wrong idea, a board that disagrees with itself between two workers, a data
folder of an older Voicebox that no longer opens.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import zipfile
from pathlib import Path

import orjson
import pytest

from feedback_app.store import CorruptDataError, Idea, LockTimeout, TinyStore, Vote, WriteError
from feedback_app.store.tinydb import storage as storage_module
from feedback_app.store.tinydb.lockfile import LockFile
from feedback_app.store.tinydb.schema import CURRENT_SCHEMA, DEFAULT_SHARDS

ONE_FILE_EACH = dict.fromkeys(DEFAULT_SHARDS, 1)


def _votes_file(store: TinyStore) -> Path:
    return store.collections["votes"].shards[0].path


def _board(store: TinyStore, ideas: int = 3) -> list[int]:
    return [store.ideas.add(Idea(f"Ідея {n}", "опис", "Drinks", 1)).id for n in range(ideas)]


def _two_votes(data_dir: Path) -> tuple[TinyStore, int, Path]:
    """A store with one idea and two promotes, all votes in one file (returned too)."""
    store = TinyStore(data_dir, shards=ONE_FILE_EACH)
    idea = _board(store, 1)[0]
    store.votes.cast(idea, 1, 1)
    store.votes.cast(idea, 2, 1)
    return store, idea, _votes_file(store)


def test_a_vote_is_one_line_and_another_process_reads_just_that(data_dir: Path) -> None:
    store = TinyStore(data_dir, shards=ONE_FILE_EACH)
    idea = _board(store, 1)[0]
    store.votes.cast(idea, 1, 1)
    other = TinyStore(data_dir)
    assert other.votes.tally(idea) == (1, 0)
    before = _votes_file(store).read_bytes()
    store.votes.cast(idea, 2, -1)
    after = _votes_file(store).read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1
    assert other.votes.tally(idea) == (1, 1)
    assert other.votes.voters(idea) == {1: 1, 2: -1}


def test_a_line_cut_short_by_a_crash_is_ignored_then_cut_off(data_dir: Path) -> None:
    _, idea, path = _two_votes(data_dir)
    with path.open("ab") as f:  # what a power cut during a long append can leave
        f.write(b'["votes", {"9": {"idea_id": ' + b"7" * 500)
    fresh = TinyStore(data_dir)
    assert fresh.votes.tally(idea) == (2, 0)
    fresh.check()
    fresh.votes.cast(idea, 3, -1)
    raw = path.read_bytes()
    assert raw.endswith(b"\n") and b'{"9": {"idea_id": ' not in raw
    assert TinyStore(data_dir).votes.voters(idea) == {1: 1, 2: 1, 3: -1}


def test_a_damaged_change_is_reported_and_never_written_over(data_dir: Path) -> None:
    store, idea, path = _two_votes(data_dir)
    with path.open("ab") as f:
        f.write(b'["votes", "not a change"]\n')
    damaged = path.read_bytes()
    for reader in (store, TinyStore(data_dir)):
        with pytest.raises(CorruptDataError) as err:
            reader.votes.tally(idea)
        assert str(path) in str(err.value)
        with pytest.raises(CorruptDataError):
            reader.votes.cast(idea, 3, 1)
    assert path.read_bytes() == damaged


def test_a_full_disk_mid_append_leaves_the_file_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, idea, path = _two_votes(data_dir)
    before = path.read_bytes()
    real_pwrite = os.pwrite

    def half_then_full(fd: int, data: bytes, offset: int) -> int:
        real_pwrite(fd, bytes(data[: len(data) // 2]), offset)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as full:
        full.setattr(storage_module.os, "pwrite", half_then_full)
        with pytest.raises(WriteError, match="nothing was lost"):
            store.votes.cast(idea, 3, 1)
    assert path.read_bytes() == before
    assert store.votes.tally(idea) == (2, 0)
    store.votes.cast(idea, 3, 1)
    assert TinyStore(data_dir).votes.tally(idea) == (3, 0)


def test_a_grown_journal_is_folded_into_the_file_and_nothing_is_lost(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_module, "_COMPACT_AT_LEAST", 2_000)
    writer = TinyStore(data_dir, shards=ONE_FILE_EACH)
    ideas = _board(writer)
    reader = TinyStore(data_dir)
    folds = 0
    for n in range(200):
        writer.votes.cast(ideas[n % 3], 100 + n, 1 if n % 4 else -1)
        data, _, journal = _votes_file(writer).read_bytes().partition(b"\n")
        folds += not journal
        assert len(journal) <= max(2_000, len(data)) + 200, "folded in once it outgrew both"
        assert reader.votes.tally(ideas[n % 3]) == writer.votes.tally(ideas[n % 3])
    assert folds >= 3
    fresh = TinyStore(data_dir)
    assert fresh.votes.count() == reader.votes.count() == 200
    assert fresh.votes.tallies() == reader.votes.tallies() == writer.votes.tallies()


@pytest.mark.parametrize("shards", [ONE_FILE_EACH, None], ids=["one-file", "sharded"])
def test_figures_followed_change_by_change_match_a_fresh_read(
    data_dir: Path, shards: dict[str, int] | None
) -> None:
    """Two workers vote, change and take back votes; each keeps its figures current from the
    other's lines; all must agree with a worker that reads everything afresh."""
    first = TinyStore(data_dir, shards=shards)
    ideas = _board(first, 8)
    second = TinyStore(data_dir)
    expected: dict[tuple[int, int], int] = {}

    def agrees(store: TinyStore, idea: int) -> None:
        voters = {u: v for (i, u), v in expected.items() if i == idea}
        assert store.votes.voters(idea) == voters
        up = sum(1 for v in voters.values() if v > 0)
        assert store.votes.tally(idea) == (up, len(voters) - up)
        assert store.votes.tallies().get(idea, (0, 0)) == (up, len(voters) - up)

    rng = random.Random(9)
    for _ in range(400):
        worker = rng.choice([first, second])
        idea, user, value = rng.choice(ideas), rng.randrange(4), rng.choice([1, 1, -1, 0, 0])
        worker.votes.cast(idea, user, value)
        if value:
            expected[(idea, user)] = value
        else:
            expected.pop((idea, user), None)
        agrees(first, idea)
        agrees(second, idea)
    fresh = TinyStore(data_dir)
    for store in (first, second, fresh):
        assert store.votes.count() == len(expected)
        for idea in ideas:
            agrees(store, idea)
        assert store.votes.tallies() == fresh.votes.tallies()


def _schema_1_folder(root: Path) -> tuple[int, int]:
    """A data folder as Voicebox wrote it before journals: plain JSON files, schema 1."""
    idea = Idea("Кава з медом", "Солодко", "Drinks", 1)
    (root / "ideas").mkdir(parents=True)
    (root / "votes").mkdir()
    (root / "ideas" / "00.json").write_bytes(orjson.dumps({"ideas": {"1": idea.to_doc()}}))
    votes = {str(n): Vote(1, 10 + n, 1).to_doc() for n in range(1, 4)}
    (root / "votes" / "00.json").write_bytes(orjson.dumps({"votes": votes}))
    meta = {"schema": 1, "shards": ONE_FILE_EACH}
    (root / "meta.json").write_bytes(orjson.dumps(meta))
    return 1, 3


def test_a_folder_written_before_journals_opens_and_takes_votes(data_dir: Path) -> None:
    idea, voters = _schema_1_folder(data_dir)
    store = TinyStore(data_dir)
    assert orjson.loads((data_dir / "meta.json").read_bytes())["schema"] == CURRENT_SCHEMA
    assert store.ideas.get(idea).title == "Кава з медом"
    assert store.votes.tally(idea) == (voters, 0)
    store.votes.cast(idea, 99, -1)
    store.votes.cast(idea, 11, 0)
    again = TinyStore(data_dir)
    assert again.votes.voters(idea) == {12: 1, 13: 1, 99: -1}
    again.check()


def test_a_backup_made_before_journals_restores(data_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    idea, voters = _schema_1_folder(old)
    archive = tmp_path / "old-backup.zip"
    files = {f"{c}/00.json": (old / c / "00.json").read_bytes() for c in ("ideas", "votes")}
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("meta.json", (old / "meta.json").read_bytes())
        for name, raw in files.items():
            z.writestr(name, raw)
        digests = {name: hashlib.sha256(raw).hexdigest() for name, raw in files.items()}
        z.writestr("voicebox-backup.json", orjson.dumps({"schema": 1, "files": digests}))
    store = TinyStore(data_dir, shards=ONE_FILE_EACH)
    _board(store, 2)
    store.restore(archive)
    assert [i.title for i in store.ideas.all()] == ["Кава з медом"]
    store.votes.cast(idea, 50, 1)
    assert TinyStore(data_dir).votes.tally(idea) == (voters + 1, 0)


def test_a_forked_process_waits_for_its_parents_write_lock(tmp_path: Path) -> None:
    """`flock` belongs to the open file: a child sharing its parent's would get the lock too,
    and so would anyone once a nested hold had unlocked the file."""
    lock = LockFile(tmp_path / "00.json.lock")
    with lock.held(timeout=1):
        with lock.held(timeout=1):  # taken again by its holder: still held after this block
            pass
        child = os.fork()
        if child == 0:
            try:
                with lock.held(timeout=0.2):
                    os._exit(1)
            except LockTimeout:
                os._exit(0)
        _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child got a lock its parent held"
    with lock.held(timeout=1):
        pass


def test_a_vote_is_flushed_to_disk_before_cast_returns(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 cannot show a missing fsync (the kernel keeps the page); a power cut would."""
    store = TinyStore(data_dir, shards=ONE_FILE_EACH)
    idea = _board(store, 1)[0]
    store.votes.cast(idea, 1, 1)
    flushed: list[int] = []
    real_fdatasync = os.fdatasync

    def fdatasync(fd: int) -> None:
        real_fdatasync(fd)
        flushed.append(os.fstat(fd).st_ino)

    monkeypatch.setattr(storage_module.os, "fdatasync", fdatasync)
    store.votes.cast(idea, 2, -1)
    assert flushed == [os.stat(_votes_file(store)).st_ino]
