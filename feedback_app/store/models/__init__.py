"""The domain records the store speaks in, one module per feature. Plain dataclasses: no
TinyDB, no Flask.

`base` holds what every record shares (encoding, text rules, `Page`); `people`, `ideas`,
`feedback` (surveys, testimonials, follow-ups), `outbox` (mail and background jobs) and
`limits` hold each feature's records, enums and rules. Import from here or from
`feedback_app.store`; the feature modules are an arrangement, not an interface.
"""

from .base import LINE, LINES, Page, Record, utcnow, without_nul
from .feedback import FollowUp, SurveyResponse, Testimonial, TestimonialState
from .ideas import (
    DONE_STATUSES,
    SEARCH_COUNT_LIMIT,
    SORTS,
    TRANSITIONS,
    TRENDING_GRAVITY,
    TRENDING_OFFSET_HOURS,
    TRENDING_REFRESH_S,
    BoardQuery,
    Comment,
    FollowChoice,
    Idea,
    IdeaStatus,
    IdeaSummary,
    Stance,
    StatusChange,
    Vote,
    follower_set,
    trending_at,
    trending_score,
)
from .limits import RateCounter
from .outbox import (
    Job,
    JobState,
    Message,
    MessageState,
    Outcome,
    finished,
    retried,
    settle_change,
)
from .people import (
    LINK_LIFETIME,
    Role,
    SignInToken,
    TokenError,
    User,
    normalise_email,
    token_hash,
    token_problem,
)

__all__ = [
    "DONE_STATUSES",
    "LINE",
    "LINES",
    "LINK_LIFETIME",
    "SEARCH_COUNT_LIMIT",
    "SORTS",
    "TRANSITIONS",
    "TRENDING_GRAVITY",
    "TRENDING_OFFSET_HOURS",
    "TRENDING_REFRESH_S",
    "BoardQuery",
    "Comment",
    "FollowChoice",
    "FollowUp",
    "Idea",
    "IdeaStatus",
    "IdeaSummary",
    "Job",
    "JobState",
    "Message",
    "MessageState",
    "Outcome",
    "Page",
    "RateCounter",
    "Record",
    "Role",
    "SignInToken",
    "Stance",
    "StatusChange",
    "SurveyResponse",
    "Testimonial",
    "TestimonialState",
    "TokenError",
    "User",
    "Vote",
    "finished",
    "follower_set",
    "normalise_email",
    "retried",
    "settle_change",
    "token_hash",
    "token_problem",
    "trending_at",
    "trending_score",
    "utcnow",
    "without_nul",
]
