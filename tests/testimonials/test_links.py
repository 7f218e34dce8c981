"""The personal links: the invitation (prefilled, single use), confirmation, withdrawal.
Opening a link records nothing; a tampered, expired or reused one says so clearly."""

from __future__ import annotations

import html
import time
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import SurveyResponse
from feedback_app.testimonials.links import invite_url
from tests.conftest import app_store

from .conftest import form_fields, link_in, mails, post, press


def _invitation(app: Flask, email: str = "taras@example.com") -> str:
    store = app_store(app)
    survey = store.surveys.add(SurveyResponse(email, "ORD-1", 10))
    with app.test_request_context():
        parts = urlsplit(invite_url(survey, name="Тарас Шевченко"))
    return f"{parts.path}?{parts.query}"


def _text(answer: object) -> str:
    return html.unescape(answer.get_data(as_text=True))  # type: ignore[attr-defined]


def test_an_invitation_prefills_the_form_and_works_once(app: Flask, client: FlaskClient) -> None:
    link = _invitation(app)
    page = _text(client.get(link))
    assert 'value="taras@example.com"' in page and 'value="Тарас Шевченко"' in page
    fields = form_fields(client, link)
    answer = post(client, fields, email="taras@example.com", name="Тарас Шевченко")
    assert answer.status_code == 302
    [stored] = app_store(app).testimonials.all()
    assert stored.invite and stored.survey_id is not None
    assert post(client, fields).status_code == 302, "the same form again is not an error"
    assert app_store(app).testimonials.count() == 1
    again = client.get(link)
    assert again.status_code == 400 and "already used" in _text(again)
    second_form = post(client, {**form_fields(client), "invite": fields["invite"]})
    assert second_form.status_code == 400 and "already used" in _text(second_form)
    assert app_store(app).testimonials.count() == 1


def test_an_invitation_confirms_only_with_the_invited_address(
    app: Flask, client: FlaskClient
) -> None:
    """A forwarded invitation cannot be used to confirm from another address."""
    link = _invitation(app)
    answer = post(client, form_fields(client, link), email="someone.else@example.com")
    assert answer.status_code == 302
    [stored] = app_store(app).testimonials.all()
    assert stored.email == "taras@example.com"
    assert {m.to for m in mails(app)} == {"taras@example.com"}


def test_a_tampered_invitation_says_so(app: Flask, client: FlaskClient) -> None:
    link = _invitation(app)
    answer = client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert answer.status_code == 400 and "is not valid" in _text(answer)
    fields = {**form_fields(client), "invite": "forged.token.value"}
    posted = post(client, fields)
    assert posted.status_code == 400 and "is not valid" in _text(posted)
    assert app_store(app).testimonials.count() == 0


def test_an_expired_invitation_says_so(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_ago = int(time.time()) - 86400 * (app.config["LINK_DAYS"] + 1)
    with monkeypatch.context() as m:
        m.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: long_ago)
        link = _invitation(app)
    answer = client.get(link)
    assert answer.status_code == 400 and "has expired" in _text(answer)


def test_opening_the_confirmation_link_records_nothing_pressing_confirms(
    app: Flask, client: FlaskClient
) -> None:
    post(client, form_fields(client))
    [mail] = mails(app)
    link = link_in(mail, "/testimonials/confirm/")
    assert client.get(link).status_code == 200
    assert app_store(app).testimonials.all()[0].email_confirmed_at is None
    assert press(client, link).status_code == 200
    assert app_store(app).testimonials.all()[0].email_confirmed_at is not None
    tampered = client.get(link[:-2] + "xx")
    assert tampered.status_code == 400 and "is not valid" in _text(tampered)


def test_withdrawing_is_recorded_once_and_only_by_the_button(
    app: Flask, client: FlaskClient
) -> None:
    post(client, form_fields(client))
    link = link_in(mails(app)[0], "/testimonials/withdraw/")
    client.get(link)
    assert app_store(app).testimonials.all()[0].withdrawn_at is None
    press(client, link)
    withdrawn = app_store(app).testimonials.all()[0]
    assert withdrawn.withdrawn_at is not None and withdrawn.state.value == "withdrawn"
    assert "withdrew it already" in _text(client.get(link))
