"""/admin/staff/export and /admin/staff/erase: one person's data, downloaded or erased after
a page that says what goes and what stays; audited without the address, on both backends."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from feedback_app.admin.accounts import AccountError
from feedback_app.admin.person_data import erase
from feedback_app.store import Idea, Role, Testimonial, utcnow
from feedback_app.store.models import Sale
from tests.admin.people import audit_text, entries, post, signed_in
from tests.conftest import app_store

ADDRESS = "olena.kovalenko@example.com"
QUOTE = "Кава щоранку свіжа, доставка вчасно — дякую! 谢谢"


def _olena(app: Flask) -> int:
    store = app_store(app)
    user = store.users.add(ADDRESS, name="Олена")
    store.ideas.add(Idea("Вівсяне молоко", "Без доплати, будь ласка", "Drinks", user.id))
    store.sales.add(Sale(ADDRESS, "ORD-7", utcnow(), name="Олена"))
    store.testimonials.add(Testimonial(QUOTE, 5, "Олена", email=ADDRESS))
    return user.id


def test_an_admin_downloads_one_persons_data(app: Flask) -> None:
    store = app_store(app)
    user_id = _olena(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN)
    reply = post(admin, "/admin/staff/export", {"email": "Olena.Kovalenko@Example.com"})
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="person-export-')
    found = json.loads(reply.get_data(as_text=True))
    assert found["email"] == ADDRESS
    assert found["collections"]["testimonials"][0]["original_text"] == QUOTE
    assert found["collections"]["ideas"][0]["title"] == "Вівсяне молоко"
    [entry] = entries(store, "person.export")
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (ada.id, "user", user_id)
    assert entry.after["records"] >= 4
    assert ADDRESS not in audit_text(store), "the log never keeps the person's address"


def test_exporting_an_unknown_address_says_so_with_the_address_kept(app: Flask) -> None:
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    reply = post(admin, "/admin/staff/export", {"email": "nobody@example.com"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422 and "Nothing is stored about nobody@example.com" in page
    assert 'value="nobody@example.com"' in page
    assert entries(app_store(app), "person.export") == []


def test_erasing_asks_first_saying_what_goes_and_what_stays(app: Flask) -> None:
    store = app_store(app)
    user_id = _olena(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN)
    ask = post(admin, "/admin/staff/erase", {"email": ADDRESS})
    page = ask.get_data(as_text=True)
    assert ask.status_code == 200
    for words in ("Removed", "1 testimonial", "Anonymised", "1 sale", "Kept", "1 idea",
                  "cannot be undone", f"Erase {ADDRESS} now"):  # fmt: skip
        assert words in page, words
    for plural in ("1 testimonials", "1 sales", "1 ideas", "1 follow-ups"):
        assert plural not in page, "one of a kind is singular"
    assert store.testimonials.count() == 1 and entries(store, "person.erase") == []

    done = post(admin, "/admin/staff/erase", {"email": ADDRESS, "confirmed": "yes"})
    assert done.status_code == 302
    assert store.testimonials.count() == 0
    assert store.users.get(user_id).email != ADDRESS
    assert store.ideas.all()[0].title == "Вівсяне молоко", "the public conversation stays"
    [entry] = entries(store, "person.erase")
    assert (entry.actor_id, entry.target_id) == (ada.id, user_id)
    assert entry.after["removed"]["testimonials"] == 1 and entry.after["kept"] == {"ideas": 1}
    assert ADDRESS not in audit_text(store)


def test_an_admin_cannot_erase_themselves(app: Flask) -> None:
    store = app_store(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN)
    reply = post(admin, "/admin/staff/erase", {"email": "ada@example.com", "confirmed": "yes"})
    assert reply.status_code == 422 and "cannot erase yourself" in reply.get_data(as_text=True)
    assert store.users.get(ada.id).email == "ada@example.com"



def test_an_admin_demoted_meanwhile_cannot_erase_the_admin_who_demoted_them(app: Flask) -> None:
    """Two admins erasing each other at once: the second, no longer an admin, is refused, so
    one admin always stays."""
    store = app_store(app)
    ada = store.users.add("ada@example.com", Role.ADMIN)
    bo = store.users.add("bo@example.com", Role.ADMIN)
    store.users.set_role(ada.id, Role.MARKETER)  # bo's change, made after ada's page was drawn
    with app.test_request_context(), pytest.raises(AccountError, match="no longer an admin"):
        erase(store, ada, "bo@example.com", utcnow())
    assert store.users.get(bo.id).email == "bo@example.com"
