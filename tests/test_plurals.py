"""Counts outside the console read in the plural form their number takes: a setting of 1
("1 hour", "1 day") or a one-character limit is not "1 hours", "1 days", "1 characters"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta

import pytest
from flask import Flask
from itsdangerous.timed import TimestampSigner

from feedback_app.admin import accounts
from feedback_app.forms import text_field
from feedback_app.sales import intake
from feedback_app.sales.intake import SaleProblems
from feedback_app.store import Role, utcnow
from tests.admin.people import post, signed_in
from tests.conftest import app_store
from tests.sales.conftest import record
from tests.surveys.conftest import add_sale, links, page_text, path, send


def test_one_rescue_hour_and_one_link_day(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(RESCUE_HOURS=1, LINK_DAYS=1)
    client = app.test_client()
    sale = add_sale(app)
    send(client, links(app, sale)[0], score="0")
    thanks = page_text(client.get("/survey/thanks"))
    assert "within 1 hour." in thanks and "1 hours" not in thanks
    (mail,) = [m for m in app_store(app).messages.all() if "within 1 hour" in m.text]
    assert "1 hours" not in mail.text
    start = 1_800_000_000
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start)
    old = links(app, add_sale(app, "li.wei@example.com"))[10]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start + 3 * 86400)
    assert "Personal links work for 1 day." in page_text(client.get(path(old)))


def test_a_one_day_invitation(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "INVITE_LIFETIME", timedelta(days=1))
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    post(admin, "/admin/staff/invite", {"email": "li.wei@example.com", "role": "marketer"})
    (mail,) = [m for m in app_store(app).messages.all() if m.to == "li.wei@example.com"]
    assert "It works once, within 1 day:" in mail.text


def test_a_one_character_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(intake._LONGEST, "language", 1)
    with app.test_request_context():
        field = text_field("Initial", max_length=1)
        assert str(field.kwargs["validators"][1].message) == "At most 1 character, please."
        with pytest.raises(SaleProblems) as refused:
            intake.read_sale({"email": "olena@example.com", "order_ref": "UA-1",
                              "date": "2025-01-01", "language": "uk"}, default_language="en",
                             zone=UTC, now=utcnow(), source="test")  # fmt: skip
    assert refused.value.problems["language"] == "At most 1 character."


def test_a_one_day_gap_between_questions(make_app: Callable[..., Flask]) -> None:
    app = make_app(ASK_GAP_DAYS=1)
    record(app, "UA-9")
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    for _time in range(2):
        third = post(client, "/admin/sales/link",
                     {"email": "olena@example.com", "order_ref": "UA-9", "send": "y"})  # fmt: skip
    assert "less than 1 day ago" in third.get_data(as_text=True)
