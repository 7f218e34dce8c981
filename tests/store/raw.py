"""Records as each backend holds them, past the models: what an older Voicebox, an import or
a hand edit may have left behind. Tests use it to check the store's edge, never to write
data that the contract itself could write."""

from __future__ import annotations

from typing import Any

import orjson

from feedback_app.store import Store, TinyStore


def raw_doc(store: Store, collection: str, record_id: int) -> dict[str, Any]:
    """The record's stored document, before any decoding."""
    if isinstance(store, TinyStore):
        doc = store.collections[collection].get(record_id)
    else:
        doc = store.tables()[collection].get(record_id)  # type: ignore[attr-defined]
    assert doc is not None, f"no {collection} record {record_id}"
    return doc


def insert_raw(store: Store, collection: str, doc: dict[str, Any]) -> int:
    """Store `doc` as it is, without the model's rules; return its id."""
    if isinstance(store, TinyStore):
        return store.collections[collection].insert(doc)
    return store.tables()[collection].insert(doc)  # type: ignore[attr-defined, no-any-return]


def raw_text(store: Store, collection: str) -> str:
    """Everything the backend holds for `collection`, as text (the data files of a TinyDB
    folder; the documents of the table on PostgreSQL)."""
    if isinstance(store, TinyStore):
        return "".join(f.read_text() for f in sorted(store.root.glob(f"{collection}/*.json")))
    rows = store.tables()[collection].rows()  # type: ignore[attr-defined]
    return "".join(orjson.dumps(doc).decode() for _, doc in rows)
