from datetime import timedelta

import pytest

from feedback_app.store import (
    FollowUp,
    NotFound,
    Store,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    utcnow,
)


def test_survey_responses_newest_first_with_nps_category(store: Store) -> None:
    first = store.surveys.add(SurveyResponse("a@example.com", "ORD-1", 10))
    second = store.surveys.add(SurveyResponse("b@example.com", "ORD-2", 3, "Довго чекав"))
    assert [s.id for s in store.surveys.all()] == [second.id, first.id]
    assert store.surveys.get(second.id).reason == "Довго чекав"
    assert (first.category, second.category) == ("promoter", "detractor")
    assert SurveyResponse("c@example.com", "O", 7).category == "passive"


def test_testimonial_is_publishable_only_with_approval_consent_and_no_withdrawal(
    store: Store,
) -> None:
    t = store.testimonials.add(Testimonial(1, "Great coffee", 5, "Sam"))
    assert not t.publishable

    def approve(r: Testimonial) -> None:
        r.state = TestimonialState.APPROVED
        r.consented_at = utcnow()

    assert store.testimonials.update(t.id, approve).publishable

    def edit(r: Testimonial) -> None:
        r.approved_text = "Great coffee!"

    edited = store.testimonials.update(t.id, edit)
    assert not edited.publishable, "an edit needs the customer's approval"
    assert edited.original_text == "Great coffee"

    def customer_ok(r: Testimonial) -> None:
        r.customer_approved_edit = True

    assert store.testimonials.update(t.id, customer_ok).published_text == "Great coffee!"

    def withdraw(r: Testimonial) -> None:
        r.withdrawn_at = utcnow()

    assert not store.testimonials.update(t.id, withdraw).publishable


def test_followups_round_trip(store: Store) -> None:
    due = utcnow() + timedelta(days=1)
    f = store.followups.add(FollowUp("call", None, "x@example.com", "Scored 2", due))
    assert store.followups.get(f.id).due_at == due
    assert store.followups.count() == 1
    with pytest.raises(NotFound):
        store.followups.update(f.id + 100, lambda r: None)
