"""The domain records the store speaks in, one module per feature. Plain dataclasses: no
TinyDB, no Flask.

`base` holds what every record shares (encoding, text rules, `Page`); `people`, `ideas`,
`feedback` (surveys, testimonials, follow-ups), `outbox` (mail and background jobs) and
`limits` hold each feature's records, enums and rules. Import from here or from
`feedback_app.store`; the feature modules are an arrangement, not an interface.
"""

from .base import LINE, LINES, Page, Record, utcnow
from .feedback import FollowUp, SurveyResponse, Testimonial, TestimonialState
from .ideas import (
    DONE_STATUSES,
    SORTS,
    TRANSITIONS,
    BoardQuery,
    Comment,
    FollowChoice,
    Idea,
    IdeaStatus,
    IdeaSummary,
    Stance,
    StatusChange,
    Vote,
)
from .limits import RateCounter
from .outbox import Job, JobState, Message, MessageState
from .people import Role, SignInToken, User

__all__ = [
    "DONE_STATUSES",
    "LINE",
    "LINES",
    "SORTS",
    "TRANSITIONS",
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
    "User",
    "Vote",
    "utcnow",
]
