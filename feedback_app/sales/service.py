"""Recording a sale: stored once per order reference, its Contact kept up to date, its emails
scheduled. Needs no app or request: the CSV import, the API and the demo all call `record_sale`.

Every step is safe to repeat, so a crash anywhere is repaired by recording the sale again
(the same file imported again, the shop system's retry): the sale is kept by `add_once`, the
contact likewise, the jobs by their keys, and `Sale.scheduled_at` says the emails were
scheduled, so a sale recorded again months later (its done jobs long pruned) sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..store import Store
from ..store.models import Sale
from .cadence import Cadence, schedule_sale
from .contacts import ensure_contact

__all__ = ["Recorded", "SaleConflict", "record_sale", "same_sale"]


class SaleConflict(ValueError):
    """The order reference is already recorded for another sale (another address, date or
    outcome): a typo in a reference must not be taken for a repeat of the first."""

    def __init__(self, stored: Sale) -> None:
        super().__init__(f"order reference {stored.order_ref} is already recorded")
        self.stored = stored


@dataclass(frozen=True)
class Recorded:
    sale: Sale
    created: bool
    jobs: int


def same_sale(a: Sale, b: Sale, dated: bool = True) -> bool:
    """Whether two reports of an order reference describe one sale (name, language and
    touchpoint may be spelled differently by different systems). A report that gave no date
    (`dated` false: the time of the call was taken) agrees with any date."""
    return (a.email, a.outcome) == (b.email, b.outcome) and (not dated or a.sold_at == b.sold_at)


def record_sale(
    store: Store, sale: Sale, cadence: Cadence, now: datetime, dated: bool = True
) -> Recorded:
    """Store `sale` unless its order reference is known, and schedule its emails once.
    Raises SaleConflict when the reference is known for a different sale (see `same_sale`
    for `dated`)."""
    stored, created = store.sales.add_once(sale, "order_ref")
    if not created and not same_sale(stored, sale, dated):
        raise SaleConflict(stored)
    contact = ensure_contact(store, stored, learn=created)
    if stored.scheduled_at is not None:
        return Recorded(stored, created, 0)
    jobs = schedule_sale(store, stored, contact, cadence, now)

    def mark(s: Sale) -> None:
        s.scheduled_at = s.scheduled_at or now

    return Recorded(store.sales.update(stored.id, mark), created, jobs)
