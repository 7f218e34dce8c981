"""Who is signed in (Flask-Login), and the decorators that guard staff pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user
from werkzeug.wrappers import Response

from ..data import get_store
from ..store import NotFound, Role, User
from .service import safe_next

__all__ = ["Account", "init_auth", "role_required", "staff_required"]

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "auth.signin"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"


class Account(UserMixin):  # type: ignore[misc]
    """The signed-in person as Flask-Login sees them."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        """What the session cookie holds: the person and their session epoch."""
        return f"{self.user.id}:{self.user.session_epoch}"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def is_staff(self) -> bool:
        return self.user.role.is_staff

    @property
    def display_name(self) -> str:
        return self.user.display_name


@login_manager.user_loader
def _load(session_id: str) -> Account | None:
    """The person of a session, unless they signed out (or were deactivated) since it was
    made."""
    user_id, _, epoch = session_id.partition(":")
    try:
        user = get_store().users.get(int(user_id))
        if int(epoch or 0) != user.session_epoch or not user.active:
            return None
    except (NotFound, ValueError):
        return None
    return Account(user)


@login_manager.unauthorized_handler
def _sign_in_first() -> Response | tuple[Response, int]:
    """Send people to sign in, and afterwards back to the page they were on.

    For a form post (a vote, a comment) that page is the one holding the form, not the post's
    own address, which cannot be opened afterwards.
    """
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"error": str(login_manager.login_message)}), 401
    if request.method == "GET":
        target = safe_next(request.full_path.rstrip("?"))
    else:
        target = safe_next(request.form.get("back")) or _same_site_referrer()
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("auth.signin", next=target or None))


def _same_site_referrer() -> str:
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return ""
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def role_required(*roles: Role) -> Callable[[F], F]:
    """Only these roles: others get 403, and people not signed in get the sign-in page."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


staff_required = role_required(Role.MARKETER, Role.ADMIN)


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
