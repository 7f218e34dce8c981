"""The one-click opt-out link every follow-up email carries (`/stop/<token>`).

It names the address, signed with the secret key, and never expires: a person who finds a
year-old email and wants no more must still be able to say so with one click. It needs no
single-use record either: opting out twice is opting out.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..links import public_url
from ..store.models import normalise_email

__all__ = ["read_stop_token", "stop_url"]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="voicebox-stop")


def stop_url(email: str) -> str:
    """The opt-out address for `email` (also its List-Unsubscribe header)."""
    return public_url("sales.stop", token=_serializer().dumps(normalise_email(email)))


def read_stop_token(token: str) -> str | None:
    """The address a stop link names, or None when it was altered or cut short."""
    try:
        email = _serializer().loads(token)
    except BadSignature:
        return None
    ours = isinstance(email, str) and "@" in email and normalise_email(email) == email
    return email if ours else None
