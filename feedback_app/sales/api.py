"""The JSON API a shop system calls for each sale: `POST /api/sales` with a bearer token.

It authenticates with the token alone, never a cookie, so it needs (and takes) no CSRF
token. Every answer is JSON, errors included: a shop system's developer reads `error` (a
fixed word to program against) and `message` (what to do), never an HTML page or a 500.
Idempotent by order reference: the same sale reported again answers 200 with the stored
sale; a different sale under a known reference answers 409.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..data import get_store
from ..limits import TooManyPosts
from ..security import csrf
from ..store import StoreError, WriteError, utcnow
from ..store.models import ApiToken, Sale
from .cadence import Cadence
from .intake import FIELDS, SaleProblems, business_zone, read_sale
from .service import SaleConflict, record_sale
from .tokens import authenticate

__all__ = ["api"]

api = Blueprint("api", __name__)

# The errors a client can meet, each answered in JSON by code (Flask looks for handlers by
# code first: the app's HTML pages for these codes must not win inside the API).
_CODES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500)


def _error(status: int, error: str, message: str, **extra: Any) -> Response:
    response = jsonify(error=error, message=message, **extra)
    response.status_code = status
    return response


def _sale_json(sale: Sale, personal: bool) -> dict[str, Any]:
    """The sale as the API answers it. The customer's address and name only in the answer
    to the call that recorded them: any integration may send any order reference, and a
    reply about one already stored must not tell it whose order that is."""
    found = {
        "id": sale.id, "order_ref": sale.order_ref, "date": sale.sold_at.isoformat(),
        "outcome": sale.outcome.value,
    }  # fmt: skip
    if personal:
        found.update(email=sale.email, name=sale.name, language=sale.language,
                     touchpoint=sale.touchpoint)  # fmt: skip
    return found


def _token() -> ApiToken | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return authenticate(get_store(), secret.strip(), utcnow())


def _unauthorized() -> Response:
    response = _error(
        401, "unauthorized",
        _("Send a valid API token: Authorization: Bearer <token> (voicebox token create NAME)."),
    )  # fmt: skip
    response.headers["WWW-Authenticate"] = 'Bearer realm="voicebox"'
    return response


@api.post("/sales")
@csrf.exempt  # a bearer token, never a cookie: nothing here for another site to forge
def create_sale() -> Response:
    """Record one sale (won or lost) and schedule its follow-up emails."""
    token = _token()
    if token is None:
        return _unauthorized()
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        return _error(400, "bad_request", _("The body must be a JSON object with the fields "
                                            "%(fields)s.", fields=", ".join(FIELDS)))  # fmt: skip
    config = current_app.config
    now = utcnow()
    try:
        sale = read_sale(
            body, default_language=config["LOCALE"], zone=business_zone(config), now=now,
            source=f"api:{token.name}", date_required=False,
        )  # fmt: skip
        recorded = record_sale(get_store(), sale, Cadence.from_config(config), now,
                               dated=bool(body.get("date")))  # fmt: skip
    except SaleProblems as exc:
        return _error(422, "invalid", _("Some fields are wrong; nothing was recorded."),
                      fields=exc.problems)  # fmt: skip
    except SaleConflict as exc:
        return _error(
            409, "conflict",
            _("This order reference is already recorded for another sale (another address, "
              "date or outcome); nothing was changed."),
            sale=_sale_json(exc.stored, personal=False),
        )  # fmt: skip
    response = jsonify(created=recorded.created,
                       sale=_sale_json(recorded.sale, personal=recorded.created))  # fmt: skip
    response.status_code = 201 if recorded.created else 200
    return response


@api.route("/sales", methods=["GET", "PUT", "PATCH", "DELETE"])
@csrf.exempt
def sales_other_methods() -> Response:
    response = _error(405, "method_not_allowed", _("Only POST is accepted here."))
    response.headers["Allow"] = "POST"
    return response


@api.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@csrf.exempt
def unknown(rest: str) -> Response:
    return _error(404, "not_found", _("No such API address; sales go to POST /api/sales."))


def _http_error(error: HTTPException) -> Response:
    name = (error.name or "error").lower().replace(" ", "_")
    response = _error(error.code or 500, name, error.description or error.name or "")
    if isinstance(error, TooManyPosts):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _store_error(error: StoreError) -> Response:
    current_app.logger.error("API: data unavailable: %s", error)
    if isinstance(error, WriteError):
        return _error(503, "not_saved", _("Could not save; nothing was lost. Retry later."))
    return _error(503, "unavailable", _("The data cannot be reached right now. Retry later."))


def _crash(error: Exception) -> Response:
    current_app.logger.exception("API: unhandled error")
    return _error(500, "internal_error", _("Something went wrong on our side. Retry later."))


for _code in _CODES:
    api.register_error_handler(_code, _http_error)
api.register_error_handler(HTTPException, _http_error)
api.register_error_handler(StoreError, _store_error)
api.register_error_handler(Exception, _crash)
