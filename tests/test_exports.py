"""feedback_app.exports on its own: the CSV a spreadsheet opens, cell by cell, and streaming."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from feedback_app.exports import BOM, EXPORTS, cell, csv_chunks, filename
from feedback_app.store.contract import Batch
from feedback_app.store.models import Comment, Vote

TRICKY = [
    "Кава з вівсяним молоком, будь ласка",
    '中文，逗号, "引号" 和\n换行',
    'Olena said "yes", then\n\nleft; a, b, c',
    "Prezzo: 3,50 €",
]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_that_could_start_a_formula_is_quoted(start: str) -> None:
    assert (
        cell(f'{start}HYPERLINK("http://evil.example")')
        == f'\'{start}HYPERLINK("http://evil.example")'
    )


def test_harmless_text_and_our_own_numbers_are_left_alone() -> None:
    assert cell("Oat-milk - please") == "Oat-milk - please"
    assert cell("a=b+c@d") == "a=b+c@d"
    assert cell(-1) == -1, "a demote stays a number a spreadsheet can add up"
    assert cell(None) == ""
    assert cell(True) == "yes" and cell(False) == "no"
    assert cell(["oat", "milk"]) == "oat, milk"
    assert cell(datetime(2026, 3, 31, 14, 30, tzinfo=UTC)) == "2026-03-31T14:30:00+00:00"
    assert cell(datetime(2026, 10, 29, 14, 40, 7, 150784, tzinfo=UTC)) == (
        "2026-10-29T14:40:07+00:00"
    ), "no microseconds: ISO 8601 to the second, with the offset"


def _comments(texts: list[str]) -> list[Batch]:
    made = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
    return [[(n, Comment(1, 2, text, created_at=made).to_doc()) for n, text in enumerate(texts, 1)]]


def test_the_file_starts_with_a_bom_and_a_readable_header() -> None:
    text = "".join(csv_chunks(EXPORTS["comments"], _comments(["Hi"])))
    assert text.startswith(BOM)
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header[:3] == ["Comment number", "Idea number", "Written"]
    assert "Comment" in header


def test_unicode_commas_quotes_and_line_breaks_come_back_unchanged() -> None:
    text = "".join(csv_chunks(EXPORTS["comments"], _comments([*TRICKY, "=1+1"])))
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["Comment"] for r in rows] == [*TRICKY, "'=1+1"]
    assert rows[0]["Written"] == "2026-03-31T09:00:00+00:00"
    assert rows[0]["Hidden"] == "no"


def _votes(count: int, batch: int = 2000) -> Iterator[Batch]:
    """`count` votes made on the fly, batch by batch, as `store.scan` hands them out."""
    at = datetime(2026, 3, 31, tzinfo=UTC)
    for start in range(0, count, batch):
        yield [(None, Vote(n % 500 + 1, n, 1 if n % 3 else -1, at).to_doc())
               for n in range(start, min(count, start + batch))]  # fmt: skip


def _peak(count: int) -> int:
    tracemalloc.start()
    try:
        for _ in csv_chunks(EXPORTS["votes"], _votes(count)):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_records() -> None:
    small, large = _peak(2_000), _peak(20_000)
    # Measured: 1.3 MB for 2,000 votes, 1.7 MB for 20,000, 1.8 MB for 200,000 (one batch held);
    # a download that kept its rows would take ten times as much for ten times the votes.
    assert large < small * 2, (small, large)


def test_the_first_chunk_is_ready_before_the_records_are_read_through() -> None:
    read: list[int] = []

    def batches() -> Iterator[Batch]:
        for number, batch in enumerate(_votes(6_000), 1):
            read.append(number)
            yield batch

    chunks = csv_chunks(EXPORTS["votes"], batches())
    assert next(chunks).startswith(BOM) and read == []
    assert next(chunks).count("\r\n") == 2000 and read == [1]


def test_the_file_is_named_for_its_records_and_day() -> None:
    assert filename("votes", datetime(2026, 3, 31).date()) == "voicebox-votes-2026-03-31.csv"
