"""A full disk or a record that does not match its model in the TinyDB folder: a clear 503,
never a 500 (for PostgreSQL see tests/store/postgres/)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Idea, TinyStore
from feedback_app.store.tinydb import storage as storage_module
from tests.conftest import VoiceboxRunner, csrf_token, sign_in

pytestmark = pytest.mark.backends("tinydb")  # a full disk and hand-broken data files


def _fill_disk(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """Every write into the data folder fails as it would on a full disk."""
    real_write = os.write

    real_pwrite = os.pwrite

    def refuse(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(data_dir)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(fd: int, data: bytes) -> int:
        refuse(fd)
        return real_write(fd, data)

    def pwrite(fd: int, data: bytes, offset: int) -> int:  # a change appended to a file
        refuse(fd)
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(storage_module.os, "write", write)
    monkeypatch.setattr(storage_module.os, "pwrite", pwrite)


def _files(data_dir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data_dir)): p.read_bytes()
        for p in data_dir.rglob("*")
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_a_vote_on_a_full_disk_is_a_clear_503_and_recovers(
    app: Flask, client: FlaskClient, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TinyStore(data_dir)
    user = store.users.add("olena@example.com", name="Олена")
    idea = store.ideas.add(Idea("Більше вівсяного молока", "Чому", "Drinks", user.id)).id
    sign_in(client, user.id)
    token = csrf_token(client, f"/ideas/{idea}")
    store.votes.cast(idea, store.users.add("li@example.com").id, 1)
    before = _files(data_dir)

    with monkeypatch.context() as full:
        _fill_disk(full, data_dir)
        reply = client.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 503, page
    assert "could not save" in page.lower() and "nothing was lost" in page.lower()
    assert _files(data_dir) == before, "nothing half-written, no temporary file left"
    assert TinyStore(data_dir).votes.tally(idea) == (1, 0)

    again = client.post(f"/ideas/{idea}/vote", data={"csrf_token": token, "value": "1"})
    assert again.status_code == 302
    assert TinyStore(data_dir).votes.tally(idea) == (2, 0), (
        "the next vote after space returns works"
    )


def _break_a_record(data_dir: Path) -> tuple[Path, int]:
    """Remove the title of one idea: valid JSON, but not an idea any more. A data file is
    its records as one JSON line, then one line per later change: add a change."""
    import json

    for path in sorted((data_dir / "ideas").glob("*.json")):
        records = json.loads(path.read_text().partition("\n")[0]).get("ideas") or {}
        if records:
            doc_id, record = next(iter(records.items()))
            del record["title"]
            with path.open("a") as f:
                f.write(json.dumps(["ideas", {doc_id: record}]) + "\n")
            return path, int(doc_id)
    raise AssertionError("no idea to break")


def test_a_record_missing_a_field_fails_check_and_health(
    runner: VoiceboxRunner, data_dir: Path, app: Flask, client: FlaskClient
) -> None:
    assert runner.invoke("demo", "--no-serve").exit_code == 0
    path, doc_id = _break_a_record(data_dir)
    ideas = TinyStore(data_dir).collections["ideas"]
    broken = ideas.join_id(int(path.stem), doc_id)
    result = runner.invoke("check")
    assert result.exit_code == 1, result.output
    assert str(path) in result.output and f"record {broken}" in result.output
    assert "Traceback" not in result.output
    assert client.get("/healthz").status_code == 503
    for url in ("/", "/ideas", f"/ideas/{broken}"):
        reply = client.get(url)
        assert reply.status_code == 503, url
        assert "Temporarily unavailable" in reply.get_data(as_text=True)
