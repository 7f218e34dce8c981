"""The dashboard as staff read it: what needs them (each count a link to its queue, the
urgent ones in red), then six charts served as script-free SVG with their numbers beside."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_babel import format_date

from feedback_app.admin import stats
from feedback_app.admin.charts import CHARTS
from feedback_app.store import (
    FollowUp,
    Idea,
    Message,
    Outcome,
    Role,
    Store,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    utcnow,
)
from generator.publish import PUBLISH
from tests.admin.pages import read_dashboard
from tests.conftest import app_store, next_after_sign_in, sign_in


def _staff(app: Flask, client: FlaskClient, role: Role = Role.MARKETER) -> Store:
    store = app_store(app)
    sign_in(client, store.users.add(f"{role.value}@example.com", role).id)
    return store


def _seed_queues(store: Store) -> None:
    """2 testimonials to decide, 3 unanswered ideas, 4 open follow-ups (1 overdue), 1 failed
    email and 2 waiting, a failed publish."""
    now = utcnow()
    for _ in range(2):
        store.testimonials.add(Testimonial("Чудова кава!", 5, "Олена", email_confirmed_at=now))
    store.testimonials.add(Testimonial("Words", 5, "N", state=TestimonialState.APPROVED,
                                       email_confirmed_at=now))  # fmt: skip
    for n in range(3):
        store.ideas.add(Idea(f"Idea {n}", "d", "Food", 1))
    for hours in (-2, 5, 6, 7):
        store.followups.add(FollowUp("call", None, "c@example.com", "3/10",
                                     now + timedelta(hours=hours)))  # fmt: skip
    ids = [store.messages.enqueue(Message("x@example.com", f"S{n}", "t")).id for n in range(3)]
    store.messages.settle({ids[0]: Outcome(error="550 5.1.1 no such mailbox")})
    store.status.put(PUBLISH, {"at": now.isoformat(), "ok": False, "message": "MkDocs failed"})


def test_every_count_links_to_its_queue(app: Flask, client: FlaskClient) -> None:
    _seed_queues(_staff(app, client))
    page = client.get("/admin/")
    assert page.status_code == 200
    counts = read_dashboard(page.get_data(as_text=True)).counts
    with app.test_request_context():
        expected = [
            (url_for("testimonials.moderation"), "2 testimonials waiting for a decision", False),
            (url_for("admin_ideas.queue", show="unanswered"),
             "3 ideas without an official response", False),
            (url_for("followups.index", state="overdue"),
             "1 follow-up overdue: call the customer now 4 open in all", True),
            (url_for("admin_mail.index"), "1 email failed · 2 waiting to be sent", True),
        ]  # fmt: skip
        publishing = url_for("admin_publishing.index")
    assert [(c["href"], c["text"], "urgent" in c["class"]) for c in counts[:4]] == expected
    assert counts[4]["href"] == publishing and "urgent" in counts[4]["class"]
    assert "The last publish failed" in counts[4]["text"] and "MkDocs failed" in counts[4]["text"]
    reader = read_dashboard(page.get_data(as_text=True))
    with app.test_request_context():
        not_resolved = url_for("followups.index", state="active")
    assert [link for link in reader.links if link[0].startswith("/admin/followups")] == [
        [expected[2][0], "1 follow-up overdue: call the customer now"],
        [not_resolved, "4 open in all"],
    ], "the open follow-ups are a link of their own, to the ones not resolved yet"
    assert client.get(not_resolved).status_code == 200
    for href, _text, _urgent in expected[:1] + expected[2:]:  # this part's own queues open
        assert client.get(href).status_code == 200, href


def test_nothing_is_red_when_nothing_is_late(app: Flask, client: FlaskClient) -> None:
    store = _staff(app, client)
    store.followups.add(FollowUp("call", None, "c@example.com", "3/10",
                                 utcnow() + timedelta(days=1)))  # fmt: skip
    counts = read_dashboard(client.get("/admin/").get_data(as_text=True)).counts
    assert not [c for c in counts if "urgent" in c["class"]]
    assert counts[2]["text"] == "0 follow-ups overdue: call the customers now 1 open in all"
    assert "The site has not been published yet" in counts[4]["text"]


def test_a_count_whose_queue_is_not_installed_is_not_a_dead_link(
    app: Flask, client: FlaskClient
) -> None:
    _staff(app, client)
    counts = read_dashboard(client.get("/admin/").get_data(as_text=True)).counts
    assert all(c["href"] == "" or c["href"].startswith("/admin/") for c in counts)
    assert len(counts) == 5


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_each_chart_is_an_svg_picture_without_script(
    app: Flask, client: FlaskClient, name: str
) -> None:
    store = _staff(app, client)
    _seed_queues(store)
    reply = client.get(f"/admin/charts/{name}.svg")
    assert reply.status_code == 200 and reply.mimetype == "image/svg+xml"
    svg = reply.get_data(as_text=True)
    root = ET.fromstring(reply.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not [e for e in root.iter() if e.tag.endswith("script")], "no script element"
    assert "<script" not in svg and "javascript:" not in svg
    assert not [e for e in root.iter() if any(k.endswith("href") for k in e.attrib)], "no link"
    titles = [e.text for e in root.iter() if e.tag.endswith("}title")]
    with app.test_request_context():
        own_title = str(CHARTS[name](store, utcnow()).title)
    assert titles[0] == own_title and "Pygal" not in titles, "the picture is named for its chart"
    csp = reply.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script" not in csp


def test_the_dashboard_shows_each_chart_with_a_text_alternative(
    app: Flask, client: FlaskClient
) -> None:
    _staff(app, client)
    page = read_dashboard(client.get("/admin/").get_data(as_text=True))
    assert list(page.images) == list(CHARTS)
    for name, image in page.images.items():
        src, alt = image.split("|")
        assert src == f"/admin/charts/{name}.svg" and "table below" in alt


def test_the_tables_hold_the_numbers(app: Flask, client: FlaskClient) -> None:
    store = _staff(app, client)
    now = utcnow()
    for score, effort, place in ((10, 7, "Online shop"), (9, 6, "Online shop"),
                                 (8, 5, "Магазин"), (2, 1, "Магазин"), (0, None, "Магазин")):
        store.surveys.add(SurveyResponse("c@example.com", "", score, effort=effort,
                                         touchpoint=place, created_at=now))  # fmt: skip
    tables = read_dashboard(client.get("/admin/").get_data(as_text=True)).tables
    header, *weeks = tables["nps"]
    assert header == ["Week starting", "NPS", "Answers", "Promoters (9–10)", "Passives (7–8)",
                      "Detractors (0–6)"]  # fmt: skip
    with app.test_request_context():
        monday = format_date(stats.week_of(now), "medium")  # "Nov 23, 2026"
    assert len(weeks) == 12 and weeks[-1][0] == monday
    assert weeks[-1][1:] == ["0", "5", "2", "1", "2"], "(2 - 2) / 5 answers"
    assert weeks[0][1:] == ["–", "0", "0", "0", "0"], "a week without answers has no score"
    svg = client.get("/admin/charts/nps.svg").get_data(as_text=True)
    assert ">n=5<" in svg, "the week's point says how many answers make its score"
    assert ">n=0<" not in svg, "a week without a score has no point"
    assert tables["effort"][1:] == [["Online shop", "6.5", "2"], ["Магазин", "3", "2"]]
    assert tables["answers"][1:] == [["Магазин", "3", "0", "1", "2"],
                                     ["Online shop", "2", "2", "0", "0"]]  # fmt: skip


def test_week_labels_are_dates_in_the_readers_language(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOCALE="uk")
    console = app.test_client()
    _staff(app, console)
    weeks = read_dashboard(console.get("/admin/").get_data(as_text=True)).tables["nps"][1:]
    assert any(month in weeks[-1][0] for month in ("січ", "лют", "бер", "квіт", "трав", "черв",
               "лип", "серп", "вер", "жовт", "лист", "груд")), weeks[-1][0]  # fmt: skip


@pytest.mark.parametrize("url", ["/admin/", "/admin/charts/nps.svg", "/admin/charts/votes.svg"])
def test_only_staff_see_the_dashboard(app: Flask, client: FlaskClient, url: str) -> None:
    reply = client.get(url)
    assert reply.status_code == 302 and next_after_sign_in(reply.headers["Location"]) == url
    _staff(app, client, Role.CUSTOMER)
    assert client.get(url).status_code == 403
    admin = app.test_client()
    _staff(app, admin, Role.ADMIN)
    assert admin.get(url).status_code == 200
