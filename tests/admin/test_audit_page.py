"""/admin/audit: the log, newest first, filtered and paginated, changes shown as old → new."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from feedback_app import audit
from feedback_app.audit_labels import ACTION_LABELS, action_label
from feedback_app.store import Idea, Job, Role, Store
from feedback_app.store.models import ApiToken, AuditEntry, Testimonial
from tests.conftest import app_store, next_after_sign_in, sign_in


def _entry(store: Store, action: str, day: str, **fields: object) -> AuditEntry:
    moment = datetime.fromisoformat(day).replace(tzinfo=UTC)
    fields = {"actor_email": "marta@example.com", "target_kind": "idea", **fields}
    return store.audit.add(AuditEntry(action, created_at=moment, **fields))  # type: ignore[arg-type]


def _actions(page: str) -> list[str]:
    """The Action column, as action names (each read back from its label)."""
    names = {action_label(name): name for name in ACTION_LABELS}
    said = [html.unescape(a) for a in re.findall(r'data-label="Action">([^<]+)</td>', page)]
    return [names.get(label, label) for label in said]


def _staff(store: Store) -> int:
    return store.users.add("marta@example.com", Role.MARKETER).id


def test_newest_first_with_each_change_readable_and_a_link_to_the_record(
    app: Flask, client: FlaskClient
) -> None:
    store = app_store(app)
    marta = store.users.get(_staff(store))
    sign_in(client, marta.id)
    idea = store.ideas.add(Idea("Oat milk", "d", "Drinks", marta.id))
    audit.record(store, marta, "idea.edit", "idea", idea.id,
                 {"title": "Oat milk"}, {"title": "Овсяне молоко, 燕麦奶"})  # fmt: skip
    audit.record(store, marta, "idea.status", "idea", idea.id,
                 {"status": "new"}, {"status": "planned"}, summary="Answered")  # fmt: skip
    page = client.get("/admin/audit").get_data(as_text=True)
    assert _actions(page) == ["idea.status", "idea.edit"]
    assert re.search(
        r"<strong>Status</strong>: <del[^>]*>New</del> → <ins[^>]*>Planned</ins>", page
    )
    assert '<ins dir="auto">Овсяне молоко, 燕麦奶</ins>' in page
    assert f'<a href="/ideas/{idea.id}" dir="auto">Oat milk</a>' in page
    assert "Answered" in page
    assert page.count("<td") == page.count("<td data-label=")


def test_filters_by_person_action_kind_and_days(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    sign_in(client, _staff(store))
    _entry(store, "idea.status", "2026-03-01")
    _entry(store, "testimonial.approve", "2026-03-10", target_kind="testimonial")
    _entry(store, "idea.merge", "2026-03-20", actor_email="root@example.com")
    _entry(store, "idea.status", "2026-03-31")

    def shown(query: str) -> list[str]:
        reply = client.get("/admin/audit?" + query)
        assert reply.status_code == 200, query
        return _actions(reply.get_data(as_text=True))

    assert shown("person=root%40example.com") == ["idea.merge"]
    assert shown("action=idea.status") == ["idea.status", "idea.status"]
    assert shown("kind=testimonial") == ["testimonial.approve"]
    assert shown("since=2026-03-10&until=2026-03-20") == ["idea.merge", "testimonial.approve"]
    assert shown("action=idea.status&since=2026-03-02") == ["idea.status"]
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="root@example.com">root@example.com</option>' in page
    assert '<option value="marta@example.com">marta (marta@example.com)</option>' in page
    assert '<option value="testimonial.approve">approved a testimonial</option>' in page
    assert '<option value="">Anyone</option>' in page
    assert '<option value="">Any action</option>' in page
    assert '<option value="">Any kind</option>' in page


def test_a_bad_day_is_a_clear_message_never_an_error_page(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    sign_in(client, _staff(store))
    _entry(store, "idea.status", "2026-03-01")
    for query in (
        "since=31/03/2026",
        "until=2026-02-30",
        "since=%00%FF",
        "since=2026-04-01&until=2026-03-01",
    ):
        reply = client.get("/admin/audit?" + query)
        assert reply.status_code == 400, query
        page = reply.get_data(as_text=True)
        said = ("YYYY-MM-DD", "The last day cannot come before the first one.")
        assert any(message in page for message in said), query
        assert 'aria-invalid="true"' in page
    assert _actions(client.get("/admin/audit?since=31/03/2026").get_data(as_text=True)) == [
        "idea.status"], "a day that cannot be read filters nothing out"  # fmt: skip


def test_pages_of_fifty_keep_the_filter(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    sign_in(client, _staff(store))
    for n in range(55):
        _entry(store, "idea.status", f"2026-03-01T10:{n:02}", summary=f"n{n}")
    _entry(store, "user.role", "2026-03-02")
    first = client.get("/admin/audit?action=idea.status").get_data(as_text=True)
    assert len(_actions(first)) == 50 and "n54" in first and "n4<" not in first
    assert "55 entries" in first
    assert 'href="/admin/audit?page=2&amp;action=idea.status"' in first
    second = client.get("/admin/audit?page=2&action=idea.status").get_data(as_text=True)
    assert _actions(second) == ["idea.status"] * 5 and "n0<" in second
    beyond = client.get("/admin/audit?page=99&action=idea.status").get_data(as_text=True)
    assert "Page 2 of 2" in beyond


def test_customers_and_strangers_cannot_read_it(app: Flask, client: FlaskClient) -> None:
    reply = client.get("/admin/audit")
    assert next_after_sign_in(reply.headers["Location"]) == "/admin/audit"
    sign_in(client, app_store(app).users.add("olena@example.com").id)
    assert client.get("/admin/audit").status_code == 403


def test_days_are_the_business_days_not_utc(store: Store) -> None:
    from zoneinfo import ZoneInfo

    from feedback_app.audit_query import AuditFilter, read_log

    late = _entry(store, "idea.status", "2026-03-31T22:30")  # already 1 April in Kyiv
    kyiv = ZoneInfo("Europe/Kyiv")
    april = AuditFilter(since=datetime(2026, 4, 1).date())
    assert [e.id for e in read_log(store, april, kyiv).entries] == [late.id]
    assert read_log(store, april, UTC).entries == []


def test_each_entry_reads_as_words_names_titles_and_dates(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    marta = store.users.get(store.users.add("marta@example.com", Role.MARKETER, "Марта").id)
    sign_in(client, marta.id)
    original = store.ideas.add(Idea("Овсяне молоко 燕麦奶", "d", "Drinks", marta.id))
    duplicate = store.ideas.add(Idea("Oat milk please", "d", "Drinks", marta.id))
    quote = store.testimonials.add(Testimonial("Чудова кава, щодня!", 5, "Олена"))
    token = store.api_tokens.add(ApiToken("Shop sync", "hash"))
    audit.record(store, marta, "idea.merge", "idea", duplicate.id,
                 {"status": "under_review", "merged_into": None},
                 {"status": "duplicate", "merged_into": original.id},
                 summary=original.title)  # fmt: skip
    audit.record(store, marta, "testimonial.reject", "testimonial", quote.id,
                 {"state": "pending", "decided_by": None},
                 {"state": "rejected", "decided_by": marta.id})  # fmt: skip
    audit.record(store, marta, "token.revoke", "api_token", token.id, {"revoked_at": None},
                 {"revoked_at": "2026-12-01T04:45:00.493183+00:00"},
                 summary=token.name)  # fmt: skip
    audit.record(store, marta, "person.erase", "user", None, {},
                 {"removed": {"followups": 1, "messages": 10}},
                 summary="erasure of one person's data")  # fmt: skip
    job = store.jobs.add(Job("sale_survey", {"sale_id": 1}))
    audit.record(store, marta, "job.cancel", "job", job.id, {"state": "queued"},
                 {"state": "cancelled"}, summary="sale_survey")  # fmt: skip
    audit.record(store, marta, "robot.dance", "robot", 3, {}, {"moves": 2})  # fmt: skip
    page = html.unescape(client.get("/admin/audit").get_data(as_text=True))
    page = page.split('<table class="data audit">', 1)[1]  # the filters' values are names
    raws = ("idea.merge", "testimonial.reject", "api_token", "merged_into", "decided_by",
            "under_review", "pending", "revoked_at", ">2026-12-01T", "followups: 1",
            "erasure of one", "sale_survey")  # fmt: skip
    for raw in raws:
        assert raw not in page, raw
    for said in ("merged an idea into another", "rejected a testimonial", "revoked an API token",
                 "erased one person's data", "API token", "Shop sync",
                 "Merged into", "Decided by", "Revoked", "Under review", "Duplicate",
                 "Waiting", "Rejected", "Follow-ups: 1; Emails: 10", "Dec 1, 2026",
                 "Survey invitation", "Scheduled", "Cancelled"):  # fmt: skip
        assert said in page, said
    assert f'<a href="/ideas/{original.id}">{original.title}</a>' in page, "linked by title"
    assert f'<a href="/ideas/{duplicate.id}" dir="auto">Oat milk please</a>' in page
    assert ">Олена</a>" in page, "a testimonial by its credit"
    assert '<span title="marta@example.com">Марта</span>' in page, "people by name"
    assert '<ins dir="auto">Марта</ins>' in page
    assert "robot.dance" in page and "moves" in page, "an action without a label still shows"
