"""/admin/staff: invitations, roles, deactivation and API tokens, each with its audit entry,
on both backends; admins only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask

from feedback_app.admin.accounts import INVITE_LIFETIME, AccountError, change_role, set_active
from feedback_app.store import Role
from tests.admin.people import assert_cells_labelled, audit_text, entries, post, signed_in
from tests.conftest import app_store, next_after_sign_in

STAFF_PAGES = ["/admin/staff/", "/admin/staff/invite", "/admin/staff/tokens",
               "/admin/staff/export", "/admin/staff/erase"]  # fmt: skip


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.MARKETER])
def test_only_admins_open_the_staff_pages(app: Flask, role: Role) -> None:
    client, _ = signed_in(app, f"{role.value}@example.com", role)
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/staff/invite").status_code in (400, 403)
    page = client.get("/admin/").get_data(as_text=True) if role.is_staff else ""
    assert "/admin/staff/" not in page, "the menu offers marketers no staff page"


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask) -> None:
    client = app.test_client()
    for url in STAFF_PAGES:
        reply = client.get(url)
        assert reply.status_code == 302 and next_after_sign_in(reply.headers["Location"]) == url


def test_an_invitation_makes_a_marketer_who_signs_in_with_the_emailed_link(app: Flask) -> None:
    store = app_store(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN, "Ада Лавлейс")
    reply = post(admin, "/admin/staff/invite",
                 {"email": "Li.Wei@Example.com", "name": "李伟", "role": "marketer"})  # fmt: skip
    assert reply.status_code == 302
    person = store.users.find_by_email("li.wei@example.com")
    assert person is not None and person.role is Role.MARKETER and person.name == "李伟"
    [mail] = [m for m in store.messages.all() if m.to == "li.wei@example.com"]
    assert "Ада Лавлейс" in mail.subject and "ada@example.com" in mail.text
    assert "Marketer" in mail.text and app.config["SITE_NAME"] in mail.text
    assert f"{INVITE_LIFETIME.days} days" in mail.text
    [entry] = entries(store, "user.invite")
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (ada.id, "user", person.id)
    assert entry.after == {"email": "li.wei@example.com", "role": "marketer"}
    assert "token" not in audit_text(store).lower()

    link = urlsplit(re.search(r"http://\S+/signin/\S+", mail.text).group(0))  # type: ignore[union-attr]
    newcomer = app.test_client()
    path = f"{link.path}?{link.query}"
    answer = post(newcomer, path, {})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/admin/")


def test_a_failed_invitation_comes_back_with_what_was_typed(app: Flask) -> None:
    store = app_store(app)
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    reply = post(admin, "/admin/staff/invite", {"email": "not an address", "name": "Олена"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "does not look like an email address" in page
    assert 'value="Олена"' in page and 'value="not an address"' in page
    store.users.add("marta@example.com", Role.MARKETER)
    again = post(admin, "/admin/staff/invite", {"email": "marta@example.com", "role": "admin"})
    assert again.status_code == 422 and "already on the staff" in again.get_data(as_text=True)
    assert store.users.find_by_email("marta@example.com").role is Role.MARKETER  # type: ignore[union-attr]
    assert entries(store, "user.invite") == [] and store.messages.all() == []


def test_a_role_change_is_audited_but_never_ones_own_admin_role(app: Flask) -> None:
    store = app_store(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN)
    other = store.users.add("olena@example.com")
    post(admin, f"/admin/staff/{other.id}/role", {f"u{other.id}-role": "marketer"},
         page="/admin/staff/")  # fmt: skip
    assert store.users.get(other.id).role is Role.MARKETER
    [entry] = entries(store, "user.role")
    assert (entry.actor_id, entry.target_id) == (ada.id, other.id)
    assert (entry.before, entry.after) == ({"role": "customer"}, {"role": "marketer"})
    post(admin, f"/admin/staff/{other.id}/role", {f"u{other.id}-role": "marketer"},
         page="/admin/staff/")  # fmt: skip
    refused = post(admin, f"/admin/staff/{ada.id}/role", {f"u{ada.id}-role": "customer"},
                   page="/admin/staff/")  # fmt: skip
    assert refused.status_code == 302
    assert "cannot take away your own admin role" in admin.get("/admin/staff/").get_data(True)
    assert store.users.get(ada.id).role is Role.ADMIN
    assert len(entries(store, "user.role")) == 1, "no entry when nothing changed"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app: Flask) -> None:
    """Both pages were drawn while both were admins; the second change is refused, because
    its author was demoted by the first (the changes are made one at a time)."""
    store = app_store(app)
    ada = store.users.add("ada@example.com", Role.ADMIN)
    bo = store.users.add("bo@example.com", Role.ADMIN)
    with app.test_request_context():
        change_role(store, bo, ada.id, Role.MARKETER)
        for second in (lambda: change_role(store, ada, bo.id, Role.CUSTOMER),
                       lambda: set_active(store, ada, bo.id, False)):  # fmt: skip
            with pytest.raises(AccountError, match="no longer an admin"):
                second()
    assert (store.users.get(bo.id).role, store.users.get(bo.id).active) == (Role.ADMIN, True)


def test_deactivating_ends_the_persons_sessions_and_reactivating_lets_them_back(
    app: Flask,
) -> None:
    store = app_store(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN)
    marketer, marta = signed_in(app, "marta@example.com", Role.MARKETER, "Marta")
    assert marketer.get("/admin/sales/").status_code == 200
    post(admin, f"/admin/staff/{marta.id}/deactivate", {}, page="/admin/staff/")
    assert not store.users.get(marta.id).active
    gone = marketer.get("/admin/sales/")
    assert gone.status_code == 302 and "/signin" in gone.headers["Location"]
    [entry] = entries(store, "user.deactivate")
    assert (entry.actor_id, entry.target_id, entry.after) == (ada.id, marta.id, {"active": False})
    assert "Deactivated" in admin.get("/admin/staff/").get_data(as_text=True)

    post(admin, f"/admin/staff/{ada.id}/deactivate", {}, page="/admin/staff/")
    assert store.users.get(ada.id).active, "never oneself"
    assert admin.get("/admin/staff/").status_code == 200

    post(admin, f"/admin/staff/{marta.id}/reactivate", {}, page="/admin/staff/")
    assert store.users.get(marta.id).active
    [back] = entries(store, "user.reactivate")
    assert (back.before, back.after) == ({"active": False}, {"active": True})


def test_an_api_token_is_shown_once_kept_hashed_and_revoked(app: Flask) -> None:
    store = app_store(app)
    admin, ada = signed_in(app, "ada@example.com", Role.ADMIN)
    reply = post(admin, "/admin/staff/tokens", {"name": "Магазин 商店"})
    page = reply.get_data(as_text=True)
    secret = re.search(r'value="(vbx_[^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    assert "shown this once" in page
    [token] = store.api_tokens.all()
    assert token.name == "Магазин 商店" and token.created_by == ada.id
    assert secret not in str(token.to_doc())
    listed = admin.get("/admin/staff/tokens").get_data(as_text=True)
    assert secret not in listed
    assert_cells_labelled(listed)
    assert secret not in (admin.get_cookie("session").value or "")  # type: ignore[union-attr]
    [entry] = entries(store, "token.create")
    assert (entry.target_kind, entry.target_id) == ("api_token", token.id)
    assert entry.after == {"name": "Магазин 商店"}
    sale = {"email": "olena@example.com", "order_ref": "A-1"}
    api = app.test_client()
    assert api.post("/api/sales", json=sale,
                    headers={"Authorization": f"Bearer {secret}"}).status_code == 201  # fmt: skip

    post(admin, f"/admin/staff/tokens/{token.id}/revoke", {}, page="/admin/staff/tokens")
    assert not store.api_tokens.get(token.id).active
    assert api.post("/api/sales", json={**sale, "order_ref": "A-2"},
                    headers={"Authorization": f"Bearer {secret}"}).status_code == 401  # fmt: skip
    [revoked] = entries(store, "token.revoke")
    assert revoked.before == {"revoked_at": None} and revoked.after["revoked_at"]
    assert secret not in audit_text(store) and token.token_hash not in audit_text(store)
    again = post(admin, f"/admin/staff/tokens/{token.id}/revoke", {}, page="/admin/staff/tokens")
    assert again.status_code == 302 and len(entries(store, "token.revoke")) == 1


def test_reloading_the_page_that_showed_a_secret_makes_no_second_token(app: Flask) -> None:
    """A reload sends the same copy of the form again: the token it made is said, not remade,
    and its secret is not shown again."""
    store = app_store(app)
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    page = admin.get("/admin/staff/tokens").get_data(as_text=True)
    copy = {name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            for name in ("csrf_token", "submission")}  # fmt: skip
    first = admin.post("/admin/staff/tokens", data={**copy, "name": "Каса"})
    assert 'value="vbx_' in first.get_data(as_text=True)
    again = admin.post("/admin/staff/tokens", data={**copy, "name": "Каса"})
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and 'value="vbx_' not in text
    assert "no second one was made" in text
    assert [t.name for t in store.api_tokens.all()] == ["Каса"]
    assert len(entries(store, "token.create")) == 1
    fresh = re.search(r'name="submission" type="hidden" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]
    assert fresh != copy["submission"], "the form shown next is a new copy"


def test_a_token_without_a_name_comes_back_with_the_form(app: Flask) -> None:
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    reply = post(admin, "/admin/staff/tokens", {"name": "   "})
    assert reply.status_code == 400 and "Please fill this in." in reply.get_data(as_text=True)
    assert app_store(app).api_tokens.all() == []


def test_the_staff_list_finds_customers_by_address(app: Flask) -> None:
    store = app_store(app)
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    store.users.add("olena@example.com", name="Олена")
    listed = admin.get("/admin/staff/").get_data(as_text=True)
    assert "olena@example.com" not in listed, "customers only when searched for"
    found = admin.get("/admin/staff/?q=ОЛЕНА").get_data(as_text=True)
    assert "olena@example.com" in found
    assert_cells_labelled(found)


def test_every_staff_page_leads_back_to_the_staff(app: Flask) -> None:
    admin, _ = signed_in(app, "ada@example.com", Role.ADMIN)
    for url in STAFF_PAGES[1:]:
        page = admin.get(url).get_data(as_text=True)
        assert '<a href="/admin/staff/">Back to the staff</a>' in page, url
