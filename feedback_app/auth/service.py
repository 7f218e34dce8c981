"""The sign-in flow: asking for a link, and using it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _

from ..data import get_store
from ..limits import allow, client_address
from ..links import public_url
from ..mail import send
from ..store import User
from ..store.models import LINK_LIFETIME

__all__ = [
    "RateLimited", "request_link", "safe_next", "sign_in_link", "sign_in_with", "sign_out",
]  # fmt: skip


class RateLimited(Exception):
    """Too many links were asked for this address or from this client."""


# What a browser does to a URL before it parses it (WHATWG URL standard): C0 controls and spaces
# are trimmed from both ends, and every tab, LF and CR inside is removed.
_TRIMMED = "".join(chr(c) for c in range(0x21))
_DROPPED = str.maketrans("", "", "\t\n\r")
# Characters kept as they are in a path, query or fragment; the rest is percent-encoded, so the
# Location header holds printable ASCII only and a browser reads it exactly as we checked it.
_KEPT = "/?#&=+:;,@!$'()*-._~%[]"


def safe_next(target: str | None) -> str:
    """The path on this site that `target` leads to, or "" when it leads anywhere else.

    Judged as the browser will read the Location header, not as Python's URL parser reads it:
    `/<TAB>/evil.example` becomes `//evil.example` in a browser, and a backslash is a slash,
    so both are refused. What is kept comes back percent-encoded: safe to put in any header.
    """
    if not target:
        return ""
    cleaned = target.strip(_TRIMMED).translate(_DROPPED).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return ""
    return quote(cleaned, safe=_KEPT, errors="replace")


def request_link(email: str, next_path: str = "") -> None:
    """Email a one-time sign-in link. Says nothing about whether the address is known."""
    rate = current_app.config["SIGNIN_LIMIT"]
    if not allow(f"signin-email:{email.lower()}", rate) or not allow(
        f"signin-client:{client_address()}", (rate[0] * 4, rate[1])
    ):
        raise RateLimited
    link = sign_in_link(email, next_path)
    site = current_app.config["SITE_NAME"]
    send(
        email,
        _("Your sign-in link for %(site)s", site=site),
        _(
            "Hello,\n\nUse this link to sign in to %(site)s. It works once, for 15 minutes:\n\n"
            "%(link)s\n\nIf you did not ask for it, ignore this email: nobody can sign in "
            "without the link.\n",
            site=site,
            link=link,
        ),
    )


def sign_in_link(email: str, next_path: str = "", ttl: timedelta = LINK_LIFETIME) -> str:
    """A new one-time sign-in link for `email` that works for `ttl`, leading to `next_path`
    afterwards: the one way links are made, for the sign-in page and for invitations."""
    params = {"token": get_store().tokens.issue(email, ttl)}
    if safe_next(next_path):
        params["next"] = safe_next(next_path)
    return public_url("auth.confirm", **params)


class Deactivated(Exception):
    """The link was good, but an admin deactivated the account it signs in to."""


def sign_in_with(token: str) -> User:
    """Use a token up and return its person, creating a customer account on first sign-in.

    Raises Deactivated for an account an admin deactivated (the link is used up all the
    same: it was meant for one use)."""
    store = get_store()
    email = store.tokens.redeem(token)
    user = store.users.add(email)
    if not user.active:
        raise Deactivated
    return user


def sign_out(user_id: int) -> None:
    """End every session of this person: signing out must also end a copy of the cookie."""
    get_store().users.end_sessions(user_id)
