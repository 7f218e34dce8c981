"""`voicebox sales import FILE.csv` as an operator uses it: all rows or none, every rejected
row named, nothing stored twice."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from feedback_app.sales.csv_import import import_sales
from feedback_app.store import Store, utcnow
from feedback_app.store.models import SaleOutcome
from tests.conftest import VoiceboxRunner, app_store

YESTERDAY = date.today() - timedelta(days=1)
GOOD = f"""email,name,language,order_ref,date,touchpoint,outcome
olena@example.com,Олена Коваль,uk,A-1001,{YESTERDAY},online shop,won
Wei@Example.com,王伟,zh_Hans,A-1002,{YESTERDAY}T15:30,store,won
giulia@example.com,Giulia,it,A-1003,{YESTERDAY},phone,lost
maria@example.com,Maria Santos,tl,A-1004,{YESTERDAY},online shop,
"""


def _csv(tmp_path: Path, text: str, name: str = "sales.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_records_every_sale_with_its_contact_and_unicode_intact(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    result = runner.invoke("sales", "import", str(_csv(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    assert "Imported 4 new sales (0 were already recorded); 7 follow-up emails scheduled" in (
        result.output
    ), "a thank-you and a survey for each won sale, one question for the lost one"
    sales = {s.order_ref: s for s in store.sales.all()}
    assert sorted(sales) == ["A-1001", "A-1002", "A-1003", "A-1004"]
    assert sales["A-1001"].name == "Олена Коваль" and sales["A-1002"].name == "王伟"
    assert sales["A-1002"].email == "wei@example.com", "addresses are stored normalised"
    assert sales["A-1003"].outcome is SaleOutcome.LOST
    assert sales["A-1004"].outcome is SaleOutcome.WON, "won unless it says lost"
    assert sales["A-1002"].sold_at.isoformat() == f"{YESTERDAY}T15:30:00+00:00"
    contacts = {c.email: c for c in store.contacts.all()}
    assert contacts["olena@example.com"].language == "uk"
    assert contacts["maria@example.com"].name == "Maria Santos"


def test_a_bad_row_imports_nothing_and_each_bad_row_is_named(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    text = GOOD + (
        "not-an-address,Bad,en,B-1,2025-03-03,,won\n"
        "ok@example.com,Ok,en,B-2,31/03/2025,,won\n"
        "ok2@example.com,Ok,en,B-3,2025-03-03,,maybe\n"
        f"olena@example.com,Олена,uk,A-1001,{YESTERDAY},,won\n"
    )
    result = runner.invoke("sales", "import", str(_csv(tmp_path, text)))
    assert result.exit_code == 1
    out = result.output
    assert "sales.csv, line 6: email: Not an email address." in out
    assert "sales.csv, line 7: date: Not a date" in out
    assert "sales.csv, line 8: outcome: Either won or lost." in out
    assert "sales.csv, line 9: Order reference A-1001 is already on line 2." in out
    assert "nothing was imported: 4 rows were rejected" in out
    assert "Traceback" not in out
    assert store.sales.count() == 0 and store.contacts.count() == 0 and store.jobs.all() == []


def test_importing_the_same_file_again_stores_nothing_twice(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    path = _csv(tmp_path, GOOD)
    first = runner.invoke("sales", "import", str(path))
    assert first.exit_code == 0
    counts = (store.sales.count(), store.contacts.count(), len(store.jobs.all()))
    again = runner.invoke("sales", "import", str(path))
    assert again.exit_code == 0, again.output
    assert "Imported 0 new sales (4 were already recorded); 0 follow-up emails" in again.output
    assert (store.sales.count(), store.contacts.count(), len(store.jobs.all())) == counts


def test_a_reference_already_recorded_for_another_sale_is_rejected(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    runner.invoke("sales", "import", str(_csv(tmp_path, GOOD)))
    typo = "email,order_ref,date\nsomeone@example.com,A-1001,2025-03-05\n"
    result = runner.invoke("sales", "import", str(_csv(tmp_path, typo, "more.csv")))
    assert result.exit_code == 1
    assert "more.csv, line 2: Order reference A-1001 is already recorded for another" in (
        result.output
    )
    assert store.sales.find(order_ref="A-1001")[0].email == "olena@example.com"


def test_file_level_problems_are_one_clear_line(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    cases = {
        "email,order,date,colour\n": "line 1: Unknown columns colour",
        "email,name\nx@example.com,X\n": "line 1: Missing columns: order_ref, date.",
        "": "line 1: The file is empty",
    }
    for text, said in cases.items():
        result = runner.invoke("sales", "import", str(_csv(tmp_path, text)))
        assert result.exit_code == 1 and said in result.output, (text, result.output)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("email,order_ref,date\nx@example.com,C-1,2025-03-01\nè\n".encode("latin-1"))
    result = runner.invoke("sales", "import", str(latin1))
    assert "latin1.csv, line 3: Not UTF-8 text" in result.output
    assert store.sales.count() == 0


def test_a_file_saved_by_a_spreadsheet_with_a_bom_and_crlf_imports(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffEmail,Order reference,Date\r\nanna@example.com,E-1,2025-03-01\r\n".encode()
    )
    result = runner.invoke("sales", "import", str(path))
    assert result.exit_code == 0, result.output
    assert store.sales.find(order_ref="E-1")[0].email == "anna@example.com"


def test_last_years_sales_are_recorded_without_emailing_anyone_about_them(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    old = date.today() - timedelta(days=365)
    text = f"email,order_ref,date\na@example.com,H-1,{old}\na@example.com,H-2,{YESTERDAY}\n"
    result = runner.invoke("sales", "import", str(_csv(tmp_path, text)))
    assert "Imported 2 new sales" in result.output
    recent = store.sales.find(order_ref="H-2")[0].id
    jobs = sorted((j.kind, j.payload.get("sale")) for j in store.jobs.all())
    assert jobs == [("contact_checkin", None), ("sale_survey", recent), ("sale_thanks", recent)]


def test_a_file_over_the_row_limit_is_refused_whole_with_the_line_that_passed_it(
    app: Flask,
) -> None:
    store = app_store(app)
    rows = "".join(f"k{n}@example.com,K-{n},{YESTERDAY}\n" for n in range(4))
    report = import_sales(store, ("email,order_ref,date\n" + rows).encode(), app.config,
                          utcnow(), max_rows=3)  # fmt: skip
    assert [(r.line, "at most 3 sales" in r.reason) for r in report.rejected] == [(5, True)]
    assert store.sales.count() == 0


def test_a_header_of_thousands_of_unknown_columns_is_a_short_report(
    runner: VoiceboxRunner, store: Store, tmp_path: Path
) -> None:
    header = "email,order_ref,date," + ",".join(f"extra{n}" for n in range(5000))
    result = runner.invoke("sales", "import", str(_csv(tmp_path, header + "\n")))
    assert result.exit_code == 1 and "extra9 …" in result.output
    assert "extra10" not in result.output and len(result.output) < 2000
