"""Sales lose the customer's address and name after SALES_KEEP_DAYS: a daily job the mailer
schedules (one per day, whatever the hosts and restarts) and that changes nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask

from feedback_app.mail import FileTransport, Mailer
from feedback_app.privacy import RETENTION_JOB
from feedback_app.store import Store, utcnow
from feedback_app.store.models import Sale
from tests.conftest import Backend, app_store

KEEP = timedelta(days=730)


def _mailer(store: Store, tmp_path: Path) -> Mailer:
    return Mailer(store, FileTransport(tmp_path / "outbox"), "v@example.com", keep_sales=KEEP)


def test_old_sales_are_anonymised_once_a_day_and_recent_ones_kept(
    store: Store, backend: Backend, tmp_path: Path
) -> None:
    now = utcnow()
    old = store.sales.add(Sale("олена@example.com", "A-1", now - KEEP - timedelta(days=1),
                               name="Олена Коваленко", touchpoint="shop"))  # fmt: skip
    edge = store.sales.add(Sale("marco@example.com", "A-2", now - KEEP + timedelta(hours=12),
                                name="Marco"))  # fmt: skip
    _mailer(store, tmp_path).deliver_due(now)
    gone = store.sales.get(old.id)
    assert (gone.email, gone.name) == ("", "")
    assert (gone.order_ref, gone.touchpoint, gone.sold_at) == ("A-1", "shop", old.sold_at)
    assert gone.anonymised_at is not None
    assert store.sales.get(edge.id).email == "marco@example.com", "still within the period"

    # A restart (a new process, a new mailer) the same day schedules nothing new.
    _mailer(backend.open(), tmp_path).deliver_due(now + timedelta(hours=2))
    assert [j.key for j in store.jobs.all()] == [f"{RETENTION_JOB}:{now.date().isoformat()}"]
    assert store.sales.get(old.id).anonymised_at == gone.anonymised_at, "changed only once"

    tomorrow = now + timedelta(days=1)
    _mailer(backend.open(), tmp_path).deliver_due(tomorrow)
    assert len(store.jobs.all()) == 2
    assert store.sales.get(edge.id).email == "", "its time came the next day"
    assert not list((tmp_path / "outbox").glob("*.eml")), "the job sends nobody anything"


def test_a_job_cut_short_is_taken_again_after_a_restart(
    store: Store, backend: Backend, tmp_path: Path
) -> None:
    now = utcnow()
    old = store.sales.add(Sale("a@example.com", "A-1", now - KEEP - timedelta(days=3)))
    crashed = _mailer(store, tmp_path)
    crashed.schedule_daily(now)
    assert store.jobs.claim(timedelta(seconds=60), now)  # claimed, then the process died
    _mailer(backend.open(), tmp_path).deliver_due(now + timedelta(minutes=5))
    assert store.sales.get(old.id).email == ""


def test_the_app_s_mailer_keeps_sales_for_the_configured_days(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SALES_KEEP_DAYS=10)
    store = app_store(app)
    now = utcnow()
    old = store.sales.add(Sale("a@example.com", "A-1", now - timedelta(days=11)))
    recent = store.sales.add(Sale("b@example.com", "A-2", now - timedelta(days=9)))
    with app.app_context():
        from feedback_app.mail import mailer

        mailer().deliver_due()
    assert store.sales.get(old.id).email == ""
    assert store.sales.get(recent.id).email == "b@example.com"
