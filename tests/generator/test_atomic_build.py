"""The live site is switched, never rebuilt in place: readers always find a whole site, and a
failed build leaves the last good one serving."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from feedback_app.demo import seed_demo
from feedback_app.store import Idea, IdeaStatus, Store, TinyStore
from generator.build import TEMPLATE_CACHE, finish_removals
from generator.publish import BuildError, publish
from tests.conftest import built_idea_page, idea_pages

BOARD, SITE_URL = "http://board.example", "http://site.example/"


def _publish(store: Store, project: Path, force: bool = False) -> bool:
    return publish(store, project, project / "site", BOARD, SITE_URL, force=force).built


def _implement(store: Store, title: str) -> int:
    idea = store.ideas.add(Idea(title, "Please", "Food", 1))
    store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Done", by=1, changed_note="Shipped")
    return idea.id


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """One backend is enough: this is about the site folder, not the data."""
    return TinyStore(tmp_path / "data")


@pytest.fixture
def live(store: Store, site_project: Path) -> Store:
    seed_demo(store)
    _publish(store, site_project)
    return store


def test_a_failed_build_leaves_the_last_good_site_serving(live: Store, site_project: Path) -> None:
    site = site_project / "site"
    home = (site / "index.html").read_text()
    good_config = (site_project / "mkdocs.yml").read_text()
    idea = _implement(live, "Cardamom buns on Saturdays")
    (site_project / "mkdocs.yml").write_text("theme: [unclosed")
    with pytest.raises(BuildError):
        _publish(live, site_project)
    assert (site / "index.html").read_text() == home
    assert (site / "testimonials/index.html").exists()
    assert idea_pages(site, idea) == []

    (site_project / "mkdocs.yml").write_text(good_config)
    assert _publish(live, site_project), "the next publish builds what the failed one could not"
    assert "Cardamom buns on Saturdays" in built_idea_page(site, idea).read_text()


def test_readers_never_find_the_site_missing_during_a_publish(
    live: Store, site_project: Path
) -> None:
    index = site_project / "site" / "index.html"
    missing: list[str] = []
    reads = 0
    done = threading.Event()

    def read() -> None:
        nonlocal reads
        while not done.is_set():
            try:
                if "What our customers say" not in index.read_text():
                    missing.append("incomplete index.html")
            except OSError as exc:
                missing.append(repr(exc))
                return
            reads += 1

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(2):
            _implement(live, f"Idea number {n}")
            assert _publish(live, site_project)
    finally:
        done.set()
        reader.join()
    assert reads > 0 and missing == []


def test_an_existing_site_folder_is_taken_over_once(store: Store, site_project: Path) -> None:
    seed_demo(store)
    site = site_project / "site"
    site.mkdir()
    (site / "index.html").write_text("an old site built in place")
    (site / "stale.html").write_text("left over")
    assert _publish(store, site_project)
    assert site.is_symlink()
    assert "What our customers say" in (site / "index.html").read_text()
    assert not (site / "stale.html").exists()


def test_old_builds_are_removed(live: Store, site_project: Path) -> None:
    site = site_project / "site"
    for _ in range(3):
        assert _publish(live, site_project, force=True)
    finish_removals()  # old builds go in the background, after the switch
    builds = [p for p in site.resolve().parent.iterdir() if p.is_dir() and p.name != TEMPLATE_CACHE]
    assert site.resolve() in builds
    assert len(builds) <= 2, "the live build and the one before it, for readers still on it"
    manifests = {p.name for p in site.resolve().parent.glob("*.manifest.json")}
    assert manifests == {f"{b.name}.manifest.json" for b in builds}, "each build's, no others"
