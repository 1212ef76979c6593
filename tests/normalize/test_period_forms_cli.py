"""Impossible dates, slashed dates and the issue's corpus forms, end to end through `extract`:
a text export and a born-digital PDF, and the basis in SQLite and XLSX as well as JSONL.

(test_period_basis_cli.py covers every basis value and the CSV and Parquet columns.)
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
from thaireport.output.tables import write_sqlite

from tests.fixtures.content import ReportContent, SectionContent
from tests.fixtures.pdfgen import VARIANTS, render_report
from tests.normalize.test_period_basis_cli import HEAD
from tests.test_outputs import extract, jsonl

D = dt.date
FY67 = (D(2023, 10, 1), D(2024, 9, 30))

# (period cell, what its warning must name): each gives null values and basis none
IMPOSSIBLE: list[tuple[str, str]] = [
    ("13/13/2567", "impossible date '13/13/2567'"),  # month 13
    ("๓๒ ต.ค. ๒๕๖๖", "impossible date '๓๒ ต.ค. ๒๕๖๖'"),  # day 32
    ("๒๙ ก.พ. ๒๕๖๖", "impossible date '๒๙ ก.พ. ๒๕๖๖'"),  # 2023 CE is no leap year
    ("๒๙/๒/๒๕๖๖", "impossible date '๒๙/๒/๒๕๖๖'"),
    ("๓๐ กุมภาพันธ์ ๒๕๖๗", "impossible date '๓๐ กุมภาพันธ์ ๒๕๖๗'"),
    ("๓๑ เมษายน ๒๕๖๗", "impossible date '๓๑ เมษายน ๒๕๖๗'"),
    ("๓๑/๔/๒๕๖๗", "impossible date '๓๑/๔/๒๕๖๗'"),
    ("๓๒/๑๐/๖๖", "impossible date '๓๒/๑๐/๖๖'"),  # two-digit BE year
    ("๑/๑๐/๒๕๖๖ – ๓๑/๔/๒๕๖๗", "'๓๑/๔/๒๕๖๗' is no date"),  # not half a period
]
# (cell as written in the export, its text in the record, start, end, basis)
READ: list[tuple[str, str, dt.date | None, dt.date | None, str]] = [
    # slashed numeric dates, day/month/BE year
    ("๑/๑๐/๒๕๖๖ – ๓๐/๙/๒๕๖๗", "๑/๑๐/๒๕๖๖ – ๓๐/๙/๒๕๖๗", *FY67, "printed-range"),
    ("๑๕/๓/๖๗", "๑๕/๓/๖๗", D(2024, 3, 15), D(2024, 3, 15), "printed-date"),
    ("29/2/2567", "29/2/2567", D(2024, 2, 29), D(2024, 2, 29), "printed-date"),  # a leap year
    # the corpus forms
    ("ไตรมาสที่ ๓ – ๔", "ไตรมาสที่ ๓ – ๔", D(2024, 4, 1), D(2024, 9, 30), "quarter"),
    (
        "ทุกวันที่ ๑๐ ของเดือน (ต.ค. ๖๕ – ก.ย. ๖๖)",
        "ทุกวันที่ ๑๐ ของเดือน (ต.ค. ๖๕ – ก.ย. ๖๖)",
        D(2022, 10, 1),
        D(2023, 9, 30),
        "printed-months",
    ),
    ("ภายใน ๑๕ วัน นับแต่ได้รับคำร้อง", "ภายใน ๑๕ วัน นับแต่ได้รับคำร้อง", None, None, "inferred"),
    ("ต.ค. 2566 - ก.ย. 2567", "ต.ค. 2566 - ก.ย. 2567", *FY67, "printed-months"),  # no พ.ศ.
    ("1 ต.ค. 2566 - 30 ก.ย. 2567", "1 ต.ค. 2566 - 30 ก.ย. 2567", *FY67, "printed-range"),
    # a range across two lines of its cell (a paragraph break in the export's HTML fragment)
    (
        "<p>๑ ต.ค. ๒๕๖๖ –</p><p>๓๐ ก.ย. ๒๕๖๗</p>",
        "๑ ต.ค. ๒๕๖๖ –\n๓๐ ก.ย. ๒๕๖๗",
        *FY67,
        "printed-range",
    ),
    ("ต.ค. ๖๖<br>– ก.ย. ๖๗", "ต.ค. ๖๖\n– ก.ย. ๖๗", *FY67, "printed-months"),
]


def _export(tmp_path: Path, cells: list[str]) -> Path:
    rows = "".join(
        f"มาตรการที่ {i}\tจัดทำแผน\tสำนักปลัด\t{cell}\tดำเนินการแล้ว\tร้อยละ ๙๐\n"
        for i, cell in enumerate(cells)
    )
    export = tmp_path / "report.txt"
    export.write_text(HEAD + rows, encoding="utf-8")
    return export


def test_impossible_and_slashed_dates_and_corpus_forms_through_extract(tmp_path: Path) -> None:
    cells = [c for c, _ in IMPOSSIBLE] + [c[0] for c in READ]
    out = tmp_path / "out"
    result = extract(_export(tmp_path, cells), "-o", out, "--format", "jsonl,sqlite,xlsx")
    assert result.returncode == 0, result.stderr
    records = jsonl(out / "records.jsonl")
    assert [r.cells.period for r in records] == [c for c, _ in IMPOSSIBLE] + [c[1] for c in READ]

    for record, (cell, named) in zip(records, IMPOSSIBLE, strict=False):
        n = record.normalized
        assert (n.period_start, n.period_end, n.period_basis) == (None, None, "none"), cell
        # an impossible date is no date: nothing inferred in its place either
        assert (n.period_inferred_start, n.period_inferred_end) == (None, None), cell
        messages = [w.message for w in record.warnings if w.cell == "period"]
        assert any(named in m for m in messages), (cell, messages)

    for record, (_, cell, start, end, basis) in zip(records[len(IMPOSSIBLE) :], READ, strict=True):
        n = record.normalized
        assert (n.period_start, n.period_end, n.period_basis) == (start, end, basis), cell
        if basis == "inferred":  # offered beside, never in period_start/end
            assert (n.period_inferred_start, n.period_inferred_end) == FY67
        else:
            assert (n.period_inferred_start, n.period_inferred_end) == (None, None), cell
        messages = [w.message for w in record.warnings if w.cell == "period"]
        assert not any("impossible" in m for m in messages), (cell, messages)

    expected = [(None, None, "none")] * len(IMPOSSIBLE) + [
        (start.isoformat() if start else None, end.isoformat() if end else None, basis)
        for _, _, start, end, basis in READ
    ]
    with closing(sqlite3.connect(out / "records.sqlite")) as db:
        rows = db.execute(
            'SELECT "normalized.period_start", "normalized.period_end", "normalized.period_basis"'
            " FROM measures ORDER BY record_index"
        ).fetchall()
    assert rows == expected

    book = openpyxl.load_workbook(out / "records.xlsx", read_only=True)
    try:
        sheet = iter(book["records"].iter_rows(values_only=True))
        header = list(next(sheet))
        column = header.index("normalized.period_basis")
        assert header[column - 2 : column] == ["normalized.period_start", "normalized.period_end"]
        assert [row[column] for row in sheet] == [basis for _, _, basis in expected]
    finally:
        book.close()


def test_sqlite_from_an_earlier_version_gets_the_basis_column(tmp_path: Path) -> None:
    """A database written before period_basis existed is extended, not mis-filled."""
    out = tmp_path / "out"
    db_path = out / "records.sqlite"
    out.mkdir()
    with closing(sqlite3.connect(db_path)) as db:
        # the measures table as the first version made it (period_basis absent)
        db.execute(
            "CREATE TABLE measures (id TEXT PRIMARY KEY, document_id TEXT NOT NULL,"
            " section_id INTEGER NOT NULL, row_index INTEGER NOT NULL,"
            " record_index INTEGER NOT NULL, page_first INTEGER NOT NULL,"
            " page_last INTEGER NOT NULL, period_start TEXT, period_end TEXT,"
            " record_json TEXT NOT NULL)"
        )
        db.commit()
    export = _export(tmp_path, ["ไตรมาสที่ ๓ – ๔", "๓๑/๔/๒๕๖๗"])
    result = extract(export, "-o", tmp_path / "jsonl", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    # not fresh: the records are added to the database that is there
    write_sqlite(jsonl(tmp_path / "jsonl" / "records.jsonl"), db_path)
    with closing(sqlite3.connect(db_path)) as db:
        rows = db.execute(
            'SELECT "normalized.period_start", "normalized.period_end",'
            ' "normalized.period_basis", substr(record_json, 1, 1)'
            " FROM measures ORDER BY record_index"
        ).fetchall()
    assert rows == [("2024-04-01", "2024-09-30", "quarter", "{"), (None, None, "none", "{")]


PDF_ROWS: list[tuple[str, dt.date | None, dt.date | None, str]] = [
    ("๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗", *FY67, "printed-range"),
    ("ไตรมาสที่ ๒", D(2024, 1, 1), D(2024, 3, 31), "quarter"),
    ("ตลอดปีงบประมาณ", *FY67, "fiscal-year-phrase"),
    ("๓๑ เม.ย. ๒๕๖๗", None, None, "none"),
]


def test_period_basis_from_a_born_digital_pdf(tmp_path: Path) -> None:
    header = (
        "มาตรการ/กิจกรรม",
        "วิธีดำเนินการ",
        "ผู้รับผิดชอบ",
        "ระยะเวลา",
        "สรุปผลการดำเนินการ",
        "ผลลัพธ์",
    )
    rows = tuple(
        (f"มาตรการที่ {i + 1}", "จัดประชุมชี้แจง", "สำนักปลัด", period, "ดำเนินการแล้ว", "ร้อยละ ๙๐")
        for i, (period, *_rest) in enumerate(PDF_ROWS)
    )
    content = ReportContent(
        ("รายงานผลการดำเนินการ", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗", "ของเทศบาลตำบลตัวอย่าง"),
        (SectionContent("ประเด็นที่ ๑ ทดสอบ", header, rows),),
    )
    pdf = render_report(content, tmp_path / "periods.pdf", VARIANTS["landscape"])
    out = tmp_path / "out"
    result = extract(pdf, "-o", out)
    assert result.returncode == 0, result.stderr
    records = jsonl(out / "records.jsonl")
    assert [r.cells.period for r in records] == [p for p, *_ in PDF_ROWS]
    got = [
        (r.normalized.period_start, r.normalized.period_end, r.normalized.period_basis)
        for r in records
    ]
    assert got == [(start, end, basis) for _, start, end, basis in PDF_ROWS]
    messages = [w.message for w in records[-1].warnings if w.cell == "period"]
    assert any("impossible date '๓๑ เม.ย. ๒๕๖๗'" in m for m in messages), messages
