"""Sending email: one `send` for the whole product, a durable queue, and two transports.

`send()` stores the message first (see store/messages.py), then wakes this process's mailer
thread. The mailer delivers due messages over SMTP when VOICEBOX_SMTP_URL is set, or writes
each as an `.eml` file into `<data>/outbox/` otherwise; a failure is retried with exponential
backoff and given up after `MAX_ATTEMPTS`. Queued messages survive a restart: every process's
mailer looks at the queue when it starts.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app

from .data import get_store
from .store import Message, Store, StoreError, utcnow
from .store.storage import write_bytes_atomically

__all__ = ["MAX_ATTEMPTS", "FileTransport", "Mailer", "SmtpTransport", "init_mail", "send"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_S = 30
LONGEST_RETRY_S = 3600
LEASE = timedelta(minutes=5)
POLL_S = 15.0


class Transport(Protocol):
    def deliver(self, message: EmailMessage) -> None: ...


@dataclass
class SmtpTransport:
    """SMTP from a URL: smtp://user:pass@host:587 (STARTTLS), smtps://… (TLS), or
    smtp://host:25?tls=none for a local relay without encryption."""

    url: str
    timeout: float = 20.0

    def deliver(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(
                f"VOICEBOX_SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://"
            )
        host = parts.hostname or "localhost"
        tls = parse_qs(parts.query).get("tls", ["starttls"])[0]
        context = ssl.create_default_context()
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, parts.port or 465, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(host, parts.port or 587, timeout=self.timeout)
        with client:
            if parts.scheme == "smtp" and tls != "none":
                client.starttls(context=context)
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)


@dataclass
class FileTransport:
    """Writes each message as `<outbox>/<date>-<id>.eml`: mail for laptops and demos."""

    folder: Path

    def deliver(self, message: EmailMessage) -> None:
        name = f"{utcnow():%Y%m%d-%H%M%S}-{message['X-Voicebox-Id']}.eml"
        write_bytes_atomically(self.folder / name, bytes(message))


class Mailer:
    """Delivers the store's queued messages through one transport."""

    def __init__(self, store: Store, transport: Transport, sender: str) -> None:
        self.store = store
        self.transport = transport
        self.sender = sender
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def deliver_due(self, now: datetime | None = None) -> int:
        """Try every message whose time has come; return how many were sent."""
        now = now or utcnow()
        sent = 0
        for message in self.store.messages.claim_due(LEASE, now):
            try:
                self.transport.deliver(self._compose(message))
            except Exception as exc:  # any failure: keep the message and try later
                attempts = message.attempts + 1
                retry = None if attempts >= MAX_ATTEMPTS else now + _backoff(attempts)
                self.store.messages.mark_failed(message.id, f"{type(exc).__name__}: {exc}", retry)
                log.warning(
                    "mail %s to %s failed (attempt %d): %s", message.id, message.to, attempts, exc
                )
            else:
                self.store.messages.mark_sent(message.id)
                sent += 1
        return sent

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        """Deliver in a daemon thread: now, whenever woken, and every POLL_S seconds."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="voicebox-mailer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                self.deliver_due()
            except Exception:
                log.exception("mail delivery stopped for this round")
            self._wake.wait(POLL_S)
            self._wake.clear()

    def _compose(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(message.created_at.timestamp(), usegmt=True)
        email["Message-ID"] = make_msgid(idstring=str(message.id))
        email["X-Voicebox-Id"] = str(message.id)
        if message.unsubscribe:  # one-click unsubscribe in mail clients (RFC 8058)
            email["List-Unsubscribe"] = f"<{message.unsubscribe}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(message.text)
        if message.html:
            email.add_alternative(message.html, subtype="html")
        return email


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(LONGEST_RETRY_S, FIRST_RETRY_S * 2 ** (attempts - 1)))


def make_transport(config: dict[str, object]) -> Transport:
    url = str(config.get("SMTP_URL") or "")
    if url:
        return SmtpTransport(url)
    return FileTransport(Path(str(config["DATA_DIR"])) / "outbox")


def init_mail(app: Flask) -> None:
    """Start delivering at once, so messages queued before a restart go out without waiting."""
    app.extensions["voicebox.mailer"] = None
    if app.config["MAIL_IN_BACKGROUND"]:
        with app.app_context():
            try:
                mailer()
            except StoreError as exc:  # the app still starts; pages will show the 503
                log.error("mail delivery not started: %s", exc)


def mailer() -> Mailer:
    """This process's mailer, started on first use."""
    found: Mailer | None = current_app.extensions.get("voicebox.mailer")
    if found is None:
        found = Mailer(
            get_store(), make_transport(current_app.config), current_app.config["MAIL_FROM"]
        )
        current_app.extensions["voicebox.mailer"] = found
        if current_app.config["MAIL_IN_BACKGROUND"]:
            found.start()
    return found


def send(to: str, subject: str, text: str, html: str = "", unsubscribe: str = "") -> Message:
    """Queue an email (durably) and nudge delivery. Every email has a plain-text part;
    `unsubscribe` is a one-click link that stops this kind of email."""
    message = get_store().messages.enqueue(Message(to, subject, text, html, unsubscribe))
    mailer().wake()
    return message
