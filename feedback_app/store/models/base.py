"""What every record shares: (de)serialisation to JSON-ready dicts, the text rules, pages.

Each record turns into a JSON-ready dict with `to_doc()` and back with `from_doc()`; datetimes
are stored as ISO 8601 strings in UTC so the files stay readable and sort as text.

Fields people write are declared one-line (`metadata=LINE`: titles, names, tags) or
multi-line (`metadata=LINES`: descriptions, comments, responses). A record applies the
matching rule of `feedback_app.textrules` when it is built (so also when read back from disk,
which cleans text stored before the rules existed) and again when it is written, after any
change to its fields. This is the store's edge: text that reaches the data folder by any road
obeys the rules.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar, Generic, Self, TypeVar

from ...textrules import multi_line, one_line

__all__ = ["LINE", "LINES", "Page", "Record", "encoded", "utcnow", "without_nul"]


T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


_RULE = "text rule"
# Field metadata: one line of a person's text (a title, a name, a tag list) ...
LINE = types.MappingProxyType({_RULE: one_line})
# ... or several lines (Markdown, a note).
LINES = types.MappingProxyType({_RULE: multi_line})


class Record:
    """Shared (de)serialisation of the feature models' dataclasses, and their text rules."""

    id: int
    _nested: ClassVar[dict[str, type]] = {}

    def __post_init__(self) -> None:
        self.apply_text_rules()

    def apply_text_rules(self) -> None:
        """Apply each declared field's text rule; an item left empty leaves its list."""
        for name, rule in _text_rules(type(self)).items():
            value = getattr(self, name)
            if isinstance(value, str):
                cleaned: Any = rule(value)
            elif isinstance(value, list):
                cleaned = [item for item in map(rule, value) if item]
            else:
                continue
            if cleaned != value:
                setattr(self, name, cleaned)

    def to_doc(self) -> dict[str, Any]:
        self.apply_text_rules()
        doc = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name != "id":
                doc[f.name] = _encode(getattr(self, f.name))
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any], record_id: int = 0) -> Self:
        kinds = _field_kinds(cls)
        values: dict[str, Any] = {}
        for name, kind in kinds.items():
            if name == "id" or name not in doc:
                continue
            values[name] = _decode(doc[name], kind)
        if "id" in kinds:
            values["id"] = record_id
        return cls(**values)


def without_nul(value: Any) -> Any:
    """`value` (JSON-ready) with every U+0000 taken out of its strings and keys.

    No backend keeps U+0000: PostgreSQL cannot hold it in text or JSON, so the TinyDB folder
    drops it too and both hand back the same text. People's text never holds it (the text
    rules remove control characters); an error message from a mail server might."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul(v) for v in value]
    return value


def encoded(fields: dict[str, Any]) -> dict[str, Any]:
    """Field values as a record's document holds them (to compare with stored documents)."""
    return {name: _encode(value) for name, value in fields.items()}


def _encode(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str | dict):
        return without_nul(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Record):
        return value.to_doc()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any, kind: Any) -> Any:
    if value is None:
        return None
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Record):
        return kind.from_doc(value)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(value)
    if isinstance(kind, tuple):  # list of nested records
        return [_decode(v, kind[0]) for v in value]
    return value


@cache
def _text_rules(cls: type) -> dict[str, Any]:
    return {f.name: f.metadata[_RULE] for f in dataclasses.fields(cls) if _RULE in f.metadata}


@cache
def _field_kinds(cls: type) -> dict[str, Any]:
    """Map each field to the concrete type that decoding needs (Optional[X] -> X)."""
    hints = typing.get_type_hints(cls)
    kinds: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            hint = args[0] if len(args) == 1 else hint
            origin = typing.get_origin(hint)
        if origin is list:
            (item,) = typing.get_args(hint)
            hint = (item,) if isinstance(item, type) and issubclass(item, Record) else list
        kinds[f.name] = hint
    return kinds


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, with what paging links need.

    `total` counts every item of the listing, unless `more` is set: then more than `total`
    items match, and the listing stopped counting there (a search does, see
    `BoardQuery.count_limit`); `pages` is then a lower bound too."""

    items: list[T]
    page: int
    per_page: int
    total: int
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.more or self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1
