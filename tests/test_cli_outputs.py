"""The CLI's outputs as a new user meets them (issues 17 and 20): real runs in a temp folder."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.content import EXAMPLE_EXPORT

THAHIN = "องค์การบริหารส่วนตำบลท่าหิน"
MISREAD = "องค์การบริหารส่วนตำบลทำหืน"  # the bundled scan's title, as OCR reads it


def thaireport(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "thaireport", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def export_with(tmp_path: Path, name: str, change: dict[str, str], *, head: int = 0) -> Path:
    """The example text export with some text replaced (in its first `head` lines only, if
    given): another document, by content."""
    lines = EXAMPLE_EXPORT.read_text("utf-8").split("\n")
    upto = head or len(lines)
    for old, new in change.items():
        lines[:upto] = [line.replace(old, new) for line in lines[:upto]]
    path = tmp_path / name
    path.write_text("\n".join(lines), "utf-8")
    return path


# --------------------------------------------------------------------------- 17.1


def test_top_level_organization_is_the_resolved_one(tmp_path: Path) -> None:
    """The title misread (as OCR reads the bundled scan's title), the cells name ท่าหิน many
    times: every record's `organization` is the resolved name, in JSONL and CSV; the print
    stays in `document`."""
    misread = export_with(tmp_path, "misread.txt", {THAHIN: MISREAD}, head=20)
    out = tmp_path / "out"
    done = thaireport("extract", misread, "-o", out, "--format", "jsonl,csv")
    assert done.returncode == 0, done.stderr
    records = jsonl(out / "records.jsonl")
    assert len(records) == 11
    assert {r["organization"] for r in records} == {THAHIN}
    document = records[0]["document"]
    assert isinstance(document, dict)
    assert document["organization"] == THAHIN
    assert document["organization_printed"] == MISREAD
    assert "the title block reads" in document["sources"]["organization"]
    assert {r["organization"] for r in csv_rows(out / "records.csv")} == {THAHIN}


# --------------------------------------------------------------------------- 17.2


def test_extract_into_a_folder_replaces_per_document(tmp_path: Path) -> None:
    other = export_with(tmp_path, "other.txt", {"สำนักปลัด": "กองคลัง"})
    out = tmp_path / "out"
    first = thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "jsonl,csv")
    assert first.returncode == 0, first.stderr
    a = {r["document_id"] for r in jsonl(out / "records.jsonl")}

    # b alone, no --format: both files now hold a and b, and the user is told why
    second = thaireport("extract", other, "-o", out)
    assert second.returncode == 0, second.stderr
    assert "also wrote records.csv, already in the folder" in second.stderr
    assert "kept 11 record(s) of 1 document(s) of earlier runs" in second.stderr
    in_jsonl = jsonl(out / "records.jsonl")
    in_csv = csv_rows(out / "records.csv")
    assert len(in_jsonl) == 22
    assert [r["record_id"] for r in in_csv] == [r["record_id"] for r in in_jsonl]
    b = {r["document_id"] for r in in_jsonl} - a
    assert len(b) == 1

    # a again: replaced, not duplicated
    third = thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "csv")
    assert third.returncode == 0, third.stderr
    assert "replaced 1 document(s) read again" in third.stderr
    again = jsonl(out / "records.jsonl")
    assert sorted(r["record_id"] for r in again) == sorted(r["record_id"] for r in in_jsonl)
    assert len(csv_rows(out / "records.csv")) == 22


def test_batch_rerun_without_format_keeps_the_csv(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    (inputs / "chumphon").mkdir(parents=True)
    (inputs / "chumphon" / "thahin.txt").write_bytes(EXAMPLE_EXPORT.read_bytes())
    out = tmp_path / "out"
    first = thaireport("batch", inputs, "-o", out, "--format", "jsonl,csv", "--no-review")
    assert first.returncode == 0, first.stderr
    export_with(inputs / "chumphon", "other.txt", {"สำนักปลัด": "กองคลัง"})
    second = thaireport("batch", inputs, "-o", out, "--no-review")
    assert second.returncode == 0, second.stderr
    assert (out / "records.csv").is_file()
    in_jsonl = jsonl(out / "records.jsonl")
    assert len(in_jsonl) == 22
    rows = csv_rows(out / "records.csv")
    assert [r["record_id"] for r in rows] == [r["record_id"] for r in in_jsonl]
    assert "records.csv" in second.stderr


# --------------------------------------------------------------------------- 17.3


def test_edits_that_cannot_be_applied_are_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "jsonl,csv").returncode == 0
    before = (out / "records.jsonl").read_bytes()
    rows = csv_rows(out / "records.csv")
    rows[1]["normalized.period_end"] = "2024-12-31"
    rows[2]["organization"] = "เทศบาลตำบลท่าหิน"
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    result = thaireport("apply-corrections", edited, "-o", out)
    assert result.returncode != 0
    assert "normalized.period_end (line 3)" in result.stderr
    assert "organization (line 4)" in result.stderr
    assert "edit only cells.measure" in result.stderr and "cells.period" in result.stderr
    assert (out / "records.jsonl").read_bytes() == before  # nothing written


# --------------------------------------------------------------------------- 20: CSV injection


def test_excel_csv_neutralizes_formula_starts(tmp_path: Path) -> None:
    lines = EXAMPLE_EXPORT.read_text("utf-8").split("\n")
    starts = ['=HYPERLINK("http://x","y")', "+66 77 123 456", "@สำนักปลัด", "-กองคลัง"]
    rows = [i for i, line in enumerate(lines) if "\tสำนักปลัด\t" in line][: len(starts)]
    for i, start in zip(rows, starts, strict=True):
        lines[i] = lines[i].replace("\tสำนักปลัด\t", f"\t{start}\t", 1)
    export = tmp_path / "formulas.txt"
    export.write_text("\n".join(lines), "utf-8")
    out, plain = tmp_path / "excel", tmp_path / "plain"
    assert (
        thaireport("extract", export, "-o", out, "--format", "jsonl,csv", "--excel").returncode == 0
    )
    assert thaireport("extract", export, "-o", plain, "--format", "csv").returncode == 0

    records = jsonl(out / "records.jsonl")
    responsible = [r["cells"]["responsible"] for r in records]  # type: ignore[index]
    assert [t for t in responsible if t in starts] == starts  # JSONL keeps them verbatim
    excel = [r["cells.responsible"] for r in csv_rows(out / "records.csv")]
    assert [t for t in excel if t.startswith("'")] == ["'" + s for s in starts]
    assert not any(t.startswith(("=", "+", "-", "@")) for t in excel)
    assert [r["cells.responsible"] for r in csv_rows(plain / "records.csv")] == responsible

    # the apostrophe is no edit: applying the --excel CSV as it is changes nothing
    same = thaireport("apply-corrections", out / "records.csv", "-o", out)
    assert same.returncode == 0, same.stderr
    assert "0 cell(s) corrected" in same.stderr
    assert [r["cells"]["responsible"] for r in jsonl(out / "records.jsonl")] == responsible  # type: ignore[index]


def test_guard_covers_tab_and_carriage_return() -> None:
    from thaireport.output.writers import guard, unguard

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert guard(text) == "'" + text
        assert unguard(guard(text)) == text
    assert guard("สำนักปลัด") == "สำนักปลัด"
    assert unguard("'quoted") == "'quoted"  # an apostrophe the text printed stays


# --------------------------------------------------------------------------- 20: XLSX


STARTS = ['=HYPERLINK("http://x","y")', "+66 77 123 456", "@สำนักปลัด", "-กองคลัง"]


def formula_export(tmp_path: Path) -> Path:
    """The example export with responsible cells that a spreadsheet would take as formulas."""
    lines = EXAMPLE_EXPORT.read_text("utf-8").split("\n")
    rows = [i for i, line in enumerate(lines) if "\tสำนักปลัด\t" in line][: len(STARTS)]
    for i, start in zip(rows, STARTS, strict=True):
        lines[i] = lines[i].replace("\tสำนักปลัด\t", f"\t{start}\t", 1)
    export = tmp_path / "formulas.txt"
    export.write_text("\n".join(lines), "utf-8")
    return export


def test_xlsx_holds_every_text_as_a_string(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out"
    done = thaireport("extract", formula_export(tmp_path), "-o", out, "--format", "jsonl,xlsx")
    assert done.returncode == 0, done.stderr
    records = jsonl(out / "records.jsonl")
    book = openpyxl.load_workbook(out / "records.xlsx")
    assert book.sheetnames == ["records", "warnings", "documents"]
    sheet = book["records"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}12"
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [r["record_id"].value for r in rows] == [r["record_id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        cells = record["cells"]
        assert isinstance(cells, dict)
        for key, text in cells.items():
            cell = row[f"cells.{key}"]
            assert (cell.value or "") == text
            if text:
                assert cell.data_type == "s"
                assert cell.alignment.wrap_text
        start = record["normalized"]["period_start"]  # type: ignore[index]
        assert row["normalized.period_start"].value.date().isoformat() == start
    for sheet in book.worksheets:  # no formula anywhere
        assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)
    responsible = [r["cells.responsible"].value for r in rows]
    assert [t for t in responsible if t in STARTS] == STARTS
    # a column of long Thai text is wide, a short one narrow; widths count no marks
    widths = book["records"].column_dimensions
    assert widths["A"].width >= 50  # cells.measure: long texts, wrapped
    documents = list(book["documents"].iter_rows(min_row=2, values_only=True))
    assert len(documents) == 1 and documents[0][-2] == 11


def test_text_width_counts_no_marks() -> None:
    from thaireport.output.workbook import text_width

    assert text_width("ท่าหิน") == 4  # ท า ห น; the tone mark and the vowel above take none
    assert text_width("สำนักปลัด") == 7  # ส ำ น ก ป ล ด


def test_xlsx_splits_past_the_row_limit(tmp_path: Path) -> None:
    import openpyxl
    from thaireport.extract.records import MeasureRecord
    from thaireport.output.workbook import write_workbook

    out = tmp_path / "out"
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", out).returncode == 0
    lines = (out / "records.jsonl").read_text("utf-8").splitlines()
    records = [MeasureRecord.model_validate_json(line) for line in lines]
    write_workbook(records, tmp_path / "small.xlsx", rows_per_sheet=5)  # 4 rows and a header
    book = openpyxl.load_workbook(tmp_path / "small.xlsx")
    assert [n for n in book.sheetnames if n.startswith("records")] == [
        "records", "records 2", "records 3"
    ]  # fmt: skip
    ids = [
        row[-1]
        for name in ("records", "records 2", "records 3")
        for row in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert ids == [r.record_id for r in records]
    notes = [row[0] for row in book["notes"].iter_rows(min_row=2, values_only=True)]
    assert any("records 2 to records 3" in str(n) for n in notes)


def test_an_edited_workbook_corrects_every_output(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "out"
    done = thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "jsonl,csv,xlsx")
    assert done.returncode == 0, done.stderr
    target = jsonl(out / "records.jsonl")[3]
    book = openpyxl.load_workbook(out / "records.xlsx")
    sheet = book["records"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[-1].value == target["record_id"])
    row[header.index("cells.period")].value = "๑ มกราคม ๒๕๖๗ - ๓๑ มีนาคม ๒๕๖๗"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    result = thaireport("apply-corrections", edited, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "1 cell(s) corrected, 0 confirmed" in result.stderr
    after = next(r for r in jsonl(out / "records.jsonl") if r["record_id"] == target["record_id"])
    assert after["normalized"]["period_start"] == "2024-01-01"  # type: ignore[index]
    assert after["normalized"]["period_end"] == "2024-03-31"  # type: ignore[index]
    rows = {r["record_id"]: r for r in csv_rows(out / "records.csv")}
    assert rows[target["record_id"]]["normalized.period_end"] == "2024-03-31"
    again = openpyxl.load_workbook(out / "records.xlsx")["records"]
    line = next(r for r in again.iter_rows(min_row=2) if r[-1].value == target["record_id"])
    assert line[header.index("normalized.period_start")].value.date().isoformat() == "2024-01-01"
    assert line[header.index("verified")].value == "period"

    # an edit to a computed column of the workbook is named, not dropped
    line[header.index("normalized.period_end")].value = None
    line[header.index("organization")].value = "เทศบาลตำบลท่าหิน"
    again.parent.save(edited)
    refused = thaireport("apply-corrections", edited, "-o", out)
    assert refused.returncode != 0, refused.stderr
    assert "normalized.period_end (sheet records, row" in refused.stderr
    assert "organization (sheet records" in refused.stderr


def test_libreoffice_reads_the_workbook_as_the_jsonl_says(tmp_path: Path) -> None:
    """A real spreadsheet program: LibreOffice Calc converts records.xlsx to CSV, and its
    cells are the JSONL records' (the formula starts as text, not run)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed")
    out = tmp_path / "out"
    done = thaireport("extract", formula_export(tmp_path), "-o", out, "--format", "jsonl,xlsx")
    assert done.returncode == 0, done.stderr
    converted = tmp_path / "converted"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", converted,
         out / "records.xlsx"],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    rows = csv_rows(converted / "records.csv")  # the first sheet: records
    records = jsonl(out / "records.jsonl")
    assert [r["record_id"] for r in rows] == [r["record_id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        cells = record["cells"]
        assert isinstance(cells, dict)
        assert {k: row[f"cells.{k}"] for k in cells} == {
            k: v.replace("\r", "") for k, v in cells.items()
        }
        assert row["normalized.period_start"] == record["normalized"]["period_start"]  # type: ignore[index]
        assert row["organization"] == record["organization"]
    assert [r["cells.responsible"] for r in rows if r["cells.responsible"] in STARTS] == STARTS


# --------------------------------------------------------------------------- 17.5, 17.8


def test_streaming_into_head_ends_quietly() -> None:
    # five inputs: head has gone by the time the later ones are written
    inputs = " ".join([str(EXAMPLE_EXPORT)] * 5)
    command = f"{sys.executable} -m thaireport extract {inputs} --out - | head -n 1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0
    assert json.loads(done.stdout)["cells"]["responsible"] == "สำนักปลัด"
    assert "ร้อยละ" in done.stdout or "สำนักปลัด" in done.stdout  # UTF-8, not \\u escapes
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr


def test_dpi_outside_the_range_and_a_missing_batch_folder(tmp_path: Path) -> None:
    low = thaireport("extract", EXAMPLE_EXPORT, "-o", tmp_path, "--dpi", "20")
    assert low.returncode == 2
    assert "--dpi: must be from 72 to 1200, not 20" in low.stderr
    missing = thaireport("batch", tmp_path / "nowhere", "-o", tmp_path / "out")
    assert missing.returncode == 2
    assert "nowhere: no such directory" in missing.stderr


def test_batch_writes_one_workbook_over_all_documents(tmp_path: Path) -> None:
    import openpyxl

    inputs = tmp_path / "in"
    (inputs / "chumphon").mkdir(parents=True)
    (inputs / "chumphon" / "thahin.txt").write_bytes(EXAMPLE_EXPORT.read_bytes())
    export_with(inputs / "chumphon", "other.txt", {"สำนักปลัด": "กองคลัง"})
    out = tmp_path / "out"
    done = thaireport("batch", inputs, "-o", out, "--format", "jsonl,xlsx", "--no-review")
    assert done.returncode == 0, done.stderr
    records = jsonl(out / "records.jsonl")
    book = openpyxl.load_workbook(out / "records.xlsx")
    sheet = book["records"]
    header = [c.value for c in sheet[1]]
    ids = [row[header.index("record_id")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(records) == 22 and ids == [r["record_id"] for r in records]
    responsible = header.index("cells.responsible")
    texts = [row[responsible] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any("กองคลัง" in (t or "") for t in texts) and any("สำนักปลัด" in (t or "") for t in texts)
    assert len(list(book["documents"].iter_rows(min_row=2))) == 2
