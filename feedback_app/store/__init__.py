"""Voicebox's data layer. No Flask here: the app, the CLI and the generator all use it.

`open_store(settings)` opens it: the TinyDB folder (`tinydb/`, the embedded default) or the
PostgreSQL database (`postgres/`, shared by several hosts). Both keep one contract
(`contract.py`); nothing outside this package touches their files or their SQL.
"""

from .contract import Store
from .errors import (
    Conflict,
    CorruptDataError,
    LockTimeout,
    NotFound,
    SchemaError,
    StoreError,
    Unavailable,
    UnsupportedBackend,
    WriteError,
)
from .models import (
    DONE_STATUSES,
    SEARCH_COUNT_LIMIT,
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
    Outcome,
    Page,
    Role,
    Stance,
    StatusChange,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    TokenError,
    User,
    Vote,
    trending_score,
    utcnow,
)
from .opening import open_store
from .tinydb import TinyStore

__all__ = [
    "DONE_STATUSES",
    "SEARCH_COUNT_LIMIT",
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
    "TinyStore",
    "TokenError",
    "Unavailable",
    "UnsupportedBackend",
    "User",
    "Vote",
    "WriteError",
    "open_store",
    "trending_score",
    "utcnow",
]
