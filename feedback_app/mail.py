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

A permanent failure (an SMTP 5xx for the recipient or its message) is not retried: the
message fails at once and the address is suppressed. Every message passes one check
(`privacy.refusal`) when it is queued and again before it is sent, so nothing is queued for,
or delivered to, a suppressed or erased address. Once a day the mailer also schedules the
sales retention job (`privacy.retention`).
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

from .brand import mail_from
from .data import get_store
from .files import write_bytes_atomically
from .privacy import RETENTION_JOB, anonymise_sales, refusal, suppress
from .store import Job, Message, MessageState, Outcome, Store, StoreError, utcnow
from .store.models import Contact

__all__ = [
    "JOB_LEASE",
    "LEASE",
    "MAX_ATTEMPTS",
    "FileTransport",
    "Mailer",
    "PermanentFailure",
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
# How often a mailer makes sure today's retention job is scheduled (once a day runs it).
DAILY_CHECK_EVERY = timedelta(hours=1)
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


class PermanentFailure(Exception):
    """The server refused the recipient or the message for good (an SMTP 5xx): trying again
    cannot help, and the address is suppressed."""


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
            _send_refusing_permanently(client, message)


def _send_refusing_permanently(client: smtplib.SMTP, message: EmailMessage) -> None:
    """Send, telling a permanent refusal of the recipient (RCPT) or of the message (DATA)
    apart from everything else. A 5xx for the sender or the login is our configuration, not
    the address: that stays an ordinary failure, retried."""
    try:
        client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        replies = list(exc.recipients.values())
        if replies and all(500 <= code < 600 for code, _ in replies):
            code, text = replies[0]
            raise PermanentFailure(f"{code} {_reply_text(text)}") from exc
        raise
    except smtplib.SMTPDataError as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(f"{exc.smtp_code} {_reply_text(exc.smtp_error)}") from exc
        raise


def _reply_text(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


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
        keep_sales: timedelta | None = None,
    ) -> None:
        self.store = store
        self.transport = transport
        self.sender = sender
        self.app = app
        self.keep_sent = keep_sent
        # None: this mailer leaves sales alone (the app's mailer passes SALES_KEEP_DAYS).
        self.keep_sales = keep_sales
        self._daily_checked_at: datetime | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pruned_at: datetime | None = None

    def deliver_due(self, now: datetime | None = None) -> int:
        """Run due jobs, then try every message whose time has come; return how many were
        sent. Sent mail older than the keep time is pruned (at most once an hour)."""
        clock = _Clock(now)
        self.schedule_daily(clock.now())
        self.run_jobs(clock.now())
        sent = 0
        while not self._stopping.is_set():
            batch = self.store.messages.claim_due(LEASE, clock.now(), limit=CLAIM_BATCH)
            sent += self._deliver(batch, clock)
            if len(batch) < CLAIM_BATCH:
                break
        self._prune(clock.now())
        return sent

    def schedule_daily(self, now: datetime) -> None:
        """Make sure today's retention job exists (keyed by the date: one per day, whatever
        the number of hosts and restarts); checked at most once an hour per process."""
        checked = self._daily_checked_at
        if self.keep_sales is None or (checked and now - checked < DAILY_CHECK_EVERY):
            return
        self._daily_checked_at = now
        days = self.keep_sales / timedelta(days=1)
        key = f"{RETENTION_JOB}:{now.date().isoformat()}"
        self.store.jobs.schedule(Job(RETENTION_JOB, {"keep_days": days}, key=key,
                                     next_attempt_at=now))  # fmt: skip

    def run_jobs(self, now: datetime | None = None) -> int:
        """Expand due jobs into queued messages; return how many messages were new."""
        now = now or utcnow()
        queued = 0
        done: list[int] = []
        jobs = self.store.jobs.claim(JOB_LEASE, now, limit=JOB_BATCH)
        for job in jobs:
            try:
                with self._context(), _running_at(now):
                    keyed = [(f"{job.key}:{who}", m) for who, m in self._handle(job, now)]
                for _, message in keyed:  # written at the moment the job ran for
                    message.created_at = now
                screen = _Screen(self.store)
                queued += self.store.messages.enqueue_keyed([(k, screen(m)) for k, m in keyed])
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

    def _handle(self, job: Job, now: datetime) -> Iterable[tuple[str, Message]]:
        """The job's messages: the mailer's own retention job sends none."""
        if job.kind == RETENTION_JOB:
            anonymise_sales(self.store, now - timedelta(days=job.payload["keep_days"]), now)
            return []
        return _HANDLERS[job.kind](job)

    def _deliver(self, batch: list[Message], clock: _Clock) -> int:
        """Send a claimed batch. Outcomes are recorded together (one write per file), but
        never held longer than SETTLE_EVERY: a slow send must not keep the messages sent
        before it looking unsent until their leases run out, when another process would
        claim and send them again."""
        outcomes: dict[int, Outcome] = {}
        settled_at = clock.now()
        sent = 0
        screen = _Screen(self.store)
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
            refused = screen.reason(message.to)
            if refused:  # suppressed since it was queued: it fails, untried
                outcomes[message.id] = Outcome(error=refused, lease_until=message.lease_until)
                continue
            try:
                self.transport.deliver(self._compose(message))
            except PermanentFailure as exc:
                outcomes[message.id] = Outcome(error=f"{exc}", lease_until=message.lease_until)
                screen.suppressed(message.to, suppress(self.store, message.to, str(exc), now))
                log.warning("mail %s to %s refused for good, address suppressed: %s",
                            message.id, message.to, exc)  # fmt: skip
            except Exception as exc:  # any failure: keep the message and try later
                attempts = message.attempts + 1
                retry = None if attempts >= MAX_ATTEMPTS else now + _backoff(attempts)
                outcomes[message.id] = Outcome(
                    error=f"{type(exc).__name__}: {exc}",
                    retry_at=retry,
                    lease_until=message.lease_until,
                )
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


class _Screen:
    """The central check (`privacy.refusal`) for a batch of messages, asked once per address."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._reasons: dict[str, str] = {}

    def reason(self, to: str) -> str:
        if to not in self._reasons:
            self._reasons[to] = refusal(self._store, to)
        return self._reasons[to]

    def suppressed(self, to: str, contact: Contact) -> None:
        self._reasons[to] = f"address suppressed: {contact.suppressed_reason}"

    def __call__(self, message: Message) -> Message:
        """`message`, marked failed (never to be claimed) when its address is refused."""
        refused = self.reason(message.to)
        if refused:
            message.state, message.last_error = MessageState.FAILED, refused
        return message


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
            get_store(), make_transport(config), mail_from(config),
            app=current_app._get_current_object(),  # type: ignore[attr-defined]
            keep_sent=timedelta(days=config["MAIL_KEEP_DAYS"]),
            keep_sales=timedelta(days=config["SALES_KEEP_DAYS"]),
        )  # fmt: skip
        current_app.extensions["voicebox.mailer"] = found
        if config["MAIL_IN_BACKGROUND"]:
            found.start()
    return found


def send(to: str, subject: str, text: str, html: str = "", unsubscribe: str = "") -> Message:
    """Queue an email (durably) and nudge delivery. Every email has a plain-text part;
    `unsubscribe` is a one-click link that stops this kind of email."""
    store = get_store()
    message = _Screen(store)(Message(to, subject, text, html, unsubscribe))
    message = store.messages.enqueue(message)
    if message.state is MessageState.QUEUED:
        mailer().wake()
    return message


def enqueue_job(kind: str, payload: dict[str, Any]) -> Job:
    """Record one job (one small durable write) for the mailer to expand; see `job_handler`."""
    job = get_store().jobs.add(Job(kind, payload))
    mailer().wake()
    return job
