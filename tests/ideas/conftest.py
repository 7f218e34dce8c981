from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role, Store
from tests.conftest import csrf_token, sign_in


@dataclass
class Board:
    """A store, a signed-in customer's client, and helpers to post as them."""

    app: Flask
    store: Store
    client: FlaskClient
    user_id: int

    def post(self, url: str, data: dict[str, str] | None = None, **kw: object):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client, "/ideas/new")
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kw)

    def idea(self, title: str = "Oat milk at no extra charge", **fields: object) -> int:
        from feedback_app.store import Idea

        return self.store.ideas.add(Idea(title, "Why it matters", "Drinks", 999, **fields)).id  # type: ignore[arg-type]

    def staff_post(self, idea_id: int, which: str, data: dict[str, str],
                   client: FlaskClient | None = None):  # type: ignore[no-untyped-def]  # fmt: skip
        """Post one form of the idea page's staff panel ("status", "merge", "edit", "spam") to
        the page's own address, its fields under the form's prefix, and the "email the
        followers" box ticked as it is at first (unless `data` says otherwise)."""
        staff = client or self.staff_client()
        token = csrf_token(staff, f"/ideas/{idea_id}")
        fields = {f"{which}-{name}": value for name, value in {"notify": "y", **data}.items()}
        return staff.post(f"/ideas/{idea_id}",
                          data={"csrf_token": token, "staff_form": which, **fields})  # fmt: skip

    def staff_client(self) -> FlaskClient:
        client = self.app.test_client()
        sign_in(client, self.store.users.add("staff@example.com", Role.MARKETER, "Marta").id)
        return client


@pytest.fixture
def board(app: Flask, client: FlaskClient, store: Store) -> Board:
    user = store.users.add("olena@example.com", name="Олена")
    sign_in(client, user.id)
    return Board(app, store, client, user.id)
