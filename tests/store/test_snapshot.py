"""One snapshot format for both backends: a snapshot of either restores into either, with
every record, id and word; a snapshot that is not exactly what was written replaces nothing."""

from __future__ import annotations

import hashlib
import json
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedback_app.app import create_app
from feedback_app.dev.throwaway_pg import ThrowawayPostgres
from feedback_app.store import Idea, Message, StoreError, TinyStore, WriteError
from feedback_app.store.contract import COLLECTIONS, Store
from feedback_app.store.postgres import PgStore
from tests.conftest import TEST_CONFIG
from tests.store.pg_helpers import (
    TEXTS,
    app_works,
    board_figures_agree,
    contents,
    fill,
    new_database,
    old_format_backup,
    pg_server,
)

__all__ = ["pg_server"]  # a fixture, imported to be used here


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_tinydb_to_postgresql_to_tinydb_keeps_every_record_and_id(
    tmp_path: Path, pg_server: ThrowawayPostgres
) -> None:
    folder = TinyStore(tmp_path / "before")
    ids = fill(folder)
    before = contents(folder)
    folder.backup(tmp_path / "from-tinydb.zip")

    database = new_database(pg_server)
    assert database.restore(tmp_path / "from-tinydb.zip") == sum(map(len, before.values()))
    assert contents(database) == before
    board_figures_agree(database)
    database.backup(tmp_path / "from-postgresql.zip")
    theirs, ours = (_members(tmp_path / f"from-{b}.zip") for b in ("tinydb", "postgresql"))
    del theirs["manifest.json"], ours["manifest.json"]
    assert theirs == ours, "the same records make the same bytes on either backend"

    after = TinyStore(tmp_path / "after")
    after.restore(tmp_path / "from-postgresql.zip")
    assert contents(after) == before
    board_figures_agree(after)
    assert after.ideas.get(ids["uk-idea"]).title == TEXTS["uk"][0]
    assert after.ideas.get(ids["ru-idea"]).merged_into == ids["tl-idea"]
    app = create_app({"DATA_DIR": str(tmp_path / "after"), **TEST_CONFIG})
    app_works(app, after, "zh-王小明@example.com", ids["zh-idea"])
    database.close()


def test_postgresql_to_tinydb_to_postgresql_keeps_every_record_and_id(
    tmp_path: Path, pg_server: ThrowawayPostgres
) -> None:
    database = new_database(pg_server)
    ids = fill(database)
    before = contents(database)
    database.backup(tmp_path / "from-postgresql.zip")

    folder = TinyStore(tmp_path / "data")  # split over many files: ids from 1024 up
    folder.restore(tmp_path / "from-postgresql.zip")
    assert contents(folder) == before
    for person in database.users.all():
        assert folder.users.find_by_email(person.email) == person
    for idea in database.ideas.all():
        assert folder.comments.for_idea(idea.id, True) == database.comments.for_idea(idea.id, True)
        assert folder.votes.tally(idea.id) == database.votes.tally(idea.id)
    assert folder.comments.counts() == database.comments.counts()
    app = create_app({"DATA_DIR": str(tmp_path / "data"), **TEST_CONFIG})
    app_works(app, folder, "uk-оксана@example.com", ids["uk-idea"])
    newcomer = folder.users.add("new@example.com")
    assert newcomer.id not in {p.id for p in database.users.all()}
    folder.backup(tmp_path / "from-tinydb.zip")

    again = new_database(pg_server)
    again.restore(tmp_path / "from-tinydb.zip")
    assert contents(again) == contents(folder)
    board_figures_agree(again)
    assert again.users.find_by_email("new@example.com") == newcomer
    created = again.users.add("later@example.com")
    assert created.id > max(p.id for p in folder.users.all()), "new ids never collide"
    app = create_app({"DATABASE_URL": again.url, "DATA_DIR": str(tmp_path / "x"), **TEST_CONFIG})
    app_works(app, again, "it-giulia@example.com", ids["it-idea"])
    for store in (database, again):
        store.close()


