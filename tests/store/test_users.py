import pytest

from feedback_app.store import NotFound, Role, Store


def test_add_and_find_by_email_ignores_case(store: Store) -> None:
    user = store.users.add("Olena@Example.COM", name="Олена")
    assert store.users.find_by_email("olena@example.com") == user
    assert store.users.get(user.id).name == "Олена"
    assert store.users.find_by_email("nobody@example.com") is None


def test_adding_an_existing_email_returns_the_same_person(store: Store) -> None:
    first = store.users.add("a@example.com", Role.MARKETER)
    again = store.users.add("A@example.com", Role.CUSTOMER)
    assert again.id == first.id
    assert again.role is Role.MARKETER
    assert store.users.count() == 1


def test_ids_are_unique_across_many_users(store: Store) -> None:
    ids = {store.users.add(f"user{n}@example.com").id for n in range(40)}
    assert len(ids) == 40
    assert [u.email for u in store.users.all()] == sorted(
        (f"user{n}@example.com" for n in range(40)),
        key=lambda e: store.users.find_by_email(e).id,  # type: ignore[union-attr]
    )


def test_set_role_and_rename(store: Store) -> None:
    user = store.users.add("b@example.com")
    assert store.users.set_role(user.id, Role.ADMIN).role is Role.ADMIN
    assert store.users.rename(user.id, "李伟").display_name == "李伟"
    assert store.users.get(user.id).role.is_staff


def test_unknown_user_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.users.get(999)
    with pytest.raises(NotFound):
        store.users.set_role(999, Role.ADMIN)


def test_an_address_holding_controls_is_one_account_found_by_any_spelling(store: Store) -> None:
    ann = store.users.add("Ann\u202e@Example.com")
    assert store.users.add("ann@example.com").id == ann.id, "no second account"
    bob = store.users.add("bob\n@example.com")
    assert store.users.find_by_email("bob\n@example.com") == bob
    assert store.users.find_by_email(bob.email) == bob


def test_deactivating_ends_sessions_and_reactivating_keeps_the_person(store: Store) -> None:
    marta = store.users.add("marta@example.com", Role.MARKETER, "Марта")
    off = store.users.set_active(marta.id, False)
    assert (off.active, off.session_epoch) == (False, marta.session_epoch + 1)
    assert store.users.set_active(marta.id, False).session_epoch == off.session_epoch
    back = store.users.set_active(marta.id, True)
    assert (back.active, back.name, back.role, back.session_epoch) == (
        True,
        "Марта",
        Role.MARKETER,
        off.session_epoch,
    )
    with pytest.raises(NotFound):
        store.users.set_active(999, False)
