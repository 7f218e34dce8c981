"""`voicebox migrate`, `voicebox db upgrade`, and backup / restore / check on PostgreSQL, as
an operator moving a board from its data folder to a database server would use them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from feedback_app.app import create_app
from feedback_app.store import TinyStore, Vote
from feedback_app.store.migrate import STATUS
from feedback_app.store.postgres import PgStore
from feedback_app.store.postgres.migrations import MIGRATIONS
from tests.conftest import ROOT, TEST_CONFIG, VoiceboxRunner
from tests.store.pg_helpers import (
    app_works,
    board_figures_agree,
    contents,
    fill,
    pg_server,
    pg_url,
)

__all__ = ["pg_server", "pg_url"]  # fixtures, imported to be used here

# Migrating is always from a folder to this module's own database: the runner's data folder
# is the source, so the runner runs as it does on a folder.
pytestmark = pytest.mark.backends("tinydb")


def _with_password(url: str) -> str:
    """The same database, named with a password (the throwaway server trusts local users, so
    it is not checked; it must never be printed)."""
    return url.replace("postgresql://voicebox@", "postgresql://voicebox:s3cret-pw@")


def test_migrate_copies_a_folder_and_verifies_every_collection(
    runner: VoiceboxRunner, data_dir: Path, pg_url: str
) -> None:
    folder = TinyStore(data_dir)
    ids = fill(folder)
    result = runner.invoke("migrate", "--to", _with_password(pg_url))
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert "Verified:" in result.output and "every collection's count and checksum" in result.output
    assert "  votes: " in result.output and "  users: " in result.output
    database = PgStore(pg_url)
    assert contents(database) == contents(folder)
    board_figures_agree(database)
    app = create_app({"DATABASE_URL": pg_url, "DATA_DIR": str(data_dir), **TEST_CONFIG})
    app_works(app, database, "tl-maria@example.com", ids["tl-idea"])
    copied = {i.id for i in folder.ideas.all()} | {p.id for p in folder.users.all()}
    assert database.users.add("new@example.com").id > max(copied), "new ids never collide"
    assert database.secret_key() == folder.secret_key(), "sessions and mailed links still work"
    database.close()


def test_migrate_refuses_a_database_holding_other_records_unless_told_yes(
    runner: VoiceboxRunner, data_dir: Path, pg_url: str
) -> None:
    fill(TinyStore(data_dir))
    database = PgStore(pg_url)
    database.users.add("someone-else@example.com")
    refused = runner.invoke("migrate", "--to", pg_url)
    assert refused.exit_code == 1 and "--yes" in refused.output, refused.output
    assert "Traceback" not in refused.output
    assert [p.email for p in database.users.all()] == ["someone-else@example.com"]
    assert database.ideas.count() == 0, "nothing was copied"
    replaced = runner.invoke("migrate", "--to", pg_url, "--yes")
    assert replaced.exit_code == 0, replaced.output
    assert database.users.find_by_email("someone-else@example.com") is None
    assert contents(database) == contents(TinyStore(data_dir))
    database.close()


def test_an_interrupted_migration_finishes_when_run_again(
    runner: VoiceboxRunner, data_dir: Path, pg_url: str
) -> None:
    """`kill -9` in the middle of the copy; the same command again completes and verifies,
    without --yes (the database remembers whose copy it holds)."""
    folder = TinyStore(data_dir)
    fill(folder)
    ideas = [i.id for i in folder.ideas.all()]
    folder.votes.cast_many(Vote(ideas[n % len(ideas)], 50_000 + n, 1) for n in range(40_000))
    env = {**os.environ, "VOICEBOX_DATABASE_URL": pg_url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "feedback_app.cli", "--data-dir", str(data_dir), "migrate"]
    copying = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        copied = _wait_for_votes(pg_url, copying)
    finally:
        copying.kill()  # SIGKILL: no clean-up of any kind
        copying.wait()
    assert 0 < copied < 40_000, "killed in the middle of the copy"
    database = PgStore(pg_url)
    assert (database.status.get(STATUS) or {}).get("state") == "copying"
    result = runner.invoke("migrate", "--to", pg_url)
    assert result.exit_code == 0, result.output
    assert "Finished the copy an earlier run had started." in result.output
    assert "Verified:" in result.output
    assert contents(database) == contents(folder)
    board_figures_agree(database)
    assert (database.status.get(STATUS) or {}).get("state") == "done"
    database.close()


def _wait_for_votes(url: str, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        with psycopg.connect(url, autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('votes')").fetchone() != (None,):
                row = conn.execute("SELECT count(*) FROM votes").fetchone()
                if row and row[0]:
                    return int(row[0])
        time.sleep(0.005)
    raise AssertionError("the copy never reached the votes")


def test_a_finished_migration_run_again_only_verifies_and_notices_changes(
    runner: VoiceboxRunner, data_dir: Path, pg_url: str
) -> None:
    folder = TinyStore(data_dir)
    fill(folder)
    assert runner.invoke("migrate", "--to", pg_url).exit_code == 0
    again = runner.invoke("migrate", "--to", pg_url)
    assert again.exit_code == 0 and "was already copied" in again.output, again.output
    folder.users.add("late@example.com")  # the app still wrote to the folder afterwards
    changed = runner.invoke("migrate", "--to", pg_url)
    assert changed.exit_code == 1 and "differs" in changed.output and "users" in changed.output
    assert runner.invoke("migrate", "--to", pg_url, "--yes").exit_code == 0
    assert PgStore(pg_url).users.find_by_email("late@example.com") is not None


def test_migrate_needs_an_existing_folder_and_a_database(
    runner: VoiceboxRunner, tmp_path: Path, pg_url: str
) -> None:
    missing = tmp_path / "no-such-folder"
    result = runner.invoke("migrate", "--from", str(missing), "--to", pg_url)
    assert result.exit_code == 1 and "not a Voicebox data folder" in result.output
    assert not missing.exists(), "no empty folder was made to copy from"
    result = runner.invoke("migrate")
    assert result.exit_code == 2 and "VOICEBOX_DATABASE_URL" in result.output
    result = runner.invoke("migrate", "--to", "mysql://u:s3cret-pw@h/db")
    assert result.exit_code == 1 and "s3cret-pw" not in result.output


def test_db_upgrade_says_what_it_did(runner: VoiceboxRunner, pg_url: str) -> None:
    result = runner.invoke("db", "upgrade")
    assert result.exit_code == 0 and "needs no upgrade command" in result.output
    runner.use_database(_with_password(pg_url))
    versions = [version for version, _ in MIGRATIONS]
    newest, every = versions[-1], ", ".join(map(str, versions))
    first = runner.invoke("db", "upgrade")
    assert first.exit_code == 0, first.output
    assert f"schema version {newest} (applied {every})" in first.output, first.output
    second = runner.invoke("db", "upgrade")
    assert f"schema version {newest} (nothing to apply)" in second.output
    assert "s3cret-pw" not in first.output + second.output


def test_backup_restore_and_check_on_postgresql(
    runner: VoiceboxRunner, tmp_path: Path, pg_url: str
) -> None:
    runner.use_database(_with_password(pg_url))
    database = PgStore(pg_url)
    fill(database)
    before = contents(database)
    archive = tmp_path / "board.zip"
    result = runner.invoke("backup", str(archive))
    assert result.exit_code == 0 and "Backed up" in result.output, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    runner.invoke("user", "add", "late@example.com")
    assert runner.invoke("restore", str(archive), input="n\n").exit_code == 1
    assert database.users.find_by_email("late@example.com") is not None
    result = runner.invoke("restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert database.users.find_by_email("late@example.com") is None
    assert contents(database) == before
    checked = runner.invoke("check")
    assert checked.exit_code == 0 and "records in postgresql://voicebox@" in checked.output
    for output in (result.output, checked.output):
        assert "s3cret-pw" not in output
    database.close()


def test_a_folder_snapshot_restores_into_the_database_through_the_command(
    runner: VoiceboxRunner, data_dir: Path, pg_url: str
) -> None:
    folder = TinyStore(data_dir)
    fill(folder)
    archive = data_dir.parent / "folder.zip"
    assert runner.invoke("backup", str(archive)).exit_code == 0
    runner.use_database(pg_url)
    result = runner.invoke("restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output
    assert contents(PgStore(pg_url)) == contents(folder)
