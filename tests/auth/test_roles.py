"""Every staff page, found from the URL map so a new one cannot be forgotten, is guarded."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Role
from tests.conftest import app_store, csrf_token, next_after_sign_in, sign_in


def _staff_rules(app: Flask) -> list[tuple[str, str, tuple[Role, ...]]]:
    """Every route guarded by a role, and a check that the console has no unguarded one."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if rule.rule.startswith("/admin"):
            assert roles, f"{rule.rule} has no role guard"
        if not roles:
            continue
        url = re.sub(r"<int:\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):  # type: ignore[operator]
            found.append((method, url, roles))
    assert found, "the console has routes"
    return found


def _request(client: FlaskClient, method: str, url: str) -> tuple[int, str]:
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/signin")
        response = client.open(url, method=method, data={"csrf_token": token})
    return response.status_code, response.headers.get("Location", "")


@pytest.mark.parametrize("role", [None, Role.CUSTOMER, Role.MARKETER, Role.ADMIN])
def test_staff_routes_answer_by_role(app: Flask, client: FlaskClient, role: Role | None) -> None:
    store = app_store(app)
    if role is not None:
        sign_in(client, store.users.add(f"{role.value}@example.com", role).id)
    for method, url, allowed in _staff_rules(app):
        status, location = _request(client, method, url)
        if role is None:
            assert status == 302 and "/signin" in location, (method, url)
        elif role in allowed:
            assert status != 403 and "/signin" not in location, (method, url, role)
        else:
            assert status == 403, (method, url, role)


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client: FlaskClient) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert next_after_sign_in(response.headers["Location"]) == "/admin/"


def test_admin_changes_a_role_but_not_their_own(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    admin = store.users.add("admin@example.com", Role.ADMIN)
    other = store.users.add("ana@example.com")
    sign_in(client, admin.id)
    token = csrf_token(client, "/admin/staff/")
    client.post(
        f"/admin/staff/{other.id}/role", data={"csrf_token": token, f"u{other.id}-role": "marketer"}
    )
    assert store.users.get(other.id).role is Role.MARKETER
    page = client.post(
        f"/admin/staff/{admin.id}/role",
        data={"csrf_token": token, f"u{admin.id}-role": "customer"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "cannot take away your own admin role" in page
    assert store.users.get(admin.id).role is Role.ADMIN
    bad = client.post(
        f"/admin/staff/{other.id}/role", data={"csrf_token": token, f"u{other.id}-role": "king"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Choose one of the roles listed." in bad.get_data(as_text=True)


def test_console_shows_what_needs_attention(app: Flask, client: FlaskClient) -> None:
    from feedback_app.demo import seed_demo

    store = app_store(app)
    seed_demo(store)
    marketer = store.users.find_by_email("marketer@voicebox.example")
    assert marketer is not None
    sign_in(client, marketer.id)
    page = client.get("/admin/").get_data(as_text=True)
    assert "testimonials waiting for a decision" in page
    assert "overdue" in page
    assert "People and roles" not in page, "only admins manage roles"
