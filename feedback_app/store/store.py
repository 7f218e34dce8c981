"""The Store: the one door to Voicebox's data.

Open it on a data folder and use its parts: `store.users`, `store.ideas`, `store.votes`,
`store.comments`, `store.follows`, `store.surveys`, `store.testimonials`, `store.followups`,
`store.tokens`, `store.messages` (the mail outbox), `store.jobs` (background work) and
`store.limits` (rate-limit counters).
Any number of processes and threads may open the same folder at once. Records handed out may
be shared with a cache: treat them as read-only and change data only through the store.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from .collection import Collection
from .comments import Comments
from .follows import Follows
from .ideas import Ideas
from .jobs import Job, Jobs
from .limits import RateLimits
from .messages import Messages
from .models import (
    Comment,
    FollowUp,
    Idea,
    Message,
    Record,
    SignInToken,
    SurveyResponse,
    Testimonial,
    User,
    Vote,
)
from .records import Records
from .schema import open_meta
from .shard import Shard
from .storage import TEMP_PREFIX
from .tokens import Tokens
from .users import Users
from .validation import FollowChoice, RateCounter
from .votes import Votes

__all__ = ["MODELS", "Store"]

# The model every collection's records must decode with (`verify` checks them all).
MODELS: dict[str, type[Record]] = {
    "users": User,
    "ideas": Idea,
    "votes": Vote,
    "comments": Comment,
    "follows": FollowChoice,
    "surveys": SurveyResponse,
    "testimonials": Testimonial,
    "followups": FollowUp,
    "tokens": SignInToken,
    "messages": Message,
    "jobs": Job,
    "limits": RateCounter,
}

# Rate-limit counters are rewritten on every form post and worth nothing after a crash: their
# writes are atomic but skip fsync (measured: the fsyncs were half the cost of a vote).
NOT_DURABLE = frozenset({"limits"})

# A temporary file older than this was left by a writer killed mid-write.
_STALE_TEMP_S = 600


class Store:
    def __init__(self, root: Path | str, shards: dict[str, int] | None = None) -> None:
        self.root = Path(root)
        self.meta = open_meta(self.root, shards)
        self._sweep_temp_files()
        shards = self.meta["shards"]
        self.collections = {
            name: Collection(
                self.root, name, n, durable=name not in NOT_DURABLE, model=MODELS.get(name)
            )
            for name, n in shards.items()
        }
        c = self.collections
        self.users = Users(c["users"])
        self.votes = Votes(c["votes"])
        self.comments = Comments(c["comments"])
        self.follows = Follows(c["follows"])
        self.ideas = Ideas(c["ideas"], self.votes, self.comments, self.follows)
        self.surveys: Records[SurveyResponse] = Records(c["surveys"], SurveyResponse)
        self.testimonials: Records[Testimonial] = Records(c["testimonials"], Testimonial)
        self.followups: Records[FollowUp] = Records(c["followups"], FollowUp)
        self.tokens = Tokens(c["tokens"])
        self.messages = Messages(c["messages"])
        self.jobs = Jobs(c["jobs"])
        self.limits = RateLimits(c["limits"])

    def shards(self) -> Iterator[Shard]:
        """Every data file's shard, always in the same order (locks are taken in it)."""
        for name in sorted(self.collections):
            yield from self.collections[name].shards

    def verify(self) -> int:
        """Parse every data file and decode every record with its model; raise
        CorruptDataError naming the first broken file (and record). Files unchanged since
        the last call are not decoded again, so a health check stays cheap."""
        count = 0
        for name in sorted(self.collections):
            count += self.collections[name].check()
        return count

    def close(self) -> None:
        for collection in self.collections.values():
            collection.close()

    def _sweep_temp_files(self) -> None:
        cutoff = time.time() - _STALE_TEMP_S
        for tmp in self.root.glob(f"*/{TEMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if tmp.stat().st_mtime < cutoff:
                    os.unlink(tmp)
