"""The TinyDB folder's files: private, atomic, never overwritten when broken, re-read only when
changed, swept of stale temporary files; its schema version checked and migrated on open."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import orjson
import pytest

from feedback_app.store import (
    BoardQuery,
    CorruptDataError,
    Idea,
    SchemaError,
    Store,
    StoreError,
    TinyStore,
)
from feedback_app.store.models import AuditEntry, Role, Sale
from feedback_app.store.tinydb import schema as schema_module
from feedback_app.store.tinydb.schema import CURRENT_SCHEMA

pytestmark = pytest.mark.backends("tinydb")


def _idea(store: Store, title: str = "Oat milk") -> int:
    return store.ideas.add(Idea(title, "d", "Drinks", 1)).id


def test_data_files_are_private_and_valid_json(store: TinyStore) -> None:
    _idea(store)
    files = list(store.root.glob("ideas/*.json"))
    assert files
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert "ideas" in orjson.loads(f.read_bytes())


@pytest.mark.parametrize("content", [b"", b"{", b"[1, 2]", b'{"ideas": 5}', b"\xff\xfe"])
def test_a_corrupt_file_is_reported_and_never_overwritten(store: TinyStore, content: bytes) -> None:
    idea = _idea(store)
    shard, _ = store.collections["ideas"].split_id(idea)
    shard.path.write_bytes(content)
    fresh = TinyStore(store.root)
    with pytest.raises(CorruptDataError) as err:
        fresh.ideas.get(idea)
    assert str(shard.path) in str(err.value)
    with pytest.raises(CorruptDataError):
        fresh.ideas.edit(idea, title="new")
    with pytest.raises(CorruptDataError):
        fresh.check()
    assert shard.path.read_bytes() == content


def test_a_change_on_disk_is_seen_and_unchanged_files_are_not_reparsed(store: TinyStore) -> None:
    idea = _idea(store)
    shard, _ = store.collections["ideas"].split_id(idea)
    generation = shard.generation
    store.ideas.get(idea)
    store.ideas.get(idea)
    assert shard.generation == generation, "reading twice must not reload"
    TinyStore(store.root).ideas.edit(idea, title="changed elsewhere")
    assert store.ideas.get(idea).title == "changed elsewhere"


def test_stale_temporary_files_are_swept_on_open(data_dir: Path) -> None:
    TinyStore(data_dir).ideas.add(Idea("t", "d", "c", 1))
    old = data_dir / "ideas" / ".tmp-00.json.abc"
    new = data_dir / "ideas" / ".tmp-01.json.def"
    old.write_bytes(b"partial")
    new.write_bytes(b"in progress")
    long_ago = time.time() - 3600
    os.utime(old, (long_ago, long_ago))
    TinyStore(data_dir)
    assert not old.exists()
    assert new.exists(), "a recent temporary file may belong to a live writer"


def test_newer_schema_is_refused(data_dir: Path) -> None:
    TinyStore(data_dir)
    meta = data_dir / "meta.json"
    meta.write_bytes(orjson.dumps({"schema": 99, "shards": {}}))
    with pytest.raises(SchemaError, match="newer Voicebox"):
        TinyStore(data_dir)
    assert orjson.loads(meta.read_bytes())["schema"] == 99


def test_broken_metadata_is_reported(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "meta.json").write_text("not json")
    with pytest.raises(CorruptDataError, match=r"meta\.json"):
        TinyStore(data_dir)
    assert (data_dir / "meta.json").read_text() == "not json"


def test_migrations_run_in_order_on_open(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    TinyStore(data_dir).ideas.add(Idea("old title", "d", "c", 1))
    ran: list[int] = []

    def upgrade(root: Path, meta: dict[str, object]) -> None:
        ran.append(1)
        for f in root.glob("ideas/*.json"):
            data = orjson.loads(f.read_bytes())
            for doc in data.get("ideas", {}).values():
                doc["title"] = doc["title"].upper()
            f.write_bytes(orjson.dumps(data))

    current = schema_module.CURRENT_SCHEMA
    monkeypatch.setattr(schema_module, "CURRENT_SCHEMA", current + 1)
    monkeypatch.setitem(schema_module.MIGRATIONS, current, upgrade)
    migrated = TinyStore(data_dir)
    assert ran == [1]
    assert [i.title for i in migrated.ideas.all()] == ["OLD TITLE"]
    assert orjson.loads((data_dir / "meta.json").read_bytes())["schema"] == current + 1
    TinyStore(data_dir)
    assert ran == [1], "a migration runs once"


def test_dropped_stores_release_their_file_descriptors(store: TinyStore) -> None:
    import gc

    for n in range(20):
        store.votes.cast(_idea(store, f"idea {n}"), 1, 1)

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    gc.collect()
    before = open_fds()
    for _ in range(30):
        other = TinyStore(store.root)
        other.votes.count()
        other.ideas.list(BoardQuery())
        del other
    gc.collect()
    assert open_fds() <= before + 2


def test_a_write_whose_folder_cannot_be_synced_is_still_saved(
    store: TinyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename has happened: reporting "not saved" would make people send it again."""
    import feedback_app.files as files

    def refuse(folder: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files, "fsync_folder", refuse)
    user = store.users.add("olena@example.com", name="Олена")
    monkeypatch.undo()
    assert TinyStore(store.root).users.get(user.id).name == "Олена"


