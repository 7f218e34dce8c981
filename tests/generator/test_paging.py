"""Listing pages keep their items from one publish to the next, so one change moves one page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from feedback_app.store import TinyStore
from generator.collect import PublishedTestimonial, SiteData, paged
from generator.paging import assign, known_pages, pages_of, remember_pages
from generator.render import render_site

DAY = date(2026, 1, 1)


def _t(n: int, **kw: object) -> PublishedTestimonial:
    fields = {"id": n, "quote": f"Quote {n}", "rating": 5, "name": f"Person {n}", "role": "",
              "company": "", "disclosure": "", "tags": ("coffee",) if n % 2 else (),
              "featured": False, "date": DAY + timedelta(days=n)}  # fmt: skip
    fields.update(kw)
    return PublishedTestimonial(**fields)  # type: ignore[arg-type]


def _site(testimonials: list[PublishedTestimonial], known: SiteData | None = None) -> SiteData:
    data = SiteData(tuple(testimonials), (), "http://b")
    return paged(data, known.pages if known else {})


def _listing_files(data: SiteData) -> dict[str, str | bytes]:
    files = render_site(data, "http://s/")
    return {name: content for name, content in files.items() if name.startswith("testimonials/")}


def test_new_items_fill_the_newest_page_then_open_another() -> None:
    first = assign({}, list(range(1, 6)), per_page=2)
    assert first == {1: 1, 2: 1, 3: 2, 4: 2, 5: 3}
    later = assign(first, [*range(1, 6), 6, 7], per_page=2)
    assert later == {**first, 6: 3, 7: 4}


def test_a_removed_item_leaves_a_gap_and_comes_back_to_its_page() -> None:
    first = assign({}, [1, 2, 3, 4, 5], per_page=2)
    without = assign(first, [1, 3, 4, 5], per_page=2)
    assert without == {1: 1, 3: 2, 4: 2, 5: 3}, "nobody moves into the gap"
    assert assign(first, [1, 2, 3, 4, 5], per_page=2) == first
    assert pages_of(without, [1, 3, 4, 5]) == [(3, [5]), (2, [4, 3]), (1, [1])]


def test_an_emptied_newest_page_is_refilled_not_skipped() -> None:
    first = assign({}, [1, 2, 3], per_page=2)
    assert assign(first, [1, 2, 4], per_page=2) == {1: 1, 2: 1, 4: 2}


def test_one_change_rewrites_only_its_own_pages() -> None:
    """A withdrawal, an edit or a new approval on a big listing changes a few of its pages,
    not every page after it, as pages cut by position would."""
    items = [_t(n) for n in range(1, 501)]
    before = _site(items)
    files = _listing_files(before)
    assert len([n for n in files if "/tags/" not in n]) == 10

    withdrawn = _site([t for t in items if t.id != 120], before)
    changed = {n for n, v in _listing_files(withdrawn).items() if files.get(n) != v}
    assert changed == {"testimonials/page-3.md"}, "the page it was on (it had no tag)"

    edited = _site([replace(t, quote="Better") if t.id == 7 else t for t in items], before)
    changed = {n for n, v in _listing_files(edited).items() if files.get(n) != v}
    assert changed == {"testimonials/page-1.md", "testimonials/tags/coffee/page-1.md"}

    new = _site([*items, _t(501)], before)
    changed = {n for n, v in _listing_files(new).items() if files.get(n) != v}
    assert changed == {
        "testimonials/index.md", "testimonials/page-10.md", "testimonials/page-9.md",
        "testimonials/tags/coffee/index.md", "testimonials/tags/coffee/page-5.md",
        "testimonials/tags/coffee/page-4.md",
    }, "the full front pages move back one, with the link to them on the page before"


def test_a_new_item_on_a_page_with_room_changes_only_the_front_pages() -> None:
    items = [_t(n) for n in range(1, 499)]  # 48 on the newest page, 49 with the tag
    before = _site(items)
    files = _listing_files(before)
    new = _site([*items, _t(501)], before)
    changed = {n for n, v in _listing_files(new).items() if files.get(n) != v}
    assert changed == {"testimonials/index.md", "testimonials/tags/coffee/index.md"}


def test_page_numbers_are_kept_in_the_store(tmp_path) -> None:
    store = TinyStore(tmp_path / "data")
    data = _site([_t(n) for n in range(1, 4)])
    remember_pages(store, known_pages(store), data.pages)
    assert known_pages(store)["testimonials"] == {1: 1, 2: 1, 3: 1}
    remember_pages(store, known_pages(store), {"testimonials": {4: 1}})
    assert known_pages(store)["testimonials"] == {1: 1, 2: 1, 3: 1, 4: 1}, "the others are kept"
    store.close()
