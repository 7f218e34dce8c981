"""The emails page: failed emails with their error, sent again by staff (one audit entry
each), and the addresses no mail goes to."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.admin.mail_errors import plain_error
from feedback_app.mail import mailer
from feedback_app.store import Message, MessageState, NotFound, Outcome, Role, Store, utcnow
from feedback_app.store.models import Contact
from tests.conftest import Backend, app_store, csrf_token, next_after_sign_in, sign_in

SUBJECT = "Дякуємо за замовлення"
ERROR = "SMTPServerDisconnected: Connection unexpectedly closed"


def _failed(store: Store, to: str = "olena@example.com", error: str = ERROR) -> int:
    message = store.messages.enqueue(Message(to, SUBJECT, "Текст листа"))
    store.messages.settle({message.id: Outcome(error=error)})
    return message.id


def _marketer(app: Flask, client: FlaskClient) -> Store:
    store = app_store(app)
    sign_in(client, store.users.add("marta@example.com", Role.MARKETER, "Marta").id)
    return store


def _send_again(client: FlaskClient, message_id: int) -> str:
    token = csrf_token(client, "/admin/emails/")
    reply = client.post(f"/admin/emails/{message_id}/send-again", data={"csrf_token": token},
                        follow_redirects=True)  # fmt: skip
    assert reply.status_code == 200 and reply.request.path == "/admin/emails/"
    return reply.get_data(as_text=True)


def test_a_failed_email_is_listed_with_its_error_and_sent_again(
    app: Flask, client: FlaskClient, backend: Backend
) -> None:
    store = _marketer(app, client)
    message_id = _failed(store)
    page = client.get("/admin/emails/").get_data(as_text=True)
    assert SUBJECT in page and ERROR in page and "Send again" in page
    error_cell = page.split('data-label="Error">', 1)[1].split("</td>", 1)[0]
    said, technical = error_cell.split("<details", 1)
    assert "The mail server hung up before the email was sent." in said and ERROR not in said
    assert "Technical details" in technical and ERROR in technical, "kept behind a <details>"

    page = _send_again(client, message_id)
    assert "is queued again" in page
    again = store.messages.get(message_id)
    assert again is not None and again.state is MessageState.QUEUED and again.attempts == 0
    (entry,) = store.audit.find(action="email.send_again")
    assert (entry.actor_email, entry.target_kind, entry.target_id) == (
        "marta@example.com", "message", message_id)  # fmt: skip
    assert entry.before == {"state": "failed", "last_error": ERROR}
    assert entry.after == {"state": "queued"}
    assert "No failed emails" in client.get("/admin/emails/").get_data(as_text=True)

    with app.app_context():
        assert mailer().deliver_due() == 1, "the mailer sends it on its next round"
    assert store.messages.get(message_id).state is MessageState.SENT  # type: ignore[union-attr]
    sent = list((Path(backend.data_dir) / "outbox").glob("*.eml"))
    assert len(sent) == 1 and "Текст листа" in sent[0].read_bytes().decode("utf-8", "replace")


def test_an_email_to_a_suppressed_address_is_not_sent_again(
    app: Flask, client: FlaskClient
) -> None:
    store = _marketer(app, client)
    store.contacts.add(Contact("petro@example.com", suppressed_at=utcnow() - timedelta(days=1),
                               suppressed_reason="550 5.1.1 no such mailbox"))  # fmt: skip
    message_id = _failed(store, "petro@example.com", "550 5.1.1 no such mailbox")
    page = client.get("/admin/emails/").get_data(as_text=True)
    assert "Not sent again: address suppressed: 550 5.1.1 no such mailbox." in page
    assert f"/admin/emails/{message_id}/send-again" not in page, "no button that cannot work"
    suppressed = page.split('id="suppressed"', 1)[1]
    assert "petro@example.com" in suppressed and "550 5.1.1 no such mailbox" in suppressed

    page = _send_again(client, message_id)
    assert "cannot be sent again: address suppressed" in page
    assert store.messages.get(message_id).state is MessageState.FAILED  # type: ignore[union-attr]
    assert store.audit.count() == 0


def test_only_a_failed_email_is_sent_again(app: Flask, client: FlaskClient) -> None:
    store = _marketer(app, client)
    queued = store.messages.enqueue(Message("olena@example.com", SUBJECT, "t")).id
    assert "has not failed" in _send_again(client, queued)
    assert store.audit.count() == 0
    token = csrf_token(client, "/admin/emails/")
    assert client.post("/admin/emails/999/send-again",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    message_id = _failed(store)
    assert client.post(f"/admin/emails/{message_id}/send-again").status_code == 400, "no token"
    assert store.messages.get(message_id).state is MessageState.FAILED  # type: ignore[union-attr]


def test_only_staff_see_and_resend_emails(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    message_id = _failed(store)
    reply = client.get("/admin/emails/")
    assert next_after_sign_in(reply.headers["Location"]) == "/admin/emails/"
    token = csrf_token(client, "/signin")
    reply = client.post(f"/admin/emails/{message_id}/send-again", data={"csrf_token": token})
    assert reply.status_code == 302 and "/signin" in reply.headers["Location"]
    sign_in(client, store.users.add("c@example.com", Role.CUSTOMER).id)
    assert client.get("/admin/emails/").status_code == 403
    reply = client.post(f"/admin/emails/{message_id}/send-again", data={"csrf_token": token})
    assert reply.status_code == 403
    assert store.messages.get(message_id).state is MessageState.FAILED  # type: ignore[union-attr]
    assert store.audit.count() == 0


def test_requeue_puts_only_a_failed_message_back_in_the_queue(store: Store) -> None:
    message_id = _failed(store)
    sent = store.messages.enqueue(Message("b@example.com", "S", "t"))
    store.messages.settle({sent.id: Outcome(sent=True)})
    now = utcnow()
    again = store.messages.requeue(message_id, now)
    assert (again.state, again.attempts, again.last_error) == (MessageState.QUEUED, 0, ERROR)
    claimed = store.messages.claim_due(timedelta(minutes=1), now + timedelta(seconds=1))
    assert [m.id for m in claimed] == [message_id], "due at once"
    assert store.messages.requeue(sent.id, now).state is MessageState.SENT, "sent stays sent"
    with pytest.raises(NotFound):
        store.messages.requeue(10_000, now)


def test_staff_allow_mail_again_to_a_suppressed_address(app: Flask, client: FlaskClient) -> None:
    store = _marketer(app, client)
    since = utcnow() - timedelta(days=1)
    contact = store.contacts.add(Contact("petro@example.com", suppressed_at=since,
                                         suppressed_reason="552 mailbox full"))  # fmt: skip
    message_id = _failed(store, "petro@example.com", "552 mailbox full")
    token = csrf_token(client, "/admin/emails/")
    reply = client.post(f"/admin/emails/suppressed/{contact.id}/allow",
                        data={"csrf_token": token}, follow_redirects=True)  # fmt: skip
    page = reply.get_data(as_text=True)
    assert "Mail may go to petro@example.com again" in page
    assert store.contacts.get(contact.id).suppressed_at is None
    (entry,) = store.audit.find(action="contact.unsuppress")
    assert (entry.target_kind, entry.target_id, entry.actor_email) == (
        "contact", contact.id, "marta@example.com")  # fmt: skip
    assert entry.before == {"suppressed_at": since.isoformat(),
                            "suppressed_reason": "552 mailbox full"}  # fmt: skip
    assert entry.after == {"suppressed_at": None, "suppressed_reason": ""}
    assert "No address is suppressed" in page
    assert f"/admin/emails/{message_id}/send-again" in page, "its failed email may go now"

    client.post(f"/admin/emails/suppressed/{contact.id}/allow", data={"csrf_token": token})
    assert store.audit.count() == 1, "allowing an address already allowed changes nothing"
    reply = client.post("/admin/emails/suppressed/999/allow", data={"csrf_token": token})
    assert reply.status_code == 404


def test_customers_cannot_allow_mail_again(app: Flask, client: FlaskClient) -> None:
    store = app_store(app)
    contact = store.contacts.add(Contact("petro@example.com", suppressed_at=utcnow(),
                                         suppressed_reason="550"))  # fmt: skip
    sign_in(client, store.users.add("c@example.com", Role.CUSTOMER).id)
    token = csrf_token(client, "/signin")
    reply = client.post(f"/admin/emails/suppressed/{contact.id}/allow", data={"csrf_token": token})
    assert reply.status_code == 403
    assert store.contacts.get(contact.id).suppressed_at is not None


def test_an_error_is_said_in_plain_words_when_it_is_known() -> None:
    assert plain_error("550 5.1.1 no such mailbox").endswith("for good.")
    assert "could not be reached" in plain_error("ConnectionRefusedError: [Errno 111] refused")
    assert plain_error("address suppressed: 552 mailbox full").startswith("Mail to this address")
    assert plain_error("KeyError: 'x'") == "", "an unknown error is shown only as it was written"
