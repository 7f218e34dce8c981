"""Addresses for pages that link to many ideas, built by `url_for` once per request and shape.

A board page links each of its twenty ideas three times (the idea, its vote form, its
category). `url_for` costs several microseconds a call (the blueprint's defaults, the URL map,
the request's script root), which made a tenth of a list page. Both helpers answer exactly
what `url_for` answers in the same request, and remember nothing beyond it (a request behind
another prefix or host builds its own).
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for

__all__ = ["idea_url", "repeated_url"]

# An id no store hands out; its digits mark where an idea's id goes in an address.
_SAMPLE_ID = 987_654_321_012


def idea_url(endpoint: str, idea_id: int) -> str:
    """`url_for(endpoint, idea_id=idea_id)` for an endpoint whose only value is an `<int:>`
    idea id: the router writes an int as its decimal digits, so every id's address is the
    address built once for a sample id, with the sample's digits swapped for the id's."""
    shapes: dict[str, tuple[str, str]] = g.setdefault("idea_url_shapes", {})
    shape = shapes.get(endpoint)
    if shape is None:
        head, _, tail = url_for(endpoint, idea_id=_SAMPLE_ID).rpartition(str(_SAMPLE_ID))
        shape = shapes[endpoint] = (head, tail)
    return f"{shape[0]}{int(idea_id)}{shape[1]}"


def repeated_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)`, built once per request for the same values (a page
    links the few categories once per idea)."""
    built: dict[tuple[Any, ...], str] = g.setdefault("repeated_urls", {})
    key = (endpoint, *sorted(values.items()))
    url = built.get(key)
    if url is None:
        url = built[key] = url_for(endpoint, **values)
    return url
