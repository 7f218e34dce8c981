"""Survey answers: the ten-second survey after a sale, or anyone's answer at `/survey`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .base import LINE, LINES, Record, utcnow

__all__ = [
    "EFFORT_SCALE", "QUESTIONS", "REVISE_WINDOW", "SCORE_SCALE", "SurveyResponse", "nps_group",
]  # fmt: skip

SCORE_SCALE = range(0, 11)
# "How easy was it?" from 1 (very hard) to 7 (very easy): effort predicts loyalty.
EFFORT_SCALE = range(1, 8)
# A personal link answered again within this time changes its answer; after it, the link
# says it was already answered.
REVISE_WINDOW = timedelta(days=1)


def nps_group(score: int) -> str:
    """Net Promoter grouping: promoter (9-10), passive (7-8), detractor (0-6)."""
    if score >= 9:
        return "promoter"
    return "passive" if score >= 7 else "detractor"


# What a survey answer answers: the 0-10 question after a sale or at /survey ("survey"), the
# same question in a relationship check-in ("checkin"), "did everything arrive as promised?"
# ("arrival": `arrived`, no score) or "what made you decide?" after a lost sale ("lost": the
# comment, no score).
QUESTIONS = ("survey", "checkin", "arrival", "lost")


@dataclass
class SurveyResponse(Record):
    email: str = field(metadata=LINE)  # "" for an anonymous answer at /survey
    order_ref: str = field(metadata=LINE)  # "" when the answer came from no sale
    score: int | None  # None for the questions without one (arrival, lost)
    reason: str = field(default="", metadata=LINES)  # the customer's comment
    user_id: int | None = None
    effort: int | None = None
    touchpoint: str = field(default="", metadata=LINE)
    may_contact: bool = False
    sale_id: int | None = None
    # The personal link answered (unique in a store): one answer per link.
    link: str = field(default="", metadata=LINE)
    language: str = field(default="", metadata=LINE)
    updated_at: datetime | None = None
    question: str = field(default="survey", metadata=LINE)
    arrived: bool | None = None
    created_at: datetime = field(default_factory=utcnow)
    id: int = 0

    @property
    def category(self) -> str:
        """The Net Promoter group, or "" for an answer without a score."""
        return "" if self.score is None else nps_group(self.score)

    def revisable(self, now: datetime) -> bool:
        """Whether answering the same link again at `now` changes this answer."""
        return now - self.created_at < REVISE_WINDOW
