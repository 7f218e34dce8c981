"""The idea page's staff panel: first on the page, every form posted to the page's own address,
a failed one back with only its own fields, each action in the audit log, and the status
email carrying the response, what changed and the published page."""

from __future__ import annotations

import re

from feedback_app.store import IdeaStatus
from tests.conftest import run_mail_jobs
from tests.ideas.conftest import Board


def _form(html: str, which: str) -> str:
    """The HTML of the staff form named `which`."""
    found = re.search(rf'<form[^>]*>(?:(?!</form>).)*name="staff_form" value="{which}".*?</form>',
                      html, re.S)  # fmt: skip
    assert found, which
    return found.group(0)


def test_staff_see_their_panel_before_the_idea_customers_never(board: Board) -> None:
    idea = board.idea()
    staff_page = board.staff_client().get(f"/ideas/{idea}").get_data(as_text=True)
    assert staff_page.index("Answer as staff") < staff_page.index("Why it matters")
    assert "Answer as staff" not in board.client.get(f"/ideas/{idea}").get_data(as_text=True)


def test_a_failed_status_form_comes_back_on_the_ideas_own_address(board: Board) -> None:
    idea = board.idea()
    reply = board.staff_post(
        idea, "status", {"status": "implemented", "response": "Готово, дякуємо"}
    )
    assert reply.status_code == 400 and reply.request.path == f"/ideas/{idea}"
    html = reply.get_data(as_text=True)
    assert "Say what changed" in html
    assert "Готово, дякуємо" in _form(html, "status"), "the typed response is kept"
    assert html.count("Готово, дякуємо") == 1, "only the failed form is refilled"
    assert board.store.audit.count() == 0


def test_a_customer_cannot_post_staff_forms(board: Board) -> None:
    idea = board.idea()
    reply = board.staff_post(idea, "status", {"status": "planned", "response": "x"}, board.client)
    assert reply.status_code == 403
    assert board.store.ideas.get(idea).status is IdeaStatus.NEW


def test_status_change_is_audited_and_the_email_carries_note_and_site_page(board: Board) -> None:
    idea = board.idea()
    board.store.votes.cast(idea, board.user_id, 1)
    reply = board.staff_post(idea, "status", {
        "status": "implemented", "response": "Овсяне молоко — без доплати.",
        "changed_note": "Oat milk costs the same as dairy"})  # fmt: skip
    assert reply.status_code == 302
    (entry,) = board.store.audit.find(action="idea.status")
    assert entry.target_kind == "idea" and entry.target_id == idea
    assert entry.actor_email == "staff@example.com"
    assert entry.before["status"] == "new" and entry.after["status"] == "implemented"
    assert entry.after["response"] == "Овсяне молоко — без доплати."
    run_mail_jobs(board.app)
    (mail,) = [m for m in board.store.messages.all() if m.to == "olena@example.com"]
    assert "Овсяне молоко — без доплати." in mail.text
    assert "What changed: Oat milk costs the same as dairy" in mail.text
    site = board.app.config["SITE_URL"].rstrip("/")
    assert re.search(rf"{re.escape(site)}/ideas/{idea}(-[a-z0-9-]+)?/\s", mail.text)


def test_unticking_notify_emails_nobody(board: Board) -> None:
    idea = board.idea()
    board.store.votes.cast(idea, board.user_id, 1)
    reply = board.staff_post(idea, "status", {"status": "planned", "response": "Quietly"})
    assert reply.status_code == 302
    quiet = {"status": "in_progress", "response": "Hush", "notify": ""}  # an unticked box
    reply = board.staff_post(idea, "status", quiet)
    assert reply.status_code == 302
    run_mail_jobs(board.app)
    texts = [m.text for m in board.store.messages.all()]
    assert len(texts) == 1 and "Quietly" in texts[0]
    assert [e.after["notified"] for e in board.store.audit.find(action="idea.status")] == [
        False, True]  # fmt: skip


def test_merge_through_the_picker_is_audited(board: Board) -> None:
    original = board.idea("Oat milk for free")
    board.idea("Oat milk in every store")
    duplicate = board.idea("Free oat milk please")
    staff = board.staff_client()
    found = staff.get(f"/ideas/{duplicate}?find=oat+milk").get_data(as_text=True)
    assert "Oat milk for free" in found and "Merge into this" in found
    assert f'value="{duplicate}"' not in _form(found, "merge"), "not into itself"
    reply = board.staff_post(duplicate, "merge", {"original": str(original), "response": "Same"},
                             staff)  # fmt: skip
    assert reply.headers["Location"].endswith(f"/ideas/{original}")
    (entry,) = board.store.audit.find(action="idea.merge")
    assert entry.target_id == duplicate and entry.after["merged_into"] == original
    assert entry.before == {"status": "new", "merged_into": None}


def test_edit_keeps_the_earlier_words_in_the_staff_history(board: Board) -> None:
    idea = board.idea("Oat mlik")
    staff = board.staff_client()
    reply = board.staff_post(idea, "edit", {"title": "Oat milk", "description": "Why it matters"},
                             staff)  # fmt: skip
    assert reply.status_code == 302 and board.store.ideas.get(idea).title == "Oat milk"
    (entry,) = board.store.audit.find(action="idea.edit")
    assert entry.before == {"title": "Oat mlik"} and entry.after == {"title": "Oat milk"}
    panel = staff.get(f"/ideas/{idea}").get_data(as_text=True)
    assert '<strong>Title</strong>: <del dir="auto">Oat mlik</del>' in panel, "fields in words"
    assert "edited an idea" in panel and "idea.edit" not in panel, "the action in words"
    empty = board.staff_post(idea, "edit", {"title": "", "description": "x"}, staff)
    assert empty.status_code == 400 and board.store.ideas.get(idea).title == "Oat milk"


