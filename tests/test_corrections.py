"""The corrections round trip: an archivist's edits back into every output of a document."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from thaireport.extract.records import MeasureRecord, correct_cells
from thaireport.output.review import read_review
from thaireport.output.tables import read_parquet, read_sqlite

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES

ALL = "jsonl,csv,parquet,sqlite,review"
SCAN = EXAMPLES / "ita-report-2567-thahin-scan.pdf"
NEW_PERIOD = "๑ มกราคม ๒๕๖๗ - ๓๑ มีนาคม ๒๕๖๗"


def thaireport(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "thaireport", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def jsonl(path: Path) -> list[MeasureRecord]:
    return [MeasureRecord.model_validate_json(x) for x in path.read_text("utf-8").splitlines()]


def edit_csv(path: Path, edits: dict[tuple[str, str], str], *, bom: bool) -> None:
    """Change cells of records.csv as a spreadsheet would save it (CRLF line ends)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    for row in rows:
        for (rid, column), value in edits.items():
            if row["record_id"] == rid:
                row[column] = value
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def test_an_edited_csv_corrects_every_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", ALL, "--excel")
    assert done.returncode == 0
    before = jsonl(out / "records.jsonl")
    target, confirmed = before[3], before[0]
    assert target.normalized.period_start == dt.date(2023, 10, 1)
    edit_csv(
        out / "records.csv",
        {
            (target.record_id, "cells.period"): NEW_PERIOD,
            (confirmed.record_id, "verified"): "responsible, measure",
        },
        bom=True,
    )
    result = thaireport("apply-corrections", out / "records.csv", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "1 cell(s) corrected, 2 confirmed, in 1 document(s)" in result.stderr

    after = jsonl(out / "records.jsonl")
    assert [r.record_id for r in after] == [r.record_id for r in before]
    corrected = after[3]
    assert corrected.cells.period == NEW_PERIOD
    assert corrected.normalized.period_start == dt.date(2024, 1, 1)  # the normalizer ran again
    assert corrected.normalized.period_end == dt.date(2024, 3, 31)
    assert corrected.verified["period"].read == target.cells.period
    # the period's entities are those of the new text, offsets into it
    dates = [e for e in corrected.entities if e.cell == "period" and e.label == "DATE"]
    assert [str(e.value)[:10] for e in dates] == ["2024-01-01", "2024-03-31"]
    assert all(NEW_PERIOD[e.start : e.end] == e.text for e in dates)
    assert corrected.verified["period"].source == "records.csv"
    assert set(after[0].verified) == {"responsible", "measure"}
    assert after[0].cells == confirmed.cells
    untouched = [r for i, r in enumerate(after) if i not in (0, 3)]
    assert untouched == [r for i, r in enumerate(before) if i not in (0, 3)]

    # every record output holds the corrected records
    assert read_parquet(out / "records.parquet") == after
    assert read_sqlite(out / "records.sqlite") == after
    raw = (out / "records.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the Excel variant stays an Excel variant
    with (out / "records.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["record_id"]: row for row in csv.DictReader(handle)}
    assert rows[target.record_id]["cells.period"] == NEW_PERIOD
    assert rows[target.record_id]["normalized.period_start"] == "2024-01-01"
    assert (
        rows[confirmed.record_id]["verified"] == "measure,responsible"
        or rows[confirmed.record_id]["verified"] == "responsible,measure"
    )
    with sqlite3.connect(out / "records.sqlite") as db:
        checked = db.execute(
            "SELECT record_id, key, read_text FROM cells WHERE verified_at IS NOT NULL"
            " ORDER BY record_id, key"
        ).fetchall()
    assert checked == sorted(
        [
            (confirmed.record_id, "measure", None),
            (confirmed.record_id, "responsible", None),
            (target.record_id, "period", target.cells.period),
        ]
    )
    # the review page is written again with the corrected cell marked verified
    page = (out / "ita-report-2567-thahin.txt.review.html").read_text("utf-8")
    assert f'data-cell="{target.record_id}:period"' in page
    cell = page.split(f'data-cell="{target.record_id}:period"')[0].rsplit("<td", 1)[1]
    assert "verified" in cell
    assert "2024-01-01 – 2024-03-31" in page
    log = [json.loads(x) for x in (out / "corrections.jsonl").read_text("utf-8").splitlines()]
    assert {(e["record_id"], e["cell"]) for e in log} == {
        (target.record_id, "period"),
        (confirmed.record_id, "responsible"),
        (confirmed.record_id, "measure"),
    }

    # applying the same file again changes nothing more
    again = thaireport("apply-corrections", out / "records.csv", "-o", out)
    assert again.returncode == 0
    assert "0 cell(s) corrected, 0 confirmed" in again.stderr
    assert jsonl(out / "records.jsonl") == after


def test_a_bad_corrections_file_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "jsonl,csv").returncode == 0
    records = jsonl(out / "records.jsonl")
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "fixes.json"
    bad.write_text(
        json.dumps(
            [
                {"record_id": records[0].record_id, "cell": "period", "text": NEW_PERIOD},
                {"record_id": "0000000000000000-s01-r001", "cell": "period", "text": "x"},
            ]
        ),
        encoding="utf-8",
    )
    result = thaireport("apply-corrections", bad, "-o", out)
    assert result.returncode == 1
    assert "fixes.json" in result.stderr and "item 2" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot

    bad.write_text(json.dumps([{"record_id": records[0].record_id, "cell": "budget"}]), "utf-8")
    result = thaireport("apply-corrections", bad, "-o", out)
    assert result.returncode == 1 and "'budget' is not one of" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot


@pytest.mark.tesseract
@pytest.mark.slow
def test_correcting_a_misread_scan_period(tmp_path: Path) -> None:
    """The bundled office scan loses "ต.ค." of section 7's periods to an English reading;
    the archivist types the printed text and the period is right, its warning gone."""
    out = tmp_path / "out"
    assert thaireport("extract", SCAN, "-o", out, "--format", "jsonl,review").returncode == 0
    export = {r.record_id.split("-", 1)[1]: r for r in _export_records(tmp_path)}
    records = jsonl(out / "records.jsonl")
    wrong = [
        r
        for r in records
        if r.normalized.period_start != export[r.record_id.split("-", 1)[1]].normalized.period_start
        or any(w.cell == "period" for w in r.warnings)
    ]
    assert wrong, "the bundled scan was expected to misread at least one period"
    fixes = [
        {
            "record_id": r.record_id,
            "cell": "period",
            "text": export[r.record_id.split("-", 1)[1]].cells.period,
        }
        for r in wrong
    ]
    (tmp_path / "fixes.json").write_text(json.dumps(fixes, ensure_ascii=False), "utf-8")
    assert thaireport("apply-corrections", tmp_path / "fixes.json", "-o", out).returncode == 0
    for record in jsonl(out / "records.jsonl"):
        truth = export[record.record_id.split("-", 1)[1]]
        assert record.normalized.period_start == truth.normalized.period_start
        assert record.normalized.period_end == truth.normalized.period_end
        if record.record_id in {f["record_id"] for f in fixes}:
            assert "period" in record.verified
            # what the normalizers say of the typed text, as of the same text exported
            said = [w.message for w in record.warnings if w.cell == "period"]
            assert said == [w.message for w in truth.warnings if w.cell == "period"]
    # the review page was rebuilt from its own embedded images
    info, views = read_review((out / "ita-report-2567-thahin-scan.pdf.review.html").read_text())
    assert len(views) == info.pages == 9


def _export_records(tmp_path: Path) -> list[MeasureRecord]:
    out = tmp_path / "export"
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", out).returncode == 0
    return jsonl(out / "records.jsonl")


def test_batch_corrections_rebuild_the_merged_outputs(tmp_path: Path) -> None:
    tree = tmp_path / "in" / "ชุมพร"
    tree.mkdir(parents=True)
    (tree / "thahin.txt").write_bytes(EXAMPLE_EXPORT.read_bytes())
    out = tmp_path / "out"
    result = thaireport("batch", tmp_path / "in", "-o", out, "--format", "jsonl,csv", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    index = [json.loads(x) for x in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    assert index[0]["review"] and (out / index[0]["review"]).is_file()
    record = jsonl(out / "records.jsonl")[5]
    fixes = tmp_path / "fixes.json"
    fixes.write_text(
        json.dumps({"corrections": [{"record_id": record.record_id, "cell": "responsible",
                                     "text": "กองคลัง"}]}, ensure_ascii=False),
        "utf-8",
    )  # fmt: skip
    assert thaireport("apply-corrections", fixes, "-o", out).returncode == 0
    for path in (out / "records.jsonl", out / index[0]["output"]):
        changed = next(r for r in jsonl(path) if r.record_id == record.record_id)
        assert changed.cells.responsible == "กองคลัง"
        assert changed.collection == ["ชุมพร"]
        assert changed.verified["responsible"].read == record.cells.responsible
    assert "กองคลัง" in (out / "records.csv").read_text("utf-8")
    page = (out / index[0]["review"]).read_text("utf-8")
    assert "cells verified</dt><dd>1<" in page


def test_apply_corrections_keeps_what_was_first_read() -> None:
    from thaireport.pipeline.document import process_document

    record = process_document(EXAMPLE_EXPORT).records[0]
    at = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    once = correct_cells(record, {"period": "๑ ต.ค. ๒๕๖๖"}, source="a.csv", at=at)
    twice = correct_cells(once, {"period": NEW_PERIOD}, source="b.csv", at=at)
    assert twice.verified["period"].read == record.cells.period
    assert twice.verified["period"].source == "b.csv"
    with pytest.raises(ValueError, match="not a column"):
        correct_cells(record, {"budget": "1"}, source="a.csv", at=at)


def test_documents_with_the_same_name_keep_their_own_review_pages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pdf = EXAMPLES / "ita-report-2567-thahin.pdf"  # the same stem as the export
    done = thaireport("extract", EXAMPLE_EXPORT, pdf, "-o", out, "--format", "jsonl,review")
    assert done.returncode == 0, done.stderr
    pages = sorted(p.name for p in out.glob("*.review.html"))
    assert pages == [
        "ita-report-2567-thahin.pdf.review.html",
        "ita-report-2567-thahin.txt.review.html",
    ]
    records = jsonl(out / "records.jsonl")
    from_pdf = next(r for r in records if r.source_path.endswith(".pdf"))
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps([{"record_id": from_pdf.record_id, "cell": "result"}]), "utf-8")
    assert thaireport("apply-corrections", fixes, "-o", out).returncode == 0
    verified = {
        p.name: "cells verified</dt><dd>1<" in p.read_text("utf-8") for p in out.glob("*.html")
    }
    assert sorted(verified.values()) == [False, True]
    (name,) = [n for n, v in verified.items() if v]
    assert name == "ita-report-2567-thahin.pdf.review.html"
    assert read_review((out / name).read_text("utf-8"))[0].name.endswith(".pdf")


def test_corrections_survive_a_new_run_into_the_same_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "jsonl,review").returncode == 0
    )
    record = jsonl(out / "records.jsonl")[2]
    fixes = tmp_path / "fixes.json"
    fixes.write_text(
        json.dumps([{"record_id": record.record_id, "cell": "period", "text": NEW_PERIOD},
                    {"record_id": record.record_id, "cell": "outcome"}], ensure_ascii=False),
        "utf-8",
    )  # fmt: skip
    assert thaireport("apply-corrections", fixes, "-o", out).returncode == 0
    corrected = jsonl(out / "records.jsonl")

    # the same document read again: the person's corrections are applied again
    assert (
        thaireport("extract", EXAMPLE_EXPORT, "-o", out, "--format", "jsonl,review").returncode == 0
    )
    again = jsonl(out / "records.jsonl")
    assert again == corrected
    assert again[2].normalized.period_start == dt.date(2024, 1, 1)
    assert (
        "cells verified</dt><dd>2<" in (out / "ita-report-2567-thahin.txt.review.html").read_text()
    )

    # a correction made when the cell read otherwise is not applied, and the record says so
    log = out / "corrections.jsonl"
    entries = [json.loads(x) for x in log.read_text("utf-8").splitlines()]
    entries[0]["read"] = "something else"
    log.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), "utf-8")
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", out).returncode == 0
    third = jsonl(out / "records.jsonl")[2]
    assert third.cells.period == record.cells.period
    assert set(third.verified) == {"outcome"}
    assert [w.code for w in third.warnings if w.cell == "period"][-1] == "correction-not-applied"
