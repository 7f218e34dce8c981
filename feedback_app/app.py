"""The app factory: `create_app()` builds the Flask app from settings, extensions and blueprints."""

from __future__ import annotations

import contextlib
import functools
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from werkzeug.middleware.proxy_fix import ProxyFix

from .admin.nav import init_nav
from .auth.current import init_auth
from .branding import init_branding
from .config import load_config
from .data import get_store, init_store
from .errors import init_errors
from .ideas.cards import init_cards
from .limits import init_limits
from .mail import init_mail
from .page_cache import init_page_cache
from .publishing import init_publishing
from .security import init_security
from .store import StoreError
from .templating import init_templating

__all__ = ["VoiceboxApp", "create_app"]


class VoiceboxApp(Flask):
    """Flask, with the signing key read from the store when none is configured.

    The key is looked up on first use rather than at start: with a database, a host that
    starts while the database is unreachable must still start, answer 503 meanwhile, and
    work once the database is back, instead of having its workers fail to boot.
    """

    @property  # type: ignore[override]
    def secret_key(self) -> str | bytes | None:
        if not self.config.get("SECRET_KEY"):
            with self.app_context():
                self.config["SECRET_KEY"] = get_store().secret_key()
        return self.config["SECRET_KEY"]  # type: ignore[no-any-return]

    @secret_key.setter
    def secret_key(self, value: str | bytes | None) -> None:
        self.config["SECRET_KEY"] = value

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's answer, remembered per function: Flask asks it for every hook and view of
        every request, and each answer inspects the function's code anew (a tenth of the
        cost of serving a kept page). Forgotten with the function."""
        try:
            synced = self._synced.get(func)
        except TypeError:  # cannot be referred to weakly (a built-in): not remembered
            return super().ensure_sync(func)
        if synced is None:
            synced = self._synced[func] = super().ensure_sync(func)
        return synced

    @functools.cached_property
    def _synced(self) -> weakref.WeakKeyDictionary[Callable[..., Any], Callable[..., Any]]:
        return weakref.WeakKeyDictionary()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from VOICEBOX_* variables, then `config` on top (tests pass tmp_path)."""
    app = VoiceboxApp(__name__)
    settings = load_config(os.environ)
    settings.update(config or {})
    app.config.update(settings)
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"]).resolve())
    app.config.update(
        SECRET_KEY=app.config["SECRET_KEY"] or None,
        MAX_CONTENT_LENGTH=app.config["MAX_UPLOAD_KB"] * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["BASE_URL"].startswith("https://"),
        BABEL_DEFAULT_LOCALE=app.config["LOCALE"],
        BABEL_DEFAULT_TIMEZONE=app.config["TIMEZONE"],
    )
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    _init_babel(app)
    init_store(app)
    with contextlib.suppress(StoreError):  # made or read now if the data can be reached
        _ = app.secret_key
    init_limits(app)  # first: every post counts, even one refused below
    init_security(app)
    init_auth(app)
    init_errors(app)
    init_templating(app)
    init_branding(app)
    init_nav(app)
    init_cards(app)
    init_page_cache(app)
    init_mail(app)
    init_publishing(app)
    _register_blueprints(app)
    return app


def _init_babel(app: Flask) -> None:
    """Flask-Babel with the configured language and time zone, each parsed once: by default
    it parses both anew for every request that shows a date, a number or a translated word
    (tens of microseconds, a tenth of a kept page's cost)."""
    babel = Babel()
    locale = functools.cache(lambda: babel.default_locale)
    zone = functools.cache(lambda: babel.default_timezone)
    babel.init_app(app, locale_selector=locale, timezone_selector=zone)


def _register_blueprints(app: Flask) -> None:
    from .admin.audit_page import bp as admin_audit_bp
    from .admin.emails import bp as admin_mail_bp
    from .admin.exports_page import bp as admin_exports_bp
    from .admin.ideas import bp as admin_ideas_bp
    from .admin.publishing_page import bp as admin_publishing_bp
    from .admin.routes import bp as admin_bp
    from .admin.sales import bp as admin_sales_bp
    from .admin.staff import bp as admin_staff_bp
    from .auth.routes import bp as auth_bp
    from .dev.routes import bp as dev_bp
    from .followups.routes import bp as followups_bp
    from .ideas.routes import bp as ideas_bp
    from .ideas.routes import unsubscribe_bp
    from .main.routes import bp as main_bp
    from .sales.routes import bp as sales_bp
    from .surveys.routes import bp as surveys_bp
    from .testimonials.routes import bp as testimonials_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(unsubscribe_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(admin_ideas_bp)
    app.register_blueprint(sales_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(testimonials_bp)
    app.register_blueprint(followups_bp)
    app.register_blueprint(admin_audit_bp)
    app.register_blueprint(admin_exports_bp)
    app.register_blueprint(admin_publishing_bp)
    app.register_blueprint(admin_sales_bp)
    app.register_blueprint(admin_staff_bp)
    app.register_blueprint(admin_mail_bp)
    if app.config["DEMO"]:  # the outbox page must not exist outside demo mode
        app.register_blueprint(dev_bp)
