"""The follow-ups list and page as a marketer uses them: filtered by state (the dashboard's
`?state=overdue` included) and owner, overdue ones marked; every step, note, close and
reassignment one audit entry; staff only."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import FollowUp, Role, Store, User, utcnow
from feedback_app.store.models import FollowUpEvent, FollowUpState
from tests.conftest import app_store, csrf_token, next_after_sign_in, sign_in

LIST = "/admin/followups"


def _add(store: Store, name: str, owner: User | None, due_in: timedelta,
         state: FollowUpState = FollowUpState.OPEN) -> FollowUp:  # fmt: skip
    now = utcnow()
    owner_id = owner.id if owner else None
    return store.followups.add(FollowUp(
        "call", None, f"{len(store.followups.all())}@example.com", "Оцінка 2/10",
        due_at=now + due_in, name=name, owner_id=owner_id, state=state,
        events=[FollowUpEvent(at=now, by=None, state=state.value, owner_id=owner_id)],
    ))  # fmt: skip


def _names(client: FlaskClient, query: str = "") -> list[str]:
    page = client.get(LIST + query).get_data(as_text=True)
    return re.findall(r'<a href="/admin/followups/\d+">([^<]+)</a>', page)


def test_the_list_filters_by_state_and_owner(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    maria = store.users.add("maria@example.com", Role.MARKETER, "Maria")
    ivan = store.users.add("ivan@example.com", Role.MARKETER, "Ivan")
    _add(store, "Олена", maria, timedelta(hours=5))
    _add(store, "Петро", ivan, -timedelta(hours=2))
    _add(store, "Giulia", None, timedelta(hours=1), FollowUpState.CONTACTED)
    _add(store, "Маша", maria, -timedelta(days=3), FollowUpState.RESOLVED)
    sign_in(client, maria.id)
    assert _names(client) == ["Петро", "Giulia", "Олена"], "overdue first, resolved left out"
    assert _names(client, "?state=overdue") == ["Петро"]
    assert _names(client, "?state=resolved") == ["Маша"]
    assert _names(client, "?state=all")[-1] == "Маша"
    assert _names(client, f"?owner={maria.id}") == ["Олена"]
    assert _names(client, f"?owner={ivan.id}&state=overdue") == ["Петро"]
    assert _names(client, "?owner=none") == ["Giulia"]
    assert _names(client, "?state=nonsense&owner=999") == ["Петро", "Giulia", "Олена"]
    page = client.get(LIST).get_data(as_text=True)
    assert page.count('<tr class="overdue">') == 1 and '<strong class="danger">overdue' in page
    assert page.count("<td") == page.count("<td data-label=") == 15


def _post(client: FlaskClient, followup: FollowUp, **data: str) -> int:
    page = f"{LIST}/{followup.id}"
    return client.post(page, data={"csrf_token": csrf_token(client, page), **data}).status_code


Logged = tuple[str, dict[str, object], dict[str, object]]


def _log(store: Store, followup: FollowUp) -> list[Logged]:
    return [(e.action, e.before, e.after)
            for e in reversed(store.audit.find(target_kind="followup", target_id=followup.id))]


def test_each_step_note_close_and_reassignment_is_one_audit_entry(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    maria = store.users.add("maria@example.com", Role.MARKETER, "Maria")
    boss = store.users.add("boss@example.com", Role.ADMIN, "Boss")
    followup = _add(store, "Олена", maria, timedelta(hours=5))
    sign_in(client, maria.id)
    assert _post(client, followup, do="step", seen="1", state="contacted", note="Подзвонила") == 302
    assert _post(client, followup, do="step", seen="2", state="contacted", note="Ще раз") == 302
    refused = _post(client, followup, do="step", seen="3", state="resolved")
    assert refused == 422 and len(_log(store, followup)) == 2, "a refused step logs nothing"
    resolved = _post(client, followup, do="step", seen="3", state="resolved",
                     outcome="Повернули гроші")  # fmt: skip
    assert resolved == 302
    assert _post(client, followup, do="owner", seen="4", owner=str(boss.id)) == 302
    log = _log(store, followup)
    assert [action for action, _, _ in log] == [
        "followup.step", "followup.note", "followup.close", "followup.owner"]
    assert log[0][1:] == ({"state": "open", "notes": ""},
                          {"state": "contacted", "notes": "Подзвонила"})
    assert log[2][2]["outcome"] == "Повернули гроші" and log[2][2]["state"] == "resolved"
    assert log[3][1:] == ({"owner_id": maria.id}, {"owner_id": boss.id})
    assert store.audit.find(target_id=followup.id)[0].actor_email == "maria@example.com"


def test_only_staff_see_and_act(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    maria = store.users.add("maria@example.com", Role.MARKETER, "Maria")
    followup = _add(store, "Олена", maria, timedelta(hours=5))
    page = f"{LIST}/{followup.id}"
    data = {"csrf_token": csrf_token(client, "/signin"), "do": "step", "seen": "1",
            "state": "contacted", "note": "x"}  # fmt: skip
    for url in (f"{LIST}?state=overdue", page):
        assert next_after_sign_in(client.get(url).headers["Location"]) == url
    assert client.post(page, data=data).status_code == 302
    sign_in(client, store.users.add("c@example.com").id)
    assert client.get(f"{LIST}?state=overdue").status_code == 403
    assert client.post(page, data=data).status_code == 403
    assert client.post(page, data={**data, "do": "owner", "owner": "1"}).status_code == 403
    assert store.followups.get(followup.id).state is FollowUpState.OPEN
    assert store.audit.count() == 0
