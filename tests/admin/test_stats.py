"""The dashboard's figures as a marketer reads them, computed from a store with known data.

Every number here is worked out by hand from the records added, on each backend."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

from feedback_app.admin import stats
from feedback_app.store import (
    FollowUp,
    Idea,
    IdeaStatus,
    Message,
    Outcome,
    Store,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    Vote,
)
from feedback_app.store.models import FollowUpEvent, FollowUpState
from tests.conftest import ROOT

# A Wednesday: its ISO week starts on Monday 23 November 2026.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
THIS_WEEK, LAST_WEEK = date(2026, 11, 23), date(2026, 11, 16)


def _answer(store: Store, score: int | None, at: datetime, touchpoint: str = "",
            effort: int | None = None, question: str = "survey") -> None:  # fmt: skip
    answer = SurveyResponse("c@example.com", "", score, effort=effort, touchpoint=touchpoint,
                            question=question, created_at=at)  # fmt: skip
    store.surveys.add(answer)


def test_weeks_are_iso_weeks_named_by_their_monday() -> None:
    assert stats.week_of(datetime(2026, 11, 29, 23, 59, tzinfo=UTC)) == THIS_WEEK  # a Sunday
    assert stats.week_of(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == date(2026, 11, 30)
    assert stats.weeks_until(NOW, 3) == [date(2026, 11, 9), LAST_WEEK, THIS_WEEK]
    assert stats.week_of(date(2027, 1, 1)) == date(2026, 12, 28), "ISO week 53 of 2026"


def test_nps_by_week_is_promoters_minus_detractors_over_answers(store: Store) -> None:
    monday = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    # This week: 10, 9, 9 (promoters), 8 (passive), 3, 0 (detractors) -> (3-2)/6 = 16.7 -> 17.
    for score in (10, 9, 9, 8, 3, 0):
        _answer(store, score, monday + timedelta(hours=score))
    _answer(store, 10, NOW, question="checkin")  # a check-in's score counts too: 4-2 of 7
    _answer(store, None, NOW, question="arrival")  # no score: not an answer to the question
    _answer(store, 2, monday - timedelta(seconds=1))  # Sunday night: last week, a detractor
    _answer(store, 9, NOW - timedelta(weeks=20))  # before the chart's window
    weeks = stats.nps_by_week(store, NOW, weeks=4)
    assert [w.week for w in weeks] == [date(2026, 11, 2), date(2026, 11, 9), LAST_WEEK, THIS_WEEK]
    this, last = weeks[-1].groups, weeks[-2].groups
    assert (this.answers, this.promoters, this.passives, this.detractors) == (7, 4, 1, 2)
    assert this.nps == 29  # (4 - 2) / 7 = 28.6 %
    assert (last.answers, last.nps) == (1, -100)
    assert weeks[0].groups.answers == 0 and weeks[0].groups.nps is None, "no score, not 0"


def test_nps_rounds_halves_away_from_zero(store: Store) -> None:
    for score in (10, 8, 8, 8, 8, 8, 8, 8):  # 1 promoter of 8 answers: 12.5 -> 13
        _answer(store, score, NOW)
    assert stats.nps_by_week(store, NOW, weeks=1)[0].groups.nps == 13


def test_effort_is_averaged_by_touchpoint(store: Store) -> None:
    for effort in (7, 6, 6):
        _answer(store, 9, NOW, "Online shop", effort)
    for effort in (2, 3):
        _answer(store, 4, NOW, "Café", effort)
    _answer(store, 5, NOW, "Café")  # no effort given: not in the average
    _answer(store, None, NOW, "", 4, question="arrival")
    found = {(e.touchpoint, e.answers, e.average) for e in stats.effort_by_touchpoint(store)}
    assert found == {("Online shop", 3, 6.3), ("Café", 2, 2.5), ("", 1, 4.0)}
    assert stats.effort_by_touchpoint(store)[-1].touchpoint == "", "unnamed ones last"


def test_answers_by_touchpoint_split_by_nps_group(store: Store) -> None:
    for score in (10, 9, 7, 1):
        _answer(store, score, NOW, "Online shop")
    _answer(store, 6, NOW, "Магазин на Подолі")
    _answer(store, None, NOW, "Online shop", question="lost")  # no score: not counted
    rows = [(t.touchpoint, t.groups.answers, t.groups.promoters, t.groups.passives,
             t.groups.detractors) for t in stats.answers_by_touchpoint(store)]  # fmt: skip
    assert rows == [("Online shop", 4, 2, 1, 1), ("Магазин на Подолі", 1, 0, 0, 1)]


def test_ideas_by_status_lists_every_status(store: Store) -> None:
    for status in (IdeaStatus.NEW, IdeaStatus.NEW, IdeaStatus.PLANNED, IdeaStatus.IMPLEMENTED):
        store.ideas.add(Idea("Idea", "d", "Food", 1, status=status))
    counts = dict(stats.ideas_by_status(store))
    assert list(counts) == list(IdeaStatus)
    assert (counts[IdeaStatus.NEW], counts[IdeaStatus.PLANNED], counts[IdeaStatus.IMPLEMENTED],
            counts[IdeaStatus.ARCHIVED]) == (2, 1, 1, 0)  # fmt: skip


def test_votes_per_week_counts_promotions_and_demotions(store: Store) -> None:
    idea = store.ideas.add(Idea("Idea", "d", "Food", 1))
    store.votes.cast_many([
        Vote(idea.id, 10, 1, NOW), Vote(idea.id, 11, 1, NOW), Vote(idea.id, 12, -1, NOW),
        Vote(idea.id, 13, 1, NOW - timedelta(weeks=1)),
        Vote(idea.id, 14, 1, NOW - timedelta(weeks=30)),  # outside the chart
        # Monday 01:00 in Kyiv is Sunday 23:00 in UTC: last week
        Vote(idea.id, 15, -1, datetime(2026, 11, 23, 1, 0, tzinfo=timezone(timedelta(hours=2)))),
    ])  # fmt: skip
    weeks = stats.votes_by_week(store, NOW, weeks=3)
    assert [(w.week, w.promotions, w.demotions) for w in weeks] == [
        (date(2026, 11, 9), 0, 0), (LAST_WEEK, 1, 1), (THIS_WEEK, 2, 1)]  # fmt: skip


def _followup(store: Store, due: datetime, reached: datetime | None = None,
              state: FollowUpState = FollowUpState.CONTACTED) -> None:  # fmt: skip
    events = [FollowUpEvent(at=due - timedelta(days=2), by=None, state="open")]
    if reached is not None:
        events.append(FollowUpEvent(at=reached, by=1, state=state.value))
    store.followups.add(FollowUp(
        "call", None, "c@example.com", "3/10", due, events=events,
        state=state if reached else FollowUpState.OPEN,
        done_at=reached if state is FollowUpState.RESOLVED and reached else None,
    ))  # fmt: skip


def test_followups_reached_in_time(store: Store) -> None:
    due = NOW - timedelta(days=1)
    _followup(store, due, due - timedelta(hours=3))  # called in time
    _followup(store, due, due - timedelta(hours=1), FollowUpState.RESOLVED)  # resolved in time
    _followup(store, due, due + timedelta(hours=5))  # called late
    _followup(store, due)  # nobody called, past due
    _followup(store, NOW + timedelta(hours=4))  # nobody called yet, still in time
    timing = stats.followup_timing(store, NOW)
    assert (timing.in_time, timing.late, timing.overdue, timing.waiting) == (2, 1, 1, 1)
    assert (timing.in_time_percent, timing.late_percent) == (67, 33)


def test_what_needs_attention_counts_each_queue(store: Store) -> None:
    confirmed = NOW - timedelta(days=1)
    for state in (TestimonialState.PENDING, TestimonialState.PENDING, TestimonialState.APPROVED):
        store.testimonials.add(Testimonial("Words", 5, "N", state=state,
                                           email_confirmed_at=confirmed))  # fmt: skip
    store.testimonials.add(Testimonial("Words", 5, "N"))  # not confirmed: not for staff yet
    store.ideas.add(Idea("No answer yet", "d", "Food", 1))
    answered = store.ideas.add(Idea("Answered", "d", "Food", 1))
    store.ideas.set_status(answered.id, IdeaStatus.PLANNED, "Coming in spring", by=1)
    store.ideas.add(Idea("Archived", "d", "Food", 1, status=IdeaStatus.ARCHIVED))
    _followup(store, NOW - timedelta(hours=1))  # overdue
    _followup(store, NOW + timedelta(hours=1))  # open, in time
    _followup(store, NOW - timedelta(hours=1), NOW - timedelta(hours=2),
              FollowUpState.RESOLVED)  # fmt: skip
    ids = [store.messages.enqueue(Message(f"m{n}@example.com", "S", "t")).id for n in range(4)]
    store.messages.settle({ids[0]: Outcome(error="550 no such user"), ids[1]: Outcome(sent=True)})
    needs = stats.attention(store, NOW)
    assert (needs.testimonials_waiting, needs.ideas_unanswered, needs.followups_open,
            needs.followups_overdue, needs.emails_failed, needs.emails_queued) == (
        2, 1, 2, 1, 1, 2)  # fmt: skip
    assert needs.publish is None, "never published"


def test_the_figures_and_the_outbox_service_need_no_flask() -> None:
    """A report or a command can compute them without the web app."""
    check = ("import sys, feedback_app.admin.stats, feedback_app.admin.outbox; "
             "web = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('flask', 'flask_babel', 'flask_login', 'werkzeug', 'pygal')); "
             "assert not web, web")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
