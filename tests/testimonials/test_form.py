"""The testimonial form as a customer meets it: what is stored, what comes back on a mistake,
and that sending the same form twice stores one testimonial."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.testimonials import service
from tests.conftest import app_store

from .conftest import QUOTE, entry, form_fields, link_in, mails, post


def test_a_testimonial_is_stored_with_its_consent_record_and_a_confirmation_is_emailed(
    app: Flask, client: FlaskClient
) -> None:
    answer = post(client, form_fields(client))
    assert answer.status_code == 302 and answer.location.endswith("/testimonials/sent")
    store = app_store(app)
    [stored] = store.testimonials.all()
    assert stored.original_text == QUOTE and stored.credit_name == "Олена Коваленко"
    assert stored.email == "olena@example.com"
    assert stored.consent_text == app.config["CONSENT_TEXT"]
    assert stored.consent_version == app.config["CONSENT_VERSION"]
    assert stored.consented_at is not None
    expected = hmac.new(app.secret_key.encode(), b"127.0.0.1", hashlib.sha256).hexdigest()
    assert stored.consent_client == expected
    assert stored.email_confirmed_at is None
    [mail] = mails(app)
    assert mail.to == "olena@example.com"
    assert link_in(mail, "/testimonials/confirm/") and link_in(mail, "/testimonials/withdraw/")
    assert "/testimonials/withdraw/" in mail.html
    # The address is not confirmed yet: the email carries none of the typed words (else anyone
    # could have us send their text to anyone); the confirmation page shows them.
    assert QUOTE not in mail.text + mail.html and "Олена" not in mail.text + mail.html
    assert QUOTE in html.unescape(client.get(link_in(mail, "/testimonials/confirm/")).get_data(
        as_text=True))  # fmt: skip


def test_sending_the_same_form_twice_stores_one_testimonial_and_one_email(
    app: Flask, client: FlaskClient
) -> None:
    fields = form_fields(client)
    assert post(client, fields).status_code == 302
    assert post(client, fields).status_code == 302
    assert app_store(app).testimonials.count() == 1
    assert len(mails(app)) == 1
    post(client, form_fields(client))  # a new form is a new testimonial
    assert app_store(app).testimonials.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": None}, "Please tick the consent box"),
        ({"quote": "Дуже добре!"}, "at least 20 characters"),
        ({"quote": "Так! " * 201}, "At most 1,000 characters"),
        ({"rating": "6"}, "Choose a rating from 1 to 5 stars."),
        ({"rating": "0"}, "Choose a rating from 1 to 5 stars."),
        ({"rating": None}, "Choose a rating from 1 to 5 stars."),
        ({"email": "olena"}, "does not look like an email address"),
        ({"connection_kind": "incentive"}, "what the connection is"),
    ],
)
def test_a_mistake_is_said_clearly_and_the_words_are_kept(
    app: Flask, client: FlaskClient, change: dict[str, str | None], message: str
) -> None:
    fields = form_fields(client)
    answer = post(client, fields, **change)
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    assert message in page
    kept = change.get("quote") or QUOTE
    assert kept.strip() in page, "the person's text comes back"
    assert "Олена Коваленко" in page and "Квітка" in page
    assert app_store(app).testimonials.count() == 0


def test_a_form_without_a_photo_field_or_sent_urlencoded_still_works(
    app: Flask, client: FlaskClient
) -> None:
    answer = client.post("/testimonials/new", data={**form_fields(client), **entry()})
    assert answer.status_code == 302
    assert app_store(app).testimonials.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [({"consent": False}, "consent box"), ({"rating": 7}, "from 1 to 5 stars"),
     ({"quote": "Коротко"}, "20 to 1,000 characters")],
)  # fmt: skip
def test_the_service_refuses_what_the_form_would_not_send(
    app: Flask, change: dict[str, object], message: str
) -> None:
    """No other road (a future API, a script) stores a testimonial the form would refuse."""
    entry = service.Submission(quote=QUOTE, rating=5, name="Олена", email="o@example.com",
                               consent=True)  # fmt: skip
    with app.test_request_context(), pytest.raises(service.TestimonialError, match=message):
        service.submit(dataclasses.replace(entry, **change))  # type: ignore[arg-type]
    assert app_store(app).testimonials.count() == 0


def test_a_hand_made_form_id_never_joins_two_peoples_testimonials(
    app: Flask, client: FlaskClient
) -> None:
    """Two people sending the same short id (a bot, a hand-made form) get a testimonial each."""
    for quote in (
        "Перший відгук: кава чудова, доставка швидка.",
        "Secondo: ottimo servizio, grazie!",
    ):
        assert (
            post(client, {**form_fields(client), "submission": "0"}, quote=quote).status_code == 302
        )
    assert app_store(app).testimonials.count() == 2