def test_check_names_a_broken_file(store: TinyStore) -> None:
    first = store.ideas.add(Idea("Кава з медом", "d", "Drinks", 1))
    shard, _ = store.collections["ideas"].split_id(first.id)
    shard.path.write_bytes(b"{")
    with pytest.raises(CorruptDataError) as err:
        TinyStore(store.root).check()
    assert str(shard.path) in str(err.value)


def test_clear_removes_a_broken_data_file(store: TinyStore) -> None:
    idea = store.ideas.add(Idea("t", "d", "c", 1))
    shard, _ = store.collections["ideas"].split_id(idea.id)
    shard.path.write_bytes(b"{")
    store.clear()
    assert store.check() == 0


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd"])
def test_a_lock_or_status_name_never_makes_a_file_outside_the_folder(
    store: TinyStore, name: str
) -> None:
    with pytest.raises(ValueError), store.lock(name):
        pass
    with pytest.raises(ValueError):
        store.status.put(name, {"ok": True})
    assert not (store.root.parent / "escape.lock").exists()
    assert not (store.root.parent / "escape.json").exists()


def test_a_restore_whose_staged_file_was_swept_replaces_nothing(
    store: TinyStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staging a big snapshot can outlast the age at which an opening process sweeps
    temporary files: a restore that lost one is refused whole, never half-applied."""
    from feedback_app.store.tinydb import transfer

    kept = _idea(store, "Тихий зал")
    snapshot = tmp_path / "snapshot.zip"
    store.backup(snapshot)
    _idea(store, "Added after the backup")
    real_stage = transfer._stage

    def stage_then_sweep(shard, tables):  # type: ignore[no-untyped-def]
        temp = real_stage(shard, tables)
        if temp is not None and shard.path.parent.name == "ideas":
            os.unlink(temp)  # what another process's sweep would do
        return temp

    monkeypatch.setattr(transfer, "_stage", stage_then_sweep)
    with pytest.raises(StoreError, match="nothing was replaced"):
        store.restore(snapshot)
    titles = {i.title for i in TinyStore(store.root).ideas.all()}
    assert titles == {"Тихий зал", "Added after the backup"}, "the folder is as it was"
    assert store.ideas.get(kept).title == "Тихий зал"


def test_a_folder_of_schema_2_keeps_its_records_and_gains_the_follow_up_loop(
    data_dir: Path,
) -> None:
    """A folder written by the release before the follow-up loop: its meta says schema 2 and
    lists no sales, contacts, photos or API tokens; its survey answers lack the new fields."""
    old = TinyStore(data_dir, shards={"surveys": 1})
    old.close()
    meta = orjson.loads((data_dir / "meta.json").read_bytes())
    for name in ("sales", "contacts", "photos", "api_tokens", "audit", "replies"):
        del meta["shards"][name]
    meta["schema"] = 2
    (data_dir / "meta.json").write_bytes(orjson.dumps(meta))
    doc = {"email": "olena@example.com", "order_ref": "ORD-1", "score": 3, "reason": "Довго чекав",
           "user_id": None, "created_at": "2026-11-01T10:00:00+00:00"}  # fmt: skip
    (data_dir / "surveys").mkdir(exist_ok=True)
    (data_dir / "surveys" / "00.json").write_bytes(orjson.dumps({"surveys": {"1": doc}}))
    store = TinyStore(data_dir)
    assert orjson.loads((data_dir / "meta.json").read_bytes())["schema"] == CURRENT_SCHEMA
    (survey,) = store.surveys.all()
    assert (survey.reason, survey.effort, survey.link) == ("Довго чекав", None, "")
    assert store.sales.add_once(Sale("olena@example.com", "ORD-1", survey.created_at), "order_ref")[
        1
    ]
    assert TinyStore(data_dir).sales.count() == 1


def test_a_folder_of_schema_3_keeps_its_people_and_gains_the_console(data_dir: Path) -> None:
    """A folder written before the console: no audit log or saved responses in its meta, and
    users without the deactivation field. It opens, and both new collections work."""
    old = TinyStore(data_dir)
    old.users.add("marta@example.com", Role.MARKETER, "Марта")
    old.close()
    meta = orjson.loads((data_dir / "meta.json").read_bytes())
    for name in ("audit", "replies"):
        del meta["shards"][name]
    meta["schema"] = 3
    (data_dir / "meta.json").write_bytes(orjson.dumps(meta))
    store = TinyStore(data_dir)
    assert orjson.loads((data_dir / "meta.json").read_bytes())["schema"] == CURRENT_SCHEMA
    (marta,) = store.users.all()
    assert (marta.name, marta.active) == ("Марта", True)
    store.audit.add(AuditEntry("user.role", marta.id, marta.email, "user", marta.id))
    assert [e.action for e in TinyStore(data_dir).audit.all()] == ["user.role"]
