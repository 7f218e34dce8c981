"""What an answer sets off: promoters are invited to write a testimonial (once in 90 days),
detractors open a follow-up, passives get the thank-you only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role, utcnow
from feedback_app.store.models import Contact
from tests.conftest import app_store
from tests.surveys.conftest import add_sale, links, page_text, send

INVITE = re.compile(r"http://localhost/testimonials/new\?invite=[\w.-]+")


def _invitation(client: FlaskClient) -> str | None:
    found = INVITE.search(client.get("/survey/thanks").get_data(as_text=True))
    return found.group(0) if found else None


def test_a_promoter_is_invited_on_the_page_and_by_email_with_one_link(
    app: Flask, client: FlaskClient
) -> None:
    sale = add_sale(app, "olena@example.com", name="Олена", language="uk")
    assert send(client, links(app, sale)[10], score="10").status_code == 302
    on_page = _invitation(client)
    assert on_page, "the thank-you page carries the invitation"
    store = app_store(app)
    (mail,) = store.messages.all()
    assert mail.to == "olena@example.com" and "Олена" in mail.text
    assert on_page in mail.text and on_page in mail.html, "the same single-use link"
    (contact,) = store.contacts.find(email="olena@example.com")
    assert contact.testimonial_invited_at is not None
    assert store.followups.count() == 0


def test_nobody_is_invited_twice_within_the_gap(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    first, second, third = (add_sale(app, "wei@example.cn") for _ in range(3))
    send(client, links(app, first)[9], score="9")
    assert _invitation(client)
    send(client, links(app, second)[10], score="10")
    assert _invitation(client) is None, "invited 0 days ago: not again"
    assert "Thank you" in page_text(client.get("/survey/thanks"))
    assert sorted(m.text.count("testimonials/new") for m in store.messages.all()) == [0, 1]

    (contact,) = store.contacts.find(email="wei@example.cn")
    gap = timedelta(days=app.config["INVITE_GAP_DAYS"])
    long_ago = utcnow() - gap - timedelta(hours=1)
    store.contacts.update(contact.id, lambda c: setattr(c, "testimonial_invited_at", long_ago))
    send(client, links(app, third)[10], score="10")
    assert _invitation(client), "after the gap, invited again"


def test_an_opted_out_address_gets_no_email_but_its_answer_counts(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    store.contacts.add(Contact("gone@example.com", opted_out_at=utcnow()))
    sale = add_sale(app, "gone@example.com")
    send(client, links(app, sale)[10], score="10")
    assert store.surveys.count() == 1
    assert store.messages.all() == []
    assert _invitation(client) is None


def test_a_passive_gets_the_thanks_only(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    store.users.add("m@voicebox.example", Role.MARKETER)
    sale = add_sale(app, "giulia@example.it")
    send(client, links(app, sale)[8], score="8")
    assert _invitation(client) is None
    assert store.followups.count() == 0
    (mail,) = store.messages.all()
    assert "testimonials/new" not in mail.text and mail.subject.startswith("Thank you")
    assert "/stop/" in mail.unsubscribe and mail.unsubscribe in mail.text, "one-click opt-out"


def test_a_detractor_opens_a_follow_up_due_within_the_rescue_hours(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    marketer = store.users.add("m@voicebox.example", Role.MARKETER)
    sale = add_sale(app, "jose@example.ph", name="José")
    send(client, links(app, sale)[3], score="3", comment="Late and cold", may_contact="y")
    assert "within 48 hours" in page_text(client.get("/survey/thanks"))
    (answer,) = store.surveys.all()
    (followup,) = store.followups.all()
    assert followup.due_at - answer.created_at == timedelta(hours=48), "the 48-hour clock"
    assert (followup.owner_id, followup.email) == (marketer.id, "jose@example.ph")
    assert followup.name == "José"
    assert followup.survey_id == answer.id and followup.sale_id == sale.id
    assert "Late and cold" in followup.reason and followup.may_contact
    # Changing the answer within the day opens no second follow-up.
    send(client, links(app, sale)[2], score="2")  # another email's link: another answer
    assert store.followups.count() == 2
    url = links(app, sale)[1]
    send(client, url, score="1")
    send(client, url, score="0")
    assert store.followups.count() == 3, "one follow-up per answer, however often it changes"


def test_the_rescue_hours_are_a_setting(make_app: Callable[..., Flask]) -> None:
    app = make_app(RESCUE_HOURS=24)
    client = app.test_client()
    sale = add_sale(app)
    send(client, links(app, sale)[0], score="0")
    store = app_store(app)
    (answer,) = store.surveys.all()
    (followup,) = store.followups.all()
    assert followup.due_at - answer.created_at == timedelta(hours=24)
