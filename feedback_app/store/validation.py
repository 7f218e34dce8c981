"""Checking stored records against their models.

A record can be valid JSON and still not be a record: a field missing, a date that is not a
date, a number where text belongs. Such a record would make every page that lists it fail, so
`Store.check()` (used by `voicebox check` and `/healthz`) decodes every record with its
model (`contract.COLLECTIONS` says which), and a read that fails on one turns into
`CorruptDataError` naming the file and record instead of a crash (see `Collection`).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from functools import cache
from typing import Any

from .models import Record

__all__ = ["Unfit", "check_name", "checked", "problem"]


_SCALARS = (str, int, bool)


class Unfit(ValueError):
    """A document that is not a record of its model; the message says why."""


def problem(model: type[Record], doc: Any) -> str | None:
    """What makes `doc` not a `model` record, or None when it is one."""
    try:
        checked(model, doc)
    except Unfit as exc:
        return str(exc)
    return None


def checked(model: type[Record], doc: Any, record_id: int = 0) -> Any:
    """`doc` as a `model` record, or Unfit saying what does not fit. (Decoding once serves both
    the check and the read: listings decode every record they show.)"""
    if not isinstance(doc, dict):
        raise Unfit("not a record (expected an object)")
    try:
        record = model.from_doc(doc, record_id)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise Unfit(f"does not match {model.__name__} ({exc})") from None
    for name, kind, optional in _scalar_fields(model):
        value = doc.get(name)
        if name in doc and not isinstance(value, kind) and not (optional and value is None):
            raise Unfit(f"does not match {model.__name__} ({name!r} is not {kind.__name__})")
    return record


@cache
def _scalar_fields(model: type[Record]) -> tuple[tuple[str, type, bool], ...]:
    """(name, type, may be None) of each field typed as plain text, number or flag."""
    hints = typing.get_type_hints(model)
    found = []
    for f in dataclasses.fields(model):  # type: ignore[arg-type]
        hint = hints[f.name]
        optional = False
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            optional = len(args) < len(typing.get_args(hint))
            hint = args[0] if len(args) == 1 else hint
        if f.name != "id" and hint in _SCALARS:
            found.append((f.name, hint, optional))
    return tuple(found)


_NAME = re.compile(r"[a-z][a-z0-9_-]{0,63}")


def check_name(name: str) -> str:
    """Names of locks and status records are short lowercase words: never a path."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a lock or status name (lowercase letters, digits, -, _)")
    return name
