"""CSV downloads of the console's records: one table per kind of record, streamed.

No Flask here (the view only wraps `download` in a streamed response): rows are made batch by
batch from `store.scan`, so a download of 600,000 votes holds one batch, never the collection.
What reaches the spreadsheet is what a marketer can use as is:

- UTF-8 with a byte order mark, so Excel reads Ukrainian and Chinese as such, not as Latin-1;
- a header row of readable column names, dates as ISO 8601 to the second with the offset,
  true/false as yes/no;
- no formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return gets a leading `'`, so a spreadsheet shows it as text instead of running it
  (OWASP "CSV Injection"). Numbers we write ourselves (a vote of -1) stay numbers: they come
  from the store's integer fields, never from text a person typed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from . import audit
from .store import Store
from .store.contract import COLLECTIONS, Batch
from .store.models import Record, User

__all__ = ["BOM", "EXPORTS", "Column", "Export", "cell", "csv_chunks", "download", "filename"]

BOM = "\ufeff"
# What a spreadsheet reads as the start of a formula (or, for tab and CR, hides one behind).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy string: the header, in the reader's language
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Export:
    """One download: which collection, its title on the exports page, and its columns."""

    collection: str
    title: Any
    columns: tuple[Column, ...]


def _field(name: str) -> Callable[[Any], Any]:
    return lambda record: getattr(record, name)


def _columns(*pairs: tuple[Any, str | Callable[[Any], Any]]) -> tuple[Column, ...]:
    return tuple(
        Column(label, _field(get) if isinstance(get, str) else get) for label, get in pairs
    )


def _official_response(idea: Any) -> str:
    official = idea.official_response
    return official.response if official else ""


EXPORTS: dict[str, Export] = {
    "ideas": Export("ideas", _l("Ideas"), _columns(
        (_l("Idea number"), "id"), (_l("Posted"), "created_at"), (_l("Title"), "title"),
        (_l("Description"), "description"), (_l("Category"), "category"), (_l("Tags"), "tags"),
        (_l("Status"), "status"), (_l("Official response"), _official_response),
        (_l("What changed"), "changed_note"), (_l("Changed on"), "changed_on"),
        (_l("Merged into idea"), "merged_into"), (_l("Author's person number"), "author_id"),
    )),
    "votes": Export("votes", _l("Votes"), _columns(
        (_l("Idea number"), "idea_id"), (_l("Person number"), "user_id"),
        (_l("Vote (1 promote, -1 demote)"), "value"), (_l("When"), "at"),
    )),
    "comments": Export("comments", _l("Comments (pros and cons)"), _columns(
        (_l("Comment number"), "id"), (_l("Idea number"), "idea_id"), (_l("Written"), "created_at"),
        (_l("Author's person number"), "author_id"), (_l("Stance"), "stance"),
        (_l("Comment"), "body"), (_l("Official"), "official"), (_l("Hidden"), "hidden"),
        (_l("Edited"), "edited_at"),
    )),
    "surveys": Export("surveys", _l("Survey answers"), _columns(
        (_l("Answer number"), "id"), (_l("Answered"), "created_at"), (_l("Question"), "question"),
        (_l("Email"), "email"), (_l("Order"), "order_ref"), (_l("Score (0-10)"), "score"),
        (_l("Effort (1-7)"), "effort"), (_l("Touchpoint"), "touchpoint"),
        (_l("Comment"), "reason"), (_l("Arrived as promised"), "arrived"),
        (_l("May we contact them"), "may_contact"), (_l("Language"), "language"),
        (_l("Updated"), "updated_at"),
    )),
    "testimonials": Export("testimonials", _l("Testimonials"), _columns(
        (_l("Testimonial number"), "id"), (_l("Written"), "created_at"), (_l("State"), "state"),
        (_l("Rating"), "rating"), (_l("Customer's words"), "original_text"),
        (_l("Approved wording"), "approved_text"), (_l("Credited as"), "credit_name"),
        (_l("Role"), "credit_role"), (_l("Company"), "credit_company"),
        (_l("Credit style"), "credit_style"), (_l("Email"), "email"),
        (_l("Connection"), "connection_kind"), (_l("Connection in words"), "connection"),
        (_l("Consent version"), "consent_version"), (_l("Consented"), "consented_at"),
        (_l("Tags"), "tags"), (_l("Featured"), "featured"), (_l("Decided"), "decided_at"),
        (_l("Reason for rejecting"), "rejected_reason"), (_l("Withdrawn"), "withdrawn_at"),
        (_l("Language"), "language"),
    )),
    "followups": Export("followups", _l("Follow-ups"), _columns(
        (_l("Follow-up number"), "id"), (_l("Opened"), "created_at"), (_l("Kind"), "kind"),
        (_l("Email"), "email"), (_l("Name"), "name"), (_l("Why"), "reason"),
        (_l("State"), "state"), (_l("Owner's person number"), "owner_id"), (_l("Due"), "due_at"),
        (_l("Closed"), "done_at"), (_l("Outcome"), "outcome"), (_l("Notes"), "notes"),
        (_l("Note to the customer"), "customer_note"),
    )),
    "audit": Export("audit", _l("Audit log"), _columns(
        (_l("Entry number"), "id"), (_l("When"), "created_at"), (_l("Who"), "actor_email"),
        (_l("Action"), "action"), (_l("Kind of record"), "target_kind"),
        (_l("Record number"), "target_id"), (_l("Summary"), "summary"),
        (_l("Before"), "before"), (_l("After"), "after"),
    )),
}  # fmt: skip


def cell(value: Any) -> str | int:
    """One value as a spreadsheet should see it; text that could start a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        text = value.isoformat(timespec="seconds")  # microseconds only clutter a spreadsheet
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, list | tuple):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_chunks(export: Export, batches: Iterable[Batch]) -> Iterator[str]:
    """The CSV text: the BOM and the header first, then one chunk per batch of records, made
    only when the reader asks for it."""
    model: type[Record] = COLLECTIONS[export.collection]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in export.columns])
    yield BOM + _take(buffer)
    for batch in batches:
        for record_id, doc in batch:
            record = model.from_doc(doc, record_id or 0)
            writer.writerow([cell(column.value(record)) for column in export.columns])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def download(store: Store, actor: User, name: str) -> Iterator[str]:
    """A download of `name` (one of `EXPORTS`) asked for by `actor`: recorded in the audit log
    now, read from the store as the text is sent."""
    export = EXPORTS[name]
    audit.record(store, actor, "export.download", "export", None,
                 after={"collection": name}, summary=name)  # fmt: skip
    return csv_chunks(export, store.scan(export.collection))


def filename(name: str, day: date) -> str:
    """The file's name, with the day it was made: downloads of different days do not clash."""
    return f"voicebox-{name}-{day.isoformat()}.csv"
