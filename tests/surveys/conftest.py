"""Helpers for the answer pages: a sale made directly in the store, its emailed links, and the
form a person sends back."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role, Store, utcnow
from feedback_app.store.models import Sale
from feedback_app.surveys.links import arrival_urls, lost_url, survey_urls
from tests.conftest import app_store, csrf_token


def add_sale(app: Flask, email: str = "olena@example.com", **fields: Any) -> Sale:
    fields.setdefault("order_ref", f"ORD-{len(app_store(app).sales.all()) + 1}")
    fields.setdefault("sold_at", utcnow() - timedelta(days=7))
    return app_store(app).sales.add(Sale(email=email, **fields))


def links(app: Flask, sale: Sale, kind: str = "survey") -> Any:
    """The links an email about `sale` carries: 11 survey links, {"yes", "no"}, or one."""
    with app.test_request_context():
        if kind == "arrival":
            return arrival_urls(sale)
        if kind == "lost":
            return lost_url(sale)
        return survey_urls(sale, kind)


def path(url: str) -> str:
    return url.removeprefix("http://localhost")


def send(client: FlaskClient, url: str, **fields: Any) -> Any:
    """Open `url` as a person would and press "Send" with `fields` (the form's action is the
    link without its query)."""
    token = csrf_token(client, path(url))
    action = path(url).split("?", 1)[0]
    return client.post(action, data={"csrf_token": token, **fields})


def backdate(store: Store, survey_id: int, by: timedelta) -> None:
    """Make a stored answer `by` older, as if that time had passed since it was sent."""
    store.surveys.update(survey_id, lambda r: setattr(r, "created_at", r.created_at - by))


def checked(response: Any, name: str) -> list[str]:
    """The values of the radio buttons or boxes named `name` that the page has chosen."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', response.get_data(as_text=True))
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if " checked" in i]  # type: ignore[union-attr]


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def marketers(app: Flask) -> list[int]:
    store: Store = app_store(app)
    return [
        store.users.add(f"m{n}@voicebox.example", Role.MARKETER, name=f"Marketer {n}").id
        for n in (1, 2)
    ]
