"""Staff and the customer decide together: only confirmed testimonials reach staff; an edit is
kept beside the original and published only once the customer approves it; a withdrawn one
leaves the published site."""

from __future__ import annotations

import html
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Store
from generator.collect import collect
from generator.publish import GENERATED, publish
from tests.conftest import app_store, csrf_token

from .conftest import QUOTE, form_fields, link_in, mails, post, press, staff

EDITED = "Замовлення прийшло вчасно, все працює. Дякую!"


def _written_and_confirmed(app: Flask, client: FlaskClient) -> int:
    post(client, form_fields(client))
    press(client, link_in(mails(app)[0], "/testimonials/confirm/"))
    return app_store(app).testimonials.all()[0].id


def _page(client: FlaskClient, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _staff_post(client: FlaskClient, tid: int, action: str, **data: str) -> object:
    token = csrf_token(client, f"/admin/testimonials/{tid}")
    data = {"csrf_token": token, "do": action, **data}
    return client.post(f"/admin/testimonials/{tid}", data=data)


def _approved_then_edited(app: Flask, client: FlaskClient) -> tuple[int, Store]:
    """A confirmed testimonial that staff approved, then edited."""
    tid = _written_and_confirmed(app, client)
    store = app_store(app)
    staff(client, store)
    _staff_post(client, tid, "approve")
    _staff_post(client, tid, "edit", text=EDITED)
    return tid, store


def _edit_link(app: Flask) -> str:
    """The approval link of the latest edit's email."""
    asks = [m for m in mails(app) if "/testimonials/edit/" in m.text]
    return link_in(asks[-1], "/testimonials/edit/")


def _on_site(store: Store) -> list[str]:
    return [t.quote for t in collect(store, "http://board").testimonials]


def test_an_unconfirmed_testimonial_never_reaches_staff(app: Flask, client: FlaskClient) -> None:
    post(client, form_fields(client))
    tid = app_store(app).testimonials.all()[0].id
    staff(client, app_store(app))
    assert QUOTE not in _page(client, "/admin/testimonials")
    assert client.get(f"/admin/testimonials/{tid}").status_code == 404
    waiting = '<a href="/admin/testimonials"><strong>{}</strong> testimonial'
    assert waiting.format(0) in _page(client, "/admin/")
    press(client, link_in(mails(app)[0], "/testimonials/confirm/"))
    assert QUOTE in _page(client, "/admin/testimonials")
    assert client.get(f"/admin/testimonials/{tid}").status_code == 200
    assert waiting.format(1) in _page(client, "/admin/")


def test_staff_approve_and_reject_with_a_kept_reason(app: Flask, client: FlaskClient) -> None:
    tid = _written_and_confirmed(app, client)
    store = app_store(app)
    staff(client, store)
    assert _on_site(store) == []
    _staff_post(client, tid, "approve")
    assert _on_site(store) == [QUOTE]
    refused = _staff_post(client, tid, "reject", reason="")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    _staff_post(client, tid, "reject", reason="Згадує ім'я співробітника")
    rejected = store.testimonials.get(tid)
    assert rejected.state.value == "rejected"
    assert rejected.rejected_reason == "Згадує ім'я співробітника"
    assert _on_site(store) == []


def test_an_edit_is_kept_beside_the_original_and_published_only_once_approved(
    app: Flask, client: FlaskClient
) -> None:
    tid, store = _approved_then_edited(app, client)
    edited = store.testimonials.get(tid)
    assert edited.original_text == QUOTE and edited.approved_text == EDITED
    assert _on_site(store) == [], "not published while the customer has not approved"
    ask = [m for m in mails(app) if "/testimonials/edit/" in m.text]
    assert len(ask) == 1 and "/testimonials/withdraw/" in ask[0].text
    link = _edit_link(app)
    client.get(link)
    assert _on_site(store) == [], "opening the link approves nothing"
    press(client, link, answer="accept")
    assert _on_site(store) == [EDITED]
    assert store.testimonials.get(tid).original_text == QUOTE


def test_an_approval_link_for_an_older_edit_cannot_approve_a_newer_one(
    app: Flask, client: FlaskClient
) -> None:
    tid, store = _approved_then_edited(app, client)
    first = _edit_link(app)
    _staff_post(client, tid, "edit", text=EDITED + " Ще раз.")
    answer = press(client, first, answer="accept")
    assert answer.status_code == 400 and "changed again" in html.unescape(answer.get_data(True))
    assert _on_site(store) == []


def test_the_customer_may_keep_their_own_words(app: Flask, client: FlaskClient) -> None:
    _, store = _approved_then_edited(app, client)
    link = _edit_link(app)
    press(client, link, answer="keep")
    assert _on_site(store) == [QUOTE]


def test_a_withdrawn_testimonial_leaves_the_published_site(
    app: Flask, client: FlaskClient, site_project: Path
) -> None:
    tid = _written_and_confirmed(app, client)
    store = app_store(app)
    staff(client, store)
    _staff_post(client, tid, "approve")
    site = site_project / "site"
    publish(store, site_project, site, "http://board", "http://127.0.0.1/")
    page = site / "testimonials" / "index.html"
    assert "Олена Коваленко" in page.read_text()
    press(client, link_in(mails(app)[0], "/testimonials/withdraw/"))
    publish(store, site_project, site, "http://board", "http://127.0.0.1/")
    assert QUOTE.split(",")[0] not in page.read_text()
    assert "Олена Коваленко" not in (site_project / GENERATED / "testimonials.json").read_text()
    refused = _staff_post(client, tid, "approve")
    assert store.testimonials.get(tid).withdrawn_at is not None
    assert refused.status_code == 302  # type: ignore[attr-defined]
    assert _on_site(store) == []
