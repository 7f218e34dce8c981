"""Statuses with official responses, the history, merging, and followers hearing back."""

from __future__ import annotations

import re

from feedback_app.store import IdeaStatus
from tests.conftest import run_mail_jobs
from tests.ideas.conftest import Board


def _staff_post(board: Board, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """Post the staff form that `url` names (`/ideas/<id>/status` or `…/merge`)."""
    _, _, idea, which = url.split("/")
    return board.staff_post(int(idea), which, data)


def test_status_change_is_answered_recorded_and_emailed(board: Board) -> None:
    idea = board.idea()
    board.post(f"/ideas/{idea}/vote", {"value": "1"})  # a voter follows automatically
    reply = _staff_post(
        board, f"/ideas/{idea}/status", {"status": "planned", "response": "On the **plan**."}
    )
    assert reply.status_code == 302
    page = board.client.get(f"/ideas/{idea}").get_data(as_text=True)
    assert page.index("Official response") < page.index("Why it matters"), "the answer comes first"
    assert "On the <strong>plan</strong>." in page and "Status history" in page
    run_mail_jobs(board.app)
    mails = [m for m in board.store.messages.all() if m.to == "olena@example.com"]
    assert len(mails) == 1
    assert "Status: Planned" in mails[0].text and "/unsubscribe/" in mails[0].text


def test_every_follower_gets_one_email(board: Board) -> None:
    idea = board.idea()
    board.store.votes.cast(idea, board.user_id, 1)
    board.store.comments.add(idea, board.user_id, "pro")
    other = board.store.users.add("li@example.com", name="李伟")
    board.store.follows.set(idea, other.id, True)
    _staff_post(board, f"/ideas/{idea}/status", {"status": "under_review", "response": "Looking"})
    run_mail_jobs(board.app)
    recipients = sorted(m.to for m in board.store.messages.all())
    assert recipients == ["li@example.com", "olena@example.com"]


def test_a_response_is_required_and_transitions_are_checked(board: Board) -> None:
    idea = board.idea()
    empty = _staff_post(board, f"/ideas/{idea}/status", {"status": "planned", "response": ""})
    assert empty.status_code == 400 and "Please fill this in." in empty.get_data(as_text=True)
    board.store.ideas.set_status(idea, IdeaStatus.ARCHIVED, "old", by=1)
    jump = _staff_post(board, f"/ideas/{idea}/status", {"status": "planned", "response": "Reopen?"})
    assert "An idea that is Archived cannot become Planned." in jump.get_data(as_text=True)
    assert "Reopen?" in jump.get_data(as_text=True), "the typed response is kept"
    assert board.store.ideas.get(idea).status is IdeaStatus.ARCHIVED


def test_implemented_needs_what_changed(board: Board) -> None:
    idea = board.idea()
    missing = _staff_post(
        board, f"/ideas/{idea}/status", {"status": "implemented", "response": "Done"}
    )
    assert "Say what changed" in missing.get_data(as_text=True)
    done_form = {"status": "implemented", "response": "Done",
                 "changed_note": "Oat milk costs the same", "changed_on": "2026-11-20"}  # fmt: skip
    _staff_post(board, f"/ideas/{idea}/status", done_form)
    done = board.store.ideas.get(idea)
    assert done.status is IdeaStatus.IMPLEMENTED and str(done.changed_on) == "2026-11-20"
    in_action = board.client.get("/ideas/in-action").get_data(as_text=True)
    assert "Oat milk costs the same" in in_action


def test_merge_from_the_idea_page(board: Board) -> None:
    original = board.idea("Oat milk free")
    duplicate = board.idea("Free oat milk")
    board.store.votes.cast(duplicate, board.user_id, 1)
    reply = _staff_post(
        board, f"/ideas/{duplicate}/merge", {"original": str(original), "response": "Same"}
    )
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/ideas/{original}")
    assert board.store.votes.voters(original) == {board.user_id: 1}
    page = board.client.get(f"/ideas/{duplicate}").get_data(as_text=True)
    assert "This idea was merged into" in page
    vote = board.post(f"/ideas/{duplicate}/vote", {"value": "1"}, follow_redirects=True)
    assert "merged into another one" in vote.get_data(as_text=True)
    bad = _staff_post(board, f"/ideas/{original}/merge", {"original": "999999", "response": "x"})
    assert bad.status_code == 400 and "No idea has that number." in bad.get_data(as_text=True)


def test_duplicate_is_not_a_status_you_can_pick(board: Board) -> None:
    idea = board.idea()
    reply = _staff_post(board, f"/ideas/{idea}/status", {"status": "duplicate", "response": "x"})
    assert reply.status_code == 400
    assert board.store.ideas.get(idea).status is IdeaStatus.NEW


def test_unsubscribe_link_stops_emails_with_one_press(board: Board) -> None:
    idea = board.idea()
    board.store.votes.cast(idea, board.user_id, 1)
    _staff_post(board, f"/ideas/{idea}/status", {"status": "planned", "response": "Yes"})
    run_mail_jobs(board.app)
    link = re.search(r"http://localhost(/unsubscribe/\S+)", board.store.messages.all()[0].text)
    assert link
    anonymous = board.app.test_client()
    assert "Stop these emails" in anonymous.get(link.group(1)).get_data(as_text=True)
    assert board.user_id in board.store.ideas.followers(idea), "opening the link only asks"
    page = anonymous.post(link.group(1)).get_data(as_text=True)  # the button, or RFC 8058
    assert "You will no longer get emails about" in page
    assert board.user_id not in board.store.ideas.followers(idea)
    assert anonymous.get(link.group(1)[:-3] + "xyz").status_code == 400


def test_follow_and_unfollow_buttons(board: Board) -> None:
    idea = board.idea()
    board.post(f"/ideas/{idea}/follow")
    assert board.user_id in board.store.ideas.followers(idea)
    page = board.post(f"/ideas/{idea}/unfollow", follow_redirects=True).get_data(as_text=True)
    assert "no longer get emails" in page and "Follow this idea" in page
    assert board.user_id not in board.store.ideas.followers(idea)


def test_the_missing_note_is_flagged_beside_the_note_field(board: Board) -> None:
    idea = board.idea()
    page = _staff_post(
        board, f"/ideas/{idea}/status", {"status": "implemented", "response": "Done"}
    )
    html = page.get_data(as_text=True)
    note_field = html.index('id="status-changed_note"')
    assert html.index("Say what changed", note_field) < html.index('id="status-changed_on"')
    bogus = _staff_post(board, f"/ideas/{idea}/status", {"status": "bogus", "response": "x"})
    assert bogus.status_code == 400
