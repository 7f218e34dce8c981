"""The dashboard's figures, computed from store reads alone (no Flask, any backend).

Two kinds: what needs someone now (counts that each lead to a queue) and how customers are
doing over time (the charts). Weeks are ISO weeks (Monday to Sunday, in UTC), named by their
Monday; the view puts that date into words in the reader's language. Every figure says what
it counts, so a marketer can check it against the queue it comes from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from generator.publish import last_publish

from ..nps import SCORED_QUESTIONS, NpsGroups
from ..nps import percent as _percent
from ..store import Store
from ..store.models import (
    FollowUp,
    FollowUpState,
    Idea,
    IdeaStatus,
    MessageState,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    Vote,
)

__all__ = [
    "SCORED_QUESTIONS",
    "WEEKS",
    "Attention",
    "EffortAt",
    "FollowUpTiming",
    "NpsGroups",
    "NpsWeek",
    "TouchpointAnswers",
    "VoteWeek",
    "answers_by_touchpoint",
    "attention",
    "effort_by_touchpoint",
    "followup_timing",
    "ideas_by_status",
    "is_unanswered",
    "nps_by_week",
    "votes_by_week",
    "week_of",
    "weeks_until",
]

# How many weeks the charts over time show, the current one included.
WEEKS = 12


def week_of(moment: datetime | date) -> date:
    """The Monday that starts the ISO week `moment` falls in."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def weeks_until(now: datetime, count: int = WEEKS) -> list[date]:
    """The Mondays of the last `count` ISO weeks, oldest first, the week of `now` last."""
    last = week_of(now)
    return [last - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def is_unanswered(idea: Idea) -> bool:
    """Open for votes and no official response yet: the idea queue's "unanswered"."""
    return not idea.status.is_closed and idea.official_response is None


@dataclass(frozen=True)
class Attention:
    """What needs someone now: each count is the length of the queue it links to."""

    testimonials_waiting: int  # confirmed by their writer, not yet approved or rejected
    ideas_unanswered: int
    followups_open: int
    followups_overdue: int
    emails_failed: int  # given up on; each can be sent again from the emails page
    emails_queued: int
    publish: dict[str, Any] | None  # the last publish: at, ok, message (None: never)


def _waiting(testimonial: Testimonial) -> bool:
    """Waiting for staff: confirmed by its writer (unconfirmed ones never reach staff)."""
    return (testimonial.state is TestimonialState.PENDING
            and testimonial.email_confirmed_at is not None)  # fmt: skip


def attention(store: Store, now: datetime) -> Attention:
    followups = [f for f in store.followups.all() if f.done_at is None]
    messages = Counter(m.state for m in store.messages.all())
    return Attention(
        testimonials_waiting=sum(1 for t in store.testimonials.all() if _waiting(t)),
        ideas_unanswered=sum(1 for i in store.ideas.all() if is_unanswered(i)),
        followups_open=len(followups),
        followups_overdue=sum(1 for f in followups if f.overdue(now)),
        emails_failed=messages[MessageState.FAILED],
        emails_queued=messages[MessageState.QUEUED],
        publish=last_publish(store),
    )


@dataclass(frozen=True)
class NpsWeek:
    """One week's answers and Net Promoter Score."""

    week: date
    groups: NpsGroups


def _scored(store: Store) -> Iterable[SurveyResponse]:
    return (a for a in store.surveys.all() if a.score is not None
            and a.question in SCORED_QUESTIONS)  # fmt: skip


def nps_by_week(store: Store, now: datetime, weeks: int = WEEKS) -> list[NpsWeek]:
    """The score of each of the last `weeks` weeks, by the week each answer was given."""
    shown = weeks_until(now, weeks)
    groups: dict[date, Counter[str]] = {week: Counter() for week in shown}
    for answer in _scored(store):
        found = groups.get(week_of(answer.created_at))
        if found is not None:
            found[answer.category] += 1
    return [NpsWeek(week, NpsGroups.counted(g)) for week, g in groups.items()]


@dataclass(frozen=True)
class EffortAt:
    """How easy customers found one touchpoint: the average of their 1 (very hard) to 7
    (very easy) answers, to one decimal."""

    touchpoint: str  # "" for answers that named none
    answers: int
    average: float


def effort_by_touchpoint(store: Store) -> list[EffortAt]:
    """Every touchpoint with at least one effort answer, by name (unnamed last)."""
    efforts: dict[str, list[int]] = defaultdict(list)
    for answer in store.surveys.all():
        if answer.effort is not None:
            efforts[answer.touchpoint].append(answer.effort)
    return [
        EffortAt(place, len(found), round(sum(found) / len(found), 1))
        for place, found in sorted(efforts.items(), key=lambda e: (e[0] == "", e[0]))
    ]


@dataclass(frozen=True)
class TouchpointAnswers:
    """The scored answers given about one touchpoint, by Net Promoter group."""

    touchpoint: str  # "" for answers that named none
    groups: NpsGroups


def answers_by_touchpoint(store: Store) -> list[TouchpointAnswers]:
    """Every touchpoint with a scored answer: the most answered first, then by name."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for answer in _scored(store):
        groups[answer.touchpoint][answer.category] += 1
    found = [TouchpointAnswers(place, NpsGroups.counted(g)) for place, g in groups.items()]
    return sorted(found, key=lambda t: (-t.groups.answers, t.touchpoint == "", t.touchpoint))


def ideas_by_status(store: Store) -> list[tuple[IdeaStatus, int]]:
    """How many ideas are in each status, every status listed in its board order."""
    counts = Counter(idea.status for idea in store.ideas.all())
    return [(status, counts[status]) for status in IdeaStatus]


@dataclass(frozen=True)
class VoteWeek:
    week: date
    promotions: int
    demotions: int


def _utc_day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


def votes_by_week(store: Store, now: datetime, weeks: int = WEEKS) -> list[VoteWeek]:
    """Votes standing today, by the week they were cast (a vote changed later counts in the
    week of its change). Read batch by batch: a board's votes never sit in memory at once.

    A board can hold hundreds of thousands of votes, so each is counted from its stored
    document (`Vote.to_doc`, alike on every backend) without being decoded into a Vote: a
    UTC time's day is its first ten characters. Measured on 100,000 votes: 220-295 ms against
    476-498 ms decoding each, of which reading them is 176-235 ms."""
    shown = weeks_until(now, weeks)
    ups: Counter[date] = Counter()
    downs: Counter[date] = Counter()
    days: dict[str, date] = {}  # the week of each day seen, worked out once
    first = shown[0]
    for batch in store.scan("votes"):
        for _, doc in batch:
            at, value = doc["at"], doc["value"]
            stamp = at[:10] if at.endswith("+00:00") else _utc_day(Vote.from_doc(doc).at)
            week = days.get(stamp)
            if week is None:
                week = days[stamp] = week_of(date.fromisoformat(stamp))
            if week < first or not value:
                continue
            (ups if value > 0 else downs)[week] += 1
    return [VoteWeek(week, ups[week], downs[week]) for week in shown]


@dataclass(frozen=True)
class FollowUpTiming:
    """Whether unhappy customers were reached within the promised time (`due_at`)."""

    in_time: int  # contacted or resolved by the due time
    late: int  # contacted or resolved, after it
    overdue: int  # nobody has reached the customer and the time is past
    waiting: int  # nobody has reached the customer yet, still in time

    @property
    def reached(self) -> int:
        return self.in_time + self.late

    @property
    def in_time_percent(self) -> int | None:
        """The share of the customers reached who were reached in time."""
        return _percent(self.in_time, self.reached)

    @property
    def late_percent(self) -> int | None:
        return _percent(self.late, self.reached)


def _reached_at(followup: FollowUp) -> datetime | None:
    """When someone first reached the customer: the first step to contacted or resolved."""
    done = {FollowUpState.CONTACTED.value, FollowUpState.RESOLVED.value}
    steps = [e.at for e in followup.events if e.state in done]
    if followup.done_at is not None:
        steps.append(followup.done_at)
    return min(steps, default=None)


def followup_timing(store: Store, now: datetime) -> FollowUpTiming:
    counts: Counter[str] = Counter()
    for followup in store.followups.all():
        reached = _reached_at(followup)
        if reached is not None:
            counts["in_time" if reached <= followup.due_at else "late"] += 1
        else:
            counts["overdue" if now > followup.due_at else "waiting"] += 1
    return FollowUpTiming(counts["in_time"], counts["late"], counts["overdue"], counts["waiting"])
