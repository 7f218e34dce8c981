"""The public survey at /survey (no sign-in), "did everything arrive?" and "what made you
decide?"."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role
from tests.conftest import app_store, csrf_token, sign_in
from tests.surveys.conftest import add_sale, checked, links, page_text, path, send


def _public_form(client: FlaskClient, url: str = "/survey") -> dict[str, str]:
    page = client.get(url).get_data(as_text=True)
    answer = re.search(r'name="answer" type="hidden" value="([^"]+)"', page)
    assert answer, "the public form names its copy"
    return {"csrf_token": csrf_token(client, url), "answer": answer.group(1)}


def test_anyone_can_answer_without_signing_in_and_the_email_is_needed_only_for_contact(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/survey?score=7")
    assert page.status_code == 200 and checked(page, "score") == ["7"]
    form = _public_form(client)
    wants_contact = client.post("/survey", data={**form, "score": "4", "may_contact": "y",
                                                 "comment": "Довго чекав на доставку"})  # fmt: skip
    assert wants_contact.status_code == 400
    text = page_text(wants_contact)
    assert "To contact you we need your email address." in text
    assert "Довго чекав на доставку" in text, "the person's text is kept"
    store = app_store(app)
    assert store.surveys.count() == 0

    sent = client.post("/survey", data={**form, "score": "7", "comment": "Salamat po!"})
    assert sent.status_code == 302
    (stored,) = store.surveys.all()
    assert (stored.score, stored.email, stored.sale_id) == (7, "", None)
    assert stored.reason == "Salamat po!"
    assert store.messages.all() == [], "no address, no email"


def test_the_same_public_form_sent_twice_is_one_answer(app: Flask, client: FlaskClient) -> None:
    form = _public_form(client)
    data = {**form, "score": "2", "email": "Marco@Example.it", "may_contact": "y",
            "comment": "Il cappuccino era freddo"}  # fmt: skip
    assert client.post("/survey", data=data).status_code == 302
    assert client.post("/survey", data=data).status_code == 302
    store = app_store(app)
    (stored,) = store.surveys.all()
    assert stored.email == "marco@example.it" and stored.may_contact
    assert store.followups.count() == 1, "one answer, one follow-up"
    assert store.surveys.count() == 1
    assert client.post("/survey", data={**_public_form(client), "score": "9"}).status_code == 302
    assert store.surveys.count() == 2, "a new copy of the form is a new answer"


def test_the_open_survey_emails_nobody_whatever_address_is_typed(
    app: Flask, client: FlaskClient
) -> None:
    """An address typed at /survey is not known to be the person's: emailing it would let
    anyone have the business write to anyone, with their words in it, and would use up a real
    customer's testimonial invitation. The page thanks them, and invites a promoter to the
    open testimonial form."""
    store = app_store(app)
    store.users.add("m@voicebox.example", Role.MARKETER)
    for score, name in (("10", "Click http://evil.example"), ("3", "Win a prize")):
        data = {**_public_form(client), "score": score, "email": "victim@example.org",
                "name": name, "may_contact": "y"}  # fmt: skip
        assert client.post("/survey", data=data).status_code == 302
        if score == "10":
            thanks = page_text(client.get("/survey/thanks"))
            assert "/testimonials/new" in thanks and "invite=" not in thanks, "the open form"
    assert [m for m in store.messages.all() if m.to == "victim@example.org"] == []
    assert all(c.testimonial_invited_at is None for c in store.contacts.all())
    assert store.followups.count() == 1, "the unhappy answer is still called back"


def test_a_bad_email_and_a_bot_are_refused(app: Flask, client: FlaskClient) -> None:
    form = _public_form(client)
    bad = client.post("/survey", data={**form, "score": "8", "email": "not an address"})
    assert bad.status_code == 400 and "does not look like an email address" in page_text(bad)
    assert "not an address" in page_text(bad)
    bot = client.post("/survey", data={**form, "score": "0", "website": "http://spam.example"})
    assert bot.status_code == 302
    assert app_store(app).surveys.count() == 0


def test_a_signed_in_person_finds_their_address_filled_in(app: Flask, client: FlaskClient) -> None:
    person = app_store(app).users.add("ivan@example.ru", Role.CUSTOMER)
    sign_in(client, person.id)
    assert 'value="ivan@example.ru"' in client.get("/survey").get_data(as_text=True)


def test_arrival_yes_is_thanks_and_no_opens_a_follow_up(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    marketer = store.users.add("m@voicebox.example", Role.MARKETER)
    happy, unhappy = add_sale(app, "a@example.com"), add_sale(app, "b@example.com", name="Bohdan")
    yes = links(app, happy, "arrival")["yes"]
    no = links(app, unhappy, "arrival")["no"]
    assert checked(client.get(path(yes)), "arrived") == ["yes"]
    assert checked(client.get(path(no)), "arrived") == ["no"]
    assert store.surveys.count() == 0

    assert send(client, yes, arrived="yes").status_code == 302
    assert "Good to hear" in page_text(client.get("/survey/thanks"))
    assert store.followups.count() == 0 and store.messages.all() == []

    assert send(client, no, arrived="no", comment="Одна коробка загубилась").status_code == 302
    assert "within 48 hours" in page_text(client.get("/survey/thanks"))
    answer = store.surveys.find(email="b@example.com")[0]
    assert (answer.question, answer.arrived, answer.score) == ("arrival", False, None)
    (followup,) = store.followups.all()
    assert (followup.kind, followup.owner_id, followup.name) == ("arrival", marketer.id, "Bohdan")
    assert followup.reason == "Одна коробка загубилась" and followup.survey_id == answer.id
    (sorry,) = store.messages.all()
    assert sorry.to == "b@example.com" and "Sorry" in sorry.subject and sorry.html


def test_a_lost_sale_is_asked_what_made_them_decide(app: Flask, client: FlaskClient) -> None:
    sale = add_sale(app, "lin@example.cn", outcome="lost")
    url = links(app, sale, "lost")
    assert "What made you decide?" in page_text(client.get(path(url)))
    empty = send(client, url, comment="  ")
    assert empty.status_code == 400 and "Please fill this in." in page_text(empty)
    assert send(client, url, comment="价格太高了", may_contact="y").status_code == 302
    store = app_store(app)
    (answer,) = store.surveys.all()
    assert (answer.question, answer.reason, answer.may_contact) == ("lost", "价格太高了", True)
    assert store.followups.count() == 0 and store.messages.all() == []


def test_the_home_page_leads_to_the_survey(client: FlaskClient) -> None:
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<a class="button secondary" href="/survey">Tell us how we did</a>', home)


def test_a_blank_looking_effort_is_no_answer_not_an_error(app: Flask, client: FlaskClient) -> None:
    """Found by the property tests: line and paragraph separators count as blank to WTForms'
    Optional(), which then let them through as the effort's value."""
    sale = add_sale(app, "olena@example.com")
    reply = send(client, links(app, sale)[2], score="2", effort="\u2028\u2029", comment="\u2029")
    assert reply.status_code == 302
    (answer,) = app_store(app).surveys.all()
    assert (answer.score, answer.effort) == (2, None)


def test_a_score_in_the_link_that_is_not_0_to_10_preselects_nothing(
    app: Flask, client: FlaskClient
) -> None:
    sale = add_sale(app, "olena@example.com")
    link = path(links(app, sale)[7]).split("?", 1)[0]
    for score in ("³", "١٠", "11", "9" * 300):
        answer = client.get(f"{link}?score={score}")
        assert answer.status_code == 200 and checked(answer, "score") == [], score
