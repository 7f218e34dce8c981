"""The `voicebox` command as an operator uses it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feedback_app.store import Role, Store
from tests.conftest import VoiceboxRunner
from tests.store.pg_helpers import old_format_backup


def test_demo_seeds_multilingual_data_once(runner: VoiceboxRunner, store: Store) -> None:
    result = runner.invoke("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "Seeded:" in result.output
    titles = " ".join(i.title for i in store.ideas.all())
    for text in ("Більше", "Сделайте", "upuan", "Cornetti", "无糖"):
        assert text in titles
    assert store.votes.count() > 50 and store.comments.count() > 10
    assert any(t.publishable for t in store.testimonials.all())
    assert store.surveys.count() > 0
    link = re.search(r"Sign in as the marketer .*: (\S+/signin/(\S+))", result.output)
    assert link, result.output
    assert store.tokens.peek(link.group(2)) == "marketer@voicebox.example"
    seeded = store.ideas.count()
    again = runner.invoke("demo", "--no-serve")
    assert "Using the existing data" in again.output
    assert store.ideas.count() == seeded


def test_user_add_creates_and_promotes(runner: VoiceboxRunner, store: Store) -> None:
    assert runner.invoke("user", "add", "Ana@Example.com").exit_code == 0
    result = runner.invoke("user", "add", "ana@example.com", "--role", "marketer")
    assert result.exit_code == 0
    assert "marketer" in result.output
    token = result.output.split("/signin/")[1].split()[0]
    assert store.tokens.peek(token) == "ana@example.com", "the printed link works"
    found = store.users.find_by_email("ana@example.com")
    assert found is not None and found.role is Role.MARKETER


def test_wrong_arguments_give_one_line_errors(runner: VoiceboxRunner) -> None:
    for args in (
        ("user", "add", "not-an-email"),
        ("user", "add", "a@example.com", "--role", "king"),
        ("restore", "/no/such/file.zip"),
        ("serve", "--workers", "0"),
        ("frobnicate",),
    ):
        result = runner.invoke(*args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output
        assert "Error:" in result.output


@pytest.mark.backends("tinydb")
def test_broken_file_makes_commands_fail_naming_it(runner: VoiceboxRunner, data_dir: Path) -> None:
    runner.invoke("demo", "--no-serve")
    broken = data_dir / "ideas" / "00.json"
    broken.write_text("{")
    for args in (("check",), ("demo", "--no-serve"), ("backup", str(data_dir.parent / "b.zip"))):
        result = runner.invoke(*args)
        assert result.exit_code == 1, args
        assert str(broken) in result.output
        assert "Traceback" not in result.output
    assert broken.read_text() == "{"


def test_backup_and_restore_commands(runner: VoiceboxRunner, store: Store, tmp_path: Path) -> None:
    runner.invoke("demo", "--no-serve")
    archive = tmp_path / "snapshot.zip"
    result = runner.invoke("backup", str(archive))
    assert result.exit_code == 0 and "Backed up" in result.output
    before = store.ideas.count()
    runner.invoke("user", "add", "late@example.com")
    refused = runner.invoke("restore", str(archive), input="n\n")
    assert refused.exit_code == 1
    assert store.users.find_by_email("late@example.com") is not None
    result = runner.invoke("restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert store.ideas.count() == before
    assert store.users.find_by_email("late@example.com") is None


def test_every_command_has_help(runner: VoiceboxRunner) -> None:
    for args in ((), ("demo",), ("serve",), ("check",), ("backup",), ("restore",), ("migrate",),
                 ("db", "upgrade"), ("user", "add")):  # fmt: skip
        result = runner.invoke(*args, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def _snapshot(runner: VoiceboxRunner, data_dir: Path) -> Path:
    runner.invoke("demo", "--no-serve")
    archive = data_dir.parent / "snapshot.zip"
    assert runner.invoke("backup", str(archive)).exit_code == 0
    runner.invoke("user", "add", "late@example.com")  # a change that a restore would undo
    return archive


def _rewrite(archive: Path, target: Path, extra: dict[str, bytes], listed: bool) -> None:
    """Copy `archive` to `target` adding `extra` members, listed in the manifest or not (in
    an old-format backup's manifest, or as collections in a snapshot's)."""
    import hashlib
    import json
    import zipfile

    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        manifest_name = next(n for n in ("manifest.json", "voicebox-backup.json")
                             if n in source.namelist())  # fmt: skip
        manifest = json.loads(source.read(manifest_name))
        for name in source.namelist():
            if name != manifest_name:
                out.writestr(name, source.read(name))
        for name, raw in extra.items():
            out.writestr(name, raw)
            digest = hashlib.sha256(raw).hexdigest()
            if listed and manifest_name == "manifest.json":
                manifest["collections"][name] = {"records": raw.count(b"\n"), "sha256": digest}
            elif listed:
                manifest["files"][name] = digest
        out.writestr(manifest_name, json.dumps(manifest))


@pytest.mark.parametrize("form", ["snapshot", "old backup"])
def test_restore_refuses_members_outside_the_data_folder(
    runner: VoiceboxRunner, data_dir: Path, store: Store, form: str
) -> None:
    archive = _snapshot(runner, data_dir)
    if form == "old backup":
        archive = data_dir.parent / "old.zip"
        old_format_backup(data_dir, archive)
    evil = b'{"ideas": {}}'
    names = ("../evil.json", str(data_dir.parent / "abs.json"), "votes/../../x.json",
             "votes/99.json", "notes.txt", "../evil.jsonl", "secrets.jsonl")  # fmt: skip
    for number, name in enumerate(names):
        for listed in (True, False):
            crafted = data_dir.parent / f"crafted-{number}-{listed}.zip"
            _rewrite(archive, crafted, {name: evil}, listed)
            result = runner.invoke("restore", str(crafted), "--yes")
            assert result.exit_code == 1, (name, listed, result.output)
            assert "Traceback" not in result.output and "Error:" in result.output
            assert "Restored" not in result.output
    assert not (data_dir.parent / "evil.json").exists()
    assert not (data_dir.parent / "abs.json").exists()
    assert not (data_dir.parent.parent / "x.json").exists()
    assert store.users.find_by_email("late@example.com") is not None, "nothing was restored"


def test_restore_of_a_damaged_archive_is_one_line(
    runner: VoiceboxRunner, data_dir: Path, store: Store
) -> None:
    import struct
    import zipfile

    archive = _snapshot(runner, data_dir)
    with zipfile.ZipFile(archive) as zf:
        info = next(i for i in zf.infolist() if i.filename == "ideas.jsonl")
    raw = bytearray(archive.read_bytes())
    header = info.header_offset
    name_len, extra_len = struct.unpack("<HH", raw[header + 26 : header + 30])
    start = header + 30 + name_len + extra_len
    raw[start : start + 8] = b"\xff" * 8  # an invalid deflate block type
    damaged = data_dir.parent / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    result = runner.invoke("restore", str(damaged), "--yes")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and str(damaged) in result.output
    assert store.users.find_by_email("late@example.com") is not None


@pytest.mark.backends("tinydb")
def test_failed_backup_leaves_no_partial_file(runner: VoiceboxRunner, data_dir: Path) -> None:
    runner.invoke("demo", "--no-serve")
    (data_dir / "ideas" / "00.json").write_text("{")
    target = data_dir.parent / "b.zip"
    result = runner.invoke("backup", str(target))
    assert result.exit_code == 1
    assert sorted(p.name for p in data_dir.parent.iterdir() if p.name.startswith("b.zip")) == []


def test_printed_links_follow_the_configured_port_unless_base_url_is_set(
    runner: VoiceboxRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOICEBOX_BASE_URL", raising=False)
    monkeypatch.setenv("VOICEBOX_PORT", "8301")
    result = runner.invoke("user", "add", "ana@example.com")
    assert "Sign-in link (works once, for 15 minutes): http://127.0.0.1:8301/signin/" in (
        result.output
    )
    monkeypatch.setenv("VOICEBOX_BASE_URL", "https://ideas.example.com")
    result = runner.invoke("user", "add", "ana@example.com")
    assert "https://ideas.example.com/signin/" in result.output


def test_demo_reset_starts_the_data_over_and_keeps_the_secret_key(
    runner: VoiceboxRunner, store: Store
) -> None:
    assert runner.invoke("demo", "--no-serve").exit_code == 0
    seeded = store.ideas.count()
    runner.invoke("user", "add", "late@example.com")
    key = store.secret_key()
    result = runner.invoke("demo", "--no-serve", "--reset")
    assert result.exit_code == 0, result.output
    assert "Seeded:" in result.output
    assert store.users.find_by_email("late@example.com") is None
    assert store.ideas.count() == seeded
    assert store.secret_key() == key, "sessions and emailed links outlive a reset"


def test_check_counts_records_and_says_where(runner: VoiceboxRunner, store: Store) -> None:
    runner.invoke("user", "add", "Оксана@example.com")
    result = runner.invoke("check")
    assert result.exit_code == 0, result.output
    assert f"All 2 records in {store.location} read correctly." in result.output


def test_a_backup_is_readable_by_its_owner_only(runner: VoiceboxRunner, data_dir: Path) -> None:
    """It holds every email address and sign-in token hash, as the data files do."""
    import stat

    runner.invoke("demo", "--no-serve")
    archive = data_dir.parent / "private.zip"
    assert runner.invoke("backup", str(archive)).exit_code == 0
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
