"""/admin/exports: staff download CSV files, streamed, each download written in the audit log."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Idea, Role, Stance, Store, utcnow
from feedback_app.store.contract import Batch
from tests.conftest import app_store, next_after_sign_in, sign_in

TITLE = 'Кава, "без" цукру 咖啡'
BODY = '=HYPERLINK("http://evil.example")\nand a second line'


def _staff(store: Store) -> int:
    return store.users.add("marta@example.com", Role.MARKETER, "Marta").id


def _rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_page_lists_every_download_with_its_count(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    sign_in(client, _staff(store))
    store.ideas.add(Idea(TITLE, "d", "Drinks", 1))
    page = client.get("/admin/exports").get_data(as_text=True)
    for name in ("ideas", "votes", "comments", "surveys", "testimonials", "followups", "audit"):
        assert f'href="/admin/exports/{name}.csv"' in page
    assert re.search(r'data-label="How many">1<', page)
    assert page.count("<td") == page.count("<td data-label=")
    assert page.count(">Download CSV</a>") == 7 and "(CSV)" not in page, "short link words"


def test_ideas_download_keeps_unicode_and_neutralises_formulas(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    staff = _staff(store)
    sign_in(client, staff)
    idea = store.ideas.add(Idea(TITLE, BODY, "Drinks", staff, tags=["oat-milk"]))
    reply = client.get("/admin/exports/ideas.csv")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    today = utcnow().date().isoformat()
    assert reply.headers["Content-Disposition"] == (
        f'attachment; filename="voicebox-ideas-{today}.csv"'
    )
    [row] = _rows(reply.data)
    assert row["Idea number"] == str(idea.id)
    assert row["Title"] == TITLE
    assert row["Description"] == "'" + BODY
    assert row["Tags"] == "oat-milk", "a harmless dash inside text is left alone"
    assert row["Posted"] == idea.created_at.isoformat(timespec="seconds")


def test_each_download_is_written_in_the_audit_log(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    staff = _staff(store)
    sign_in(client, staff)
    idea = store.ideas.add(Idea("Oat", "d", "Drinks", staff))
    store.comments.add(idea.id, staff, "Да, 好", Stance.PRO)
    assert _rows(client.get("/admin/exports/comments.csv").data)[0]["Comment"] == "Да, 好"
    [entry] = store.audit.find(action="export.download")
    assert (entry.actor_id, entry.after, entry.summary) == (staff, {"collection": "comments"},
                                                           "comments")  # fmt: skip
    rows = _rows(client.get("/admin/exports/audit.csv").data)
    assert [r["Action"] for r in rows] == ["export.download", "export.download"]
    assert sorted(r["After"] for r in rows) == ['{"collection": "audit"}',
                                                '{"collection": "comments"}']  # fmt: skip
    assert {r["Who"] for r in rows} == {"marta@example.com"}


def test_the_first_chunk_leaves_before_the_collection_is_read(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app_store(app)
    staff = _staff(store)
    sign_in(client, staff)
    idea = store.ideas.add(Idea("Oat", "d", "Drinks", staff))
    for n in range(6):
        store.comments.add(idea.id, staff, f"comment {n}", Stance.PRO)
    real_scan = store.scan
    batches_read: list[int] = []

    def small_batches(collection: str, batch: int = 2) -> Iterator[Batch]:
        for part in real_scan(collection, batch=2):
            batches_read.append(len(part))
            yield part

    monkeypatch.setattr(store, "scan", small_batches)
    reply = client.get("/admin/exports/comments.csv", buffered=False)
    chunks = iter(reply.response)
    assert next(chunks).decode().startswith("\ufeffComment number") and batches_read == []
    assert next(chunks).decode().count("comment ") == 2 and batches_read == [2]
    rest = b"".join(chunks)
    reply.close()
    assert batches_read == [2, 2, 2] and rest.decode().count("comment ") == 4


def test_customers_and_strangers_get_no_file(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    reply = client.get("/admin/exports/votes.csv")
    assert reply.status_code == 302
    assert next_after_sign_in(reply.headers["Location"]) == "/admin/exports/votes.csv"
    sign_in(client, store.users.add("olena@example.com").id)
    assert client.get("/admin/exports/votes.csv").status_code == 403
    assert client.get("/admin/exports").status_code == 403
    assert store.audit.count() == 0


def test_an_unknown_download_is_not_found(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    sign_in(client, _staff(store))
    assert client.get("/admin/exports/users.csv").status_code == 404
    assert store.audit.count() == 0
