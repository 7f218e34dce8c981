"""The board's rules where they live: `feedback_app/ideas/service.py`, called directly.

The forms and templates check several of these first (a closed idea shows no vote button, the
status form requires a note), so page tests pass even without the rules. These call the
service inside an app context, as the views, the CLI and any future API do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask

from feedback_app.ideas import service
from feedback_app.ideas.service import BoardError
from feedback_app.mail import mailer
from feedback_app.store import Comment, Idea, IdeaStatus, Role, Stance, Store, utcnow

People = tuple[int, int, int]


@pytest.fixture
def ctx(app: Flask, store: Store) -> Iterator[Store]:
    """An app and request context (the service builds absolute links for emails)."""
    with app.test_request_context("/"):
        yield store


@pytest.fixture
def people(ctx: Store) -> tuple[int, int, int]:
    author = ctx.users.add("author@example.com", name="Олена").id
    voter = ctx.users.add("voter@example.com", name="Paolo").id
    staff = ctx.users.add("staff@example.com", Role.MARKETER, "Marta").id
    return author, voter, staff


Closer = Callable[[Store, int, int], int]


def _idea(store: Store, author: int, title: str = "Oat milk at no extra charge") -> int:
    return store.ideas.add(Idea(title, "Why it matters", "Drinks", author)).id


def _archived(store: Store, author: int, staff: int) -> int:
    idea = _idea(store, author)
    service.change_status(idea, IdeaStatus.ARCHIVED, "Old news", store.users.get(staff))
    return idea


def _merged(store: Store, author: int, staff: int) -> int:
    original = _idea(store, author, "Plant milk for free")
    duplicate = _idea(store, author, "Free oat milk")
    service.merge_ideas(duplicate, original, store.users.get(staff), "Same idea")
    return duplicate


@pytest.mark.parametrize("close", [_archived, _merged], ids=["archived", "merged"])
@pytest.mark.parametrize("value", [1, -1, 0])
def test_closed_ideas_take_no_votes(ctx: Store, people: People, close: Closer, value: int) -> None:
    author, voter, staff = people
    idea = close(ctx, author, staff)
    with pytest.raises(BoardError, match=r"archived|merged"):
        service.cast_vote(idea, voter, value)
    assert ctx.votes.value(idea, voter) == 0
    assert ctx.votes.tally(idea) == (0, 0)


@pytest.mark.parametrize("close", [_archived, _merged], ids=["archived", "merged"])
def test_closed_ideas_take_no_comments(ctx: Store, people: People, close: Closer) -> None:
    author, voter, staff = people
    idea = close(ctx, author, staff)
    before = len(ctx.comments.for_idea(idea, include_hidden=True))
    for is_staff, who in ((False, voter), (True, staff)):
        with pytest.raises(BoardError, match=r"archived|merged"):
            service.comment_on(idea, who, is_staff, "Still want it", Stance.PRO)
    assert len(ctx.comments.for_idea(idea, include_hidden=True)) == before


def test_open_ideas_take_votes_and_comments(ctx: Store, people: People) -> None:
    author, voter, staff = people
    idea = _idea(ctx, author)
    assert service.cast_vote(idea, voter, 1) == 1
    assert ctx.votes.tally(idea) == (1, 0)
    comment = service.comment_on(idea, voter, False, "Yes please", Stance.PRO)
    assert comment.body == "Yes please" and not comment.official
    assert voter in ctx.follows.choices(idea), "someone who comments follows the idea"
    assert service.comment_on(idea, staff, True, "We hear you", Stance.NEUTRAL).official


def test_demoting_is_refused_when_the_board_only_counts_promotions(
    app: Flask, ctx: Store, people: People
) -> None:
    author, voter, _ = people
    idea = _idea(ctx, author)
    app.config["ALLOW_DEMOTE"] = False
    with pytest.raises(BoardError, match="only counts promotions"):
        service.cast_vote(idea, voter, -1)
    assert ctx.votes.tally(idea) == (0, 0)
    assert service.cast_vote(idea, voter, 1) == 1, "promoting still works"
    assert service.cast_vote(idea, voter, 0) == 0, "so does withdrawing"
    app.config["ALLOW_DEMOTE"] = True
    assert service.cast_vote(idea, voter, -1) == -1
    assert ctx.votes.tally(idea) == (0, 1)


def test_only_the_author_edits_a_comment_and_only_for_fifteen_minutes(
    ctx: Store, people: People
) -> None:
    author, voter, _ = people
    idea = _idea(ctx, author)
    mine = service.comment_on(idea, voter, False, "First words", Stance.PRO)
    with pytest.raises(BoardError, match="only edit your own"):
        service.edit_comment(mine.id, author, "Hijacked")
    assert ctx.comments.get(mine.id).body == "First words"
    assert service.edit_comment(mine.id, voter, "Better words").body == "Better words"

    (old_id,) = ctx.comments.add_many(
        [Comment(idea, voter, "Old words", created_at=utcnow() - timedelta(minutes=16))]
    )
    with pytest.raises(BoardError, match="15 minutes"):
        service.edit_comment(old_id, voter, "Too late")
    assert ctx.comments.get(old_id).body == "Old words"


def test_status_rules(ctx: Store, people: People) -> None:
    author, _, staff_id = people
    staff = ctx.users.get(staff_id)
    idea = _idea(ctx, author)
    with pytest.raises(BoardError, match="merge it"):
        service.change_status(idea, IdeaStatus.DUPLICATE, "Dup", staff)
    with pytest.raises(BoardError, match="Say what changed"):
        service.change_status(idea, IdeaStatus.IMPLEMENTED, "Done", staff)
    with pytest.raises(BoardError, match="Say what changed"):
        service.change_status(idea, IdeaStatus.PARTIALLY_IMPLEMENTED, "Half", staff, "")
    assert ctx.ideas.get(idea).status is IdeaStatus.NEW and ctx.ideas.get(idea).history == []

    service.change_status(idea, IdeaStatus.ARCHIVED, "Old", staff)
    with pytest.raises(BoardError, match="cannot become"):
        service.change_status(idea, IdeaStatus.IMPLEMENTED, "Done", staff, "Now on the menu")
    assert ctx.ideas.get(idea).status is IdeaStatus.ARCHIVED
    reopened = service.change_status(idea, IdeaStatus.UNDER_REVIEW, "Looking again", staff)
    assert reopened.status is IdeaStatus.UNDER_REVIEW
    done = service.change_status(idea, IdeaStatus.IMPLEMENTED, "Done", staff, "On the menu")
    assert done.status is IdeaStatus.IMPLEMENTED and done.changed_note == "On the menu"


def test_a_status_change_emails_every_follower_once(ctx: Store, people: People) -> None:
    author, voter, staff = people
    idea = _idea(ctx, author)
    service.cast_vote(idea, voter, 1)
    service.change_status(idea, IdeaStatus.PLANNED, "Coming in spring", ctx.users.get(staff))
    assert mailer().run_jobs() == 2  # the request recorded one job; the mailer fans it out
    mail = [m for m in ctx.messages.all() if "Coming in spring" in m.text]
    assert sorted(m.to for m in mail) == ["author@example.com", "voter@example.com"]
    assert all(m.unsubscribe and m.unsubscribe in m.text for m in mail)


def test_merge_rules(ctx: Store, people: People) -> None:
    author, voter, staff = people
    original = _idea(ctx, author, "Plant milk for free")
    with pytest.raises(BoardError):
        service.merge_ideas(original, original, ctx.users.get(staff), "Itself")
    closed = _archived(ctx, author, staff)
    duplicate = _idea(ctx, author, "Free oat milk")
    with pytest.raises(BoardError):
        service.merge_ideas(duplicate, closed, ctx.users.get(staff), "Into a closed idea")
    assert ctx.ideas.get(duplicate).status is IdeaStatus.NEW
    service.cast_vote(duplicate, voter, 1)
    merged = service.merge_ideas(duplicate, original, ctx.users.get(staff), "Same idea")
    assert merged.status is IdeaStatus.DUPLICATE and merged.merged_into == original
    assert ctx.votes.value(original, voter) == 1, "the vote moved to the original"


def test_following_needs_an_existing_idea(ctx: Store, people: People) -> None:
    from feedback_app.store import NotFound

    _, voter, _ = people
    with pytest.raises(NotFound):
        service.set_following(987_654, voter, True)


def test_tags_are_trimmed_folded_deduplicated_and_limited() -> None:
    assert service.parse_tags("Oat milk, price ,PRICE,,  ") == ["oat milk", "price"]
    assert service.parse_tags(",".join(f"t{n}" for n in range(9))) == [f"t{n}" for n in range(5)]
    assert service.parse_tags("x" * 40) == ["x" * 30]
    assert service.parse_tags("Кава, 咖啡, Caffè") == ["кава", "咖啡", "caffè"]