def test_a_record_filed_away_from_its_key_is_found_and_never_duplicated(
    tmp_path: Path, pg_server: ThrowawayPostgres
) -> None:
    """PostgreSQL ids name TinyDB files other than the ones a person's email, a comment's idea
    or a message's key route to: lookups, uniqueness and counts still see them, from any
    process."""
    database = new_database(pg_server)
    people = [database.users.add(f"person{n}@example.com", name=f"Люда {n}") for n in range(12)]
    idea = database.ideas.add(Idea("Kape", "d", "Drinks", people[0].id))
    comments = [database.comments.add(idea.id, p.id, f"评论 {p.id}") for p in people]
    database.messages.enqueue_keyed([("job-2:1", Message("a@example.com", "s", "t"))])
    database.backup(tmp_path / "s.zip")
    database.close()

    folder = TinyStore(tmp_path / "data")
    folder.restore(tmp_path / "s.zip")
    script = (
        "import sys; from feedback_app.store import TinyStore, Message;"
        "s = TinyStore(sys.argv[1]);"
        "print([s.users.add(f'person{n}@example.com').id for n in range(12)],"
        " s.messages.enqueue_keyed([('job-2:1', Message('a@example.com', 's', 't'))]))"
    )
    other = subprocess.run([sys.executable, "-c", script, str(tmp_path / "data")],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert other.stdout.strip() == f"{[p.id for p in people]} 0"
    assert folder.users.count() == 12
    assert [c.id for c in folder.comments.for_idea(idea.id)] == [c.id for c in comments]
    assert folder.comments.counts() == {idea.id: 12}
    later = folder.comments.add(idea.id, people[1].id, "Ещё один")
    assert folder.comments.for_idea(idea.id)[-1] == later
    assert folder.ideas.summary(idea.id).comments == 13


def test_ids_from_a_folder_split_otherwise_keep_working(tmp_path: Path) -> None:
    """A folder of one file per collection numbers its records 1, 2, 3 …: in a folder split
    over many files those ids name files their keys do not route to, some below the number
    of files; all are found, and new records take ids of their own."""
    single = TinyStore(tmp_path / "single", shards={name: 1 for name in COLLECTIONS})
    ids = fill(single)
    single.backup(tmp_path / "s.zip")
    folder = TinyStore(tmp_path / "data")
    folder.restore(tmp_path / "s.zip")
    assert contents(folder) == contents(single)
    assert folder.users.get(1) == single.users.get(1)
    board_figures_agree(folder)
    app = create_app({"DATA_DIR": str(tmp_path / "data"), **TEST_CONFIG})
    app_works(app, folder, "ru-дмитрий@example.com", ids["tl-idea"])
    taken = {p.id for p in single.users.all()}
    assert not {folder.users.add(f"n{n}@example.com").id for n in range(20)} & taken
    comment = folder.comments.add(ids["ru-idea"], 1, "Новый")
    assert comment.id not in {c.id for c in single.comments.for_idea(ids["ru-idea"], True)}
    assert folder.comments.for_idea(ids["ru-idea"])[-1] == comment


def test_an_old_backup_restores_into_either_backend_with_its_ids(
    tmp_path: Path, pg_server: ThrowawayPostgres
) -> None:
    folder = TinyStore(tmp_path / "data")
    fill(folder)
    before = contents(folder)
    old = tmp_path / "old.zip"
    old_format_backup(tmp_path / "data", old)
    elsewhere = TinyStore(tmp_path / "single", shards={name: 1 for name in COLLECTIONS})
    elsewhere.restore(old)
    assert contents(elsewhere) == before
    database = new_database(pg_server)
    database.restore(old)
    assert contents(database) == before
    database.close()


# -- tampering --------------------------------------------------------------------------------


@pytest.fixture(params=["tinydb", "postgresql"])
def target(
    request: pytest.FixtureRequest, tmp_path: Path, pg_server: ThrowawayPostgres
) -> Iterator[Store]:
    """A store holding other data, which a refused snapshot must leave exactly as it is."""
    store: Store
    if request.param == "tinydb":
        store = TinyStore(tmp_path / "target", shards=dict.fromkeys(COLLECTIONS, 1))
    else:
        store = new_database(pg_server)
    store.users.add("keep@example.com", name="Залишитися")
    yield store
    store.close()


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("snapshot")
    store = TinyStore(root / "data")
    fill(store)
    store.backup(root / "good.zip")
    return root / "good.zip"


Craft = Callable[[dict[str, bytes]], None]


def _recount(members: dict[str, bytes], name: str) -> None:
    """Make the manifest agree with a changed member (count and checksum)."""
    manifest = json.loads(members["manifest.json"])
    manifest["collections"][name.removesuffix(".jsonl")] = {
        "records": members[name].count(b"\n"),
        "sha256": hashlib.sha256(members[name]).hexdigest(),
    }
    members["manifest.json"] = json.dumps(manifest).encode()


def _edit_line(name: str, old: bytes, new: bytes, recount: bool) -> Craft:
    def craft(members: dict[str, bytes]) -> None:
        assert old in members[name]
        members[name] = members[name].replace(old, new, 1)
        if recount:
            _recount(members, name)

    return craft


def _add(name: str, raw: bytes, listed: bool) -> Craft:
    def craft(members: dict[str, bytes]) -> None:
        members[name] = raw
        if listed:
            _recount(members, name)

    return craft


def _first_line_twice(members: dict[str, bytes]) -> None:
    first = members["ideas.jsonl"].split(b"\n")[0] + b"\n"
    members["ideas.jsonl"] = first + members["ideas.jsonl"]
    _recount(members, "ideas.jsonl")


def _manifest(change: Callable[[dict], None]) -> Craft:  # type: ignore[type-arg]
    def craft(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        change(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()

    return craft


TAMPERED: dict[str, Craft] = {
    "changed line": _edit_line("ideas.jsonl", "десертів".encode(), "десертов".encode(), False),
    "changed line, checksum recomputed, not a record": _edit_line(
        "votes.jsonl", b'"value":1', b'"value":"1"', True
    ),
    "changed id, checksum recomputed, out of order": _edit_line(
        "users.jsonl", b'"id":', b'"id":9', True
    ),
    "repeated line": _first_line_twice,
    "not the canonical encoding": _edit_line("users.jsonl", b'{"doc":', b'{"doc": ', True),
    "extra member": _add("notes.txt", b"hello", False),
    "extra member outside": _add("../evil.jsonl", b"", False),
    "unknown collection": _add("secrets.jsonl", b"", True),
    "a collection listed but missing": _manifest(
        lambda m: m["collections"].update(extra=m["collections"]["users"])
    ),
    "a count that does not match": _manifest(
        lambda m: m["collections"]["users"].update(records=m["collections"]["users"]["records"] - 1)
    ),
    "another format": _manifest(lambda m: m.update(version=2)),
}


@pytest.mark.parametrize("case", TAMPERED)
def test_a_tampered_snapshot_is_refused_and_nothing_is_replaced(
    case: str, target: Store, snapshot: Path, tmp_path: Path
) -> None:
    members = _members(snapshot)
    TAMPERED[case](members)
    crafted = tmp_path / "crafted.zip"
    with zipfile.ZipFile(crafted, "w") as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    before = contents(target)
    with pytest.raises(StoreError) as refused:
        target.restore(crafted)
    assert str(crafted) in str(refused.value)
    assert contents(target) == before


def test_a_member_given_twice_is_refused(target: Store, snapshot: Path, tmp_path: Path) -> None:
    crafted = tmp_path / "twice.zip"
    with zipfile.ZipFile(snapshot) as source, zipfile.ZipFile(crafted, "w") as zf:
        for name in source.namelist():
            zf.writestr(name, source.read(name))
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("users.jsonl", b"")
    before = contents(target)
    with pytest.raises(StoreError, match="twice"):
        target.restore(crafted)
    assert contents(target) == before


def test_a_restore_that_fails_half_way_keeps_the_old_data(
    target: Store, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while the new files are written (TinyDB), or a database that refuses the
    last collection (PostgreSQL): nothing of the snapshot is kept."""
    from feedback_app.store.postgres import transfer as pg_transfer
    from feedback_app.store.tinydb import transfer as tiny_transfer

    calls = {"n": 0}
    real_stage, real_append = tiny_transfer._stage, pg_transfer.append_in

    def stage(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] > 5:
            raise WriteError(Path("x"), "No space left on device")
        return real_stage(*args)  # type: ignore[arg-type]

    def append_in(store: PgStore, conn: object, name: str, batch: list) -> int:  # type: ignore[type-arg]
        if name == "limits":
            raise StoreError("limits: the database refused a record")
        return real_append(store, conn, name, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(tiny_transfer, "_stage", stage)
    monkeypatch.setattr(pg_transfer, "append_in", append_in)
    before = contents(target)
    with pytest.raises(StoreError):
        target.restore(snapshot)
    assert contents(target) == before
    if isinstance(target, TinyStore):
        assert not list(target.root.rglob(".tmp-*")), "no temporary file is left behind"


def test_a_folder_restore_killed_half_way_is_finished_by_the_next_process(
    tmp_path: Path, snapshot: Path
) -> None:
    """`kill -9` between the swaps of the folder's files: whoever opens the folder next
    finds the restored data whole, never a mixture of old and new files."""
    folder = TinyStore(tmp_path / "data")
    folder.users.add("old@example.com")
    script = (
        "import os, sys; from pathlib import Path; from feedback_app.store import TinyStore\n"
        "store = TinyStore(sys.argv[1]); real = os.replace; moved = []\n"
        "def dying(a, b):\n"
        "    if Path(b).suffix == '.json' and '.tmp-' not in Path(b).name:\n"
        "        moved.append(b)\n"
        "        if len(moved) == 30: os.kill(os.getpid(), 9)\n"
        "    real(a, b)\n"
        "os.replace = dying; store.restore(Path(sys.argv[2]))\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(folder.root), str(snapshot)])
    assert killed.returncode == -9
    assert (folder.root / "restore-journal.json").exists(), "killed in the middle of the swaps"
    reopened = TinyStore(folder.root)
    expected = TinyStore(tmp_path / "expected")
    expected.restore(snapshot)
    assert contents(reopened) == contents(expected)
    assert not (folder.root / "restore-journal.json").exists()
    assert not list(folder.root.rglob(".tmp-*"))


def test_a_snapshot_is_private_and_counts_its_records(target: Store, tmp_path: Path) -> None:
    archive = tmp_path / "private.zip"
    assert target.backup(archive) == 1
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    manifest = json.loads(_members(archive)["manifest.json"])
    assert manifest["collections"]["users"]["records"] == 1
    assert set(manifest["collections"]) == set(COLLECTIONS)
