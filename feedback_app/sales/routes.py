"""The sales pages: the one-click opt-out, and (nested) the shop systems' JSON API."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..data import get_store
from ..security import csrf
from ..store import utcnow
from . import sending  # noqa: F401  (registers the cadence's job handlers with the mailer)
from .api import api
from .contacts import contact_for, opt_out
from .stop_links import read_stop_token

__all__ = ["bp"]

bp = Blueprint("sales", __name__)
bp.register_blueprint(api, url_prefix="/api")


@bp.route("/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients post here without a form (RFC 8058): the signed link is the proof
def stop(token: str) -> str | tuple[str, int]:
    """Opt out of every follow-up email: the link's page asks, a POST (its button, or a mail
    client's one-click) records it. Mail scanners open every link; only people press buttons."""
    email = read_stop_token(token)
    if email is None:
        return render_template("sales/stopped.html", email=None), 400
    if request.method != "POST":  # GET, and HEAD, which some scanners send
        contact = contact_for(get_store(), email)
        already = contact is not None and contact.opted_out_at is not None
        return render_template("sales/stop.html", email=email, token=token, already=already)
    opt_out(get_store(), email, utcnow())
    return render_template("sales/stopped.html", email=email)
