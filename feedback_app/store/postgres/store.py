"""PgStore: the store contract (see `store/contract.py`) on a PostgreSQL database.

Several app hosts may open the same database at once: everything they must agree on lives
in it — the records, the rate-limit counters, the mail and job queues (claimed with
`FOR UPDATE SKIP LOCKED`), named locks (advisory locks), status records and the secret key.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from psycopg.types.json import Jsonb

from ..contract import COLLECTIONS, Batch, Export, Progress, no_progress
from ..errors import LockTimeout
from ..models import (
    ApiToken,
    AuditEntry,
    Contact,
    FollowUp,
    Photo,
    ResponseTemplate,
    Sale,
    SurveyResponse,
    Testimonial,
    without_nul,
)
from ..validation import check_name
from . import migrations, transfer
from .board import PgComments, PgFollows, PgIdeas, PgVotes
from .database import POOL_MAX, Database, redact
from .doctable import DocTable
from .outbox import PgJobs, PgMessages
from .people import PgRateLimits, PgTokens, PgUsers
from .records import PgRecords
from .revision import PgBoardRevision

__all__ = ["PgStore"]

_LOCK_POLL_S = 0.05


class PgStatus:
    """Status records in the `status` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, name: str) -> dict[str, Any] | None:
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT value FROM status WHERE name = %s", (check_name(name),)
            ).fetchone()
        return row[0] if row and isinstance(row[0], dict) else None

    def put(self, name: str, value: dict[str, Any]) -> None:
        if not isinstance(value, dict):
            raise TypeError(f"a status record is a dict, not {type(value).__name__}")
        with self._db.connection() as conn:
            conn.execute(
                "INSERT INTO status (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
                (check_name(name), Jsonb(without_nul(value))),
            )


