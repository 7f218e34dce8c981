"""/admin/sales: import a CSV file (all or none, its report on the page), make a personal
survey link, see the scheduled follow-up emails and cancel one; audited, on both backends."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.sales import console
from feedback_app.sales.cadence import SURVEY, THANKS
from feedback_app.store import Role, utcnow
from feedback_app.store.models import JobState
from tests.admin.people import assert_cells_labelled, entries, post, signed_in
from tests.conftest import app_store, csrf_token, next_after_sign_in
from tests.sales.conftest import record

YESTERDAY = f"{utcnow() - timedelta(days=1):%Y-%m-%d}"
GOOD = (f"email,name,language,order_ref,date\n"
        f"olena@example.com,Олена Коваленко,uk,UA-1,{YESTERDAY}\n"
        f"li.wei@example.com,李伟,zh,CN-1,{YESTERDAY}\n").encode()  # fmt: skip


def _upload(client: FlaskClient, data: bytes, name: str = "sales.csv") -> object:
    token = csrf_token(client, "/admin/sales/import")
    return client.post("/admin/sales/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})  # fmt: skip


@pytest.mark.parametrize("url", ["/admin/sales/", "/admin/sales/import", "/admin/sales/link"])
def test_staff_only(app: Flask, url: str) -> None:
    customer, _ = signed_in(app, "olena@example.com", Role.CUSTOMER)
    assert customer.get(url).status_code == 403
    for action in ("/admin/sales/import", "/admin/sales/link", "/admin/sales/jobs/1/cancel"):
        assert post(customer, action, {}, page="/signin").status_code == 403  # type: ignore[attr-defined]
    gone = app.test_client().get(url)
    assert gone.status_code == 302 and next_after_sign_in(gone.headers["Location"]) == url
    marketer, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    assert marketer.get(url).status_code == 200


def test_a_marketer_imports_a_file_and_sees_whom_it_schedules(app: Flask) -> None:
    store = app_store(app)
    client, marta = signed_in(app, "marta@example.com", Role.MARKETER)
    reply = _upload(client, GOOD)
    assert reply.status_code == 302
    assert {s.name for s in store.sales.all()} == {"Олена Коваленко", "李伟"}
    [entry] = entries(store, "sales.import")
    assert entry.actor_id == marta.id
    assert entry.after == {"created": 2, "existing": 0, "jobs": 4}
    page = client.get("/admin/sales/").get_data(as_text=True)
    assert "2 new sales imported. 4 follow-up emails scheduled." in page
    assert page.count("Олена Коваленко") == 2 and "Survey invitation" in page
    assert "4 emails waiting" in page
    assert_cells_labelled(page)
    only = client.get("/admin/sales/?email=LI.WEI@example.com").get_data(as_text=True)
    assert "李伟" in only and "Олена" not in only
    again = _upload(client, GOOD)
    assert again.status_code == 302 and store.sales.count() == 2


def test_the_import_report_counts_in_words_that_fit_the_number(app: Flask) -> None:
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    one = b"email,order_ref,date\nolena@example.com,UA-1,2025-01-01\n"
    _upload(client, one)
    assert _upload(client, one).status_code == 302
    page = client.get("/admin/sales/").get_data(as_text=True)
    assert "0 new sales imported. 1 was already recorded. 0 follow-up emails scheduled." in page
    bad = _upload(client, b"email,order_ref,date\nnot-an-address,UA-2,2025-01-01\n")
    report = bad.get_data(as_text=True)
    assert "1 row needs fixing." in report and "Fix it in the file" in report


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (GOOD + b"not-an-address,,,UA-2,2025-01-01\n", "line 4"),
        ("email,order_ref,date\nolena@example.com,Ü-1,2025-01-01\n".encode("latin-1"), "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "UTF-8"),
        (b"who,what\nx,y\n", "Unknown columns"),
    ],
)
def test_a_bad_file_keeps_nothing_and_says_why(app: Flask, data: bytes, says: str) -> None:
    store = app_store(app)
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    reply = _upload(client, data)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "Nothing was imported" in page
    assert_cells_labelled(page)
    assert says in page or says.split()[-1] in page
    assert store.sales.count() == 0 and store.jobs.all() == []
    assert entries(store, "sales.import") == []


def test_a_file_over_the_forms_limit_is_sent_to_the_command(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each sale is written on its own while the person waits: the upload holds FORM_MAX_ROWS
    at most (1 here), and says how to import a bigger file."""
    monkeypatch.setattr(console, "FORM_MAX_ROWS", 1)
    store = app_store(app)
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    reply = _upload(client, GOOD)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422 and ">3</td>" in page and "voicebox sales import" in page
    assert store.sales.count() == 0


