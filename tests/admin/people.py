"""Helpers for the console's people tests: who is signed in, and the audit entries written."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role, Store, User
from feedback_app.store.models import AuditEntry
from tests.conftest import app_store, csrf_token, sign_in


def signed_in(app: Flask, email: str, role: Role, name: str = "") -> tuple[FlaskClient, User]:
    """A client signed in as a new person with `role`."""
    person = app_store(app).users.add(email, role, name)
    client = app.test_client()
    sign_in(client, person.id)
    return client, person


def post(client: FlaskClient, url: str, data: dict[str, object], page: str = "") -> object:
    """A form post as the browser sends it, with the CSRF token of `page` (default: `url`)."""
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **data})


def entries(store: Store, action: str) -> list[AuditEntry]:
    return [e for e in store.audit.all() if e.action == action]


def audit_text(store: Store) -> str:
    """Every audit entry as stored, to search for what must never be in one."""
    return json.dumps([e.to_doc() for e in store.audit.all()], ensure_ascii=False)


def assert_cells_labelled(page: str) -> None:
    """Every table cell says which column it is in: on a phone each row becomes a card."""
    cells = re.findall(r"<td[^>]*>", page)
    assert cells, "a table is shown"
    assert all("data-label=" in cell for cell in cells), cells
