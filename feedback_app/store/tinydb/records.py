"""Plain record collections with no special indexing: survey responses, testimonials,
follow-ups. Each gets add / get / update / all on top of one `Collection`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ..errors import NotFound
from ..models import Record
from .collection import Collection

__all__ = ["Records"]

R = TypeVar("R", bound=Record)


class Records(Generic[R]):
    def __init__(self, collection: Collection, kind: type[R]) -> None:
        self._c = collection
        self._kind = kind

    def add(self, record: R) -> R:
        record.id = self._c.insert(record.to_doc())
        return record

    def add_many(self, records: list[R]) -> list[int]:
        return self._c.insert_many([r.to_doc() for r in records])

    def get(self, record_id: int) -> R:
        doc = self._c.get(record_id)
        if doc is None:
            raise NotFound(f"{self._c.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def update(self, record_id: int, change: Callable[[R], None]) -> R:
        """Apply `change` to the stored record under the lock and store the result."""

        def apply(doc: dict[str, Any]) -> dict[str, Any]:
            record = self._kind.from_doc(doc, record_id)
            change(record)
            return record.to_doc()

        doc = self._c.update(record_id, apply)
        if doc is None:
            raise NotFound(f"{self._c.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def all(self) -> list[R]:
        """Every record, newest first (decoded once per change of its file)."""
        found = [r for part in self._c.view("records", self._decode) for r in part]
        return sorted(found, key=lambda r: (getattr(r, "created_at", None), r.id), reverse=True)

    def count(self) -> int:
        return sum(len(part) for part in self._c.view("records", self._decode))

    def _decode(self, records: dict[int, dict[str, Any]]) -> list[R]:
        return [self._kind.from_doc(doc, rid) for rid, doc in records.items()]
