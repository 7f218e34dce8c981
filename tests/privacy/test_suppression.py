"""A permanent SMTP failure (5xx) suppresses the address; nothing is queued for, or
delivered to, a suppressed address afterwards; a 4xx is only retried. Against a real SMTP
server on 127.0.0.1 (aiosmtpd), on both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from feedback_app.mail import Mailer, SmtpTransport, send
from feedback_app.privacy import lift_suppression
from feedback_app.store import Message, MessageState, Store, utcnow
from feedback_app.store.models import Contact
from tests.conftest import app_store
from tests.test_mail import smtp_server


class PickyServer:
    """Refuses some recipients for good (550 at RCPT), others for now (451), or a message
    after DATA (554); keeps what it accepted."""

    def __init__(self) -> None:
        self.gone: set[str] = set()
        self.busy: set[str] = set()
        self.refuse_data = False
        self.accepted: list[str] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.gone:
            return "550 5.1.1 No such user here"
        if address in self.busy:
            return "451 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return "554 5.7.1 Message refused"
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[PickyServer, str]]:
    server = PickyServer()
    with smtp_server(server) as url:
        yield server, url


def _contact(store: Store, email: str) -> Contact | None:
    found = store.contacts.find(email=email)
    return found[0] if found else None


def test_a_550_fails_the_message_at_once_and_suppresses_the_address(
    store: Store, smtp: tuple[PickyServer, str]
) -> None:
    server, url = smtp
    server.gone.add("олена@example.com")
    gone = store.messages.enqueue(Message("Олена@example.com", "Дякуємо", "Текст"))
    fine = store.messages.enqueue(Message("ok@example.com", "Hi", "Body"))
    mailer = Mailer(store, SmtpTransport(url), "v@example.com")
    assert mailer.deliver_due() == 1
    failed = store.messages.get(gone.id)
    assert failed is not None and failed.state is MessageState.FAILED
    assert failed.attempts == 1 and failed.last_error.startswith("550")
    contact = _contact(store, "олена@example.com")
    assert contact is not None and contact.suppressed_at is not None
    assert "550" in contact.suppressed_reason and not contact.reachable
    assert server.accepted == ["ok@example.com"]
    assert store.messages.get(fine.id).state is MessageState.SENT  # type: ignore[union-attr]
    assert mailer.deliver_due(now=utcnow() + timedelta(hours=3)) == 0, "never retried"


def test_a_refused_message_after_data_suppresses_too(
    store: Store, smtp: tuple[PickyServer, str]
) -> None:
    server, url = smtp
    server.refuse_data = True
    message = store.messages.enqueue(Message("a@example.com", "Hi", "Body"))
    Mailer(store, SmtpTransport(url), "v@example.com").deliver_due()
    assert store.messages.get(message.id).state is MessageState.FAILED  # type: ignore[union-attr]
    assert _contact(store, "a@example.com").suppressed_at is not None  # type: ignore[union-attr]


def test_a_451_is_retried_and_suppresses_nothing(
    store: Store, smtp: tuple[PickyServer, str]
) -> None:
    server, url = smtp
    server.busy.add("busy@example.com")
    message = store.messages.enqueue(Message("busy@example.com", "Hi", "Body"))
    mailer = Mailer(store, SmtpTransport(url), "v@example.com")
    assert mailer.deliver_due() == 0
    waiting = store.messages.get(message.id)
    assert waiting is not None and waiting.state is MessageState.QUEUED
    assert "451" in waiting.last_error
    assert _contact(store, "busy@example.com") is None
    server.busy.clear()
    assert mailer.deliver_due(now=utcnow() + timedelta(minutes=2)) == 1
    assert server.accepted == ["busy@example.com"]


def test_mail_already_queued_for_a_suppressed_address_is_never_delivered(
    store: Store, smtp: tuple[PickyServer, str]
) -> None:
    server, url = smtp
    server.gone.add("gone@example.com")
    first = store.messages.enqueue(Message("gone@example.com", "One", "Body"))
    second = store.messages.enqueue(Message("gone@example.com", "Two", "Body"))
    mailer = Mailer(store, SmtpTransport(url), "v@example.com")
    mailer.deliver_due()
    server.gone.clear()  # the server would take it now: the suppression alone stops it
    later = store.messages.enqueue(Message("Gone@Example.com", "Three", "Body"))
    mailer.deliver_due(now=utcnow() + timedelta(hours=1))
    assert server.accepted == []
    for m in (first, second, later):
        stored = store.messages.get(m.id)
        assert stored is not None and stored.state is MessageState.FAILED, stored


def test_nothing_is_queued_for_a_suppressed_address_and_lifting_lets_mail_through(
    make_app: Callable[..., Flask], smtp: tuple[PickyServer, str]
) -> None:
    server, url = smtp
    app = make_app(SMTP_URL=url)
    store = app_store(app)
    store.contacts.add(Contact("gone@example.com", suppressed_at=utcnow(),
                               suppressed_reason="550 No such user"))  # fmt: skip
    with app.test_request_context():
        refused = send("gone@example.com", "Your sign-in link", "Body")
        assert refused.state is MessageState.FAILED
        assert "suppressed" in refused.last_error
        assert store.messages.pending() == 0
        assert lift_suppression(store, "GONE@example.com")
        send("gone@example.com", "Your sign-in link", "Body")
        from feedback_app.mail import mailer

        assert mailer().deliver_due() == 1
    assert server.accepted == ["gone@example.com"]


def test_a_job_queues_nothing_for_a_suppressed_or_erased_address(
    store: Store, tmp_path: Path
) -> None:
    from feedback_app.mail import FileTransport, job_handler
    from feedback_app.store import Job

    @job_handler("test-fanout")
    def fanout(job: Job) -> Iterator[tuple[str, Message]]:
        for to in job.payload["to"]:
            yield to, Message(to, "News", "Body")

    store.contacts.add(Contact("gone@example.com", suppressed_at=utcnow()))
    store.jobs.add(Job("test-fanout", {"to": ["gone@example.com", "ok@example.com",
                                              "erased-4@erased.invalid"]}))  # fmt: skip
    mailer = Mailer(store, FileTransport(tmp_path / "outbox"), "v@example.com")
    mailer.run_jobs()
    states = {m.to: m.state for m in store.messages.all()}
    assert states == {"gone@example.com": MessageState.FAILED, "ok@example.com":
                      MessageState.QUEUED, "erased-4@erased.invalid": MessageState.FAILED}
    assert store.messages.pending() == 1
    assert mailer.deliver_due() == 1
    assert [p.name.count("@") for p in (tmp_path / "outbox").glob("*.eml")] == [0]


def test_the_dev_outbox_shows_a_suppressed_address_as_such(
    make_app: Callable[..., Flask], smtp: tuple[PickyServer, str]
) -> None:
    server, url = smtp
    server.gone.add("gone@example.com")
    app = make_app(DEMO=True, SMTP_URL=url)
    store = app_store(app)
    store.messages.enqueue(Message("gone@example.com", "Ваше замовлення", "Body"))
    store.messages.enqueue(Message("fine@example.com", "Hello", "Body"))
    with app.app_context():
        from feedback_app.mail import mailer

        mailer().deliver_due()
    page = app.test_client().get("/dev/outbox").get_data(as_text=True)
    gone = page.split("Ваше замовлення", 1)[1].split("</article>", 1)[0]
    assert "Address suppressed" in gone and "550 5.1.1 No such user here" in gone
    assert "Address suppressed" not in page.split("Hello", 1)[1].split("</article>", 1)[0]