def test_spam_is_archived_off_the_board_without_email(board: Board) -> None:
    idea = board.idea("Buy cheap watches")
    board.store.votes.cast(idea, board.user_id, 1)
    reply = board.staff_post(idea, "spam", {})
    assert reply.status_code == 302
    assert board.store.ideas.get(idea).status is IdeaStatus.ARCHIVED
    (entry,) = board.store.audit.find(action="idea.spam")
    assert entry.before == {"status": "new"} and entry.after == {"status": "archived"}
    run_mail_jobs(board.app)
    assert board.store.messages.all() == []
    assert "Buy cheap watches" not in board.client.get("/ideas").get_data(as_text=True)
    archived = board.client.get("/ideas?status=archived").get_data(as_text=True)
    assert "Buy cheap watches" in archived


def test_a_saved_response_fills_the_form_without_javascript(board: Board) -> None:
    from feedback_app.store.models import ResponseTemplate

    reply = board.store.replies.add(
        ResponseTemplate("Spring", IdeaStatus.PLANNED, "Заплановано на весну")
    )
    idea = board.idea()
    page = board.staff_post(idea, "status", {"reply": str(reply.id), "use_reply": "y",
                                             "status": "new", "response": ""})  # fmt: skip
    assert page.status_code == 200
    form = _form(page.get_data(as_text=True), "status")
    assert "Заплановано на весну</textarea>" in form
    assert re.search(r'<option selected value="planned"|<option value="planned" selected', form)
    assert board.store.ideas.get(idea).status is IdeaStatus.NEW, "nothing saved yet"


def test_asking_for_a_saved_response_without_choosing_one_says_so(board: Board) -> None:
    idea = board.idea()
    page = board.staff_post(idea, "status", {"use_reply": "y", "reply": "", "status": "new",
                                             "response": "Мої слова"})  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "Choose a saved response first." in html
    assert "Мої слова</textarea>" in html


def test_the_picker_offers_only_open_ideas(board: Board) -> None:
    duplicate = board.idea("Free oat milk please")
    archived = board.idea("Oat milk archived")
    board.store.ideas.set_status(archived, IdeaStatus.ARCHIVED, "", by=1)
    board.idea("Oat milk still open")
    page = board.staff_client().get(f"/ideas/{duplicate}?find=oat+milk").get_data(as_text=True)
    picker = _form(page, "merge")
    assert "Oat milk still open" in picker and "Oat milk archived" not in picker


def test_the_picker_opened_with_the_duplicates_title_offers_the_original(board: Board) -> None:
    original = board.idea("Oat milk at no extra charge")
    duplicate = board.idea("Free oat milk please")
    board.idea("Decaf beans in 250 g bags")
    page = board.staff_client().get(f"/ideas/{duplicate}?find=Free+oat+milk+please")
    picker = _form(page.get_data(as_text=True), "merge")
    assert f'value="{original}"' in picker and "Decaf" not in picker
    assert "Try fewer words" not in picker


def test_saving_unchanged_words_writes_no_audit_entry(board: Board) -> None:
    idea = board.idea("Oat milk")
    reply = board.staff_post(idea, "edit", {"title": "Oat milk", "description": "Why it matters"})
    assert reply.status_code == 302 and board.store.audit.count() == 0


def test_the_queues_merge_link_opens_the_picker_with_ideas_that_look_alike(board: Board) -> None:
    """The queue's "Merge…" link once searched the idea's own full title, which no other idea
    holds: the picker was always empty."""
    board.idea("Oat milk at no extra charge in every café")
    duplicate = board.idea("Free oat milk please")
    staff = board.staff_client()
    queue = staff.get("/admin/ideas").get_data(as_text=True)
    link = re.search(rf'href="(/ideas/{duplicate}[^"#]*)#merge"', queue)
    assert link, "the queue links to the merge picker"
    page = staff.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    picker = _form(page, "merge")
    assert '<details id="merge" class="staff-part" open>' in page
    assert "Oat milk at no extra charge in every café" in picker
    assert f'value="{duplicate}"' not in picker, "never into itself"


def test_with_nothing_alike_the_picker_offers_the_most_supported_open_ideas(board: Board) -> None:
    popular = board.idea("Longer opening hours")
    board.store.votes.cast(popular, board.user_id, 1)
    duplicate = board.idea("Свіже молоко щодня")
    page = board.staff_client().get(f"/ideas/{duplicate}?merge=1").get_data(as_text=True)
    picker = _form(page, "merge")
    assert "the most supported open ideas" in picker and "Longer opening hours" in picker
    assert f'value="{duplicate}"' not in picker


def test_searching_the_ideas_own_title_never_offers_it(board: Board) -> None:
    duplicate = board.idea("Oat milk")
    board.idea("Oat milk and soy milk")
    page = board.staff_client().get(f"/ideas/{duplicate}?find=Oat+milk").get_data(as_text=True)
    picker = _form(page, "merge")
    assert "Oat milk and soy milk" in picker and f'value="{duplicate}"' not in picker


def test_the_staff_panel_leads_back_to_the_queue(board: Board) -> None:
    idea = board.idea()
    page = board.staff_client().get(f"/ideas/{idea}").get_data(as_text=True)
    assert '<a href="/admin/ideas">Back to the ideas to answer</a>' in page