def test_no_file_or_an_empty_one_is_asked_for_again(app: Flask) -> None:
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    token = csrf_token(client, "/admin/sales/import")
    none = client.post("/admin/sales/import", data={"csrf_token": token},
                       content_type="multipart/form-data")  # fmt: skip
    assert none.status_code == 400 and "Choose a CSV file." in none.get_data(as_text=True)
    empty = _upload(client, b"")
    assert empty.status_code == 400 and "The file is empty" in empty.get_data(as_text=True)


def test_a_personal_survey_link_is_shown_and_emailed_when_asked(app: Flask) -> None:
    store = app_store(app)
    sale = record(app, "UA-9").sale
    client, marta = signed_in(app, "marta@example.com", Role.MARKETER)
    reply = post(client, "/admin/sales/link", {"email": "Olena@Example.com", "order_ref": "UA-9"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "The survey link for order UA-9" in page
    link = page.split('id="survey-link" type="text" value="', 1)[1].split('"', 1)[0]
    survey = app.test_client().get(urlsplit(link.replace("&amp;", "&")).path)
    assert survey.status_code == 200 and "recommend" in survey.get_data(as_text=True)
    assert store.messages.all() == [] and store.surveys.count() == 0
    [entry] = entries(store, "survey.link")
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (marta.id, "sale", sale.id)
    assert entry.after == {"emailed": False}

    sent = post(client, "/admin/sales/link",
                {"email": "olena@example.com", "order_ref": "UA-9", "send": "y"})  # fmt: skip
    assert "on its way to olena@example.com" in sent.get_data(as_text=True)
    [mail] = store.messages.all()
    assert mail.to == "olena@example.com" and "/survey/" in mail.text
    assert entries(store, "survey.link")[0].after == {"emailed": True}
    third = post(client, "/admin/sales/link",
                 {"email": "olena@example.com", "order_ref": "UA-9", "send": "y"})  # fmt: skip
    assert "Not emailed" in third.get_data(as_text=True) and len(store.messages.all()) == 1


def test_a_link_for_another_address_or_an_unknown_order_is_refused(app: Flask) -> None:
    record(app, "UA-9")
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    wrong = post(client, "/admin/sales/link", {"email": "li.wei@example.com", "order_ref": "UA-9"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "made to another address" in page
    assert 'value="li.wei@example.com"' in page and 'value="UA-9"' in page
    unknown = post(client, "/admin/sales/link", {"email": "olena@example.com", "order_ref": "Я-1"})
    assert unknown.status_code == 422 and "import it first" in unknown.get_data(as_text=True)
    assert entries(app_store(app), "survey.link") == []


def test_cancelling_a_scheduled_email(app: Flask) -> None:
    store = app_store(app)
    record(app, "UA-9")
    client, marta = signed_in(app, "marta@example.com", Role.MARKETER)
    jobs = {j.kind: j for j in store.jobs.all()}
    survey = jobs[SURVEY]
    reply = post(client, f"/admin/sales/jobs/{survey.id}/cancel", {"back": "/admin/sales/?page=1"},
                 page="/admin/sales/")  # fmt: skip
    assert reply.status_code == 302 and reply.headers["Location"] == "/admin/sales/?page=1"
    assert store.jobs.get(survey.id).state is JobState.CANCELLED  # type: ignore[union-attr]
    assert store.jobs.get(jobs[THANKS].id).state is JobState.QUEUED  # type: ignore[union-attr]
    [entry] = entries(store, "job.cancel")
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (marta.id, "job", survey.id)
    assert (entry.before, entry.after) == ({"state": "queued"}, {"state": "cancelled"})
    page = client.get("/admin/sales/").get_data(as_text=True)
    assert "Survey invitation" not in page and "Thank-you" in page
    again = post(client, f"/admin/sales/jobs/{survey.id}/cancel",
                 {"back": "https://evil.example/"}, page="/admin/sales/")  # fmt: skip
    assert again.headers["Location"] == "/admin/sales/"
    assert len(entries(store, "job.cancel")) == 1
    assert post(client, "/admin/sales/jobs/999999/cancel", {},
                page="/admin/sales/").status_code == 404  # fmt: skip


def test_the_schedule_is_paged(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("feedback_app.admin.sales.PER_PAGE", 3)
    for n in range(3):
        record(app, f"UA-{n}", email=f"p{n}@example.com")
    client, _ = signed_in(app, "marta@example.com", Role.MARKETER)
    first = client.get("/admin/sales/").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count("Do not send it") == 3
    second = client.get("/admin/sales/?page=2").get_data(as_text=True)
    assert second.count("Do not send it") == 3
    for odd in ("0", "-1", "abc", "³", "9" * 30):
        assert client.get(f"/admin/sales/?page={odd}").status_code == 200
