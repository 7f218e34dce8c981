"""A republish rebuilds only the pages that changed, and the site it makes is the one a full
`mkdocs build` of the same files makes, byte for byte: search, feed, sitemap, listings."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import feedparser
import pytest

from feedback_app.brand import Brand
from feedback_app.demo import seed_demo
from feedback_app.store import (
    Idea,
    IdeaStatus,
    StatusChange,
    Store,
    Testimonial,
    TestimonialState,
    TinyStore,
    utcnow,
)
from generator.build import TEMPLATE_CACHE, BuildError, build_site, mkdocs_env
from generator.publish import PublishResult, publish
from generator.render import site_env

BOARD, SITE_URL = "http://board.example", "http://site.example/"
BRAND_ENV = site_env(Brand(), BOARD)  # what a publish without brand settings passes MkDocs


def _publish(store: Store, project: Path, force: bool = False) -> PublishResult:
    return publish(store, project, project / "site", BOARD, SITE_URL, force=force)


def _testimonial(n: int, text: str, **kw: object) -> Testimonial:
    now = utcnow()
    fields = {"credit_name": f"Customer {n}", "consent_text": "ok", "consent_version": "1",
              "consented_at": now, "email_confirmed_at": now, "state": TestimonialState.APPROVED,
              "decided_at": now - timedelta(days=n)}  # fmt: skip
    fields.update(kw)
    return Testimonial(user_id=n, original_text=text, rating=5, **fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Tens of items: listings have several pages. One day for every build (the sitemap's
    dates are the build's date), so a run across midnight compares the same thing."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    store = TinyStore(tmp_path / "data")
    seed_demo(store)
    store.testimonials.add_many([_testimonial(n, f"Old quote number {n}") for n in range(40)])
    ideas = []
    for n in range(25):
        idea = Idea(f"Shipped idea {n}", "Customers asked.", "Drinks", 1)
        idea.status = IdeaStatus.IMPLEMENTED
        idea.history = [StatusChange(IdeaStatus.IMPLEMENTED, "Done, thank you!", 1)]
        idea.changed_note = f"What changed for idea {n}."
        idea.changed_on = (utcnow() - timedelta(days=n)).date()
        ideas.append(idea)
    store.ideas.add_many(ideas)
    return store


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def _full_build(project: Path, into: Path) -> None:
    """A plain `mkdocs build`, with the variables a publish gives it (the default brand)."""
    env = mkdocs_env(SITE_URL, BRAND_ENV)
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "-d", str(into)]
    subprocess.run(command, cwd=project, env=env, check=True)


def _search(site: Path, text: str) -> list[str]:
    index = json.loads((site / "search/search_index.json").read_text())
    # Chinese words are cut apart by zero-width spaces in the index (jieba, for the search).
    return [d["location"] for d in index["docs"]
            if text in d["text"].replace("\u200b", "") or text in d["title"]]  # fmt: skip


def test_one_change_rebuilds_a_few_pages_and_equals_a_full_build(
    store: Store, site_project: Path, tmp_path: Path
) -> None:
    site = site_project / "site"
    first = _publish(store, site_project)
    assert first.build is not None and first.build["mode"].startswith("full")
    old_live = site.resolve()
    old_site = _snapshot(old_live)

    idea = next(i for i in store.ideas.all() if i.title == "Shipped idea 3")
    store.ideas.edit(idea.id, title="Renamed idea три")
    store.ideas.set_status(idea.id, IdeaStatus.IMPLEMENTED, "Answered again", by=1,
                           changed_note="Зроблено: a fresh note")  # fmt: skip
    gone = next(i for i in store.ideas.all() if i.title == "Shipped idea 7")
    store.ideas.set_status(gone.id, IdeaStatus.IN_PROGRESS, "Reopened", by=1)
    fresh = store.ideas.add(Idea("Brand new idea Tagalog: Salamat", "Please", "Food", 1))
    store.ideas.set_status(fresh.id, IdeaStatus.IMPLEMENTED, "Done", by=1, changed_note="New")
    store.testimonials.add(_testimonial(99, "Newest approved 咖啡 quote", decided_at=utcnow()))
    edited = store.testimonials.find(original_text="Old quote number 5")[0]
    store.testimonials.update(edited.id, lambda t: setattr(t, "original_text", "Edited wording"))
    withdrawn = store.testimonials.find(original_text="Old quote number 9")[0]
    store.testimonials.update(withdrawn.id, lambda t: setattr(t, "withdrawn_at", utcnow()))

    again = _publish(store, site_project)
    assert again.build is not None and again.build["mode"] == "incremental", again.build
    pages = sum(1 for _ in site.rglob("*.html"))
    assert 0 < again.build["pages_rebuilt"] < pages / 2, again.build

    assert _snapshot(old_live) == old_site, "the live site never changes under its readers"
    full = tmp_path / "full"
    _full_build(site_project, full)
    incremental, expected = _snapshot(site), _snapshot(full)
    assert sorted(incremental) == sorted(expected), "the same files"
    differing = [name for name in expected if incremental[name] != expected[name]]
    assert differing == [], "byte for byte what a full build writes"

    assert _search(site, "Renamed idea три") and not _search(site, "Shipped idea 3")
    assert _search(site, "Newest approved 咖啡 quote") and _search(site, "Edited wording")
    assert _search(site, "Brand new idea Tagalog: Salamat")
    for removed in ("Old quote number 9", "Old quote number 5", "Shipped idea 7"):
        assert _search(site, removed) == [], removed
    feed = feedparser.parse(next(site.rglob("feed.xml")).read_bytes())
    titles = {e.title for e in feed.entries}
    assert {"Renamed idea три", "Brand new idea Tagalog: Salamat"} <= titles and not {
        "Shipped idea 3",
        "Shipped idea 7",
    } & titles
    sitemap = (site / "sitemap.xml").read_text()
    pages = [p for p in site.rglob("index.html")  # not the redirects, not the framed wall
             if p.relative_to(site).parts[0] not in ("generated", "wall")]  # fmt: skip
    assert sitemap.count("<loc>") == len(pages)


def test_a_change_to_mkdocs_yml_or_the_theme_rebuilds_everything(
    store: Store, site_project: Path
) -> None:
    _publish(store, site_project)
    config = site_project / "mkdocs.yml"
    config.write_text(config.read_text().replace("- Testimonials:", "- Our customers say:"))
    result = _publish(store, site_project)
    assert result.build is not None and result.build["mode"].startswith("full"), result.build
    assert "Our customers say" in (site_project / "site/ideas/index.html").read_text()

    forced = _publish(store, site_project, force=True)
    assert forced.build is not None and forced.build["mode"] == "full (asked for)", "the way out"

    override = site_project / "site_src/overrides/main.html"
    override.write_text(override.read_text() + "\n{# a theme change #}\n")
    result = _publish(store, site_project)
    assert result.build is not None and result.build["mode"].startswith("full"), result.build


def test_an_interrupted_incremental_build_leaves_the_live_site_whole(
    store: Store, site_project: Path
) -> None:
    site = site_project / "site"
    _publish(store, site_project)
    live, before = site.resolve(), _snapshot(site)
    page = next(p for p in site_project.rglob("*.md") if "Shipped idea 4" in p.read_text())
    good = page.read_bytes()
    page.write_bytes(good.replace(b"Shipped idea 4", b"Broken \xff\xfe idea"))  # not UTF-8
    with pytest.raises(BuildError):
        build_site(site_project, site, SITE_URL, BRAND_ENV)
    assert site.resolve() == live and _snapshot(site) == before
    builds = sorted(p.name for p in live.parent.iterdir() if p.name != TEMPLATE_CACHE)
    assert builds == sorted([live.name, f"{live.name}.manifest.json"]), "nothing half-built left"

    page.write_bytes(good.replace(b"Shipped idea 4", b"Mended idea 4"))
    report = build_site(site_project, site, SITE_URL, BRAND_ENV)
    assert report["mode"] == "incremental"
    mended = {location.split("#")[0] for location in _search(site, "Mended idea 4")}
    assert mended, "the mended page is found"
    assert not mended & {loc.split("#")[0] for loc in _search(site, "Shipped idea 4")}


def _tiny_site(root: Path, hook: str = "") -> Path:
    """A MkDocs project of its own: a nav whose titles come from the pages' headings."""
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# Welcome\n\nHello.\n")
    (root / "docs/a.md").write_text("# Apples\n\nRed ones.\n")
    (root / "docs/b.md").write_text("# Bananas\n\nYellow ones.\n")
    config = "site_name: Tiny\ntheme: material\nnav: [index.md, a.md, b.md]\n"
    if hook:
        (root / "hook.py").write_text(hook)
        config += "hooks: [hook.py]\n"
    (root / "mkdocs.yml").write_text(config)
    return root


