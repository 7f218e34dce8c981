"""The store's part in erasing a person: an account forgotten in place, and sign-in links,
emails and jobs removed, alike on both backends."""

from __future__ import annotations

import pytest

from feedback_app.store import Job, Message, NotFound, Role, Store
from feedback_app.store.models import ERASED_DOMAIN, Contact, TokenError


def test_an_erased_account_keeps_its_id_and_names_nobody(store: Store) -> None:
    other = store.users.add("other@example.com", Role.CUSTOMER, "Інший")
    person = store.users.add("Олена@Example.com", Role.MARKETER, "Олена Коваленко")
    erased = store.users.erase(person.id)
    assert erased.id == person.id
    assert erased.email == f"erased-{person.id}@{ERASED_DOMAIN}"
    assert erased.name == "" and erased.role is Role.CUSTOMER
    assert erased.erased_at is not None
    assert erased.session_epoch == person.session_epoch + 1, "every session ends"
    assert store.users.find_by_email("олена@example.com") is None
    assert store.users.get(other.id).name == "Інший"
    again = store.users.add("олена@example.com")
    assert again.id not in (person.id, other.id), "the address signs up as someone new"
    assert store.users.count() == 3
    with pytest.raises(NotFound):
        store.users.erase(9999)


def test_forgetting_an_address_removes_its_sign_in_links_only(store: Store) -> None:
    gone = [store.tokens.issue("Gone@example.com") for _ in range(3)]
    kept = store.tokens.issue("kept@example.com")
    assert store.tokens.forget("gone@EXAMPLE.com") == 3
    for raw in gone:
        with pytest.raises(TokenError):
            store.tokens.redeem(raw)
    assert store.tokens.redeem(kept) == "kept@example.com"
    assert store.tokens.forget("gone@example.com") == 0


def test_removed_messages_and_jobs_are_gone_whatever_their_state(store: Store) -> None:
    queued = store.messages.enqueue(Message("a@example.com", "Привіт", "Body"))
    kept = store.messages.enqueue(Message("b@example.com", "Hi", "Body"))
    job = store.jobs.add(Job("kind", {"sale": 1}))
    other = store.jobs.add(Job("kind", {"sale": 2}))
    assert store.messages.remove([queued.id, 99_999]) == 1
    assert [m.id for m in store.messages.all()] == [kept.id]
    assert store.messages.pending() == 1
    assert store.jobs.remove([job.id]) == 1
    assert [j.id for j in store.jobs.all()] == [other.id]
    assert store.messages.remove([]) == 0 and store.jobs.remove([]) == 0


def test_a_removed_record_s_id_is_never_given_to_another(store: Store) -> None:
    """A job or a staff page may still name a removed follow-up: a new one must not answer
    to its id (TinyDB numbered a file's next record max + 1, reusing the id just removed)."""
    made = [store.contacts.add(Contact(f"p{n}@example.com")).id for n in range(12)]
    for record_id in made:
        store.contacts.remove(record_id)
    later = [store.contacts.add(Contact(f"q{n}@example.com")).id for n in range(12)]
    later += store.contacts.add_many([Contact(f"r{n}@example.com") for n in range(12)])
    assert not set(made) & set(later)
    sent = [store.messages.enqueue(Message(f"p{n}@example.com", "S", "B")).id for n in range(6)]
    store.messages.remove(sent)
    store.messages.enqueue_keyed([(f"k{n}", Message("a@example.com", "S", "B")) for n in range(6)])
    assert not set(sent) & {m.id for m in store.messages.all()}
