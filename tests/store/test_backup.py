"""`backup` and `restore` through the store: one snapshot of everything, restored whole or
not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_app.store import BoardQuery, CorruptDataError, Idea, Store
from tests.conftest import Backend


def _idea(store: Store, title: str = "Oat milk") -> int:
    return store.ideas.add(Idea(title, "d", "Drinks", 1)).id


def test_backup_and_restore_round_trip(store: Store, tmp_path: Path) -> None:
    keep = _idea(store, "Кава з медом")
    store.votes.cast(keep, 1, 1)
    archive = tmp_path / "backup.zip"
    progress: list[tuple[int, int]] = []
    assert store.backup(archive, progress=lambda d, t: progress.append((d, t))) >= 2
    assert progress[-1][0] == progress[-1][1]
    later = _idea(store, "added after the backup")
    store.votes.cast(keep, 2, 1)
    store.restore(archive)
    assert store.ideas.get(keep).title == "Кава з медом"
    assert store.votes.tally(keep) == (1, 0)
    assert later not in {i.id for i in store.ideas.all()}


def test_a_restore_brings_back_what_each_tag_lists(store: Store, tmp_path: Path) -> None:
    """Listings by tag follow the restored ideas, not the ones they replaced."""
    vegan = [store.ideas.add(Idea(f"Vegan {n}", "d", "Food", 1, tags=["vegan"])).id
             for n in range(2)]  # fmt: skip
    store.ideas.add(Idea("Pumpkin", "d", "Food", 1, tags=["seasonal", "vegan"]))
    archive = tmp_path / "backup.zip"
    store.backup(archive)
    store.ideas.edit(vegan[0], tags=["dessert"])
    store.ideas.add(Idea("Later", "d", "Food", 1, tags=["dessert"]))
    store.restore(archive)

    def listed(tag: str) -> tuple[list[str], int]:
        page = store.ideas.list(BoardQuery(sort="new", tag=tag))
        return sorted(s.idea.title for s in page.items), page.total

    assert listed("vegan") == (["Pumpkin", "Vegan 0", "Vegan 1"], 3)
    assert listed("seasonal") == (["Pumpkin"], 1)
    assert listed("dessert") == ([], 0)


def test_restore_refuses_a_damaged_archive_and_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    keep = _idea(store)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK not really a zip")
    with pytest.raises(CorruptDataError):
        store.restore(bad)
    assert store.ideas.get(keep).title == "Oat milk"


def test_backup_and_restore_report_progress_to_every_process(
    store: Store, backend: Backend, tmp_path: Path
) -> None:
    kept = store.ideas.add(Idea("Cornetti integrali", "d", "Food", 1))
    archive = tmp_path / "snapshot.zip"
    seen: list[tuple[int, int]] = []
    assert store.backup(archive, lambda done, total: seen.append((done, total))) >= 1
    assert seen and seen[-1][0] == seen[-1][1] and len({total for _, total in seen}) == 1
    store.ideas.add(Idea("added later", "d", "Food", 1))
    restored: list[tuple[int, int]] = []
    store.restore(archive, lambda done, total: restored.append((done, total)))
    assert restored[-1][0] == restored[-1][1]
    assert [i.title for i in backend.open().ideas.all()] == ["Cornetti integrali"]
    assert store.ideas.get(kept.id).title == "Cornetti integrali"
