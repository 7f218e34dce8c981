"""Helpers for the sales tests: record a sale as the import or the API would, and run the
mailer's jobs at a chosen moment (time is driven by passing `now`, never by waiting)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from feedback_app.mail import mailer
from feedback_app.sales.cadence import Cadence
from feedback_app.sales.service import Recorded, record_sale
from feedback_app.store import Message, Store
from feedback_app.store.models import Sale
from tests.conftest import app_store

# Ahead of the real clock: messages queued now (stamped with the real time) are due at any
# moment of a test's simulated days.
T0 = datetime(2030, 3, 3, 12, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    """`n` days after the first sale of a test."""
    return T0 + timedelta(days=n)


def record(app: Flask, ref: str, at: datetime = T0, **fields: Any) -> Recorded:
    fields = {"email": "olena@example.com", "name": "Олена", "language": "uk", **fields}
    sale = Sale(order_ref=ref, sold_at=at, source="test", **fields)
    return record_sale(app_store(app), sale, Cadence.from_config(app.config), at)


def run_jobs(app: Flask, at: datetime) -> int:
    """What the mailer does at `at`: run the jobs due by then; returns messages queued."""
    with app.app_context():
        return mailer().run_jobs(at)


def run_days(app: Flask, first: float, last: float) -> None:
    """Run the mailer's jobs once a day from day `first` to day `last`, as a mailer that
    never stops would (a job runs on the day it comes due, not later)."""
    for n in range(int(first), int(last) + 1):
        run_jobs(app, day(n))


def outbox(store: Store, to: str | None = None) -> list[Message]:
    """Queued and sent mail, oldest first (to one address if given)."""
    found = sorted(store.messages.all(), key=lambda m: (m.created_at, m.id))
    return [m for m in found if to is None or m.to == to]
