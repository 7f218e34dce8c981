"""The JSON API a shop system calls for each sale, and the tokens it authenticates with, as
the shop's developer meets them: clear JSON answers, never an HTML page, never a 500."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Store
from tests.conftest import VoiceboxRunner, app_store

SALE = {"email": "Olena@Example.com", "name": "Олена", "language": "uk", "order_ref": "W-1",
        "touchpoint": "online shop"}  # fmt: skip


def _token(runner: VoiceboxRunner, name: str = "Shopify") -> str:
    result = runner.invoke("token", "create", name)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[1]


def _post(client: FlaskClient, token: str | None, body: Any = SALE) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/sales", json=body, headers=headers)


def test_token_is_shown_once_and_stored_only_as_a_hash(
    runner: VoiceboxRunner, store: Store
) -> None:
    secret = _token(runner)
    (stored,) = store.api_tokens.all()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(stored.to_doc())
    listing = runner.invoke("token", "list").output
    assert "Shopify" in listing and stored.prefix in listing and secret not in listing
    assert "active" in listing and "last used never" in listing


def test_a_sale_is_recorded_once_however_often_it_is_sent(
    runner: VoiceboxRunner, client: FlaskClient, app: Flask
) -> None:
    token = _token(runner)
    first = _post(client, token)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["created"] is True
    assert body["sale"]["email"] == "olena@example.com" and body["sale"]["name"] == "Олена"
    again = _post(client, token)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert again.get_json()["sale"]["id"] == body["sale"]["id"]
    assert "email" not in again.get_json()["sale"], "a repeat never says whose order it is"
    store = app_store(app)
    assert store.sales.count() == 1 and store.contacts.count() == 1
    assert {j.kind for j in store.jobs.all()} == {"sale_thanks", "sale_survey"}
    assert len(store.jobs.all()) == 2
    assert store.sales.all()[0].source == "api:Shopify"
    assert "last used never" not in runner.invoke("token", "list").output


def test_a_revoked_token_gets_401_json(runner: VoiceboxRunner, client: FlaskClient) -> None:
    token = _token(runner)
    assert _post(client, token).status_code == 201
    assert runner.invoke("token", "revoke", "Shopify").exit_code == 0
    reply = _post(client, token, {**SALE, "order_ref": "W-2"})
    assert reply.status_code == 401
    assert reply.get_json()["error"] == "unauthorized"
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in runner.invoke("token", "list").output


def test_no_token_or_a_wrong_one_gets_401_json(
    runner: VoiceboxRunner, client: FlaskClient, app: Flask
) -> None:
    token = _token(runner)
    for headers in ({}, {"Authorization": "Bearer vbx_wrong"},
                    {"Authorization": token}, {"Authorization": f"Basic {token}"}):  # fmt: skip
        reply = client.post("/api/sales", json=SALE, headers=headers)
        assert reply.status_code == 401 and reply.is_json, headers
    assert app_store(app).sales.count() == 0


def test_wrong_fields_get_422_naming_each_and_nothing_is_recorded(
    runner: VoiceboxRunner, client: FlaskClient, app: Flask
) -> None:
    token = _token(runner)
    bad = {"email": "nope", "order_ref": "", "date": "yesterday", "outcome": "maybe",
           "language": 7, "colour": "red"}  # fmt: skip
    reply = _post(client, token, bad)
    assert reply.status_code == 422
    fields = reply.get_json()["fields"]
    assert set(fields) == {"email", "order_ref", "date", "outcome", "language", "colour"}
    assert fields["language"] == "Must be text."
    assert app_store(app).sales.count() == 0


def test_a_different_sale_under_a_known_reference_gets_409(
    runner: VoiceboxRunner, client: FlaskClient, app: Flask
) -> None:
    token = _token(runner)
    _post(client, token)
    reply = _post(client, token, {**SALE, "email": "other@example.com"})
    assert reply.status_code == 409 and reply.get_json()["error"] == "conflict"
    assert "olena" not in reply.get_data(as_text=True), "nor whose order the reference is"
    assert app_store(app).sales.all()[0].email == "olena@example.com"
    dated = {**SALE, "order_ref": "W-9", "date": "2025-03-01T10:00:00+00:00"}
    assert _post(client, token, dated).status_code == 201
    assert _post(client, token, {**dated, "date": "2025-03-01T12:00:00+02:00"}).status_code == 200
    assert _post(client, token, {**dated, "date": "2025-03-02"}).status_code == 409


def test_malformed_requests_get_json_errors_never_html(
    runner: VoiceboxRunner, client: FlaskClient
) -> None:
    token = _token(runner)
    auth = {"Authorization": f"Bearer {token}"}

    def raw(body: bytes) -> Any:
        return client.post("/api/sales", data=body, headers=auth, content_type="application/json")

    cases = [
        (raw(b"{not json"), 400),
        (client.post("/api/sales", json=[SALE], headers=auth), 400),
        (raw(b"\xff\xfe"), 400),
        (client.get("/api/sales", headers=auth), 405),
        (client.post("/api/sale", json=SALE, headers=auth), 404),
        (raw(b"x" * 300_000), 413),
    ]
    for reply, status in cases:
        assert reply.status_code == status, (reply.status_code, reply.get_data(as_text=True))
        assert reply.is_json and reply.get_json()["error"], reply.get_data(as_text=True)


def test_too_many_calls_get_a_json_429_with_retry_after(
    runner: VoiceboxRunner, make_app: Any
) -> None:
    token = _token(runner)
    client = make_app(POST_LIMIT=(1, 60)).test_client()
    assert _post(client, token).status_code == 201
    reply = _post(client, token, {**SALE, "order_ref": "W-2"})
    assert reply.status_code == 429 and reply.is_json
    assert reply.headers["Retry-After"] == "60"


def test_revoking_an_unknown_token_is_a_one_line_error(runner: VoiceboxRunner) -> None:
    result = runner.invoke("token", "revoke", "nothing")
    assert result.exit_code == 1 and "no active token" in result.output
    assert "Traceback" not in result.output
