"""Sending email: one `send` for the whole product, a durable queue, jobs, and two transports.

`send()` stores the message first (see store/messages.py), then wakes this process's mailer
thread. Work that fans out (a status change told to every follower) is recorded by the request
as ONE job with `enqueue_job()`; the mailer runs the job's handler, which works out the
recipients and their messages, and queues them under one key per (job, recipient), so a job
taken again after a crash sends nobody a second email.

The mailer delivers due messages over SMTP when VOICEBOX_SMTP_URL is set, or writes each as
an `.eml` file into `<data>/outbox/` otherwise. It claims messages in small batches, each
message with its own short lease, and records the outcomes in one write per file; a failure
is retried with exponential backoff and given up after `MAX_ATTEMPTS`. Sent mail is pruned
after VOICEBOX_MAIL_KEEP_DAYS. Queued messages and jobs survive a restart: every process's
mailer looks at the queue when it starts.
"""

from __future__ import annotations

import contextvars
import logging
import smtplib
import ssl
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask, current_app

from .data import get_store
from .files import write_bytes_atomically
from .store import Job, Message, Outcome, Store, StoreError, utcnow

__all__ = [
    "JOB_LEASE",
    "LEASE",
    "MAX_ATTEMPTS",
    "FileTransport",
    "Mailer",
    "SmtpTransport",
    "enqueue_job",
    "init_mail",
    "job_handler",
    "job_time",
    "send",
    "stop_mailers",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_S = 30
LONGEST_RETRY_S = 3600
# A claimed message is held this long: a process that dies mid-send delays it by at most this.
# A batch starts no send with less than LEASE_MARGIN of its lease left, and records outcomes
# at least every SETTLE_EVERY. Delivery is still at least once: a single send that outlives
# its whole lease (a server stalling for a minute) may be claimed and sent again.
LEASE = timedelta(seconds=60)
LEASE_MARGIN = timedelta(seconds=25)
CLAIM_BATCH = 25
# Outcomes of a batch are recorded together, but none waits longer than this to be recorded.
SETTLE_EVERY = timedelta(seconds=5)
# A job only queues messages (no network): a short lease is plenty.
JOB_LEASE = timedelta(seconds=60)
JOB_BATCH = 20
PRUNE_EVERY = timedelta(hours=1)
POLL_S = 15.0

# A job handler turns a job into (recipient key, message) pairs; the key must name the
# recipient uniquely within the job (a user id, an address).
JobHandler = Callable[[Job], Iterable[tuple[str, Message]]]
_HANDLERS: dict[str, JobHandler] = {}
# The moment the jobs being run are run for (`run_jobs(now)`): handlers whose rules depend on
# the time read it with `job_time()`, so tests can drive the clock.
_JOB_TIME: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "voicebox_job_time", default=None
)
_RUNNING: weakref.WeakSet[Mailer] = weakref.WeakSet()


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the function that expands jobs of `kind` into messages (in the mailer)."""

    def register(handler: JobHandler) -> JobHandler:
        _HANDLERS[kind] = handler
        return handler

    return register


def job_time() -> datetime:
    """The time a job handler runs for: the `now` given to `run_jobs`, else the clock."""
    return _JOB_TIME.get() or utcnow()


@contextmanager
def _running_at(now: datetime) -> Iterator[None]:
    token = _JOB_TIME.set(now)
    try:
        yield
    finally:
        _JOB_TIME.reset(token)


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
    """Runs the store's jobs and delivers its queued messages through one transport.

    `app`, when given, is the Flask app whose context job handlers run in (they build links
    and translate text); mail is composed in its BASE_URL.
    """

    def __init__(
        self,
        store: Store,
        transport: Transport,
        sender: str,
        app: Flask | None = None,
        keep_sent: timedelta = timedelta(days=30),
    ) -> None:
        self.store = store
        self.transport = transport
        self.sender = sender
        self.app = app
        self.keep_sent = keep_sent
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pruned_at: datetime | None = None

    def deliver_due(self, now: datetime | None = None) -> int:
        """Run due jobs, then try every message whose time has come; return how many were
        sent. Sent mail older than the keep time is pruned (at most once an hour)."""
        clock = _Clock(now)
        self.run_jobs(clock.now())
        sent = 0
        while not self._stopping.is_set():
            batch = self.store.messages.claim_due(LEASE, clock.now(), limit=CLAIM_BATCH)
            sent += self._deliver(batch, clock)
            if len(batch) < CLAIM_BATCH:
                break
        self._prune(clock.now())
        return sent

    def run_jobs(self, now: datetime | None = None) -> int:
        """Expand due jobs into queued messages; return how many messages were new."""
        now = now or utcnow()
        queued = 0
        done: list[int] = []
        jobs = self.store.jobs.claim(JOB_LEASE, now, limit=JOB_BATCH)
        for job in jobs:
            try:
                with self._context(), _running_at(now):
                    handler = _HANDLERS[job.kind]
                    keyed = [(f"{job.key}:{who}", m) for who, m in handler(job)]
                queued += self.store.messages.enqueue_keyed(keyed)
            except Exception as exc:  # keep the job and try later, like a failed message
                attempts = job.attempts + 1
                retry = None if attempts >= MAX_ATTEMPTS else now + _backoff(attempts)
                self.store.jobs.retry(job.id, f"{type(exc).__name__}: {exc}", retry)
                log.warning("job %s (%s) failed (attempt %d): %s", job.id, job.kind, attempts, exc)
            else:
                done.append(job.id)
        if done:
            self.store.jobs.finish(done, now)
        if len(jobs) == JOB_BATCH and not self._stopping.is_set():
            queued += self.run_jobs(now)  # more are waiting
        return queued

    def _deliver(self, batch: list[Message], clock: _Clock) -> int:
        """Send a claimed batch. Outcomes are recorded together (one write per file), but
        never held longer than SETTLE_EVERY: a slow send must not keep the messages sent
        before it looking unsent until their leases run out, when another process would
        claim and send them again."""
        outcomes: dict[int, Outcome] = {}
        settled_at = clock.now()
        sent = 0
        for message in batch:
            now = clock.now()
            if outcomes and now - settled_at >= SETTLE_EVERY:
                self.store.messages.settle(outcomes, now)
                outcomes, settled_at = {}, now
            lease_until = message.lease_until or now
            # Too little of its lease left to start sending: release it rather than risk
            # another process claiming it while it is still being sent.
            if self._stopping.is_set() or now >= lease_until - LEASE_MARGIN:
                outcomes[message.id] = Outcome(released=True, lease_until=message.lease_until)
                continue
            try:
                self.transport.deliver(self._compose(message))
            except Exception as exc:  # any failure: keep the message and try later
                attempts = message.attempts + 1
                retry = None if attempts >= MAX_ATTEMPTS else now + _backoff(attempts)
                outcomes[message.id] = Outcome(error=f"{type(exc).__name__}: {exc}",
                                               retry_at=retry, lease_until=message.lease_until)
                log.warning(
                    "mail %s to %s failed (attempt %d): %s", message.id, message.to, attempts, exc
                )
            else:
                outcomes[message.id] = Outcome(sent=True, lease_until=message.lease_until)
                sent += 1
        if outcomes:
            self.store.messages.settle(outcomes, clock.now())
        return sent

    def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        self.store.messages.prune(now - self.keep_sent)
        self.store.jobs.prune(now - self.keep_sent)

    def _context(self) -> AbstractContextManager[Any]:
        if self.app is None:
            return nullcontext()
        return self.app.test_request_context(base_url=self.app.config["BASE_URL"])

    def wake(self) -> None:
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Deliver in a daemon thread: now, whenever woken, and every POLL_S seconds."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="voicebox-mailer", daemon=True)
        _RUNNING.add(self)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the delivery thread after the message in hand (a clean shutdown, and tests)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        _RUNNING.discard(self)

    def _run(self) -> None:
        while not self._stopping.is_set():
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
        # A line break in a header would end it (or start another): never let one through.
        email["Subject"] = " ".join(message.subject.split())
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


class _Clock:
    """The time of a delivery round: `start` (tests pass one) plus the real time elapsed."""

    def __init__(self, start: datetime | None) -> None:
        self._start = start or utcnow()
        self._began = utcnow()

    def now(self) -> datetime:
        return self._start + (utcnow() - self._began)


def stop_mailers(timeout: float = 10.0) -> None:
    """Stop every mailer thread this process started (tests call it at teardown)."""
    for found in list(_RUNNING):
        found.stop(timeout)


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
        config = current_app.config
        found = Mailer(
            get_store(), make_transport(config), config["MAIL_FROM"],
            app=current_app._get_current_object(),  # type: ignore[attr-defined]
            keep_sent=timedelta(days=config["MAIL_KEEP_DAYS"]),
        )  # fmt: skip
        current_app.extensions["voicebox.mailer"] = found
        if config["MAIL_IN_BACKGROUND"]:
            found.start()
    return found


def send(to: str, subject: str, text: str, html: str = "", unsubscribe: str = "") -> Message:
    """Queue an email (durably) and nudge delivery. Every email has a plain-text part;
    `unsubscribe` is a one-click link that stops this kind of email."""
    message = get_store().messages.enqueue(Message(to, subject, text, html, unsubscribe))
    mailer().wake()
    return message


def enqueue_job(kind: str, payload: dict[str, Any]) -> Job:
    """Record one job (one small durable write) for the mailer to expand; see `job_handler`."""
    job = get_store().jobs.add(Job(kind, payload))
    mailer().wake()
    return job
