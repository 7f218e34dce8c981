"""The store applies the text rules at its edge: whatever road text takes in, a one-line field
is stored on one line and no field keeps a bidi override or a noncharacter.

The forms apply the same rules; these tests write straight through the store, as the CLI, the
demo seeder, an import or a future API would.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from feedback_app.mail import FileTransport, Mailer
from feedback_app.store import (
    FollowUp,
    Idea,
    IdeaStatus,
    Message,
    Store,
    SurveyResponse,
    Testimonial,
    utcnow,
)
from tests.conftest import Backend
from tests.store.raw import insert_raw, raw_doc

SPOOF = "\u202e"
WORLD = (
    "Більше десертів · Сделайте карту · Mas maraming upuan · Cornetti vegani · 增加无糖饮品选项"
    " · 👩‍👩‍👧‍👦 👍🏽 🏳️‍🌈 · مرحبا ‏ · \uf900"
)


@pytest.fixture
def reopened(backend: Backend) -> Store:
    """A second store on the same data: what another process reads."""
    return backend.open()


def test_a_title_written_through_the_store_is_stored_on_one_line(
    store: Store, reopened: Store
) -> None:
    idea = store.ideas.add(Idea(f"Oat milk\nBcc: all{SPOOF}gpj.exe", "d", "Drinks\r\n", 1))
    assert idea.title == "Oat milk Bcc: allgpj.exe", "the record handed back is clean too"
    stored = reopened.ideas.get(idea.id)
    assert (stored.title, stored.category) == ("Oat milk Bcc: allgpj.exe", "Drinks")
    assert raw_doc(reopened, "ideas", idea.id)["title"] == "Oat milk Bcc: allgpj.exe"


def test_every_idea_field_follows_its_rule(store: Store, reopened: Store) -> None:
    idea = store.ideas.add(
        Idea("t", f"line one\r\nline two{SPOOF}\u2028three\ufffe", "c", 1, tags=["oat\nmilk"])
    )
    store.ideas.edit(idea.id, title=f"new\u2029title{SPOOF}", tags=[f"a{SPOOF}\rb"])
    store.ideas.set_status(
        idea.id, IdeaStatus.IMPLEMENTED, f"Done\r\n{SPOOF}ok\uffff", by=1,
        changed_note="Now\u0085free\U0010ffff",
    )  # fmt: skip
    got = reopened.ideas.get(idea.id)
    assert got.description == "line one\nline two\nthree"
    assert (got.title, got.tags) == ("new title", ["a b"])
    assert got.history[-1].response == "Done\nok"
    assert got.changed_note == "Now free"  # shown inline: one line
    doc = raw_doc(reopened, "ideas", idea.id)
    assert (doc["title"], doc["history"][-1]["response"]) == ("new title", "Done\nok")


def test_names_and_comments_follow_their_rules(store: Store, reopened: Store) -> None:
    user = store.users.add("olena@example.com", name=f"Олена\n{SPOOF}Admin")
    assert user.name == "Олена Admin"
    assert store.users.rename(user.id, f"Li\r\n{SPOOF}Wei").name == "Li Wei"
    comment = store.comments.add(1, user.id, f"pro\r\n{SPOOF}con\ufdd0")
    edited = store.comments.edit(comment.id, f"edited\u2028{SPOOF}text")
    assert reopened.users.get(user.id).name == "Li Wei"
    assert reopened.comments.get(comment.id).body == edited.body == "edited\ntext"
    assert raw_doc(reopened, "users", user.id)["name"] == "Li Wei"
    assert raw_doc(reopened, "comments", comment.id)["body"] == "edited\ntext"


def test_surveys_testimonials_and_follow_ups_follow_their_rules(
    store: Store, reopened: Store
) -> None:
    survey = store.surveys.add(SurveyResponse("a@example.com", "ORD\n1", 3, f"Slow{SPOOF}\r\n"))
    quote = store.testimonials.add(
        Testimonial(f"Great\r\ncoffee{SPOOF}", 5, f"Sam\nSmith{SPOOF}", credit_role="Barista\n")
    )

    def edit(t: Testimonial) -> None:
        t.approved_text = f"Great\u2028coffee!{SPOOF}"
        t.credit_company = "Caffè\nRoma"

    store.testimonials.update(quote.id, edit)
    follow_up = store.followups.add(
        FollowUp("call\n", None, "a@example.com", f"Unhappy{SPOOF}", due_at=utcnow())
    )
    assert (reopened.surveys.get(survey.id).order_ref, reopened.surveys.get(survey.id).reason) == (
        "ORD 1",
        "Slow",
    )
    t = reopened.testimonials.get(quote.id)
    assert (t.original_text, t.approved_text) == ("Great\ncoffee", "Great\ncoffee!")
    credit = (t.credit_name, t.credit_role, t.credit_company)
    assert credit == ("Sam Smith", "Barista", "Caffè Roma")
    f = reopened.followups.get(follow_up.id)
    assert (f.kind, f.reason) == ("call", "Unhappy")
    assert raw_doc(reopened, "testimonials", quote.id)["credit_company"] == "Caffè Roma"


def test_text_stored_before_the_rules_is_read_back_clean(store: Store, reopened: Store) -> None:
    doc = Idea("x", "d", "Drinks", 1).to_doc()
    doc["title"] = f"Old\ntitle{SPOOF}"
    raw_id = insert_raw(store, "ideas", doc)
    assert store.ideas.get(raw_id).title == "Old title"
    assert reopened.ideas.all()[0].title == "Old title"


def test_every_language_survives_the_store_byte_identical(
    store: Store, reopened: Store, tmp_path: Path
) -> None:
    user = store.users.add("li@example.com", name=WORLD)
    idea = store.ideas.add(Idea(WORLD, f"{WORLD}\n\n{WORLD}", WORLD, user.id, tags=[WORLD]))
    comment = store.comments.add(idea.id, user.id, WORLD)
    got = reopened.ideas.get(idea.id)
    assert got.title.encode() == WORLD.encode()
    assert got.description == f"{WORLD}\n\n{WORLD}" and got.tags == [WORLD]
    assert reopened.users.get(user.id).name.encode() == WORLD.encode()
    assert reopened.comments.get(comment.id).body.encode() == WORLD.encode()


def test_a_queued_email_with_a_line_break_in_its_subject_is_delivered(
    store: Store, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    mailer = Mailer(store, FileTransport(outbox), "board@example.com")
    store.messages.enqueue(Message("li@example.com", "News about “Oat\nBcc: all@example.com”", "b"))
    doc = Message("li@example.com", "x", "queued before the rules").to_doc()
    doc["subject"] = "Old\r\nsubject"
    insert_raw(store, "messages", doc)
    assert mailer.deliver_due() == 2
    subjects = sorted(
        message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"]
        for eml in outbox.glob("*.eml")
    )
    assert subjects == ["News about “Oat Bcc: all@example.com”", "Old subject"]