class PgStore:
    """Voicebox's data in the PostgreSQL database at `url` (migrated on opening)."""

    def __init__(
        self,
        url: str,
        upgrade: bool = True,
        pool_size: int = POOL_MAX,
        lock_timeout_s: float = 0,
        statement_timeout_s: float = 0,
    ) -> None:
        """`lock_timeout_s`, `statement_timeout_s`: how long a request may wait for a lock, or
        run one statement, before it fails with Unavailable (0: no limit; see database.py)."""
        self.url = url
        self.db = Database(url, pool_size, lock_timeout_s, statement_timeout_s)
        if upgrade:
            self.upgrade()
        db = self.db
        self.users = PgUsers(db)
        self.votes = PgVotes(db)
        self.comments = PgComments(db)
        self.follows = PgFollows(db)
        self.ideas = PgIdeas(db, self.votes, self.follows)
        self.surveys: PgRecords[SurveyResponse] = PgRecords(db, "surveys", SurveyResponse)
        self.testimonials: PgRecords[Testimonial] = PgRecords(db, "testimonials", Testimonial)
        self.followups: PgRecords[FollowUp] = PgRecords(db, "followups", FollowUp)
        self.sales: PgRecords[Sale] = PgRecords(db, "sales", Sale)
        self.contacts: PgRecords[Contact] = PgRecords(db, "contacts", Contact)
        self.photos: PgRecords[Photo] = PgRecords(db, "photos", Photo)
        self.api_tokens: PgRecords[ApiToken] = PgRecords(db, "api_tokens", ApiToken)
        self.audit: PgRecords[AuditEntry] = PgRecords(db, "audit", AuditEntry)
        self.replies: PgRecords[ResponseTemplate] = PgRecords(db, "replies", ResponseTemplate)
        self.tokens = PgTokens(db)
        self.messages = PgMessages(db)
        self.jobs = PgJobs(db)
        self.limits = PgRateLimits(db)
        self.status = PgStatus(db)
        self._revision = PgBoardRevision(db)

    @property
    def location(self) -> str:
        return redact(self.url)

    def upgrade(self) -> list[int]:
        """Apply the schema migrations this database lacks (see migrations.py)."""
        conn = self.db.dedicated()
        try:
            return migrations.upgrade(conn)
        finally:
            conn.close()

    def schema_version(self) -> int:
        with self.db.connection() as conn:
            return migrations.current_version(conn)

    def secret_key(self) -> str:
        """The key every host signs sessions with: made once, kept in the database."""
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO instance (name, value) VALUES ('secret_key', %s) "
                "ON CONFLICT (name) DO NOTHING",
                (secrets.token_urlsafe(48),),
            )
            row = conn.execute("SELECT value FROM instance WHERE name = 'secret_key'").fetchone()
        assert row is not None
        return str(row[0])

    def adopt_secret_key(self, key: str) -> None:
        with self.db.connection() as conn:
            conn.execute(
                "INSERT INTO instance (name, value) VALUES ('secret_key', %s) "
                "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
                (key,),
            )

    @contextmanager
    def lock(self, name: str, timeout: float = 60.0) -> Iterator[None]:
        """Hold the lock `name` among every host using this database (an advisory lock on
        a connection of its own, so it is released if this process dies)."""
        key = f"voicebox:lock:{check_name(name)}"
        conn = self.db.dedicated()
        try:
            deadline = time.monotonic() + timeout
            while True:
                row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
                if row and row[0]:
                    break
                if time.monotonic() >= deadline:
                    raise LockTimeout(name, timeout)
                time.sleep(_LOCK_POLL_S)
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
        finally:
            conn.close()

    def tables(self) -> dict[str, DocTable]:
        """The document tables, by collection name (checks and snapshots walk them)."""
        return {
            "users": self.users.table,
            "ideas": self.ideas.table,
            "comments": self.comments.table,
            "surveys": self.surveys.table,
            "testimonials": self.testimonials.table,
            "followups": self.followups.table,
            "sales": self.sales.table,
            "contacts": self.contacts.table,
            "photos": self.photos.table,
            "api_tokens": self.api_tokens.table,
            "audit": self.audit.table,
            "replies": self.replies.table,
            "tokens": self.tokens.table,
            "messages": self.messages.table,
            "jobs": self.jobs.table,
        }

    def check(self) -> int:
        """Decode every record with its model; return how many there are, or raise
        CorruptDataError naming the first that does not fit."""
        total = 0
        for table in self.tables().values():
            for record_id, doc in table.rows():
                table.check_doc(record_id, doc)
                total += 1
        with self.db.connection() as conn:
            for name in ("votes", "follows", "limits"):
                row = conn.execute(f"SELECT count(*) FROM {name}").fetchone()
                total += int(row[0]) if row else 0
        return total

    def board_revision(self, settled: bool = False) -> Hashable | None:
        """The board's sequence, advanced by every write to it (see revision.py)."""
        return self._revision.read(settled)

    def ping(self) -> None:
        """Raise Unavailable when the database cannot answer."""
        with self.db.connection() as conn:
            conn.execute("SELECT 1")

    def backup(self, target: Path, progress: Progress = no_progress) -> int:
        """Write a snapshot of one moment (one repeatable-read transaction) to `target`;
        return how many records it holds."""
        from ..snapshot import write_snapshot

        return write_snapshot(self, target, progress)

    def restore(self, source: Path, progress: Progress = no_progress) -> int:
        """Replace all data with the snapshot `source` (of either backend), checked
        completely first and then stored in one transaction; return how many records."""
        from ..snapshot import read_snapshot

        return read_snapshot(self, source, progress)

    def scan(self, collection: str, batch: int = transfer.EXPORT_BATCH) -> Iterator[Batch]:
        """One collection's records, batch by batch, from one read-only moment."""
        return transfer.scan(self, collection, batch)

    def exporting(self) -> AbstractContextManager[Export]:
        """Every collection's records at one moment (see transfer.py)."""
        return transfer.exporting(self)

    def replace(self, records: Export) -> int:
        """Replace every record with `records(collection)`, ids kept, in one transaction."""
        return transfer.replace(self, records)

    def append(self, collection: str, batch: Batch) -> int:
        """Add records with their ids in one transaction, skipping those already here."""
        return self.db.run(lambda conn: transfer.append_in(self, conn, collection, batch), True)

    def clear(self) -> None:
        """Remove every record of every collection in one transaction. Status records, the
        schema and the secret key stay."""
        with self.db.connection(bulk=True) as conn:  # waits for every transaction on them
            conn.execute("TRUNCATE " + ", ".join(COLLECTIONS))

    def close(self) -> None:
        self.db.close()
