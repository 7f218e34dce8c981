"""The `voicebox` command as an operator uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_app.store import Role, Store
from tests.conftest import VoiceboxRunner


def test_demo_seeds_multilingual_data_once(runner: VoiceboxRunner, data_dir: Path) -> None:
    result = runner.invoke("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "Seeded:" in result.output
    store = Store(data_dir)
    titles = " ".join(i.title for i in store.ideas.all())
    for text in ("Більше", "Сделайте", "upuan", "Cornetti", "无糖"):
        assert text in titles
    assert store.votes.count() > 50 and store.comments.count() > 10
    assert any(t.publishable for t in store.testimonials.all())
    assert store.surveys.count() > 0
    again = runner.invoke("demo", "--no-serve")
    assert "Using the existing data" in again.output
    assert Store(data_dir).ideas.count() == store.ideas.count()


def test_user_add_creates_and_promotes(runner: VoiceboxRunner, data_dir: Path) -> None:
    assert runner.invoke("user", "add", "Ana@Example.com").exit_code == 0
    result = runner.invoke("user", "add", "ana@example.com", "--role", "marketer")
    assert result.exit_code == 0
    assert "marketer" in result.output
    token = result.output.split("/signin/")[1].split()[0]
    assert Store(data_dir).tokens.peek(token) == "ana@example.com", "the printed link works"
    found = Store(data_dir).users.find_by_email("ana@example.com")
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


def test_backup_and_restore_commands(runner: VoiceboxRunner, data_dir: Path) -> None:
    runner.invoke("demo", "--no-serve")
    archive = data_dir.parent / "snapshot.zip"
    result = runner.invoke("backup", str(archive))
    assert result.exit_code == 0 and "Backed up" in result.output
    before = Store(data_dir).ideas.count()
    runner.invoke("user", "add", "late@example.com")
    refused = runner.invoke("restore", str(archive), input="n\n")
    assert refused.exit_code == 1
    assert Store(data_dir).users.find_by_email("late@example.com") is not None
    result = runner.invoke("restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    store = Store(data_dir)
    assert store.ideas.count() == before
    assert store.users.find_by_email("late@example.com") is None


def test_every_command_has_help(runner: VoiceboxRunner) -> None:
    for args in ((), ("demo",), ("serve",), ("check",), ("backup",), ("restore",), ("user", "add")):
        result = runner.invoke(*args, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


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
