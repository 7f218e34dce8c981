"""Rate limits on every form post, counted in the store so all worker processes share them."""

from __future__ import annotations

from flask import Flask, abort, current_app, request

from .data import get_store

__all__ = ["allow", "client_address", "init_limits"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def allow(key: str, rate: tuple[int, int]) -> bool:
    """Count one use of `key` against `rate` (count, seconds); False when over it."""
    count, seconds = rate
    return get_store().limits.hit(key, count, seconds)


def _limit_posts() -> None:
    # Every POST is counted: a new form cannot forget its limit.
    if request.method == "POST" and not allow(
        f"post:{client_address()}", current_app.config["POST_LIMIT"]
    ):
        abort(429)


def init_limits(app: Flask) -> None:
    app.before_request(_limit_posts)