def test_a_page_whose_title_is_in_the_navigation_rebuilds_everything(tmp_path: Path) -> None:
    project = _tiny_site(tmp_path / "tiny")
    site = project / "site"
    build_site(project, site, SITE_URL)
    (project / "docs/b.md").write_text("# Bananas\n\nGreen ones too.\n")
    assert build_site(project, site, SITE_URL)["mode"] == "incremental"
    (project / "docs/a.md").write_text("# Pears\n\nRed ones.\n")
    report = build_site(project, site, SITE_URL)
    assert report["mode"] == "full (the navigation changed)", report
    assert "Pears" in (site / "b/index.html").read_text(), "every page's menu says Pears"


def test_a_hook_that_sums_up_pages_without_saying_how_means_a_full_build(tmp_path: Path) -> None:
    hook = "def on_post_build(config):\n    pass\n"
    project = _tiny_site(tmp_path / "tiny", hook)
    site = project / "site"
    build_site(project, site, SITE_URL)
    (project / "docs/b.md").write_text("# Bananas\n\nGreen ones too.\n")
    report = build_site(project, site, SITE_URL)
    assert report["mode"].startswith("full (plugin hook.py sums up pages"), report


def test_the_header_files_keep_the_hashes_of_pages_not_rebuilt(tmp_path: Path) -> None:
    """The CSP hook's header files allow what every page of the site needs, also the pages an
    incremental build only linked from the live site."""
    spec = importlib.util.spec_from_file_location(
        "csp_hook", Path(__file__).parents[2] / "site_src/hooks/csp.py"
    )
    assert spec is not None and spec.loader is not None
    csp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(csp)
    csp.incremental_restore({"ideas/1/": ["'sha256-onlyonthatpage'"]})
    config = SimpleNamespace(site_dir=str(tmp_path), site_url=SITE_URL)
    csp.on_post_build(config)  # type: ignore[arg-type]
    assert "'sha256-onlyonthatpage'" in (tmp_path / csp.HEADERS_FILE).read_text()
    assert "'sha256-onlyonthatpage'" in (tmp_path / csp.NGINX_FILE).read_text()
