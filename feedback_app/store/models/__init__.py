"""The domain records the store speaks in, one module per feature. Plain dataclasses: no
TinyDB, no Flask.

`base` holds what every record shares (encoding, text rules, `Page`); `people`, `ideas`,
`sales` (sales and contacts), `surveys`, `testimonials`, `followups`, `integrations` (API
tokens), `outbox` (mail and background jobs) and `limits` hold each feature's records, enums
and rules. Import from here or from
`feedback_app.store`; the feature modules are an arrangement, not an interface.
"""

from .base import LINE, LINES, Page, Record, encoded, utcnow, without_nul
from .followups import RESCUE_WITHIN, FollowUp, FollowUpEvent, FollowUpState
from .ideas import (
    DONE_STATUSES,
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
from .integrations import ApiToken
from .limits import RateCounter
from .outbox import (
    Job,
    JobState,
    Message,
    MessageState,
    Outcome,
    cancelled,
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
from .sales import ASK_GAP, TESTIMONIAL_INVITE_GAP, Contact, Sale, SaleOutcome
from .surveys import EFFORT_SCALE, REVISE_WINDOW, SCORE_SCALE, SurveyResponse, nps_group
from .testimonials import (
    QUOTE_LENGTH,
    ConnectionKind,
    CreditStyle,
    Photo,
    Testimonial,
    TestimonialState,
    credit_line,
)

__all__ = [
    "ASK_GAP",
    "DONE_STATUSES",
    "EFFORT_SCALE",
    "LINE",
    "LINES",
    "LINK_LIFETIME",
    "QUOTE_LENGTH",
    "RESCUE_WITHIN",
    "REVISE_WINDOW",
    "SCORE_SCALE",
    "SORTS",
    "TESTIMONIAL_INVITE_GAP",
    "TRANSITIONS",
    "TRENDING_GRAVITY",
    "TRENDING_OFFSET_HOURS",
    "TRENDING_REFRESH_S",
    "ApiToken",
    "BoardQuery",
    "Comment",
    "ConnectionKind",
    "Contact",
    "CreditStyle",
    "FollowChoice",
    "FollowUp",
    "FollowUpEvent",
    "FollowUpState",
    "Idea",
    "IdeaStatus",
    "IdeaSummary",
    "Job",
    "JobState",
    "Message",
    "MessageState",
    "Outcome",
    "Page",
    "Photo",
    "RateCounter",
    "Record",
    "Role",
    "Sale",
    "SaleOutcome",
    "SignInToken",
    "Stance",
    "StatusChange",
    "SurveyResponse",
    "Testimonial",
    "TestimonialState",
    "TokenError",
    "User",
    "Vote",
    "cancelled",
    "credit_line",
    "encoded",
    "finished",
    "follower_set",
    "normalise_email",
    "nps_group",
    "retried",
    "settle_change",
    "token_hash",
    "token_problem",
    "trending_at",
    "trending_score",
    "utcnow",
    "without_nul",
]
