"""Each published idea's address on the site: `/ideas/<slug>/`, fixed when first published.

A slug is the idea's number and the first words of its title in ASCII ("42-oat-milk-at-every-
store"; "17" for a title with no ASCII words), so it is unique, readable where it can be, and
served by any static host. Titles change (staff fix typos, merge duplicates): the address must
not, or links in emails already sent, feeds and search engines would break. So the slug is
computed once, when the idea first reaches the site, and kept in the store's status record
`SLUGS` (a few dozen bytes per idea) for as long as the store lives, even if the idea leaves
the site and comes back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from feedback_app.store import Store

__all__ = ["SLUGS", "idea_slug", "known_slugs", "remember_slugs", "slug_for"]

SLUGS = "site-slugs"
_MAX_WORDS = 6
_MAX_CHARS = 60


def idea_slug(idea_id: int, title: str) -> str:
    """The slug a new idea gets: its number, then up to six ASCII words of its title."""
    words = re.findall(r"[a-z0-9]+", title.casefold().encode("ascii", "ignore").decode())
    slug = str(idea_id)
    for word in words[:_MAX_WORDS]:
        if len(slug) + 1 + len(word) > _MAX_CHARS:
            break
        slug += "-" + word
    return slug


def known_slugs(store: Store) -> dict[int, str]:
    """Every slug given so far, by idea id."""
    saved = store.status.get(SLUGS) or {}
    return {int(key): str(value) for key, value in saved.get("ideas", {}).items()}


def slug_for(known: Mapping[int, str], idea_id: int, title: str) -> str:
    """The idea's slug: the one it was first published with, else the one it will get."""
    return known.get(idea_id) or idea_slug(idea_id, title)


def remember_slugs(
    store: Store, known: Mapping[int, str], given: Iterable[tuple[int, str]]
) -> None:
    """Keep the slugs of ideas published for the first time (no write when there are none)."""
    new = {idea_id: slug for idea_id, slug in given if idea_id not in known}
    if new:
        merged = {**known, **new}
        store.status.put(SLUGS, {"ideas": {str(k): v for k, v in sorted(merged.items())}})
