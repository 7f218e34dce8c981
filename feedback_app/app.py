"""The app factory: `create_app()` builds the Flask app from settings, extensions and blueprints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth.current import init_auth
from .config import load_config
from .data import ensure_secret_key, init_store
from .errors import init_errors
from .limits import init_limits
from .mail import init_mail
from .publishing import init_publishing
from .security import init_security
from .store import StoreError
from .templating import init_templating

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from VOICEBOX_* variables, then `config` on top (tests pass tmp_path)."""
    app = Flask(__name__)
    settings = load_config(os.environ)
    settings.update(config or {})
    app.config.update(settings)
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"]).resolve())
    app.config.update(
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
    Babel(app)
    init_store(app)
    _init_secret_key(app)
    init_limits(app)  # first: every post counts, even one refused below
    init_security(app)
    init_auth(app)
    init_errors(app)
    init_templating(app)
    init_mail(app)
    init_publishing(app)
    _register_blueprints(app)
    return app


def _init_secret_key(app: Flask) -> None:
    """Load the signing key now if the store can be reached, else on the first request (which
    answers 503 until it can): a database that is down must not stop the app from starting."""
    try:
        ensure_secret_key(app)
    except StoreError as exc:
        app.logger.warning("the secret key will be read once the store answers: %s", exc)

    @app.before_request
    def _key() -> None:
        ensure_secret_key(app)


def _register_blueprints(app: Flask) -> None:
    from .admin.routes import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .dev.routes import bp as dev_bp
    from .ideas.routes import bp as ideas_bp
    from .ideas.routes import unsubscribe_bp
    from .main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(unsubscribe_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    if app.config["DEMO"]:  # the outbox page must not exist outside demo mode
        app.register_blueprint(dev_bp)
