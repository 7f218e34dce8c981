"""TinyStore: the store contract (see `store/contract.py`) on a TinyDB folder.

Open it with `open_store(settings)` (see `opening.py`) and use its parts: `store.users`,
`store.ideas`, `store.votes`, `store.comments`, `store.follows`, `store.surveys`,
`store.testimonials`, `store.followups`, `store.sales`, `store.contacts`, `store.photos`,
`store.api_tokens`, `store.tokens`, `store.messages` (the mail outbox),
`store.jobs` (background work) and `store.limits` (rate-limit counters).

What callers need beyond records is offered here too, so nothing above the store knows about
files: `lock(name)` (one holder at a time across processes), `status` (small named records),
`check()`, `backup()` / `restore()` (snapshots, see `store/snapshot.py`), `exporting()` /
`replace()` / `append()` (records in and out with their ids, see transfer.py) and `clear()`.
The PostgreSQL backend offers the same.

Any number of processes and threads may open the same folder at once. Records handed out may
be shared with a cache: treat them as read-only and change data only through the store.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Hashable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ...files import TEMP_PREFIX, fsync_folder
from ..contract import COLLECTIONS, Batch, Export, Progress, no_progress
from ..errors import LockTimeout, StoreError
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
)
from ..validation import check_name
from . import transfer
from .collection import Collection
from .comments import Comments
from .follows import Follows
from .ideas import Ideas
from .jobs import Jobs
from .limits import RateLimits
from .messages import Messages
from .records import Records
from .revision import BOARD_COLLECTIONS, BoardClock
from .schema import META_FILE, open_meta
from .shard import Shard
from .status import FolderStatus
from .storage import write_bytes_atomically
from .tokens import Tokens
from .users import Users
from .votes import Votes

__all__ = ["TinyStore", "folder_secret_key", "open_folder"]

# Rate-limit counters are rewritten on every form post and worth nothing after a crash: their
# writes are atomic but skip fsync (measured: the fsyncs were half the cost of a vote).
NOT_DURABLE = frozenset({"limits"})

# A temporary file older than this was left by a writer killed mid-write.
_STALE_TEMP_S = 600

# A named lock is held for long work (a publish), so waiting polls at filelock's usual pace.
_NAMED_LOCK_POLL_S = 0.05


class TinyStore:
    """Voicebox's data in the folder `root` (`shards` splits a new folder; tests use 1s)."""

    def __init__(self, root: Path | str, shards: dict[str, int] | None = None) -> None:
        self.root = Path(root)
        self.meta = open_meta(self.root, shards)
        self.status = FolderStatus(self.root / "status")
        self._clock = BoardClock(self.root)
        shards = self.meta["shards"]
        self.collections = {
            name: Collection(
                self.root,
                name,
                n,
                durable=name not in NOT_DURABLE,
                model=COLLECTIONS.get(name),
                clock=self._clock if name in BOARD_COLLECTIONS else None,
            )
            for name, n in shards.items()
        }
        c = self.collections
        self.users = Users(c["users"])
        self.votes = Votes(c["votes"], c["ideas"])
        self.comments = Comments(c["comments"])
        self.follows = Follows(c["follows"])
        self.ideas = Ideas(c["ideas"], self.votes, self.comments, self.follows)
        self.surveys: Records[SurveyResponse] = Records(c["surveys"], SurveyResponse)
        self.testimonials: Records[Testimonial] = Records(c["testimonials"], Testimonial)
        self.followups: Records[FollowUp] = Records(c["followups"], FollowUp)
        self.sales: Records[Sale] = Records(c["sales"], Sale)
        self.contacts: Records[Contact] = Records(c["contacts"], Contact)
        self.photos: Records[Photo] = Records(c["photos"], Photo)
        self.api_tokens: Records[ApiToken] = Records(c["api_tokens"], ApiToken)
        self.audit: Records[AuditEntry] = Records(c["audit"], AuditEntry)
        self.replies: Records[ResponseTemplate] = Records(c["replies"], ResponseTemplate)
        self.tokens = Tokens(c["tokens"])
        self.messages = Messages(c["messages"])
        self.jobs = Jobs(c["jobs"])
        self.limits = RateLimits(c["limits"])
        transfer.finish_interrupted(self)  # before its temporary files could look stale
        self._sweep_temp_files()

    @property
    def location(self) -> str:
        """Where the data lives, for messages to people."""
        return str(self.root)

    def shards(self) -> Iterator[Shard]:
        """Every data file's shard, always in the same order (locks are taken in it)."""
        for name in sorted(self.collections):
            yield from self.collections[name].shards

    @contextmanager
    def lock(self, name: str, timeout: float = 60.0) -> Iterator[None]:
        """Hold the lock `name`: one holder at a time among all processes and threads using
        this data folder. Raise LockTimeout after waiting `timeout` seconds. Not re-entrant:
        taking a lock already held by the same thread waits for itself and times out."""
        held = FileLock(str(self.root / f"{check_name(name)}.lock"), timeout=timeout)
        try:
            held.acquire(poll_interval=_NAMED_LOCK_POLL_S)
        except Timeout as exc:
            raise LockTimeout(name, timeout) from exc
        try:
            yield
        finally:
            held.release()

    def secret_key(self) -> str:
        """The key kept in the data folder (mode 0600), made on first use."""
        return folder_secret_key(self.root)

    def adopt_secret_key(self, key: str) -> None:
        write_bytes_atomically(self.root / "secret_key", key.encode())  # mode 0600

    def board_revision(self, settled: bool = False) -> Hashable | None:
        """The stamp of the board's clock, ticked by every write to it (see revision.py)."""
        return self._clock.read(settled)

    def ping(self) -> None:
        """Raise CorruptDataError when a data file cannot be read (changed files only are
        read again, see `check`)."""
        self.check()

    def check(self) -> int:
        """Read every record and decode it with its model; return how many there are, or
        raise CorruptDataError naming the first broken file (and record). Data unchanged
        since the last call is not decoded again, so a health check stays cheap."""
        return sum(self.collections[name].check() for name in sorted(self.collections))

    def backup(self, target: Path, progress: Progress = no_progress) -> int:
        """Write a snapshot, taken under every file's lock, to `target`; return how many
        records it holds. `progress(done, total)` is called as the work advances."""
        from ..snapshot import write_snapshot

        return write_snapshot(self, target, progress)

    def restore(self, source: Path, progress: Progress = no_progress) -> int:
        """Replace all data with the snapshot `source` (of either backend), checked
        completely first; return how many records it held."""
        from ..snapshot import read_snapshot

        return read_snapshot(self, source, progress)

    def scan(self, collection: str, batch: int = transfer.EXPORT_BATCH) -> Iterator[Batch]:
        """One collection's records, batch by batch, read under its files' locks and let go
        before the first batch (TinyDB holds whole files in memory anyway)."""
        return transfer.scan(self, collection, batch)

    def exporting(self) -> AbstractContextManager[Export]:
        """Every collection's records as they are while every file's lock is held."""
        return transfer.exporting(self)

    def replace(self, records: Export) -> int:
        """Replace every record with `records(collection)`, ids kept; the new files are all
        written before any is swapped in, under every file's lock."""
        return transfer.replace(self, records)

    def append(self, collection: str, batch: Batch) -> int:
        """Add records with their ids, skipping those already here; return how many."""
        return transfer.append(self, collection, batch)

    def clear(self) -> None:
        """Remove every record of every collection, under every file's lock (as a restore
        does), so no write from another process lands half-way through.

        Status records, the metadata (schema, how data is split) and the folder's other
        files (the secret key, the mail outbox) stay. A damaged data file is removed too:
        clearing is how a demo folder starts over.
        """
        shards = list(self.shards())
        with ExitStack() as locks:
            for shard in shards:
                locks.enter_context(shard.locked())
            for shard in shards:
                shard.remove()
            for folder in {shard.path.parent for shard in shards if shard.path.parent.exists()}:
                fsync_folder(folder)

    def close(self) -> None:
        for collection in self.collections.values():
            collection.close()

    def _sweep_temp_files(self) -> None:
        cutoff = time.time() - _STALE_TEMP_S
        for tmp in self.root.glob(f"*/{TEMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if tmp.stat().st_mtime < cutoff:
                    os.unlink(tmp)


def open_folder(root: Path) -> TinyStore:
    """The data folder `root`, which must exist already (a copy must not start from an
    empty folder made by mistyping its name)."""
    if not (Path(root) / META_FILE).is_file():
        raise StoreError(f"{root} is not a Voicebox data folder (it has no {META_FILE})")
    return TinyStore(root)


def folder_secret_key(data_dir: Path) -> str:
    """The key in `data_dir/secret_key` (mode 0600), made on first use by whichever process
    comes first."""
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    return key
