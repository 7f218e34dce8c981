"""Saved responses: added, changed and removed from their page, each in the audit log; a form
that fails comes back on its own address with what was typed."""

from __future__ import annotations

from flask import Flask

from feedback_app.store import IdeaStatus, Role
from tests.conftest import app_store, csrf_token, sign_in


def _staff(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, app_store(app).users.add("marta@example.com", Role.MARKETER, "Marta").id)
    return client


def test_add_change_and_remove_a_saved_response(app: Flask) -> None:
    store, staff = app_store(app), _staff(app)
    token = csrf_token(staff, "/admin/ideas/replies")
    added = staff.post("/admin/ideas/replies", data={
        "csrf_token": token, "name": "Весна", "status": "planned",
        "body": "Заплановано — 计划中 — Nakaplano"})  # fmt: skip
    assert added.status_code == 302
    (saved,) = store.replies.all()
    assert (saved.name, saved.status, saved.body) == (
        "Весна", IdeaStatus.PLANNED, "Заплановано — 计划中 — Nakaplano")  # fmt: skip
    listing = staff.get("/admin/ideas/replies").get_data(as_text=True)
    assert "Весна" in listing and 'data-label="Response"' in listing

    new = {"csrf_token": token, "name": "Весна", "status": "in_progress", "body": "In corso"}
    changed = staff.post(f"/admin/ideas/replies/{saved.id}", data=new)
    assert changed.status_code == 302
    assert store.replies.get(saved.id).status is IdeaStatus.IN_PROGRESS
    removed = staff.post(f"/admin/ideas/replies/{saved.id}/delete", data={"csrf_token": token})
    assert removed.status_code == 302 and store.replies.all() == []

    create, update, delete = (store.audit.find(action=f"reply.{a}")[0]
                              for a in ("create", "update", "delete"))  # fmt: skip
    assert create.after["body"] == "Заплановано — 计划中 — Nakaplano" and create.before == {}
    assert update.before == {"status": "planned", "body": "Заплановано — 计划中 — Nakaplano"}
    assert update.after == {"status": "in_progress", "body": "In corso"}
    assert delete.before["name"] == "Весна" and delete.target_id == saved.id
    assert {e.actor_email for e in (create, update, delete)} == {"marta@example.com"}


def test_a_failed_form_comes_back_on_its_address_with_the_text(app: Flask) -> None:
    staff = _staff(app)
    token = csrf_token(staff, "/admin/ideas/replies")
    reply = staff.post("/admin/ideas/replies", data={
        "csrf_token": token, "name": "", "status": "planned", "body": "Grazie mille"})  # fmt: skip
    assert reply.status_code == 400 and reply.request.path == "/admin/ideas/replies"
    html = reply.get_data(as_text=True)
    assert "Please fill this in." in html and "Grazie mille</textarea>" in html
    assert app_store(app).replies.all() == [] and app_store(app).audit.count() == 0


def test_a_saved_response_is_not_offered_for_duplicate(app: Flask) -> None:
    staff = _staff(app)
    token = csrf_token(staff, "/admin/ideas/replies")
    reply = staff.post("/admin/ideas/replies", data={
        "csrf_token": token, "name": "Dup", "status": "duplicate", "body": "x"})  # fmt: skip
    assert reply.status_code == 400 and app_store(app).replies.all() == []


def test_customers_cannot_touch_saved_responses(app: Flask) -> None:
    store = app_store(app)
    customer = app.test_client()
    sign_in(customer, store.users.add("olena@example.com", name="Олена").id)
    token = csrf_token(customer, "/signin")
    reply = customer.post("/admin/ideas/replies", data={
        "csrf_token": token, "name": "x", "status": "planned", "body": "x"})  # fmt: skip
    assert reply.status_code == 403 and store.replies.all() == []
