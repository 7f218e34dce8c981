"""Voicebox's data layer. No Flask here: the app, the CLI and the generator all use it.

TinyDB is the backend and nothing outside this package touches it. See `store.py` for the
entry point and `storage.py` / `shard.py` for how writes stay safe across processes.
"""

from .errors import Conflict, CorruptDataError, NotFound, SchemaError, StoreError, WriteError
from .ideas import trending_score
from .models import (
    DONE_STATUSES,
    SORTS,
    BoardQuery,
    Comment,
    FollowUp,
    Idea,
    IdeaStatus,
    IdeaSummary,
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
    "Message",
    "MessageState",
    "NotFound",
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
    "User",
    "Vote",
    "WriteError",
    "trending_score",
    "utcnow",
]
