"""`voicebox sales import FILE.csv`: all rows or none.

Every row is checked before anything is stored, and every rejected row is reported with its
line in the file and the reason, so one pass over the report fixes the file. Importing the
same file again stores nothing twice (sales are kept per order reference, their emails
scheduled once); a crash half-way is finished by importing the file again. Needs no app.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from ..store import Store
from ..store.models import Sale
from .cadence import Cadence
from .intake import FIELDS, REQUIRED, SaleProblems, business_zone, read_sale
from .service import SaleConflict, record_sale, same_sale

__all__ = ["FORM_MAX_ROWS", "ImportReport", "Rejected", "import_sales", "read_rows"]

# Sales one upload through the console may hold: each is written durably on its own (about
# 20 ms), so a bigger file would hold a web worker for minutes. The command has no limit.
FORM_MAX_ROWS = 5000
# Unknown column names a report quotes (a header of thousands of them is no report).
_NAMES_SHOWN = 10

# Headings people write for the order reference, besides the field's own name.
_ALIASES = {"order_reference": "order_ref", "order": "order_ref", "sold_at": "date"}


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    jobs: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _heading(raw: str) -> str:
    name = "_".join(raw.strip().lower().replace("-", " ").split())
    return _ALIASES.get(name, name)


def _decode(data: bytes) -> str | Rejected:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Rejected(line, str(_l("Not UTF-8 text: save the file as CSV UTF-8.")))


def _columns(headings: list[str]) -> list[str] | Rejected:
    columns = [_heading(h) for h in headings]
    unknown = [h for h, c in zip(headings, columns, strict=True) if c not in FIELDS]
    if unknown:
        names = ", ".join(unknown[:_NAMES_SHOWN]) + (" …" if len(unknown) > _NAMES_SHOWN else "")
        return Rejected(1, str(_l("Unknown columns %(names)s; the columns are %(fields)s.",
                                  names=names, fields=", ".join(FIELDS))))  # fmt: skip
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        return Rejected(1, str(_l("Columns given twice: %(names)s.", names=", ".join(twice))))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return Rejected(1, str(_l("Missing columns: %(names)s.", names=", ".join(missing))))
    return columns


def read_rows(
    data: bytes, config: Mapping[str, Any], now: datetime, max_rows: int | None = None
) -> tuple[list[tuple[int, Sale]], list[Rejected]]:
    """The sales in a CSV file with their line numbers, and the rows rejected (with the
    file's own problems, such as a missing column, as line 1). More than `max_rows` sales
    reject the file at the first row past the limit."""
    text = _decode(data)
    if isinstance(text, Rejected):
        return [], [text]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headings = next(reader)
    except (StopIteration, csv.Error):
        return [], [Rejected(1, str(_l("The file is empty: the first line names the columns.")))]
    columns = _columns(headings)
    if isinstance(columns, Rejected):
        return [], [columns]
    sales: list[tuple[int, Sale]] = []
    rejected: list[Rejected] = []
    first: dict[str, int] = {}
    line = reader.line_num
    zone = business_zone(config)
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(Rejected(start, str(_l("Not readable as CSV: %(why)s", why=exc))))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if max_rows is not None and len(sales) + len(rejected) >= max_rows:
            too_many = _l("A file may hold at most %(limit)d sales here: split it into smaller "
                          "files, or import it with `voicebox sales import`.", limit=max_rows)
            rejected.append(Rejected(start, str(too_many)))
            break
        if len(cells) > len(columns):
            rejected.append(Rejected(start, str(_l("More cells than columns."))))
            continue
        try:
            sale = read_sale(
                dict(zip(columns, cells, strict=False)), default_language=config["LOCALE"],
                zone=zone, now=now, source="csv",
            )  # fmt: skip
        except SaleProblems as exc:
            reasons = "; ".join(f"{name}: {why}" for name, why in exc.problems.items())
            rejected.append(Rejected(start, reasons))
            continue
        if sale.order_ref in first:
            rejected.append(Rejected(start, str(_l(
                "Order reference %(ref)s is already on line %(line)d.",
                ref=sale.order_ref, line=first[sale.order_ref]))))  # fmt: skip
            continue
        first[sale.order_ref] = start
        sales.append((start, sale))
    return sales, rejected


def _conflicts(store: Store, sales: list[tuple[int, Sale]]) -> list[Rejected]:
    """Rows whose order reference is already recorded for a different sale."""
    stored = {s.order_ref: s for s in store.sales.all()}
    return [
        Rejected(line, str(_l("Order reference %(ref)s is already recorded for another sale "
                              "(another address, date or outcome).", ref=sale.order_ref)))
        for line, sale in sales
        if sale.order_ref in stored and not same_sale(stored[sale.order_ref], sale)
    ]  # fmt: skip


def import_sales(
    store: Store, data: bytes, config: Mapping[str, Any], now: datetime,
    max_rows: int | None = None,
) -> ImportReport:
    """Import a CSV file's sales, all or none (see the module docstring); a file of more
    than `max_rows` sales is refused whole."""
    sales, rejected = read_rows(data, config, now, max_rows)
    rejected += _conflicts(store, sales)
    if rejected:
        return ImportReport(rejected=sorted(rejected, key=lambda r: r.line))
    report = ImportReport()
    cadence = Cadence.from_config(config)
    for line, sale in sales:
        try:
            recorded = record_sale(store, sale, cadence, now)
        except SaleConflict:  # recorded by someone else since the check above
            report.rejected.append(Rejected(line, str(_l(
                "Order reference %(ref)s was recorded for another sale meanwhile.",
                ref=sale.order_ref))))  # fmt: skip
            continue
        report.created += recorded.created
        report.existing += not recorded.created
        report.jobs += recorded.jobs
    return report
