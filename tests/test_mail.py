"""Mail through a real local SMTP server (aiosmtpd), the file outbox, retries and restarts."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask
from flask.testing import FlaskClient

from feedback_app.mail import MAX_ATTEMPTS, FileTransport, Mailer, SmtpTransport
from feedback_app.store import Message, MessageState, Outcome, Store, utcnow
from tests.conftest import Backend


class Inbox:
    """An SMTP handler that can be told to fail, and keeps what it accepted."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.failing = False

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.failing:
            return "451 4.3.0 Try again later"
        self.received.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(handler: object) -> Iterator[str]:
    """A real SMTP server on 127.0.0.1 answering with `handler`; yields its VOICEBOX_SMTP_URL."""
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}?tls=none"
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    with smtp_server(inbox) as url:
        yield inbox, url


def test_message_is_delivered_over_smtp_once(store: Store, smtp: tuple[Inbox, str]) -> None:
    inbox, url = smtp
    store.messages.enqueue(Message("олена@example.com", "Ваша ідея", "Дякуємо! 谢谢 🎉"))
    mailer = Mailer(store, SmtpTransport(url), "Voicebox <voicebox@example.com>")
    assert mailer.deliver_due() == 1
    assert mailer.deliver_due() == 0, "a sent message is not sent again"
    assert len(inbox.received) == 1
    mail = message_from_bytes(inbox.received[0].content, policy=policy.default)  # type: ignore[arg-type]
    assert mail["Subject"] == "Ваша ідея"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content().strip() == "Дякуємо! 谢谢 🎉"
    assert store.messages.all()[0].state is MessageState.SENT


def test_a_failing_server_is_retried_with_backoff(store: Store, smtp: tuple[Inbox, str]) -> None:
    inbox, url = smtp
    inbox.failing = True
    message = store.messages.enqueue(Message("a@example.com", "Hi", "Body"))
    mailer = Mailer(store, SmtpTransport(url), "v@example.com")
    assert mailer.deliver_due() == 0
    failed = store.messages.get(message.id)
    assert failed is not None and failed.state is MessageState.QUEUED
    assert failed.attempts == 1 and "451" in failed.last_error
    assert failed.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert mailer.deliver_due() == 0, "not before its retry time"
    inbox.failing = False
    assert mailer.deliver_due(now=utcnow() + timedelta(minutes=2)) == 1
    assert len(inbox.received) == 1


def test_gives_up_after_max_attempts(store: Store) -> None:
    message = store.messages.enqueue(Message("a@example.com", "Hi", "Body"))
    mailer = Mailer(store, SmtpTransport(f"smtp://127.0.0.1:{_free_port()}?tls=none"), "v@x")
    later = utcnow()
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(hours=2)
        mailer.deliver_due(now=later)
    final = store.messages.get(message.id)
    assert final is not None and final.state is MessageState.FAILED
    assert final.attempts == MAX_ATTEMPTS


