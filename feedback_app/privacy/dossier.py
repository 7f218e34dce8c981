"""Everything the store holds about one address, collection by collection.

Read through `Store.exporting()`, so the dossier is one consistent moment on either backend
(TinyDB: every file's lock held; PostgreSQL: one repeatable-read transaction), and built from
the stored documents themselves: a field added to a record later is exported without a change
here. What belongs to the person:

- their account (`users`, by address) and what it did on the board: ideas and comments it
  wrote, votes it cast, ideas it chose to follow or not, API tokens it created;
- every record carrying the address: sales, the contact, survey answers, testimonials (and
  their photos), follow-ups, sign-in links, emails, rate-limit counters;
- background jobs whose payload holds the address, or names one of those records by the
  collection's singular name (`{"sale": 12}`, `{"followup_id": 3}`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..store.contract import COLLECTIONS, Doc, Store
from ..store.models import normalise_email

__all__ = ["Dossier", "find_person"]

# A job payload key that names a record of a collection.
_NAMES = {
    "users": ("user", "user_id"),
    "sales": ("sale", "sale_id"),
    "surveys": ("survey", "survey_id"),
    "testimonials": ("testimonial", "testimonial_id"),
    "followups": ("followup", "followup_id"),
    "contacts": ("contact", "contact_id"),
}
# Hashes of live secrets: nothing a person can use, and nothing to hand out.
_SECRET_FIELDS = ("token_hash",)


@dataclass
class Dossier:
    """The records about `email`: {collection: [(id or None, document)]}, every collection
    listed (empty when nothing was found)."""

    email: str
    found: dict[str, list[tuple[int | None, Doc]]] = field(default_factory=dict)

    def ids(self, collection: str) -> list[int]:
        return [rid for rid, _ in self.found.get(collection, []) if rid is not None]

    def docs(self, collection: str) -> list[Doc]:
        return [doc for _, doc in self.found.get(collection, [])]

    @property
    def empty(self) -> bool:
        return not any(self.found.values())

    def as_json(self) -> dict[str, Any]:
        """The export: every collection with the person's records, ids included."""
        collections = {
            name: [_public({"id": rid, **doc} if rid is not None else doc) for rid, doc in entries]
            for name, entries in self.found.items()
        }
        return {"email": self.email, "collections": collections}

    def export_text(self, now: datetime) -> str:
        """The export as the person receives it: JSON, their own text unescaped, stable
        order (the command line prints it, the console downloads it)."""
        found = {"exported_at": now.isoformat(), **self.as_json()}
        return json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True)

    @property
    def total(self) -> int:
        return sum(len(entries) for entries in self.found.values())


def find_person(store: Store, email: str) -> Dossier:
    """Read every collection once and keep what concerns `email` (see the module docstring)."""
    dossier = Dossier(normalise_email(email))
    with store.exporting() as export:
        for name in COLLECTIONS:
            dossier.found[name] = list(_matching(dossier, name, _entries(export(name))))
    return dossier


def _entries(batches: Iterator[list[tuple[int | None, Doc]]]) -> Iterator[tuple[int | None, Doc]]:
    for batch in batches:
        yield from batch


def _matching(
    dossier: Dossier, name: str, entries: Iterator[tuple[int | None, Doc]]
) -> Iterator[tuple[int | None, Doc]]:
    email = dossier.email
    users = set(dossier.ids("users"))
    photos = {doc.get("photo_id") for doc in dossier.docs("testimonials")} - {None}
    for rid, doc in entries:
        if _concerns(name, rid, doc, email, users, photos, dossier):
            yield rid, doc


def _concerns(
    name: str, rid: int | None, doc: Doc, email: str, users: set[int], photos: set[Any],
    dossier: Dossier,
) -> bool:  # fmt: skip
    if name == "messages":
        return _address(doc.get("to")) == email
    if name == "jobs":
        return _mentions(doc.get("payload"), email) or _names_one_of(doc.get("payload"), dossier)
    if name == "limits":
        return email in str(doc.get("key", ""))
    if name == "photos":
        return rid in photos
    if name in ("ideas", "comments"):
        return doc.get("author_id") in users
    if name in ("votes", "follows"):
        return doc.get("user_id") in users
    if name == "api_tokens":
        return doc.get("created_by") in users
    return _address(doc.get("email")) == email or (
        name != "users" and doc.get("user_id") in users
    )


def _address(value: Any) -> str:
    return normalise_email(value) if isinstance(value, str) and value else ""


def _mentions(value: Any, email: str) -> bool:
    """Whether `email` is one of the texts anywhere in a JSON value."""
    if isinstance(value, str):
        return _address(value) == email
    if isinstance(value, dict):
        return any(_mentions(v, email) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, email) for v in value)
    return False


def _names_one_of(payload: Any, dossier: Dossier) -> bool:
    if not isinstance(payload, dict):
        return False
    for collection, keys in _NAMES.items():
        ids = set(dossier.ids(collection))
        if ids and any(isinstance(payload.get(key), int) and payload[key] in ids for key in keys):
            return True
    return False


def _public(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k not in _SECRET_FIELDS}
