import threading
from datetime import timedelta

import pytest

from feedback_app.store import (
    FollowUp,
    Job,
    NotFound,
    Store,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    utcnow,
)
from feedback_app.store.models import Contact, CreditStyle, JobState, Sale, credit_line
from tests.conftest import Backend


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
    t = store.testimonials.add(
        Testimonial("Great coffee", 5, "Sam", email="sam@example.com", email_confirmed_at=utcnow())
    )
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


def test_add_once_keeps_one_sale_per_order_reference(store: Store) -> None:
    sold = utcnow() - timedelta(days=3)
    first, added = store.sales.add_once(
        Sale("olena@example.com", "ORD-1", sold, name="Олена"), "order_ref"
    )
    again, added_again = store.sales.add_once(
        Sale("other@example.com", "ORD-1", utcnow()), "order_ref"
    )
    assert (added, added_again) == (True, False)
    assert again.id == first.id and again.email == "olena@example.com" and again.name == "Олена"
    assert store.sales.count() == 1
    with pytest.raises(ValueError, match="order_ref"):
        store.sales.add_once(Sale("x@example.com", "", sold), "order_ref")


def test_add_once_from_many_stores_at_once_stores_one(backend: Backend) -> None:
    """Eight writers (each its own store object, as separate processes or hosts would be) add
    the same contact at the same moment: one record, and every writer is handed that one."""
    stores = [backend.open() for _ in range(8)]
    start = threading.Barrier(len(stores))
    results: list[tuple[int, bool]] = []

    def add(store: Store) -> None:
        start.wait()
        contact, added = store.contacts.add_once(Contact("taras@example.com"), "email")
        results.append((contact.id, added))

    threads = [threading.Thread(target=add, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({rid for rid, _ in results}) == 1
    assert sorted(added for _, added in results) == [False] * 7 + [True]
    assert stores[0].contacts.count() == 1


def test_find_matches_stored_fields_exactly_newest_first(store: Store) -> None:
    older = SurveyResponse("a@example.com", "ORD-1", 3, "Довго чекав", sale_id=7)
    older.created_at = utcnow() - timedelta(hours=2)
    store.surveys.add(older)
    newer = store.surveys.add(SurveyResponse("a@example.com", "ORD-2", 9, "很好"))
    store.surveys.add(SurveyResponse("A@example.com", "ORD-3", 10))
    assert [s.id for s in store.surveys.find(email="a@example.com")] == [newer.id, older.id]
    assert [s.id for s in store.surveys.find(email="a@example.com", sale_id=7)] == [older.id]
    assert [s.id for s in store.surveys.find(sale_id=None, score=9)] == [newer.id]
    assert store.surveys.find(email="nobody@example.com") == []


def test_remove_forgets_a_record_once(store: Store) -> None:
    kept = store.contacts.add(Contact("kept@example.com"))
    gone = store.contacts.add(Contact("gone@example.com"))
    store.contacts.remove(gone.id)
    assert [c.id for c in store.contacts.all()] == [kept.id]
    with pytest.raises(NotFound):
        store.contacts.get(gone.id)
    with pytest.raises(NotFound):
        store.contacts.remove(gone.id)


def test_a_change_that_fails_leaves_the_record_as_it_was(store: Store) -> None:
    contact = store.contacts.add(Contact("ana@example.com", language="tl"))

    def refuse(c: Contact) -> None:
        c.language = "it"
        raise RuntimeError("asked too recently")

    with pytest.raises(RuntimeError):
        store.contacts.update(contact.id, refuse)
    assert store.contacts.get(contact.id).language == "tl"


def test_testimonial_needs_a_confirmed_email_to_be_published(store: Store) -> None:
    t = store.testimonials.add(Testimonial(
        "Смачна кава і швидка доставка", 5, "Олена Коваленко", email="olena@example.com",
        credit_style=CreditStyle.FIRST_INITIAL, state=TestimonialState.APPROVED,
        consented_at=utcnow(),
    ))  # fmt: skip
    assert not t.publishable
    confirmed = store.testimonials.update(
        t.id, lambda r: setattr(r, "email_confirmed_at", utcnow())
    )
    assert confirmed.publishable and confirmed.credit == "Олена К."


def test_scheduling_a_job_twice_keeps_one_and_a_cancelled_job_never_runs(store: Store) -> None:
    due = utcnow() - timedelta(minutes=1)
    job, added = store.jobs.schedule(
        Job("touch", {"sale": 1}, key="sale:1:thanks", next_attempt_at=due)
    )
    same, added_again = store.jobs.schedule(Job("touch", {"sale": 1}, key="sale:1:thanks"))
    assert (added, added_again, same.id) == (True, False, job.id)
    later, _ = store.jobs.schedule(
        Job("touch", {"sale": 1}, key="sale:1:survey", next_attempt_at=due)
    )
    assert store.jobs.cancel(later.id).state is JobState.CANCELLED
    claimed = store.jobs.claim(timedelta(seconds=30))
    assert [j.key for j in claimed] == ["sale:1:thanks"]
    store.jobs.finish([job.id])
    assert store.jobs.cancel(job.id).state is JobState.DONE, "a job that ran stays done"
    with pytest.raises(NotFound):
        store.jobs.cancel(job.id + 10_000)


def test_a_full_name_is_credited_exactly_as_written() -> None:
    name = "Ana\u00a0 Maria  Santos"
    assert credit_line(name, CreditStyle.FULL) == name
    assert credit_line(name, CreditStyle.FIRST_INITIAL) == "Ana M. S."
    assert credit_line(name, CreditStyle.INITIALS) == "A. M. S."
    assert credit_line(name, CreditStyle.ANONYMOUS) == ""
