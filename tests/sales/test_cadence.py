"""The emails a sale starts, as the customer receives them: when, which, in what language, and
never twice, never to someone who said stop."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from flask import Flask

from feedback_app.mail import JOB_LEASE, mailer
from feedback_app.sales.cadence import CHECKIN
from feedback_app.sales.contacts import reserve_ask
from feedback_app.store import Store
from feedback_app.store.models import SaleOutcome
from tests.conftest import Backend, app_store
from tests.sales.conftest import T0, day, outbox, record, run_days, run_jobs

OLENA = "olena@example.com"


def test_the_thank_you_arrives_after_the_delay_and_not_before(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    assert run_jobs(app, day(2) - timedelta(minutes=1)) == 0
    assert outbox(store) == []
    assert run_jobs(app, day(2)) == 1
    (thanks,) = outbox(store)
    assert thanks.to == OLENA
    assert "Did everything arrive as promised?" in thanks.text
    links = re.findall(r"http://localhost/arrival/\S+", thanks.text)
    assert [link.rsplit("=", 1)[1] for link in links] == ["yes", "no"]
    assert all(link.replace("&", "&amp;") in thanks.html for link in links)
    assert thanks.unsubscribe.startswith("http://localhost/stop/")
    assert thanks.unsubscribe in thanks.text and thanks.unsubscribe in thanks.html


def test_the_survey_invitation_carries_eleven_score_links(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_jobs(app, day(6))
    assert len(outbox(store)) == 1, "only the thank-you by day 6"
    run_jobs(app, day(7))
    survey = outbox(store)[-1]
    scores = re.findall(r"http://localhost/survey/\S+\?score=(\d+)", survey.text)
    assert scores == [str(n) for n in range(11)]
    assert survey.html.count("/survey/") == 11
    assert "recommend" in survey.subject


def test_emails_speak_the_customers_language_and_keep_their_name(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1", name="Олена Петрівна", language="uk")
    record(app, "B-1", email="wei@example.com", name="王伟", language="zh_Hans")
    run_jobs(app, day(2))
    olena, wei = outbox(store, OLENA)[0], outbox(store, "wei@example.com")[0]
    assert '<html lang="uk">' in olena.html and '<html lang="zh_Hans">' in wei.html
    assert "3 березня 2030" in olena.text, "the sale's date written the Ukrainian way"
    assert "2030年3月3日" in wei.text
    assert "Олена Петрівна" in olena.text and "Олена Петрівна" in olena.html
    assert "王伟" in wei.text


def test_a_second_sale_ten_days_later_gets_a_thank_you_but_no_second_survey(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_days(app, 0, 9)
    record(app, "A-2", at=day(10))
    run_days(app, 10, 40)
    subjects = [m.subject for m in outbox(store)]
    assert len(subjects) == 3, subjects
    assert subjects.count("Thank you for your order") == 2, "the thank-you is not an ask"
    assert sum("recommend" in s for s in subjects) == 1


def test_asking_again_is_fine_after_the_gap(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    record(app, "A-2", at=day(30))
    run_days(app, 0, 37)
    assert sum("recommend" in m.subject for m in outbox(store)) == 2


def test_a_lost_sale_gets_only_the_what_made_you_decide_question(app: Flask) -> None:
    store = app_store(app)
    record(app, "L-1", outcome=SaleOutcome.LOST, language="it", name="Giulia",
           email="giulia@example.com")  # fmt: skip
    assert run_jobs(app, day(2) - timedelta(seconds=1)) == 0
    run_jobs(app, day(100))
    (lost,) = outbox(store)
    assert lost.subject == "May we ask what made you decide?"
    assert re.search(r"http://localhost/lost/\S+", lost.text)
    assert "/survey/" not in lost.text and "/arrival/" not in lost.text


def test_a_repeat_customer_is_checked_in_with_every_ninety_days(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    record(app, "A-2", at=day(10))
    record(app, "A-3", at=day(20))
    record(app, "Z-1", email="once@example.com")
    run_days(app, 0, 99)
    assert not any("doing" in m.subject for m in outbox(store))
    run_jobs(app, day(100))
    checkins = [m for m in outbox(store) if "doing" in m.subject]
    assert [m.to for m in checkins] == [OLENA], "one series per repeat customer, none for others"
    assert "?score=10" in checkins[0].text
    run_days(app, 101, 189)
    assert sum("doing" in m.subject for m in outbox(store)) == 1
    run_jobs(app, day(190))
    assert sum("doing" in m.subject for m in outbox(store)) == 2, "the next one, 90 days on"
    assert len([j for j in store.jobs.all() if j.kind == CHECKIN and j.state == "queued"]) == 1


def test_opting_out_stops_everything_that_was_scheduled_and_what_comes_later(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_jobs(app, day(2))
    (thanks,) = outbox(store)
    stop = thanks.unsubscribe.removeprefix("http://localhost")
    client = app.test_client()
    page = client.get(stop).get_data(as_text=True)
    assert "Stop these emails" in page
    assert store.contacts.find(email=OLENA)[0].opted_out_at is None, "opening the link asks only"
    assert "will get no more emails" in client.post(stop).get_data(as_text=True)
    assert record(app, "A-2", at=day(3)).jobs == 0, "nothing scheduled for an opted-out address"
    run_jobs(app, day(400))
    assert outbox(store) == [thanks], "no survey, no second thank-you, no check-in"


def test_a_mail_clients_one_click_post_opts_out(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_jobs(app, day(2))
    stop = outbox(store)[0].unsubscribe.removeprefix("http://localhost")
    reply = app.test_client().post(stop, data={"List-Unsubscribe": "One-Click"})
    assert reply.status_code == 200
    assert store.contacts.find(email=OLENA)[0].opted_out_at is not None


def test_a_damaged_stop_link_says_so_and_changes_nothing(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_jobs(app, day(2))
    stop = outbox(store)[0].unsubscribe.removeprefix("http://localhost")
    client = app.test_client()
    for damaged in (stop[:-3] + "xyz", "/stop/x", "/stop/" + "A" * 3000):
        for method in (client.get, client.post):
            reply = method(damaged)
            assert reply.status_code == 400
            assert "This link does not work" in reply.get_data(as_text=True)
    assert store.contacts.find(email=OLENA)[0].opted_out_at is None


def test_a_suppressed_address_gets_nothing(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    contact = store.contacts.find(email=OLENA)[0]
    store.contacts.update(contact.id, lambda c: setattr(c, "suppressed_at", T0))
    run_jobs(app, day(400))
    assert outbox(store) == []


def test_a_job_claimed_again_after_a_crash_queues_one_message(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_jobs(app, day(2))
    (job,) = store.jobs.claim(JOB_LEASE, day(7))  # the survey: claimed, then the host dies
    assert job.key.endswith(":survey")
    with app.app_context():
        from feedback_app.mail import _HANDLERS  # what the dead host had started to do

        with app.test_request_context():
            pairs = list(_HANDLERS[job.kind](job))
        store.messages.enqueue_keyed([(f"{job.key}:{who}", m) for who, m in pairs])
    assert run_jobs(app, day(7)) == 0, "still leased"
    assert run_jobs(app, day(7) + JOB_LEASE * 2) == 0, "taken again: its message is not new"
    assert sum("recommend" in m.subject for m in outbox(store)) == 1
    assert store.jobs.get(job.id).state == "done"


def test_the_schedule_survives_a_restart(backend: Backend, make_app: type) -> None:
    first = make_app()
    record(first, "A-1")
    from feedback_app.data import close_store

    close_store(first)  # the process stops; its memory is gone
    second = make_app()
    with second.app_context():
        sent = mailer().deliver_due(day(7))
    assert sent == 2
    assert len(list((backend.data_dir / "outbox").glob("*.eml"))) == 2
    assert run_jobs(second, day(8)) == 0, "nothing sent twice"


def test_two_asks_at_once_reserve_the_person_once(backend: Backend, store: Store) -> None:
    """Two hosts running two different asking jobs for one person at the same moment."""
    from feedback_app.store.models import Contact

    contact, _ = store.contacts.add_once(Contact(OLENA), "email")
    results: list[bool] = []
    stores = [backend.open() for _ in range(4)]

    def ask(i: int) -> None:
        results.append(reserve_ask(stores[i], contact.id, f"job-{i}", T0, timedelta(days=30)))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    winner = store.contacts.get(contact.id).last_asked_by
    assert reserve_ask(store, contact.id, winner, T0 + timedelta(hours=1), timedelta(days=30)), (
        "the same job asking again after a crash is not a second ask"
    )


def test_a_sale_recorded_again_after_its_jobs_were_pruned_sends_nothing(app: Flask) -> None:
    store = app_store(app)
    record(app, "A-1")
    run_days(app, 0, 8)
    sent = len(outbox(store))
    store.jobs.prune(day(1000))  # done jobs are forgotten after VOICEBOX_MAIL_KEEP_DAYS
    assert record(app, "A-1", at=T0).jobs == 0
    run_days(app, 8, 12)
    assert len(outbox(store)) == sent == 2
