"""The console's navigation: one list of its pages, shown on every console page.

A page appears only when its endpoint exists and the signed-in person's role may open it,
so the menu never offers a link that answers 404 or 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..store import Role

__all__ = ["CONSOLE_PAGES", "ConsoleLink", "init_nav"]


@dataclass(frozen=True)
class ConsoleLink:
    endpoint: str
    label: object  # a lazy string: translated when shown
    admin_only: bool = False


CONSOLE_PAGES: tuple[ConsoleLink, ...] = (
    ConsoleLink("admin.index", _l("Dashboard")),
    ConsoleLink("testimonials.moderation", _l("Testimonials")),
    ConsoleLink("admin_ideas.queue", _l("Ideas")),
    ConsoleLink("followups.index", _l("Follow-ups")),
    ConsoleLink("admin_sales.index", _l("Sales and survey links")),
    ConsoleLink("admin_mail.index", _l("Emails")),
    ConsoleLink("admin_publishing.index", _l("Publishing")),
    ConsoleLink("admin_exports.index", _l("Exports")),
    ConsoleLink("admin_audit.index", _l("Audit log")),
    ConsoleLink("admin_staff.index", _l("Staff"), admin_only=True),
)


def _console_nav() -> dict[str, object]:
    def console_nav() -> list[tuple[str, object, bool]]:
        """(address, label, is this the page shown) for each page this person may open."""
        if not (current_user.is_authenticated and current_user.is_staff):
            return []
        views = current_app.view_functions
        here = request.endpoint or ""
        here_prefix = here.rsplit(".", 1)[0]
        return [
            (url_for(link.endpoint), link.label,
             here == link.endpoint or (link.endpoint != "admin.index"
                                       and here_prefix == link.endpoint.rsplit(".", 1)[0]))
            for link in CONSOLE_PAGES
            if link.endpoint in views and (not link.admin_only or current_user.role is Role.ADMIN)
        ]  # fmt: skip

    return {"console_nav": console_nav}


def init_nav(app: Flask) -> None:
    app.context_processor(_console_nav)
