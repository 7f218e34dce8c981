"""A sorted listing of ideas that moves only the ideas that changed.

Entries are tuples that sort ascending into the order people see (the key is negated where
bigger comes first) and end with the idea's id, so every entry is unique and a changed idea is
found by bisection, removed, and inserted again at its new place.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["Ranking"]

Entry = tuple[Any, ...]


class Ranking:
    def __init__(self, ids: Iterable[int], key: Callable[[int], Entry]) -> None:
        self._key = key
        self._entries = sorted(key(i) for i in ids)
        self._key_of = {entry[-1]: entry for entry in self._entries}
        self.versions: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self._entries)

    def page(self, start: int, stop: int) -> list[int]:
        return [entry[-1] for entry in self._entries[start:stop]]

    def move(self, ids: Iterable[int], keep: Callable[[int], bool]) -> None:
        """Re-place each idea in `ids`: dropped if `keep` says no, else at its new key."""
        for idea_id in ids:
            old = self._key_of.pop(idea_id, None)
            if old is not None:
                del self._entries[bisect.bisect_left(self._entries, old)]
            if keep(idea_id):
                new = self._key(idea_id)
                bisect.insort(self._entries, new)
                self._key_of[idea_id] = new