def test_queue_is_resumed_after_a_restart(
    store: Store, backend: Backend, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    before = store
    down = Mailer(before, SmtpTransport(f"smtp://127.0.0.1:{_free_port()}?tls=none"), "v@x")
    before.messages.enqueue(Message("a@example.com", "Queued before the restart", "Body"))
    down.deliver_due()
    after = backend.open()  # a new process: nothing carried over but the stored data
    Mailer(after, SmtpTransport(url), "v@x").deliver_due(now=utcnow() + timedelta(hours=1))
    assert [message_from_bytes(e.content)["Subject"] for e in inbox.received] == [  # type: ignore[arg-type]
        "Queued before the restart"
    ]


def test_two_processes_never_claim_the_same_message(store: Store, backend: Backend) -> None:
    first, second = store, backend.open()
    for n in range(5):
        first.messages.enqueue(Message(f"p{n}@example.com", "Hi", "Body"))
    claimed_first = first.messages.claim_due(timedelta(minutes=5))
    claimed_second = second.messages.claim_due(timedelta(minutes=5))
    assert len(claimed_first) == 5 and claimed_second == []


def test_file_outbox_writes_eml_files(store: Store, tmp_path: Path) -> None:
    store.messages.enqueue(Message("a@example.com", "Subject", "Body http://x.example/a"))
    Mailer(store, FileTransport(tmp_path / "outbox"), "v@example.com").deliver_due()
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    assert message_from_bytes(files[0].read_bytes())["To"] == "a@example.com"


def test_dev_outbox_lists_mail_with_clickable_links_in_demo_mode(
    make_app: Callable[..., Flask],
) -> None:
    from tests.conftest import csrf_token

    app = make_app(DEMO=True)
    client = app.test_client()
    token = csrf_token(client, "/signin")
    client.post("/signin", data={"csrf_token": token, "email": "new@example.com"})
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "Your sign-in link for Voicebox" in page
    assert '<a href="http://localhost/signin/' in page


def test_dev_outbox_does_not_exist_outside_demo_mode(app: Flask, client: FlaskClient) -> None:
    assert client.get("/dev/outbox").status_code == 404


def test_credentials_in_the_url_are_used_to_log_in(store: Store) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        assert isinstance(data, LoginPassword)
        seen.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cr3t p@ss")

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            authenticator=authenticator, auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        store.messages.enqueue(Message("a@example.com", "Hi", "Body"))
        url = f"smtp://mailer%40example.com:s3cr3t%20p%40ss@127.0.0.1:{port}?tls=none"
        assert Mailer(store, SmtpTransport(url), "v@x").deliver_due() == 1
    finally:
        controller.stop()
    assert seen == [(b"mailer@example.com", b"s3cr3t p@ss")]
    assert len(inbox.received) == 1


def _count_writes(monkeypatch: pytest.MonkeyPatch) -> dict[Path, int]:
    from feedback_app.store.tinydb.storage import AtomicStorage

    writes: dict[Path, int] = {}
    real = AtomicStorage.write

    def write(self: AtomicStorage, data: dict) -> None:  # type: ignore[type-arg]
        writes[self.path] = writes.get(self.path, 0) + 1
        real(self, data)

    monkeypatch.setattr(AtomicStorage, "write", write)
    return writes


@pytest.mark.backends("tinydb")
def test_one_claim_writes_each_outbox_file_at_most_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(60):
        store.messages.enqueue(Message(f"p{n}@example.com", "Привіт", "Body"))
    writes = _count_writes(monkeypatch)
    claimed = store.messages.claim_due(timedelta(seconds=60), limit=1000)
    assert len(claimed) == 60
    assert writes and max(writes.values()) == 1, writes


@pytest.mark.backends("tinydb")
def test_delivery_marks_in_batches(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(40):
        store.messages.enqueue(Message(f"p{n}@example.com", "Hi", "Body"))
    writes = _count_writes(monkeypatch)
    assert Mailer(store, FileTransport(tmp_path / "outbox"), "v@x").deliver_due() == 40
    outbox_writes = sum(n for p, n in writes.items() if "messages" in p.parts)
    assert outbox_writes <= 4 * store.collections["messages"].size, writes


def test_a_crash_after_claiming_holds_a_message_only_for_a_short_lease(
    store: Store, backend: Backend, tmp_path: Path
) -> None:
    from feedback_app.mail import LEASE

    crashed = store
    crashed.messages.enqueue(Message("a@example.com", "Hi", "Body"))
    claimed_at = utcnow()
    assert len(crashed.messages.claim_due(LEASE, claimed_at)) == 1  # ... then the process dies
    restarted = Mailer(backend.open(), FileTransport(tmp_path / "outbox"), "v@x")
    assert restarted.deliver_due(now=claimed_at + timedelta(seconds=5)) == 0, "still leased"
    assert restarted.deliver_due(now=claimed_at + timedelta(seconds=61)) == 1
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_a_slow_send_does_not_hold_back_what_was_sent_before_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outcomes are recorded at least every few seconds: otherwise a stalled send would keep
    the messages sent before it looking unsent until their leases ran out."""
    import feedback_app.mail as mail

    for n in range(3):
        store.messages.enqueue(Message(f"p{n}@example.com", "Hi", "Body"))
    late = timedelta()
    monkeypatch.setattr(mail, "utcnow", lambda: utcnow() + late)
    seen: list[dict[str, MessageState]] = []

    class Stalling:
        def deliver(self, email: object) -> None:
            nonlocal late
            seen.append({m.to: m.state for m in store.messages.all()})
            late += mail.SETTLE_EVERY + timedelta(seconds=1)  # this send took a while

    assert Mailer(store, Stalling(), "v@x").deliver_due() == 3
    assert sum(state is MessageState.SENT for state in seen[2].values()) == 2, seen


def test_an_outcome_never_settles_a_claim_that_has_passed_on(store: Store) -> None:
    from feedback_app.mail import LEASE

    store.messages.enqueue(Message("a@example.com", "Hi", "Body"))
    start = utcnow()
    (first,) = store.messages.claim_due(LEASE, start)
    (second,) = store.messages.claim_due(LEASE, start + LEASE + timedelta(seconds=1))
    store.messages.settle({first.id: Outcome(released=True, lease_until=first.lease_until)})
    later = start + LEASE + timedelta(seconds=2)
    assert store.messages.claim_due(LEASE, later) == [], "the second claim still holds it"
    store.messages.settle({second.id: Outcome(sent=True, lease_until=second.lease_until)})
    assert [m.state for m in store.messages.all()] == [MessageState.SENT]


def test_sent_mail_is_pruned_after_the_keep_time(store: Store, tmp_path: Path) -> None:
    keep = timedelta(days=7)
    old = store.messages.enqueue(Message("old@example.com", "Hi", "Body"))
    Mailer(store, FileTransport(tmp_path / "o"), "v@x", keep_sent=keep).deliver_due()
    failed = store.messages.enqueue(Message("failed@example.com", "Hi", "Body"))
    store.messages.claim_due(timedelta(seconds=60))
    store.messages.settle({failed.id: Outcome(error="gave up")})
    queued = store.messages.enqueue(
        Message("later@example.com", "Hi", "Body", next_attempt_at=utcnow() + timedelta(days=30))
    )
    later = utcnow() + keep + timedelta(days=1)
    recent = store.messages.enqueue(Message("recent@example.com", "Hi", "Body"))
    Mailer(store, FileTransport(tmp_path / "o"), "v@x", keep_sent=keep).deliver_due(now=later)
    left = {m.id: m.state for m in store.messages.all()}
    assert old.id not in left, "sent mail older than the keep time is gone"
    assert left[failed.id] is MessageState.FAILED
    assert left[queued.id] is MessageState.QUEUED
    assert left[recent.id] is MessageState.SENT, "sent just now: kept"


def test_a_subject_never_carries_a_line_break(store: Store, tmp_path: Path) -> None:
    store.messages.enqueue(Message("a@example.com", "Ідея\r\nBcc: victim@example.com\n!", "Body"))
    assert Mailer(store, FileTransport(tmp_path / "outbox"), "v@x").deliver_due() == 1
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert mail["Subject"] == "Ідея Bcc: victim@example.com !"
    assert mail["Bcc"] is None


def test_a_background_mailer_can_be_stopped(make_app: Callable[..., Flask]) -> None:
    from feedback_app.mail import mailer

    app = make_app(MAIL_IN_BACKGROUND=True)
    with app.app_context():
        worker = mailer()
    assert worker.running
    worker.stop()
    assert not worker.running
