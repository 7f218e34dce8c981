"""/dev/outbox: in demo mode, the emails Voicebox "sent", with their links clickable."""

from __future__ import annotations

import re

from flask import Blueprint, render_template
from markupsafe import Markup, escape

from ..data import get_store

__all__ = ["bp", "linkify"]

bp = Blueprint("dev", __name__, url_prefix="/dev")

_URL = re.compile(r"https?://[^\s<>\"']+")


def linkify(text: str) -> Markup:
    """Escape a plain-text email body and make its web addresses clickable."""
    escaped = str(escape(text))
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


@bp.get("/outbox")
def outbox() -> str:
    return render_template("dev/outbox.html", messages=get_store().messages.all(), linkify=linkify)
