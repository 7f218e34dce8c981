"""Pros, cons and comments; editing within 15 minutes; staff hiding and official replies."""

from __future__ import annotations

from datetime import timedelta

from feedback_app.store import Comment, utcnow
from tests.conftest import csrf_token
from tests.ideas.conftest import Board


def test_pros_and_cons_side_by_side(board: Board) -> None:
    idea = board.idea()
    board.post(f"/ideas/{idea}/comments", {"body": "Так, підтримую!", "stance": "pro"})
    board.post(f"/ideas/{idea}/comments", {"body": "可能会增加成本。", "stance": "con"})
    board.post(f"/ideas/{idea}/comments", {"body": "How would it work?", "stance": "neutral"})
    page = board.client.get(f"/ideas/{idea}").get_data(as_text=True)
    pros, cons = page.index("column-pro"), page.index("column-con")
    assert pros < page.index("Так, підтримую!") < cons < page.index("可能会增加成本。")
    assert "How would it work?" in page


def test_an_empty_comment_is_refused_with_the_reason(board: Board) -> None:
    idea = board.idea()
    page = board.post(f"/ideas/{idea}/comments", {"body": "", "stance": "pro"})
    assert page.status_code == 400 and "Please fill this in." in page.get_data(as_text=True)
    too_long = board.post(f"/ideas/{idea}/comments", {"body": "x" * 3000, "stance": "con"})
    assert "At most 2000 characters" in too_long.get_data(as_text=True)
    assert "x" * 3000 in too_long.get_data(as_text=True), "the draft comes back"
    assert '<input checked id="stance-1"' in too_long.get_data(as_text=True), "and the stance"
    assert board.store.comments.for_idea(idea) == []


def test_staff_comments_are_official(board: Board) -> None:
    idea = board.idea()
    staff = board.staff_client()
    token = csrf_token(staff, f"/ideas/{idea}")
    staff.post(
        f"/ideas/{idea}/comments",
        data={"csrf_token": token, "body": "We are on it", "stance": "neutral"},
    )
    assert board.store.comments.for_idea(idea)[0].official
    assert "Official" in board.client.get(f"/ideas/{idea}").get_data(as_text=True)


def test_own_comment_can_be_edited_for_fifteen_minutes(board: Board) -> None:
    idea = board.idea()
    board.post(f"/ideas/{idea}/comments", {"body": "typo", "stance": "pro"})
    comment = board.store.comments.for_idea(idea)[0]
    board.post(f"/ideas/{idea}/comments/{comment.id}/edit", {"body": "fixed"})
    assert board.store.comments.get(comment.id).body == "fixed"
    old = Comment(idea, board.user_id, "old words")
    old.created_at = utcnow() - timedelta(minutes=16)
    (old_id,) = board.store.comments.add_many([old])
    page = board.post(f"/ideas/{idea}/comments/{old_id}/edit", {"body": "too late"}).get_data(
        as_text=True
    )
    assert "edited for 15 minutes" in page
    assert board.store.comments.get(old_id).body == "old words"


def test_nobody_edits_or_reads_for_editing_someone_elses_comment(board: Board) -> None:
    idea = board.idea()
    theirs = board.store.comments.add(idea, 12345, "mine, not yours")
    board.store.comments.set_hidden(theirs.id, True)
    url = f"/ideas/{idea}/comments/{theirs.id}/edit"
    assert board.post(url, {"body": "hacked"}).status_code == 403
    refused = board.client.get(url)
    assert refused.status_code == 403
    assert "mine, not yours" not in refused.get_data(as_text=True), "hidden text stays hidden"
    assert board.store.comments.get(theirs.id).body == "mine, not yours"


def test_staff_hide_a_comment_and_it_is_kept(board: Board) -> None:
    idea = board.idea()
    rude = board.store.comments.add(idea, 12345, "rude words")
    staff = board.staff_client()
    token = csrf_token(staff, f"/ideas/{idea}")
    staff.post(f"/ideas/{idea}/comments/{rude.id}/hide", data={"csrf_token": token})
    assert "rude words" not in board.client.get(f"/ideas/{idea}").get_data(as_text=True)
    staff_page = staff.get(f"/ideas/{idea}").get_data(as_text=True)
    assert "rude words" in staff_page and "hidden from customers" in staff_page
    assert board.post(f"/ideas/{idea}/comments/{rude.id}/hide").status_code == 403
    staff.post(f"/ideas/{idea}/comments/{rude.id}/show", data={"csrf_token": token})
    assert "rude words" in board.client.get(f"/ideas/{idea}").get_data(as_text=True)
    hide, show = (board.store.audit.find(action=f"comment.{a}")[0] for a in ("hide", "show"))
    assert (hide.target_id, hide.before, hide.after) == (rude.id, {"hidden": False},
                                                         {"hidden": True})  # fmt: skip
    assert show.after == {"hidden": False} and show.actor_email == "staff@example.com"
    other = board.idea("Another idea")
    wrong = staff.post(f"/ideas/{other}/comments/{rude.id}/hide", data={"csrf_token": token})
    assert wrong.status_code == 404 and not board.store.comments.get(rude.id).hidden
