"""The console's testimonial queue as a marketer uses it: filter the list, approve or reject
with a reason from it, read the consent, the connection and the customer's answers before
deciding, edit, tag and feature; each decision one audit entry; staff only."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.privacy.erasure import erase_person
from feedback_app.store import Role, Store, SurveyResponse, Testimonial, TestimonialState, utcnow
from feedback_app.store.models import ConnectionKind
from tests.conftest import app_store, csrf_token, next_after_sign_in, sign_in

from .conftest import staff

WAITING = "Кава чудова, доставка швидка, рекомендую всім друзям!"
APPROVED = "Il caffè arriva sempre fresco e ben confezionato."
CONSENT = "I agree that my words and name may be published."
LIST = "/admin/testimonials"


def _add(store: Store, text: str, **fields: object) -> Testimonial:
    """A testimonial whose address the customer confirmed: what reaches staff."""
    now = utcnow()
    defaults: dict[str, object] = {
        "credit_name": "Олена Коваленко", "email": "olena@example.com", "rating": 5,
        "email_confirmed_at": now, "consent_text": CONSENT, "consent_version": "3",
        "consented_at": now - timedelta(hours=2), "consent_client": "ab" * 32,
    }  # fmt: skip
    return store.testimonials.add(Testimonial(original_text=text, **{**defaults, **fields}))  # type: ignore[arg-type]


def _text(response: object) -> str:
    """The page's words as a reader sees them: tags gone, spaces collapsed."""
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _row_token(client: FlaskClient, prefix: str, url: str = LIST) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, f"no {prefix} form on {url}"
    return found.group(1)


def _entries(store: Store, tid: int) -> list[tuple[str, str, dict[str, object]]]:
    return [(e.action, e.actor_email, e.after) for e in
            store.audit.find(target_kind="testimonial", target_id=tid)]  # fmt: skip


