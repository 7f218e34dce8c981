import pytest

from feedback_app.store import Idea, NotFound, Stance, Store


def test_comments_keep_order_stance_and_unicode(store: Store) -> None:
    idea = store.ideas.add(Idea("Tea", "d", "Drinks", 1)).id
    store.comments.add(idea, 1, "Так, підтримую!", Stance.PRO)
    store.comments.add(idea, 2, "可能会增加成本。", Stance.CON)
    store.comments.add(idea, 3, "We are on it.", official=True)
    found = store.comments.for_idea(idea)
    assert [(c.body, c.stance) for c in found] == [
        ("Так, підтримую!", Stance.PRO),
        ("可能会增加成本。", Stance.CON),
        ("We are on it.", Stance.NEUTRAL),
    ]
    assert found[2].official
    assert store.comments.for_idea(idea + 1000) == []


def test_edit_and_hide(store: Store) -> None:
    idea = store.ideas.add(Idea("Tea", "d", "Drinks", 1)).id
    c = store.comments.add(idea, 1, "typo")
    edited = store.comments.edit(c.id, "fixed")
    assert edited.body == "fixed" and edited.edited_at is not None
    store.comments.set_hidden(c.id, True)
    assert store.comments.for_idea(idea) == []
    assert store.comments.for_idea(idea, include_hidden=True)[0].hidden
    assert store.comments.counts() == {}
    assert store.comments.count() == 0
    with pytest.raises(NotFound):
        store.comments.get(c.id + 999)
