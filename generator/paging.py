"""Which page of a listing each published item is on, kept from one publish to the next.

The site's listings (testimonials, each tag's testimonials, Ideas in Action) are paginated.
Cutting a listing into pages by position would move every item after a change: one newly
approved testimonial or one withdrawn would shift all the pages after it, so a publish would
have to rebuild every page of the listing (on a site of 5,000 testimonials, a hundred pages).
Instead an item keeps the page it was first given: new items fill the newest page, and a new
page is opened when it is full; an item that leaves the site leaves a gap on its page, and an
edited one stays where it is. So one change touches one page of each listing the item is in
(plus the newest page and its neighbours' "newer"/"older" links when a page opens or empties).

The newest page is the listing's front page. Pages are numbered from the oldest, 1 up; a page
emptied by removals is skipped by the links. The numbers are kept in the store's status record
`PAGES`, as slugs are (generator/slugs.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from feedback_app.store import Store

__all__ = [
    "PAGES", "PER_PAGE", "Assignments", "assign", "known_pages", "pages_of", "remember_pages",
]  # fmt: skip

PAGES = "site-pages"
PER_PAGE = 50

# A listing's name ("testimonials", "ideas", "tag:<tag>") -> item id -> page number.
Assignments = Mapping[str, Mapping[int, int]]


def assign(
    known: Mapping[int, int], ids: Sequence[int], per_page: int = PER_PAGE
) -> dict[int, int]:
    """The page of each of `ids` (oldest first): kept where known, new ones on the newest
    page until it holds `per_page` (counting only items still listed), then on a new one."""
    pages = {i: known[i] for i in ids if i in known}
    newest = max(pages.values(), default=1)
    filled = sum(1 for page in pages.values() if page == newest)
    for item in ids:
        if item in pages:
            continue
        if filled >= per_page:
            newest, filled = newest + 1, 0
        pages[item] = newest
        filled += 1
    return pages


def known_pages(store: Store) -> dict[str, dict[int, int]]:
    """Every listing's page numbers as the last publish left them."""
    saved = store.status.get(PAGES) or {}
    return {
        name: {int(item): int(page) for item, page in pages.items()}
        for name, pages in saved.get("listings", {}).items()
    }


def remember_pages(store: Store, known: Assignments, now: Assignments) -> None:
    """Keep the page numbers of this publish, including those of items that left the site
    (one that comes back returns to its page); no write when nothing is new."""
    merged = {name: dict(pages) for name, pages in known.items()}
    changed = False
    for name, pages in now.items():
        kept = merged.setdefault(name, {})
        for item, page in pages.items():
            if kept.get(item) != page:
                kept[item] = page
                changed = True
    if changed:
        store.status.put(PAGES, {"listings": {
            name: {str(item): page for item, page in sorted(pages.items())}
            for name, pages in sorted(merged.items())
        }})  # fmt: skip


def pages_of(assigned: Mapping[int, int], items: Iterable[int]) -> list[tuple[int, list[int]]]:
    """The listing's pages, newest first, each with its items (newest first)."""
    by_page: dict[int, list[int]] = {}
    for item in items:
        by_page.setdefault(assigned[item], []).append(item)
    return [(page, list(reversed(by_page[page]))) for page in sorted(by_page, reverse=True)]
