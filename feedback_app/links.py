"""Addresses that leave the site (in emails): always on VOICEBOX_BASE_URL.

A request's own `Host` header is the client's to choose: a link built from it (Flask's
`url_for(..., _external=True)`) would let anyone have a sign-in link for someone else's
account emailed pointing at their own server, and so receive the token when it is clicked.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

__all__ = ["public_url"]


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` on the configured public address of the app."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
