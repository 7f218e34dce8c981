"""Helpers for the tests that move data between backends: a throwaway PostgreSQL server, a
store filled with every kind of record in five languages, and a store's whole contents.

(Kept here rather than in tests/conftest.py while the shared PostgreSQL fixtures are being
built; import the fixtures into a test module to use them.)
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.demo import seed_demo
from feedback_app.dev.throwaway_pg import ThrowawayPostgres
from feedback_app.store import (
    BoardQuery,
    Idea,
    IdeaStatus,
    Job,
    Message,
    Role,
    Stance,
    Store,
    TinyStore,
)
from feedback_app.store.contract import COLLECTIONS, Entry
from feedback_app.store.postgres import PgStore
from tests.conftest import csrf_token

__all__ = [
    "TEXTS",
    "app_works",
    "board_figures_agree",
    "contents",
    "fill",
    "new_database",
    "old_format_backup",
    "pg_server",
    "pg_url",
]

# One idea, a person and a comment in each of the five languages of the seed data.
TEXTS = {
    "uk": ("Більше безлактозних десертів", "Оксана Коваленко", "Так, будь ласка! Щодня."),
    "ru": ("Добавьте овсяное молоко", "Дмитрий Соколов", "Поддерживаю, без сахара тоже."),
    "tl": ("Magdagdag ng ube latte", "Maria Santos", "Sang-ayon ako, masarap iyon."),
    "it": ("Più caffè decaffeinato, per favore", "Giulia Rossi", "Sì, anche la sera."),
    "zh": ("增加无糖饮品选项", "王小明", "同意，希望尽快上线。"),
}


@pytest.fixture(scope="module")
def pg_server() -> Iterator[ThrowawayPostgres]:
    with ThrowawayPostgres() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: ThrowawayPostgres) -> str:
    """A new, empty database on the module's server."""
    return pg_server.create_database(f"t_{uuid.uuid4().hex[:12]}")


def new_database(server: ThrowawayPostgres) -> PgStore:
    return PgStore(server.create_database(f"t_{uuid.uuid4().hex[:12]}"))


def fill(store: Store) -> dict[str, int]:
    """The demo board plus a record of every collection, in five languages; returns the ids
    worth following: a person per language and their idea (`<lang>`, `<lang>-idea`)."""
    seed_demo(store)
    staff = store.users.add("admin@voicebox.example", Role.ADMIN)
    ids: dict[str, int] = {}
    for lang, (title, name, comment) in TEXTS.items():
        person = store.users.add(f"{lang}-{name.split()[0].lower()}@example.com", name=name)
        idea = store.ideas.add(Idea(title, f"{title}\n\n{comment}", "Drinks", person.id))
        store.comments.add(idea.id, person.id, comment, Stance.PRO)
        store.comments.add(idea.id, staff.id, f"Official: {comment}", official=True)
        store.votes.cast(idea.id, staff.id, 1)
        store.follows.set(idea.id, staff.id, lang != "it")
        ids[lang], ids[f"{lang}-idea"] = person.id, idea.id
    store.ideas.set_status(ids["uk-idea"], IdeaStatus.PLANNED, "Заплановано на весну", staff.id)
    store.ideas.set_status(
        ids["zh-idea"], IdeaStatus.IMPLEMENTED, "已上线", staff.id, "新菜单", date(2025, 3, 1)
    )
    store.ideas.merge(ids["ru-idea"], ids["tl-idea"], staff.id, "Duplicate of the ube latte")
    hidden = store.comments.add(ids["it-idea"], ids["it"], "Nascosto")
    store.comments.set_hidden(hidden.id, True)
    store.tokens.issue("uk-оксана@example.com")
    store.limits.hit("signin-email:uk-оксана@example.com", 5, 3600)
    store.messages.enqueue(Message("it-giulia@example.com", "Grazie!", "Ciao Giulia"))
    store.messages.enqueue_keyed([("job-1:7", Message("zh-王小明@example.com", "更新", "已上线"))])
    store.jobs.add(Job("status-changed", {"idea_id": ids["zh-idea"]}))
    return ids


def contents(store: Store) -> dict[str, list[Entry]]:
    """Every record of every collection, with its id, as the store exports it."""
    with store.exporting() as export:
        return {name: [e for batch in export(name) for e in batch] for name in COLLECTIONS}


def board_figures_agree(store: Store) -> None:
    """Every idea's figures on the board (kept beside the idea on PostgreSQL, merged from
    the files on TinyDB) are those of its votes and visible comments."""
    board = store.ideas.list(BoardQuery(sort="top", per_page=100_000))
    assert board.total == store.ideas.count()
    for summary in board.items:
        idea = summary.idea.id
        assert (summary.promotes, summary.demotes) == store.votes.tally(idea), idea
        assert summary.comments == len(store.comments.for_idea(idea)), idea


def app_works(app: Flask, store: Store, email: str, idea_id: int) -> None:
    """The board works on moved data: the person signs in by email as themselves (no second
    account), the idea's page shows its comments, and their vote is tallied."""
    client: FlaskClient = app.test_client()
    person = store.users.find_by_email(email)
    assert person is not None, f"{email} is found by email"
    people = store.users.count()
    client.post("/signin", data={"csrf_token": csrf_token(client, "/signin"), "email": email})
    sent = [m for m in store.messages.all() if m.to == email and "/signin/" in m.text]
    link = sent[0].text.split("http://localhost", 1)[1].split()[0]
    signed = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert signed.status_code == 302, signed.get_data(as_text=True)
    assert f"Signed in as {email}" in client.get("/account").get_data(as_text=True)
    assert store.users.count() == people, "signing in made no second account"
    assert store.users.add(email).id == person.id
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    for comment in store.comments.for_idea(idea_id):
        assert comment.body in page
    up, down = store.votes.tally(idea_id)
    held = store.votes.value(idea_id, person.id)
    token = csrf_token(client, f"/ideas/{idea_id}")
    client.post(f"/ideas/{idea_id}/vote", data={"csrf_token": token, "value": "1"})
    assert store.votes.tally(idea_id) == (up + (held != 1), down - (held == -1))
    assert store.votes.value(idea_id, person.id) == 1


def old_format_backup(root: Path, target: Path) -> None:
    """A backup as Voicebox wrote them before snapshots: the folder's files (each one JSON
    document, as in schema 1) and their checksums."""
    folder = TinyStore(root)
    files = {
        shard.path.relative_to(root).as_posix(): raw
        for shard in folder.shards()
        if (raw := shard.contents()) is not None
    }
    folder.close()
    manifest = {"schema": 1, "files": {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}}
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("meta.json", (root / "meta.json").read_bytes())
        for name, raw in files.items():
            zf.writestr(name, raw)
        zf.writestr("voicebox-backup.json", json.dumps(manifest))
