"""Text typed into the board's forms obeys the one-line and multi-line rules, and so the mail
that carries it goes out.

A title holding a line break once made every follower's status email fail at the header check
and be retried eight times; a name holding U+202E could reverse the text around it.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from feedback_app.mail import FileTransport, Mailer
from feedback_app.store import Idea, MessageState
from tests.conftest import csrf_token
from tests.ideas.conftest import Board
from tests.store.raw import insert_raw

IDEA = {"description": "Хоча б **два**.\r\nAnd\u2028more", "category": "Food", "tags": ""}


def test_a_title_with_a_line_break_is_stored_on_one_line_and_followers_get_mail(
    board: Board, tmp_path: Path
) -> None:
    title = "Oat milk\nBcc: everyone@example.com\r\nfor free\u202e"
    board.post("/ideas/new", {**IDEA, "title": title})
    (idea,) = board.store.ideas.all()
    assert idea.title == "Oat milk Bcc: everyone@example.com for free"
    assert idea.description == "Хоча б **два**.\nAnd\nmore"
    reply = board.staff_post(idea.id, "status", {"status": "planned", "response": "On the plan."})
    assert reply.status_code == 302
    outbox = tmp_path / "outbox"
    sent = Mailer(
        board.store, FileTransport(outbox), "board@example.com", app=board.app
    ).deliver_due()
    assert sent == 1
    assert [m.state for m in board.store.messages.all()] == [MessageState.SENT]
    (eml,) = outbox.glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["To"] == "olena@example.com" and mail["Bcc"] is None
    assert mail["Subject"] == "News about “Oat milk Bcc: everyone@example.com for free”"


def test_a_name_cannot_carry_a_line_break_or_a_bidi_override(board: Board) -> None:
    token = csrf_token(board.client, "/account")
    board.client.post("/account", data={"csrf_token": token, "name": "Олена\n\u202eadmin"})
    assert board.store.users.get(board.user_id).name == "Олена admin"


def test_a_comment_keeps_its_lines_but_not_its_controls(board: Board) -> None:
    idea = board.idea()
    body = "Pro:\r\n- cheaper\u2028- \u2066tastier\u2069\x00"
    board.post(f"/ideas/{idea}/comments", {"body": body, "stance": "pro"})
    (comment,) = board.store.comments.for_idea(idea)
    assert comment.body == "Pro:\n- cheaper\n- tastier"


def test_peoples_text_is_isolated_on_the_page_even_when_stored_long_ago(board: Board) -> None:
    author = board.store.users.add("m@example.com", name="محمد")
    doc = Idea("x", "d", "Drinks", author.id, tags=["قهوة"]).to_doc()
    doc["title"] = "Old \u202etitle"  # written before the rules, straight into the data file
    idea = insert_raw(board.store, "ideas", doc)
    board.store.comments.add(idea, author.id, "رأي")
    page = board.client.get(f"/ideas/{idea}").get_data(as_text=True)
    assert "\u202e" not in page
    assert '<h1 dir="auto">Old title</h1>' in page
    assert "by <bdi>محمد</bdi> ·" in page, "the name cannot reorder the sentence around it"
    assert "#<bdi>قهوة</bdi>" in page and '<section class="description" dir="auto">' in page
    assert '<div class="comment-body" dir="auto"><p>رأي</p>' in page
    form = board.client.get("/ideas/new").get_data(as_text=True)
    assert 'dir="auto" id="title"' in form and 'dir="auto" id="description"' in form
