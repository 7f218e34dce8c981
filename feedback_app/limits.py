"""Rate limits on every form post, counted in the store so all worker processes share them."""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import TooManyRequests

from .data import get_store

__all__ = ["TooManyPosts", "allow", "client_address", "init_limits"]


def client_address() -> str:
    return request.remote_addr or "unknown"


def allow(key: str, rate: tuple[int, int]) -> bool:
    """Count one use of `key` against `rate` (count, seconds); False when over it."""
    count, seconds = rate
    return get_store().limits.hit(key, count, seconds)


class TooManyPosts(TooManyRequests):
    """Over the post limit; `retry_after` says in how many seconds to try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


def _limit_posts() -> None:
    # Every POST is counted: a new form cannot forget its limit.
    rate = current_app.config["POST_LIMIT"]
    if request.method == "POST" and not allow(f"post:{client_address()}", rate):
        raise TooManyPosts(retry_after=rate[1])


def init_limits(app: Flask) -> None:
    app.before_request(_limit_posts)
