"""`voicebox person export` and `voicebox person erase`: everything about one address, in
every collection, on both backends; an erased testimonial leaves the site at the next publish."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask

from feedback_app.store import (
    FollowUp,
    Idea,
    Job,
    Message,
    Role,
    Stance,
    Store,
    SurveyResponse,
    Testimonial,
    TestimonialState,
    TokenError,
    utcnow,
)
from feedback_app.store.models import ApiToken, Contact, Photo, Sale
from generator.collect import collect
from tests.conftest import VoiceboxRunner, app_store, sign_in

EMAIL = "Олена.Коваленко@Example.com"
ADDRESS = "олена.коваленко@example.com"
QUOTE = "Кава щоранку свіжа, доставка вчасно — дякую! 谢谢"


@dataclass
class Seeded:
    user: int
    other: int
    idea: int
    other_idea: int
    sale: int
    survey: int
    testimonial: int
    photo: int
    token: str


def _seed(store: Store) -> Seeded:
    """One person everywhere, and someone else beside them who must be left alone."""
    now = utcnow()
    person = store.users.add(EMAIL, Role.CUSTOMER, "Олена Коваленко")
    other = store.users.add("other@example.com", Role.CUSTOMER, "Marco Rossi")
    idea = store.ideas.add(Idea("Більше безкофеїнової кави", "Прошу", "Drinks", person.id))
    other_idea = store.ideas.add(Idea("Oat milk", "Please", "Drinks", other.id))
    store.comments.add(other_idea.id, person.id, "Так, будь ласка", Stance.PRO)
    store.comments.add(idea.id, other.id, "Sì, anche io", Stance.PRO)
    store.votes.cast(other_idea.id, person.id, 1)
    store.votes.cast(idea.id, other.id, 1)
    sale = store.sales.add(Sale(ADDRESS, "A-1", now - timedelta(days=9), name="Олена"))
    store.sales.add(Sale("other@example.com", "A-2", now - timedelta(days=9)))
    store.contacts.add(Contact(ADDRESS, name="Олена", language="uk"))
    store.contacts.add(Contact("other@example.com"))
    survey = store.surveys.add(SurveyResponse(
        ADDRESS, "A-1", 10, reason="Моя адреса: Київ", user_id=person.id, sale_id=sale.id
    ))  # fmt: skip
    store.surveys.add(SurveyResponse("other@example.com", "A-2", 3, reason="Slow"))
    photo = store.photos.add(Photo("image/jpeg", "AAAA", 1, 1))
    testimonial = store.testimonials.add(Testimonial(
        QUOTE, 5, "Олена Коваленко", email=ADDRESS, email_confirmed_at=now, consented_at=now,
        state=TestimonialState.APPROVED, photo_id=photo.id, survey_id=survey.id,
    ))  # fmt: skip
    store.testimonials.add(Testimonial(
        "Great coffee, every single morning.", 5, "Marco Rossi", email="other@example.com",
        email_confirmed_at=now, consented_at=now, state=TestimonialState.APPROVED,
    ))  # fmt: skip
    store.followups.add(FollowUp("call", person.id, ADDRESS, "score 4", now, name="Олена"))
    store.followups.add(FollowUp("call", other.id, "other@example.com", "score 2", now))
    token = store.tokens.issue(EMAIL)
    store.tokens.issue("other@example.com")
    store.messages.enqueue(Message(ADDRESS, "Дякуємо", "Текст"))
    store.messages.enqueue(Message("other@example.com", "Thanks", "Text"))
    store.jobs.schedule(Job("sales-thanks", {"sale": sale.id}, key="sale:1:thanks"))
    store.jobs.schedule(Job("sales-thanks", {"sale": sale.id + 1000}, key="sale:2:thanks"))
    store.api_tokens.add(ApiToken("shop", "f" * 64, created_by=person.id))
    return Seeded(person.id, other.id, idea.id, other_idea.id, sale.id, survey.id,
                  testimonial.id, photo.id, token)  # fmt: skip


def _export(runner: VoiceboxRunner, email: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke("person", "export", email)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def _counts(export: dict) -> dict[str, int]:  # type: ignore[type-arg]
    return {name: len(records) for name, records in export["collections"].items() if records}


def test_export_holds_everything_about_the_address_and_nothing_else(
    store: Store, runner: VoiceboxRunner
) -> None:
    seeded = _seed(store)
    export = _export(runner, "  " + EMAIL.upper() + " ")
    assert export["email"] == ADDRESS
    assert _counts(export) == {
        "users": 1, "ideas": 1, "comments": 1, "votes": 1, "surveys": 1, "testimonials": 1,
        "followups": 1, "sales": 1, "contacts": 1, "photos": 1, "api_tokens": 1, "tokens": 1,
        "messages": 1, "jobs": 1,
    }  # fmt: skip
    found = export["collections"]
    assert found["testimonials"][0]["original_text"] == QUOTE, "text byte for byte"
    assert found["testimonials"][0]["id"] == seeded.testimonial
    assert found["surveys"][0]["reason"] == "Моя адреса: Київ"
    assert found["users"][0]["name"] == "Олена Коваленко"
    assert found["jobs"][0]["payload"] == {"sale": seeded.sale}
    vote = found["votes"][0]
    assert (vote["idea_id"], vote["user_id"], vote["value"]) == (seeded.other_idea, seeded.user, 1)
    assert "token_hash" not in json.dumps(found), "no hash of a live secret leaves the store"
    assert "other@example.com" not in json.dumps(export) and "Marco" not in json.dumps(export)


def test_export_of_an_unknown_address_lists_every_collection_empty(
    store: Store, runner: VoiceboxRunner
) -> None:
    _seed(store)
    export = _export(runner, "nobody@example.com")
    assert _counts(export) == {}
    assert "messages" in export["collections"] and "jobs" in export["collections"]


def test_export_to_a_private_file(store: Store, runner: VoiceboxRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _seed(store)
    target = tmp_path / "olena.json"
    result = runner.invoke("person", "export", EMAIL, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["collections"]["users"]


def test_erase_removes_or_anonymises_everything_and_leaves_others_alone(
    make_app, runner: VoiceboxRunner  # type: ignore[no-untyped-def]
) -> None:
    app: Flask = make_app()
    store = app_store(app)
    seeded = _seed(store)
    before = {t.quote for t in collect(store, "http://x").testimonials}
    assert before == {QUOTE, "Great coffee, every single morning."}
    tally = store.votes.tally(seeded.other_idea)

    result = runner.invoke("person", "erase", EMAIL, "--yes")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Removed: 1 testimonials, 1 photos, 1 followups, 1 contacts, 1 messages, 1 jobs, " \
           "1 tokens" in out
    assert "Anonymised: 1 sales, 1 surveys, 1 users" in out
    assert "Kept, now under an account that names nobody: 1 ideas, 1 comments, 1 votes" in out
    assert "1 of the removed testimonials were on the published site" in out

    assert _counts(_export(runner, EMAIL)) == {}, "nothing about the address is left"
    # The site loses the testimonial at the next publish; the other one stays.
    after = [t.quote for t in collect(store, "http://x").testimonials]
    assert after == ["Great coffee, every single morning."]
    sale = store.sales.get(seeded.sale)
    assert (sale.email, sale.name, sale.order_ref) == ("", "", "A-1")
    assert sale.anonymised_at is not None
    survey = store.surveys.get(seeded.survey)
    assert (survey.email, survey.reason, survey.user_id, survey.score) == ("", "", None, 10)
    with pytest.raises(TokenError):
        store.tokens.redeem(seeded.token)
    erased = store.users.get(seeded.user)
    assert erased.erased_at is not None and erased.name == "" and "example" not in erased.email
    assert store.ideas.get(seeded.idea).author_id == seeded.user, "the idea stays"
    assert store.votes.tally(seeded.other_idea) == tally, "the vote still counts"
    assert seeded.user not in store.ideas.followers(seeded.other_idea)
    # Everyone else's records are as they were.
    assert store.users.get(seeded.other).name == "Marco Rossi"
    for name in ("sales", "contacts", "surveys", "followups", "testimonials"):
        named = [r.email for r in getattr(store, name).all() if r.email]
        assert named == ["other@example.com"], name
    assert [m.to for m in store.messages.all()] == ["other@example.com"]
    assert [j.key for j in store.jobs.all()] == ["sale:2:thanks"]

    client = app.test_client()
    sign_in(client, seeded.other)
    page = client.get(f"/ideas/{seeded.idea}").get_data(as_text=True)
    assert "a former member" in page and "Олена" not in page

    again = runner.invoke("person", "erase", EMAIL, "--yes")
    assert again.exit_code == 0 and "Nothing about" in again.output


def test_an_erased_account_signs_in_no_more(make_app) -> None:  # type: ignore[no-untyped-def]
    app: Flask = make_app()
    store = app_store(app)
    person = store.users.add(EMAIL)
    client = app.test_client()
    sign_in(client, person.id)
    assert client.get("/account").status_code == 200
    from feedback_app.privacy import erase_person

    erase_person(store, EMAIL, utcnow())
    assert client.get("/account").status_code != 200, "the session ended"
    assert store.users.add(EMAIL).id != person.id, "the address starts afresh"


def test_erase_asks_first_and_rejects_what_is_no_address(
    store: Store, runner: VoiceboxRunner
) -> None:
    _seed(store)
    refused = runner.invoke("person", "erase", EMAIL, input="n\n")
    assert refused.exit_code != 0
    assert store.users.find_by_email(EMAIL) is not None
    bad = runner.invoke("person", "export", "not-an-address")
    assert bad.exit_code == 2 and "not an email address" in bad.output
