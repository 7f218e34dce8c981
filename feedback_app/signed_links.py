"""Signed links in follow-up emails: what a link is for and whom it names, signed with the
secret key (shared by every host, see the store's `secret_key`).

A link carries its purpose (the signature's salt), a small payload and the moment it was
made. `read` refuses a link that was altered, made for another purpose or is too old, with a
reason a page can show. Single use is not the signature's job: each link carries a random
`id`, and the feature records what the link was used for under it (a survey answer by its
link, a testimonial by its invitation), so a second use finds the first.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

__all__ = ["LinkError", "make_token", "read_token"]


class LinkError(Exception):
    """The link cannot be used; `reason` is "expired" or "invalid" (altered, or made for
    something else)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"voicebox-link-{purpose}")


def make_token(purpose: str, **payload: Any) -> str:
    """A signed token for `purpose` holding `payload` (JSON values) and a fresh random `id`."""
    return _serializer(purpose).dumps({**payload, "id": secrets.token_urlsafe(12)})


def read_token(purpose: str, token: str, max_age: timedelta) -> dict[str, Any]:
    """The payload of a token made for `purpose` at most `max_age` ago, or LinkError."""
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise LinkError("expired") from None
    except BadSignature:
        raise LinkError("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        raise LinkError("invalid")
    return payload
