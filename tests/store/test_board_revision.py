"""The board's revision: every change to what a listing shows, made by any store of the same
data (another process, another host), changes it; reading, and writing elsewhere, does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from feedback_app.store import (
    BoardQuery,
    Idea,
    IdeaStatus,
    Message,
    Stance,
    Store,
    open_store,
)
from tests.conftest import Backend
from tests.store.processes import run_together


def _board(store: Store) -> dict[str, int]:
    ideas = {
        title: store.ideas.add(Idea(title, "Чому це важливо", "Drinks", 1, tags=["кава"])).id
        for title in ("Більше безлактозних десертів", "增加无糖饮品选项", "Mas maraming upuan")
    }
    ideas["comment"] = store.comments.add(ideas["增加无糖饮品选项"], 2, "Так!").id
    return ideas


CHANGES: dict[str, Callable[[Store, dict[str, int]], Any]] = {
    "a new idea": lambda s, i: s.ideas.add(Idea("Cornetti vegani", "d", "Food", 3)),
    "a vote": lambda s, i: s.votes.cast(i["增加无糖饮品选项"], 7, 1),
    "a demotion": lambda s, i: s.votes.cast(i["Mas maraming upuan"], 7, -1),
    "a comment": lambda s, i: s.comments.add(i["Mas maraming upuan"], 7, "Oo", Stance.PRO),
    "a comment hidden": lambda s, i: s.comments.set_hidden(i["comment"], True),
    "a title edited": lambda s, i: s.ideas.edit(i["增加无糖饮品选项"], title="无糖饮品"),
    "tags edited": lambda s, i: s.ideas.edit(i["增加无糖饮品选项"], tags=["чай"]),
    "a category edited": lambda s, i: s.ideas.edit(i["增加无糖饮品选项"], category="Food"),
    "a status change": lambda s, i: s.ideas.set_status(
        i["Більше безлактозних десертів"], IdeaStatus.PLANNED, "Скоро", by=9
    ),
    "a merge": lambda s, i: s.ideas.merge(
        i["Mas maraming upuan"], i["Більше безлактозних десертів"], by=9, response="Same"
    ),
    "everything cleared": lambda s, i: s.clear(),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_made_through_another_store_changes_the_revision(
    store: Store, backend: Backend, change: str
) -> None:
    ideas = _board(store)
    elsewhere = backend.open()
    before = store.board_revision(), store.board_revision(settled=True)
    assert before[1] is not None, "nothing is being written: the revision is settled"
    CHANGES[change](elsewhere, ideas)
    after = store.board_revision(), store.board_revision(settled=True)
    assert after[0] != before[0] and after[1] != before[1]
    assert after[1] is not None


def test_reads_and_writes_off_the_board_leave_the_revision_alone(
    store: Store, backend: Backend
) -> None:
    ideas = _board(store)
    store.votes.cast(ideas["增加无糖饮品选项"], 7, 1)
    before = store.board_revision()
    for sort in ("trending", "top", "new", "discussed"):
        store.ideas.list(BoardQuery(sort=sort, text="无糖", tag="кава"))
    store.ideas.summary(ideas["增加无糖饮品选项"])
    store.ideas.similar("Більше безлактозних десертів")
    store.comments.for_idea(ideas["增加无糖饮品选项"])
    store.votes.ideas_voted_by(7)
    store.check()
    # Writes that no listing shows: a sign-in, a form post counted, a mail queued.
    store.users.add("olena@example.com", name="Олена")
    store.tokens.issue("olena@example.com")
    store.limits.hit("post:127.0.0.1", 60, 60)
    store.messages.enqueue(Message("olena@example.com", "Привіт", "text"))
    store.status.put("publish", {"ok": True})
    assert store.board_revision() == before == backend.open().board_revision()
    assert store.board_revision(settled=True) == before


def _vote(settings: dict[str, Any], idea_id: int, start: Any) -> None:
    store = open_store(settings)
    start.wait()
    store.votes.cast(idea_id, 42, 1)
    store.close()


def test_a_vote_from_another_process_changes_the_revision(store: Store, backend: Backend) -> None:
    idea = _board(store)["Більше безлактозних десертів"]
    before = store.board_revision(settled=True)
    run_together(_vote, [(backend.settings, idea)])
    after = store.board_revision(settled=True)
    assert after is not None and after != before
    assert store.ideas.summary(idea).promotes == 1


def test_the_revision_of_an_empty_board_is_settled(store: Store) -> None:
    assert store.board_revision(settled=True) is not None
    assert store.board_revision(settled=True) == store.board_revision()
