"""Sales keep the customer's address and name for VOICEBOX_SALES_KEEP_DAYS, then lose them.

The figures stay (when, won or lost, touchpoint, language, the order reference that keeps a
re-imported CSV from adding the sale again); what names a person goes. The mailer runs it once
a day as a job keyed by the date (`RETENTION_JOB`), so one host does it per day however many
run, and a run cut short by a restart is taken again by the next mailer; anonymising a sale
twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from ..store.contract import Store
from ..store.models import Sale

__all__ = ["RETENTION_JOB", "anonymise_sale", "anonymise_sales"]

RETENTION_JOB = "sales-retention"


def anonymise_sale(sale: Sale, now: datetime) -> None:
    """Drop what names the customer from `sale` (a `Records.update` change; idempotent)."""
    if sale.anonymised_at is None:
        sale.email, sale.name, sale.anonymised_at = "", "", now


def anonymise_sales(store: Store, sold_before: datetime, now: datetime) -> int:
    """Anonymise every sale made before `sold_before`; return how many were anonymised now."""
    done = 0
    for sale in store.sales.find(anonymised_at=None):
        if sale.sold_at < sold_before:
            store.sales.update(sale.id, lambda s: anonymise_sale(s, now))
            done += 1
    return done
