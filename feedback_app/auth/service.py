"""The sign-in flow: asking for a link, and using it."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _

from ..data import get_store
from ..limits import allow, client_address
from ..mail import send
from ..store import User

__all__ = ["RateLimited", "request_link", "safe_next", "sign_in_with"]


class RateLimited(Exception):
    """Too many links were asked for this address or from this client."""


def safe_next(target: str | None) -> str:
    """Only a path on this site: a link must never send someone elsewhere after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


def request_link(email: str, next_path: str = "") -> None:
    """Email a one-time sign-in link. Says nothing about whether the address is known."""
    rate = current_app.config["SIGNIN_LIMIT"]
    if not allow(f"signin-email:{email.lower()}", rate) or not allow(
        f"signin-client:{client_address()}", (rate[0] * 4, rate[1])
    ):
        raise RateLimited
    token = get_store().tokens.issue(email)
    params = {"token": token, "_external": True}
    if safe_next(next_path):
        params["next"] = next_path
    link = url_for("auth.confirm", **params)
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


def sign_in_with(token: str) -> User:
    """Use a token up and return its person, creating a customer account on first sign-in."""
    store = get_store()
    email = store.tokens.redeem(token)
    return store.users.add(email)
