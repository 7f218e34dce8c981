"""The console's idea queue: who may open it, what it lists first, answering from the list
(with a saved response), and bulk decisions, each audited once per idea."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.store import Idea, IdeaStatus, Role, Store
from feedback_app.store.models import ResponseTemplate
from tests.conftest import app_store, csrf_token, run_mail_jobs, sign_in


@dataclass
class Console:
    app: Flask
    store: Store
    staff: FlaskClient
    staff_id: int

    def idea(self, title: str, author: int | None = None) -> int:
        idea = Idea(title, "Чому це важливо", "Drinks", author or self.staff_id)
        return self.store.ideas.add(idea).id

    def post(self, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
        token = csrf_token(self.staff, "/admin/ideas?show=all")
        return self.staff.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def console(app: Flask) -> Console:
    store = app_store(app)
    staff = app.test_client()
    marta = store.users.add("marta@example.com", Role.MARKETER, "Marta")
    sign_in(staff, marta.id)
    return Console(app, store, staff, marta.id)


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/ideas/\d+" dir="auto">([^<]*)</a>', html)


def test_customers_are_refused_and_visitors_sent_to_sign_in(console: Console) -> None:
    visitor = console.app.test_client()
    assert "/signin" in visitor.get("/admin/ideas").headers["Location"]
    customer = console.app.test_client()
    sign_in(customer, console.store.users.add("olena@example.com", name="Олена").id)
    for url in ("/admin/ideas", "/admin/ideas/replies"):
        assert customer.get(url).status_code == 403
    token = csrf_token(customer, "/signin")
    reply = customer.post("/admin/ideas", data={"csrf_token": token, "queue_form": "bulk"})
    assert reply.status_code == 403


def test_new_and_unanswered_ideas_come_first(console: Console) -> None:
    answered = console.idea("Answered already")
    console.store.ideas.set_status(answered, IdeaStatus.PLANNED, "Yes", console.staff_id)
    silent = console.idea("Reviewed without a word")
    console.store.ideas.set_status(silent, IdeaStatus.UNDER_REVIEW, "", console.staff_id)
    console.idea("Свіже молоко щодня")
    default = _titles(console.staff.get("/admin/ideas").get_data(as_text=True))
    assert default == ["Свіже молоко щодня", "Reviewed without a word"]
    assert _titles(console.staff.get("/admin/ideas?show=new").get_data(as_text=True)) == [
        "Свіже молоко щодня"]  # fmt: skip
    everything = _titles(console.staff.get("/admin/ideas?show=all").get_data(as_text=True))
    assert everything[-1] == "Answered already" and len(everything) == 3
    planned = console.staff.get("/admin/ideas?show=all&status=planned").get_data(as_text=True)
    assert _titles(planned) == ["Answered already"]


def test_every_cell_says_what_it_is_on_a_phone(console: Console) -> None:
    console.idea("Oat milk")
    html = console.staff.get("/admin/ideas").get_data(as_text=True)
    table = html[html.index('<table class="data queue">') : html.index("</table>")]
    assert table.count("<td") == table.count("<td data-label=") > 0


def test_the_posted_date_shows_in_full_on_hover(console: Console) -> None:
    console.idea("Oat milk")
    html = console.staff.get("/admin/ideas").get_data(as_text=True)
    cell = re.search(r'<td data-label="Posted">(.*?)</td>', html, re.S)
    assert cell and cell.group(1).count("<time") == 1
    assert re.search(r'<time datetime="[^"]+" title="[^"]*\d{4}[^"]*"', cell.group(1))


def test_answer_from_the_list_with_a_saved_response(console: Console) -> None:
    saved = console.store.replies.add(
        ResponseTemplate("Spring", IdeaStatus.PLANNED, "Заплановано на весну 🌱")
    )
    customer = console.store.users.add("olena@example.com", name="Олена")
    idea = console.idea("Oat milk", customer.id)
    url = "/admin/ideas?show=unanswered"
    filled = console.post(url, {"queue_form": "answer", "idea": idea, f"i{idea}-reply": saved.id,
                                f"i{idea}-use_reply": "y", f"i{idea}-status": "new"})  # fmt: skip
    assert filled.status_code == 200
    assert "Заплановано на весну 🌱</textarea>" in filled.get_data(as_text=True)
    assert console.store.ideas.get(idea).status is IdeaStatus.NEW
    done = console.post(url, {"queue_form": "answer", "idea": idea, f"i{idea}-status": "planned",
                              f"i{idea}-response": "Заплановано на весну 🌱",
                              f"i{idea}-notify": "y"})  # fmt: skip
    assert done.status_code == 302 and done.headers["Location"] == url
    stored = console.store.ideas.get(idea)
    assert stored.status is IdeaStatus.PLANNED
    assert stored.official_response.response == "Заплановано на весну 🌱"
    (entry,) = console.store.audit.find(action="idea.status")
    assert entry.target_id == idea and entry.actor_email == "marta@example.com"
    run_mail_jobs(console.app)
    (mail,) = console.store.messages.all()
    assert mail.to == "olena@example.com" and "Заплановано на весну 🌱" in mail.text


def test_a_failed_answer_comes_back_on_the_queue_with_its_text(console: Console) -> None:
    first, second = console.idea("First"), console.idea("Second")
    reply = console.post("/admin/ideas?show=all", {
        "queue_form": "answer", "idea": second, f"i{second}-status": "implemented",
        f"i{second}-response": "Зроблено"})  # fmt: skip
    assert reply.status_code == 400 and reply.request.full_path == "/admin/ideas?show=all"
    html = reply.get_data(as_text=True)
    assert "Say what changed" in html and html.count("Зроблено") == 1
    row = html[html.index(f'id="idea-{second}"') :]
    assert "<details open>" in row[: row.index("</details>")]
    assert console.store.ideas.get(first).status is IdeaStatus.NEW
    assert console.store.audit.count() == 0


def test_bulk_status_audits_each_idea_and_emails_their_followers(console: Console) -> None:
    customer = console.store.users.add("olena@example.com", name="Олена")
    ideas = [console.idea(f"Idea {n}", customer.id) for n in range(3)]
    reply = console.post("/admin/ideas", {"queue_form": "bulk", "ids": ideas[:2],
                                          "action": "under_review", "response": "Looking",
                                          "notify": "y"})  # fmt: skip
    assert reply.status_code == 302
    assert [console.store.ideas.get(i).status for i in ideas] == [
        IdeaStatus.UNDER_REVIEW, IdeaStatus.UNDER_REVIEW, IdeaStatus.NEW]  # fmt: skip
    entries = console.store.audit.find(action="idea.status")
    assert sorted(e.target_id for e in entries) == sorted(ideas[:2])
    assert run_mail_jobs(console.app) == 2
    assert "2 ideas are now “Under review”." in console.staff.get("/admin/ideas").get_data(
        as_text=True)  # fmt: skip


def test_a_bulk_status_without_a_response_records_no_empty_response(console: Console) -> None:
    ideas = [console.idea(f"Idea {n}") for n in range(2)]
    reply = console.post("/admin/ideas", {"queue_form": "bulk", "ids": ideas,
                                          "action": "under_review", "response": ""})  # fmt: skip
    assert reply.status_code == 302
    entries = console.store.audit.find(action="idea.status")
    assert len(entries) == 2 and all("response" not in e.after for e in entries)
    assert all(e.after["status"] == "under_review" for e in entries)


def test_bulk_spam_archives_without_email_and_says_what_it_left(console: Console) -> None:
    customer = console.store.users.add("olena@example.com", name="Олена")
    spam = [console.idea(f"Cheap watches {n}", customer.id) for n in range(2)]
    original = console.idea("Original")
    merged = console.idea("Merged away")
    console.store.ideas.merge(merged, original, console.staff_id, "Same")
    reply = console.post("/admin/ideas", {"queue_form": "bulk", "ids": [*spam, merged],
                                          "action": "spam"})  # fmt: skip
    assert reply.status_code == 302
    assert all(console.store.ideas.get(i).status is IdeaStatus.ARCHIVED for i in spam)
    assert sorted(e.target_id for e in console.store.audit.find(action="idea.spam")) == sorted(spam)
    assert console.store.ideas.get(merged).status is IdeaStatus.DUPLICATE
    page = console.staff.get("/admin/ideas").get_data(as_text=True)
    assert f"Idea #{merged} was left as it was" in page
    assert "2 ideas archived as spam; nobody was emailed." in page
    run_mail_jobs(console.app)
    assert console.store.messages.all() == []
    board = console.app.test_client().get("/ideas").get_data(as_text=True)
    assert "Cheap watches" not in board


def test_bulk_without_a_tick_says_so(console: Console) -> None:
    console.idea("Oat milk")
    reply = console.post("/admin/ideas", {"queue_form": "bulk", "action": "planned",
                                          "response": "Сподобалось"})  # fmt: skip
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert "Tick at least one idea." in html and "Сподобалось" in html
