"""Plain record collections: survey answers, testimonials, follow-ups, sales, contacts, photos
and API tokens. Each gets add / get / update / find / remove / all on top of one `Collection`.

`add_once` keeps one record per value of a key field without any index file: every record
added by it goes to the file its value hashes to, and is added under that file's lock after
looking in every file (records imported by id live where their id puts them). Two processes
adding the same value wait for each other on that one file, so the second finds the first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ..errors import NotFound
from ..models import Record, encoded
from .collection import Collection

__all__ = ["Records", "add_once", "value_route"]

R = TypeVar("R", bound=Record)
Doc = dict[str, Any]


def value_route(value: str) -> int:
    """A stable number for `value` (Python's own `hash` differs from process to process)."""
    return int.from_bytes(hashlib.sha256(value.encode()).digest()[:8], "big")


def add_once(c: Collection, doc: Doc, key: str) -> tuple[int, Doc, bool]:
    """Store `doc` unless a record of `c` has the same `doc[key]`: (id, stored doc, added)."""
    value = doc.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"add_once needs a non-empty text {key!r}")
    index = c.shard_index_for(value_route(value))
    shard = c.shards[index]
    with shard.writing():
        for other in range(c.size):
            if other != index:
                c.shards[other].refresh()
            table = c.shards[other].storage.read().get(c.name, {})
            for doc_id, found in table.items():
                if found.get(key) == value:
                    return c.join_id(other, int(doc_id)), dict(found), False
        doc_id = shard.add(c.name, doc)
    return c.join_id(index, doc_id), doc, True


class Records(Generic[R]):
    def __init__(self, collection: Collection, kind: type[R]) -> None:
        self._c = collection
        self._kind = kind

    def add(self, record: R) -> R:
        record.id = self._c.insert(record.to_doc())
        return record

    def add_many(self, records: list[R]) -> list[int]:
        return self._c.insert_many([r.to_doc() for r in records])

    def add_once(self, record: R, key: str) -> tuple[R, bool]:
        record_id, doc, added = add_once(self._c, record.to_doc(), key)
        if added:
            record.id = record_id
            return record, True
        return self._kind.from_doc(doc, record_id), False

    def get(self, record_id: int) -> R:
        doc = self._c.get(record_id)
        if doc is None:
            raise NotFound(f"{self._c.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def update(self, record_id: int, change: Callable[[R], None]) -> R:
        """Apply `change` to the stored record under the lock and store the result."""

        def apply(doc: Doc) -> Doc:
            record = self._kind.from_doc(doc, record_id)
            change(record)
            return record.to_doc()

        doc = self._c.update(record_id, apply)
        if doc is None:
            raise NotFound(f"{self._c.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def find(self, **fields: Any) -> list[R]:
        """Records whose stored fields equal `fields`, newest first (a scan of cached views:
        these collections hold thousands of records, not millions)."""
        wanted = encoded(fields)
        matched = []
        for part in self._c.view("docs", self._pairs):
            for record_id, doc in part:
                if all(name in doc and doc[name] == value for name, value in wanted.items()):
                    matched.append(self._kind.from_doc(doc, record_id))
        return _newest_first(matched)

    def remove(self, record_id: int) -> None:
        shard, doc_id = self._c.split_id(record_id)
        with shard.writing():
            if record_id < 1 or shard.doc(self._c.name, doc_id) is None:
                raise NotFound(f"{self._c.name} {record_id}")
            shard.put(self._c.name, {doc_id: None})

    def all(self) -> list[R]:
        """Every record, newest first (decoded once per change of its file)."""
        return _newest_first([r for part in self._c.view("records", self._decode) for r in part])

    def count(self) -> int:
        return sum(len(part) for part in self._c.view("docs", self._pairs))

    def _decode(self, records: dict[int, Doc]) -> list[R]:
        return [self._kind.from_doc(doc, rid) for rid, doc in records.items()]

    @staticmethod
    def _pairs(records: dict[int, Doc]) -> list[tuple[int, Doc]]:
        return list(records.items())


def _newest_first(records: list[R]) -> list[R]:
    return sorted(records, key=lambda r: (getattr(r, "created_at", None), r.id), reverse=True)
