"""The brand on the board: read once at startup (a bad logo stops the app with a message that
names the file), served from memory, and offered to every template as `brand()`.

The colour reaches the pages as CSS variables in /brand.css, a stylesheet like any other, so
the strict CSP (styles from this site only, nothing inline) holds.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app

from .brand import Brand, BrandError, BrandImage, load_brand, parse_color
from .config import ConfigError

__all__ = ["bp", "brand", "init_branding"]

bp = Blueprint("brand", __name__)
_DAY_S = 86400
# An SVG opened on its own is a document: nothing in it may run or load.
_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def init_branding(app: Flask) -> None:
    """Check and read the brand now, so a missing logo is found at startup, not by a reader."""
    try:
        parse_color(app.config["BRAND_COLOR"])
        found = load_brand(app.config)
    except BrandError as exc:
        raise ConfigError(str(exc)) from exc
    app.extensions["voicebox.brand"] = found
    app.jinja_env.globals["brand"] = brand
    app.register_blueprint(bp)


def brand() -> Brand:
    """This app's brand."""
    found: Brand = current_app.extensions["voicebox.brand"]
    return found


@bp.get("/brand.css")
def stylesheet() -> Response:
    b = brand()
    css = f":root {{ --brand: {b.color}; --brand-ink: {b.text_color}; }}\n"
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = _DAY_S
    return response


def _image(found: BrandImage | None) -> Response:
    if found is None:
        abort(404)
    response = Response(found.content, mimetype=found.media_type)
    response.headers["Content-Security-Policy"] = _IMAGE_CSP
    response.cache_control.public = True
    response.cache_control.max_age = _DAY_S  # its address carries the content's checksum
    return response


@bp.get("/brand/logo")
def logo() -> Response:
    return _image(brand().logo)


@bp.get("/brand/icon")
def icon() -> Response:
    return _image(brand().icon)
