"""The audit log's writer: who did what, and only the values that changed."""

from __future__ import annotations

import dataclasses

from feedback_app import audit
from feedback_app.store import Idea, IdeaStatus, Role, Store


def test_an_entry_keeps_who_what_and_only_the_changed_values(store: Store) -> None:
    marta = store.users.add("marta@example.com", Role.MARKETER, "Марта")
    idea = store.ideas.add(Idea("Вівсяне молоко", "Без лактози", "Drinks", 1))
    edited = dataclasses.replace(idea, title="Вівсяне молоко щодня", status=IdeaStatus.PLANNED)
    before, after = audit.changes(idea, edited, ["title", "description", "status"])
    assert (before, after) == (
        {"title": "Вівсяне молоко", "status": "new"},
        {"title": "Вівсяне молоко щодня", "status": "planned"},
    )
    entry = audit.record(store, marta, "idea.edit", "idea", idea.id, before, after)
    (stored,) = audit.history(store, "idea", idea.id)
    assert stored == entry
    assert (stored.actor_id, stored.actor_email, stored.before["title"]) == (
        marta.id, "marta@example.com", "Вівсяне молоко"
    )
    store.users.erase(marta.id)
    assert audit.history(store, "idea", idea.id)[0].actor_email == "marta@example.com", (
        "the log says who acted as they were then"
    )


def test_history_is_per_record_newest_first(store: Store) -> None:
    for n in range(3):
        audit.record(store, None, f"idea.status {n}", "idea", 7)
    audit.record(store, None, "testimonial.approve", "testimonial", 7)
    assert [e.action for e in audit.history(store, "idea", 7)] == [
        "idea.status 2", "idea.status 1", "idea.status 0"
    ]