def test_the_list_filters_by_state_with_waiting_ones_first(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    approved = _add(store, APPROVED, state=TestimonialState.APPROVED)
    waiting = _add(store, WAITING)
    _add(store, "Not confirmed yet, so never listed here.", email_confirmed_at=None)
    staff(client, store)
    page = _text(client.get(LIST))
    assert page.index(WAITING) < page.index(APPROVED), "waiting first"
    assert "Not confirmed yet" not in page
    only = _text(client.get(f"{LIST}?state=approved"))
    assert APPROVED in only and WAITING not in only
    assert f'id="t{waiting.id}"' in client.get(f"{LIST}?state=pending").get_data(as_text=True)
    raw = client.get(LIST).get_data(as_text=True)
    assert raw.count("<td") == raw.count("<td data-label=") == 10, "each cell says what it is"
    assert f'id="t{approved.id}"' not in client.get(f"{LIST}?state=pending").get_data(True)
    pending = client.get(f"{LIST}?state=pending").get_data(as_text=True)
    assert f'action="{LIST}?state=pending"' in pending, "decisions come back to this very list"


def test_approve_from_the_list_publishes_and_logs_it(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    t = _add(store, WAITING)
    marketer = staff(client, store)
    reply = client.post(f"{LIST}?state=pending", data={
        f"a{t.id}-csrf_token": _row_token(client, f"a{t.id}"), "testimonial": str(t.id),
        "do": "approve"})  # fmt: skip
    assert reply.status_code == 302 and reply.headers["Location"] == f"{LIST}?state=pending"
    approved = store.testimonials.get(t.id)
    assert approved.state is TestimonialState.APPROVED and approved.decided_by == marketer
    assert approved.publishable
    [(action, who, after)] = _entries(store, t.id)
    assert (action, who, after["state"]) == ("testimonial.approve", "marketer@example.com",
                                              "approved")  # fmt: skip
    assert "Approved: it is on the site after the next publish." in _text(client.get(LIST))


def test_reject_from_the_list_keeps_and_shows_the_reason(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    t = _add(store, WAITING)
    staff(client, store)
    token = _row_token(client, f"r{t.id}")
    refused = client.post(LIST, data={f"r{t.id}-csrf_token": token, "testimonial": str(t.id),
                                      "do": "reject", f"r{t.id}-reason": "  \n "})  # fmt: skip
    assert refused.status_code == 400, "no reason, no rejection: the list again, said why"
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert store.testimonials.get(t.id).state is TestimonialState.PENDING
    assert _entries(store, t.id) == []

    reason = "Називає співробітника на ім'я"
    done = client.post(LIST, data={f"r{t.id}-csrf_token": token, "testimonial": str(t.id),
                                   "do": "reject", f"r{t.id}-reason": reason})  # fmt: skip
    assert done.status_code == 302
    rejected = store.testimonials.get(t.id)
    assert (rejected.state, rejected.rejected_reason) == (TestimonialState.REJECTED, reason)
    [(action, _, after)] = _entries(store, t.id)
    assert action == "testimonial.reject" and after["rejected_reason"] == reason
    assert f"Rejected because: {reason}" in _text(client.get(LIST))
    detail = _text(client.get(f"{LIST}/{t.id}"))
    assert reason in detail and "marketer@example.com: rejected" in detail


def test_the_page_shows_consent_connection_and_the_customers_answers(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    answer = store.surveys.add(SurveyResponse("olena@example.com", "ORD-7", 10,
                                              reason="咖啡很好喝", touchpoint="Shop"))  # fmt: skip
    t = _add(store, WAITING, survey_id=answer.id, connection_kind=ConnectionKind.INCENTIVE,
             connection="Знижка 10%")  # fmt: skip
    bare = _add(store, APPROVED, email="nobody@example.com", consent_client="")
    staff(client, store)
    page = _text(client.get(f"{LIST}/{t.id}"))
    assert CONSENT in page and "Version 3" in page
    assert "Sender’s address (keyed hash) recorded" in page
    assert "Received something in return: Знижка 10%" in page
    assert "咖啡很好喝" in page and "ORD-7" in page
    other = _text(client.get(f"{LIST}/{bare.id}"))
    assert "keyed hash) not recorded" in other
    assert "No survey answers from this address." in other


def test_edit_keeps_the_typed_text_when_refused_and_logs_the_new_wording(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    t = _add(store, WAITING, state=TestimonialState.APPROVED)
    staff(client, store)
    page = f"{LIST}/{t.id}"
    token = csrf_token(client, page)
    short = client.post(page, data={"csrf_token": token, "do": "edit", "text": "Коротко ✓"})
    assert short.status_code == 400 and "Коротко ✓" in _text(short)
    assert short.get_data(as_text=True).count(f'action="{page}"') == 4, "every form posts here"
    assert store.testimonials.get(t.id).approved_text == ""
    edited = "Кава чудова, доставка швидка. Рекомендую!"
    saved = client.post(page, data={"csrf_token": token, "do": "edit", "text": edited})
    assert saved.status_code == 302
    after = store.testimonials.get(t.id)
    assert after.original_text == WAITING and after.edit_awaiting_customer
    assert not after.publishable, "not published until the customer approves the wording"
    [(action, _, logged)] = _entries(store, t.id)
    assert action == "testimonial.edit" and logged["approved_text"] == edited
    assert store.audit.find(target_id=t.id)[0].before == {"approved_text": ""}


def test_tags_and_featuring_are_each_one_logged_decision(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    t = _add(store, APPROVED, state=TestimonialState.APPROVED)
    staff(client, store)
    page = f"{LIST}/{t.id}"
    token = csrf_token(client, page)
    client.post(page, data={"csrf_token": token, "do": "tags",
                            "tags": "Consegna, espresso,consegna"})  # fmt: skip
    assert store.testimonials.get(t.id).tags == ["consegna", "espresso"]
    client.post(page, data={"csrf_token": token, "do": "feature"})
    assert store.testimonials.get(t.id).featured
    assert "Stop featuring" in _text(client.get(page))
    client.post(page, data={"csrf_token": token, "do": "unfeature"})
    assert not store.testimonials.get(t.id).featured
    assert [(a, after) for a, _, after in reversed(_entries(store, t.id))] == [
        ("testimonial.tag", {"tags": ["consegna", "espresso"]}),
        ("testimonial.feature", {"featured": True}),
        ("testimonial.unfeature", {"featured": False}),
    ]


def test_a_withdrawn_testimonial_takes_no_decision_and_logs_none(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    t = _add(store, WAITING, withdrawn_at=utcnow(), state=TestimonialState.WITHDRAWN)
    staff(client, store)
    page = f"{LIST}/{t.id}"
    reply = client.post(page, data={"csrf_token": csrf_token(client, page), "do": "approve"})
    assert reply.status_code == 302
    assert "The customer withdrew this testimonial." in _text(client.get(page))
    assert store.testimonials.get(t.id).state is TestimonialState.WITHDRAWN
    assert _entries(store, t.id) == []


@pytest.mark.parametrize("do", ["approve", "reject", "edit", "tags", "feature"])
def test_only_staff_decide(app: Flask, client: FlaskClient, do: str) -> None:
    store = app_store(app)
    t = _add(store, WAITING)
    customer = store.users.add("c@example.com", Role.CUSTOMER)
    token = csrf_token(client, "/signin")
    data = {"csrf_token": token, "do": do, "testimonial": str(t.id), "reason": "No",
            "text": WAITING + "!", "tags": "x"}  # fmt: skip
    for url in (LIST, f"{LIST}/{t.id}"):
        assert next_after_sign_in(client.get(url).headers["Location"]) == url
        assert client.post(url, data=data).status_code in (302, 400)
    sign_in(client, customer.id)
    for url in (LIST, f"{LIST}/{t.id}"):
        assert client.get(url).status_code == 403
        assert client.post(url, data=data).status_code == 403
    unchanged = store.testimonials.get(t.id)
    assert (unchanged.state, unchanged.tags, unchanged.featured) == (
        TestimonialState.PENDING, [], False)
    assert store.audit.count() == 0


def test_erasing_the_customer_empties_the_values_of_the_log_about_them(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    t = _add(store, WAITING)
    kept = _add(store, APPROVED, email="giulia@example.com")
    staff(client, store)
    for tid, reason in ((t.id, "Згадує Олену Коваленко"), (kept.id, "Troppo corto")):
        page = f"{LIST}/{tid}"
        client.post(page, data={"csrf_token": csrf_token(client, page), "do": "reject",
                                "reason": reason})  # fmt: skip
    done = erase_person(store, "olena@example.com", utcnow())
    assert done.anonymised["audit log entries"] == 1
    [entry] = store.audit.find(target_kind="testimonial", target_id=t.id)
    assert (entry.action, entry.actor_email) == ("testimonial.reject", "marketer@example.com")
    assert (entry.before, entry.after) == ({}, {}), "who did what stays; the words go"
    assert _entries(store, kept.id)[0][2]["rejected_reason"] == "Troppo corto"


def test_states_and_connections_read_as_labels_and_the_page_names_the_testimonial(
    app: Flask, client: FlaskClient
) -> None:
    """Ideas say "New", "Planned": testimonials said "waiting", "none", and their page was
    titled "Testimonial 2 · waiting"."""
    store = app_store(app)
    named = _add(store, WAITING)
    anonymous = _add(store, APPROVED, credit_style="anonymous", state=TestimonialState.APPROVED)
    staff(client, store)
    listed = _text(client.get(LIST))
    assert "Waiting" in listed and "Approved" in listed
    filters = client.get(LIST).get_data(as_text=True)
    assert '<option value="withdrawn">Withdrawn</option>' in filters
    page = client.get(f"{LIST}/{named.id}").get_data(as_text=True)
    assert "<title>Testimonial by Олена Коваленко" in page
    assert "Disclosed connection None" in _text(client.get(f"{LIST}/{named.id}"))
    assert f"Testimonial {named.id}" not in page
    quoted = client.get(f"{LIST}/{anonymous.id}").get_data(as_text=True)
    assert "<title>“Il caffè arriva sempre fresco e ben" in quoted


def test_a_rejection_without_a_reason_is_refused_whatever_road_it_takes(app: Flask) -> None:
    """The reason is kept with every rejection: the service refuses an empty one, whichever
    page or command calls it, and the testimonial stays as it was."""
    from feedback_app.testimonials.moderation import TestimonialError, reject

    store = app_store(app)
    marta = store.users.add("marta@example.com", Role.MARKETER)
    waiting = _add(store, WAITING)
    with app.test_request_context(), pytest.raises(TestimonialError):
        reject(waiting.id, marta, " \n ")
    assert store.testimonials.get(waiting.id).state is TestimonialState.PENDING
    assert _entries(store, waiting.id) == []
