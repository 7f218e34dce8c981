"""Fixed-window rate-limit counters shared by every process of the app.

Kept in the store rather than in each process's memory so that four gunicorn workers enforce
one limit, not four.
"""

from __future__ import annotations

import time
import zlib
from typing import Any

from .collection import Collection

__all__ = ["RateLimits", "route_limit"]


def route_limit(key: str) -> int:
    # crc32, not hash(): hash() of a str differs between processes.
    return zlib.crc32(key.encode())


class RateLimits:
    def __init__(self, collection: Collection) -> None:
        self._c = collection

    def hit(self, key: str, limit: int, window_s: int, now: float | None = None) -> bool:
        """Count one hit on `key`; False when that makes more than `limit` in this window."""
        now = time.time() if now is None else now
        window = int(now // window_s)
        route = route_limit(key)
        with self._c.shard_writing(route) as db:
            table = db.table(self._c.name)
            found = self._c.shard_view(route, "by_key", _by_key).get(key)
            if found is None or found[1]["window"] != window or found[1]["span"] != window_s:
                if found is not None:
                    table.remove(doc_ids=[self._c.split_id(found[0])[1]])
                table.remove(lambda doc: doc["expires"] < now)
                table.insert(
                    {"key": key, "window": window, "span": window_s, "count": 1,
                     "expires": (window + 1) * window_s}
                )  # fmt: skip
                return limit >= 1
            count = found[1]["count"] + 1
            table.update({"count": count}, doc_ids=[self._c.split_id(found[0])[1]])
            return count <= limit


def _by_key(records: dict[int, dict[str, Any]]) -> dict[str, tuple[int, dict[str, Any]]]:
    return {doc["key"]: (rid, doc) for rid, doc in records.items()}
