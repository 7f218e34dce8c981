"""One dict merged from per-shard parts, kept current change by change.

Listings need figures over every shard (each idea's votes, each idea's comment count). After
another process writes one shard, re-merging all parts, or re-ranking every idea, would cost
milliseconds on every read; instead only the changed shard's part is compared with what was
merged before, and the keys whose values changed are logged so rankings can move just those.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from .collection import Collection

__all__ = ["MergedMap"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_LOG_LENGTH = 512


class MergedMap(Generic[K, V]):
    def __init__(
        self,
        collection: Collection,
        name: str,
        build_view: Callable[[Any], Any],
        extract: Callable[[Any], dict[K, V]] = lambda view: view,
        raw: bool = False,
        combine: Callable[[Iterable[V]], V] | None = None,
        update: Callable[[Any, list[Any]], Any] | None = None,
    ) -> None:
        """Merge `extract(view)` of each shard's view `name` (see `Collection.view`; a view
        that follows changes through `update` must give a new dict whenever it changed).

        Parts hold different keys, unless `combine` is given: a key's merged value is then
        `combine` of its values in every part that has it."""
        self._c = collection
        self._name = name
        self._build = build_view
        self._extract = extract
        self._raw = raw
        self._combine = combine
        self._update = update
        self._lock = threading.Lock()
        self._generations: tuple[int, ...] | None = None
        self._parts: list[dict[K, V]] = [{} for _ in collection.shards]
        self.merged: dict[K, V] = {}
        self.version = 0
        self._log: deque[tuple[int, frozenset[K]]] = deque(maxlen=_LOG_LENGTH)

    def current(self, generations: tuple[int, ...] | None = None) -> dict[K, V]:
        """The merged dict, brought up to date. Callers must not change it."""
        generations = generations or self._c.generations()
        if generations == self._generations:
            return self.merged
        with self._lock:
            if generations == self._generations:
                return self.merged
            old_generations = self._generations or (None,) * len(generations)
            changed: set[K] = set()
            for index, (old, new) in enumerate(zip(old_generations, generations, strict=True)):
                if old != new:
                    self._merge_part(index, changed)
            self._generations = generations
            self.version += 1
            self._log.append((self.version, frozenset(changed)))
        return self.merged

    def changed_since(self, version: int) -> set[K] | None:
        """Keys changed after `version`, or None when that is too long ago to tell."""
        if version == self.version:
            return set()
        entries = [keys for v, keys in self._log if v > version]
        if len(entries) != self.version - version:
            return None
        return set().union(*entries)

    def _merge_part(self, index: int, changed: set[K]) -> None:
        view = self._c.shard_view(index, self._name, self._build, self._raw, self._update)
        new = self._extract(view)
        old = self._parts[index]
        self._parts[index] = new
        if self._combine is not None:
            self._recombine(old, new, changed, self._combine)
            return
        for key in old.keys() - new.keys():
            del self.merged[key]
            changed.add(key)
        for key, value in new.items():
            if old.get(key, _MISSING) != value:
                self.merged[key] = value
                changed.add(key)

    def _recombine(
        self,
        old: dict[K, V],
        new: dict[K, V],
        changed: set[K],
        combine: Callable[[Iterable[V]], V],
    ) -> None:
        moved = old.keys() - new.keys()
        moved.update(key for key, value in new.items() if old.get(key, _MISSING) != value)
        for key in moved:
            values = [part[key] for part in self._parts if key in part]
            if values:
                self.merged[key] = combine(values)
            else:
                del self.merged[key]
        changed.update(moved)


_MISSING = object()
