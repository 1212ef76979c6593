"""Record outputs other systems read: JSON Lines, CSV (with an Excel variant), Parquet, SQLite."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from thaireport.extract.records import MeasureRecord, record_json_schema
from thaireport.output.tables import read_parquet, read_sqlite

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES

ALL = "jsonl,csv,parquet,sqlite,review"
INPUTS = {
    "text-export": EXAMPLE_EXPORT,
    "pdf": EXAMPLES / "ita-report-2567-thahin.pdf",
    "scan": EXAMPLES / "ita-report-2567-thahin-scan.pdf",
}


def extract(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "thaireport", "extract", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def jsonl(path: Path) -> list[MeasureRecord]:
    return [
        MeasureRecord.model_validate_json(line) for line in path.read_text("utf-8").splitlines()
    ]


@pytest.mark.parametrize(
    "kind",
    [pytest.param(k, marks=pytest.mark.tesseract) if k == "scan" else k for k in sorted(INPUTS)],
)
def test_every_format_reads_back_to_the_same_records(kind: str, tmp_path: Path) -> None:
    result = extract(INPUTS[kind], "-o", tmp_path, "--format", ALL)
    assert result.returncode == 0, result.stderr
    schema = record_json_schema()
    lines = (tmp_path / "records.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 11
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    records = jsonl(tmp_path / "records.jsonl")
    review = (tmp_path / f"{INPUTS[kind].name}.review.html").read_text("utf-8")
    assert review.count('<tr class="record"') == 11
    assert read_parquet(tmp_path / "records.parquet") == records
    assert read_sqlite(tmp_path / "records.sqlite") == records
    with sqlite3.connect(tmp_path / "records.sqlite") as db:
        assert db.execute("SELECT count(*) FROM measures").fetchone() == (11,)
        assert db.execute("SELECT count(*) FROM sections").fetchone() == (7,)
        assert db.execute("SELECT count(*) FROM cells").fetchone()[0] >= 66
        (sixth,) = db.execute(
            "SELECT s.number_printed FROM sections s WHERE s.number_inferred = 6"
        ).fetchone()
        assert sixth == "๒"
        db.execute("PRAGMA foreign_keys = ON")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_parquet_columns_are_typed(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow.parquet as pq

    assert extract(EXAMPLE_EXPORT, "-o", tmp_path, "--format", "parquet").returncode == 0
    table = pq.read_table(tmp_path / "records.parquet")
    assert str(table.schema.field("normalized.period_start").type) == "date32[day]"
    assert str(table.schema.field("section.number_inferred").type) == "int32"
    assert table.column("normalized.period_end").to_pylist()[0] == dt.date(2024, 9, 30)
    assert table.column("cells.responsible").to_pylist()[0] == "สำนักปลัด"


def test_excel_csv_has_a_bom_and_the_same_thai(tmp_path: Path) -> None:
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    assert extract(EXAMPLE_EXPORT, "-o", plain, "--format", "csv").returncode == 0
    assert extract(EXAMPLE_EXPORT, "-o", excel, "--format", "csv", "--excel").returncode == 0
    plain_bytes = (plain / "records.csv").read_bytes()
    excel_bytes = (excel / "records.csv").read_bytes()
    assert not plain_bytes.startswith(b"\xef\xbb\xbf")
    assert excel_bytes.startswith(b"\xef\xbb\xbf")
    # the same cells, but those a spreadsheet would run as a formula carry an apostrophe
    from thaireport.output.writers import unguard

    plain_rows = list(csv.reader(io.StringIO(plain_bytes.decode("utf-8"))))
    excel_rows = list(csv.reader(io.StringIO(excel_bytes.decode("utf-8-sig"))))
    assert [[unguard(c) for c in row] for row in excel_rows] == plain_rows
    guarded = [c for row in excel_rows for c in row if c.startswith("'-")]
    assert guarded and all(c[1:] in {c for row in plain_rows for c in row} for c in guarded)
    assert "สำนักปลัด" in excel_bytes.decode("utf-8-sig")


def test_sqlite_replaces_a_document_run_again_and_keeps_the_others(tmp_path: Path) -> None:
    assert extract(EXAMPLE_EXPORT, "-o", tmp_path, "--format", "sqlite").returncode == 0
    assert extract(EXAMPLE_EXPORT, "-o", tmp_path, "--format", "sqlite").returncode == 0
    with sqlite3.connect(tmp_path / "records.sqlite") as db:
        assert db.execute("SELECT count(*) FROM measures").fetchone() == (11,)
    pdf = INPUTS["pdf"]
    assert extract(pdf, "-o", tmp_path, "--format", "sqlite").returncode == 0
    with sqlite3.connect(tmp_path / "records.sqlite") as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        assert db.execute("SELECT count(*) FROM measures").fetchone() == (22,)


def test_record_ids_are_stable(tmp_path: Path) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    assert extract(EXAMPLE_EXPORT, "-o", first).returncode == 0
    assert extract(EXAMPLE_EXPORT, "-o", second).returncode == 0
    ids = [r.record_id for r in jsonl(first / "records.jsonl")]
    assert ids == [r.record_id for r in jsonl(second / "records.jsonl")]
    assert len(set(ids)) == 11
    assert ids[7].endswith("-s06-r001")


@pytest.mark.tesseract
def test_alto_and_hocr_of_a_scan_hold_thai_phrases(tmp_path: Path) -> None:
    """Issue 6: archival outputs for the pages read by OCR, with whole phrases as words."""
    import re
    import xml.etree.ElementTree as ET

    scan = INPUTS["scan"]
    result = extract(scan, INPUTS["pdf"], "-o", tmp_path, "--format", "jsonl,alto,hocr")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / scan.name
    altos = sorted(folder.glob("page-*.alto.xml"))
    assert len(altos) == 9 and len(sorted(folder.glob("page-*.hocr"))) == 9
    assert not (tmp_path / INPUTS["pdf"].name).exists()  # a text layer has no OCR pages
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    strings = [
        s.get("CONTENT", "")
        for path in altos
        for s in ET.parse(path).getroot().iterfind(".//a:String", ns)
    ]
    assert "สำนักปลัด" in strings
    single = [s for s in strings if len(s) == 1 and "\u0e01" <= s <= "\u0e2e"]
    assert len(single) < 0.05 * len(strings)  # phrases, not one word per letter
    hocr = (folder / "page-001.hocr").read_text("utf-8")
    words = re.findall(r"class='ocrx_word'[^>]*>([^<]*)<", hocr)
    assert "ประเด็นที่" in words or any(w.startswith("ประเด็น") for w in words)
    assert re.search(r"x_wconf \d+", hocr)


@pytest.mark.tesseract
def test_searchable_pdf_of_a_scan_has_a_thai_text_layer(tmp_path: Path) -> None:
    import pdfplumber

    scan = INPUTS["scan"]
    result = extract(scan, "-o", tmp_path, "--format", "jsonl,pdf")
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"{scan.name}.searchable.pdf"
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 9
        assert all(len(page.images) == 1 for page in pdf.pages)
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    # whole phrases, not "ส ำ น ั ก" as Tesseract's own PDF renderer gives
    assert "สำนักปลัด" in text
    assert "ประเด็นที่" in text or "ประเด็นที" in text
    assert path.stat().st_size < 2 * scan.stat().st_size  # the scan kept as JPEG


@pytest.mark.slow
@pytest.mark.tesseract
def test_a_batch_writes_each_documents_own_files(tmp_path: Path) -> None:
    """Archival outputs and review pages from a batch, named by content under docs/."""
    import hashlib
    import shutil

    tree = tmp_path / "in" / "ชุมพร" / "เสวี"
    tree.mkdir(parents=True)
    shutil.copy(INPUTS["scan"], tree / "scan.pdf")
    shutil.copy(EXAMPLE_EXPORT, tree / "export.txt")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "thaireport", "batch", str(tmp_path / "in"), "-o", str(out),
               "--format", "jsonl,alto,hocr,pdf"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    scan_sha = hashlib.sha256(INPUTS["scan"].read_bytes()).hexdigest()
    export_sha = hashlib.sha256(EXAMPLE_EXPORT.read_bytes()).hexdigest()
    docs = out / "docs"
    assert len(sorted((docs / scan_sha).glob("page-*.alto.xml"))) == 9
    assert len(sorted((docs / scan_sha).glob("page-*.hocr"))) == 9
    assert (docs / f"{scan_sha}.searchable.pdf").stat().st_size > 100_000
    assert not (docs / export_sha).exists()  # a text export has no OCR'd pages
    index = {
        line["path"]: line
        for line in map(json.loads, (out / "documents.jsonl").read_text("utf-8").splitlines())
    }
    for path, sha in (("ชุมพร/เสวี/scan.pdf", scan_sha), ("ชุมพร/เสวี/export.txt", export_sha)):
        assert index[path]["review"] == f"docs/{sha}.review.html"
        page = (out / index[path]["review"]).read_text("utf-8")
        assert page.count('<tr class="record"') == 11
    assert (out / index["ชุมพร/เสวี/scan.pdf"]["review"]).read_text("utf-8").count(
        '<svg class="scan"'
    ) == 9
