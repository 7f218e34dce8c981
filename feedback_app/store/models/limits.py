"""Rate limiting's stored counters."""

from __future__ import annotations

from dataclasses import dataclass

from .base import Record

__all__ = ["RateCounter"]


@dataclass
class RateCounter(Record):
    """One rate-limit window's counter (see store/limits.py)."""

    key: str
    window: int
    span: int
    count: int
    expires: int
