"""Voicebox's data layer. No Flask here: the app, the CLI and the generator all use it.

`open_store(settings)` opens it. TinyDB is the backend and nothing outside this package
touches it or its files. See `store.py` for what a store offers and `storage.py` / `shard.py`
for how writes stay safe across processes.
"""

from .errors import (
    Conflict,
    CorruptDataError,
    LockTimeout,
    NotFound,
    SchemaError,
    StoreError,
    UnsupportedBackend,
    WriteError,
)
from .ideas import trending_score
from .messages import Outcome
from .models import (
    DONE_STATUSES,
    SORTS,
    BoardQuery,
    Comment,
    FollowUp,
    Idea,
    IdeaStatus,
    IdeaSummary,
    Job,
    Message,
    MessageState,
    Page,
    Role,
    Stance,
    StatusChange,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    User,
    Vote,
    utcnow,
)
from .opening import open_store
from .store import Store
from .tokens import TokenError

__all__ = [
    "DONE_STATUSES",
    "SORTS",
    "BoardQuery",
    "Comment",
    "Conflict",
    "CorruptDataError",
    "FollowUp",
    "Idea",
    "IdeaStatus",
    "IdeaSummary",
    "Job",
    "LockTimeout",
    "Message",
    "MessageState",
    "NotFound",
    "Outcome",
    "Page",
    "Role",
    "SchemaError",
    "Stance",
    "StatusChange",
    "Store",
    "StoreError",
    "SurveyResponse",
    "Testimonial",
    "TestimonialState",
    "TokenError",
    "UnsupportedBackend",
    "User",
    "Vote",
    "WriteError",
    "open_store",
    "trending_score",
    "utcnow",
]
