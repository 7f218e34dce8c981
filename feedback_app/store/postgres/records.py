"""Survey answers, testimonials and follow-ups on PostgreSQL: plain document tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from ..errors import NotFound
from ..models import Record
from .database import Database
from .doctable import Doc, DocTable

__all__ = ["PgRecords"]

R = TypeVar("R", bound=Record)


def _columns(doc: Doc) -> dict[str, Any]:
    return {"created_at": datetime.fromisoformat(doc["created_at"])}


class PgRecords(Generic[R]):
    def __init__(self, db: Database, name: str, kind: type[R]) -> None:
        self._kind = kind
        self.table = DocTable(db, name, kind, _columns)

    def add(self, record: R) -> R:
        record.id = self.table.insert(record.to_doc())
        return record

    def add_many(self, records: list[R]) -> list[int]:
        return self.table.insert_many([r.to_doc() for r in records])

    def get(self, record_id: int) -> R:
        doc = self.table.get(record_id)
        if doc is None:
            raise NotFound(f"{self.table.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def update(self, record_id: int, change: Callable[[R], None]) -> R:
        def apply(doc: Doc) -> Doc:
            record = self._kind.from_doc(doc, record_id)
            change(record)
            return record.to_doc()

        doc = self.table.update(record_id, apply)
        if doc is None:
            raise NotFound(f"{self.table.name} {record_id}")
        return self._kind.from_doc(doc, record_id)

    def all(self) -> list[R]:
        """Every record, newest first."""
        return self.table.select(order="created_at DESC, id DESC")

    def count(self) -> int:
        return self.table.count()
