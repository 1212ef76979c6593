"""The user's example (an OCR text export) into sections and records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import build_records
from thaireport.extract.text_export import cell_text, parse_text_export

from tests.conftest import fold, raw_export_rows
from tests.fixtures.content import EXAMPLE_EXPORT


def _report():  # type: ignore[no-untyped-def]
    return parse_text_export(EXAMPLE_EXPORT.read_text(encoding="utf-8"))


def test_sections_and_rows() -> None:
    report = _report()
    assert [s.heading.number_text for s in report.sections] == ["๑", "๒", "๓", "๔", "๕", "๒", "๗"]
    assert [len(s.rows) for s in report.sections] == [3, 1, 1, 1, 1, 2, 2]
    assert report.sections[1].heading.title == "การให้บริการและระบบ E-Service"


def test_every_cell_equals_the_source_cell() -> None:
    report = _report()
    ours = [[fold(r.cells[k].text) for k in COLUMN_KEYS] for s in report.sections for r in s.rows]
    assert ours == raw_export_rows()
    assert len(ours) == 11


def test_title_block() -> None:
    title = _report().title
    assert title.report_title == (
        "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    )
    assert title.fiscal_year_be == 2567
    assert title.organization == "องค์การบริหารส่วนตำบลท่าหิน"


def test_a_year_that_is_no_buddhist_era_year_is_not_the_fiscal_year() -> None:
    """Found by fuzzing: a damaged "ปีงบประมาณ ๑๐๐๐" above the title ended the document."""
    text = "ปีงบประมาณ ๑๐๐๐\n" + EXAMPLE_EXPORT.read_text(encoding="utf-8")
    report = parse_text_export(text)
    assert report.title.fiscal_year_be == 2567
    records = build_records(report, document_id="x", source_path="x.txt")
    assert records[0].fiscal_year is not None and records[0].fiscal_year.be == 2567


def test_html_fragments_keep_paragraphs_as_lines() -> None:
    assert cell_text("<p>๑. ก ข</p> <p>๒. ค</p>") == "๑. ก ข\n๒. ค"
    assert cell_text('<ul style="x"> <li>-หนึ่ง</li><li>-สอง</li></ul>') == "-หนึ่ง\n-สอง"
    assert cell_text("A &amp; B") == "A & B"


def test_records_normalize_periods_and_flag_the_misnumbered_section() -> None:
    records = build_records(_report(), document_id="x" * 64, source_path="example.txt")
    assert len(records) == 11
    for record in records:
        assert record.normalized.period_start == dt.date(2023, 10, 1)
        assert record.normalized.period_end == dt.date(2024, 9, 30)
        assert record.fiscal_year is not None and record.fiscal_year.be == 2567
        assert record.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    sixth = [r for r in records if r.section.number_inferred == 6]
    assert len(sixth) == 2
    for record in sixth:
        assert record.section.number_printed == "๒"
        codes = [w.code for w in record.warnings]
        assert "section-number" in codes
        assert any("๖" in w.message for w in record.warnings if w.code == "section-number")
    others = [r for r in records if r.section.number_inferred != 6]
    assert not any(w.code == "section-number" for r in others for w in r.warnings)


def test_records_carry_values_beside_the_printed_text() -> None:
    records = build_records(_report(), document_id="x" * 64, source_path="example.txt")
    first = records[0]
    assert first.cells.outcome.endswith("ร้อยละ ๙๕.๕๙")
    assert [p.value for p in first.normalized.cells["outcome"].percentages] == [95.59]
    assert len(first.normalized.cells["method"].steps) == 3
    e_service = records[3]
    assert [(c.value, c.unit) for c in e_service.normalized.cells["outcome"].counts] == [(9, "ราย")]
    # the period printed without a dash parses, with a warning naming the cell
    no_dash = records[9]
    assert no_dash.cells.period == "๑ ต.ค. ๒๕๖๖ ๓๐ ก.ย. ๒๕๖๗"
    assert any(w.cell == "period" for w in no_dash.warnings)


def test_a_period_with_an_unread_year_is_flagged() -> None:
    header = "\t".join(
        ["มาตรการ/กิจกรรม", "วิธีดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา", "สรุปผลการดำเนินการ", "ผลลัพธ์"]
    )
    row = "\t".join(["ก", "ข", "สำนักปลัด", "๑ GA. ๒๕๖๖ ๓๐ ก.ย. ๒๕๖๗", "ค", "ง"])
    text = f"ประจำปีงบประมาณ พ.ศ. ๒๕๖๗\nประเด็นที่ ๑ ทดสอบ\n{header}\n{row}\n"
    (record,) = build_records(parse_text_export(text), document_id="x" * 64, source_path="t")
    assert record.normalized.period_end == dt.date(2024, 9, 30)
    messages = [w.message for w in record.warnings if w.cell == "period"]
    assert any("๒๕๖๖ are not part of any date" in m for m in messages)


def test_an_export_in_windows_874_is_read_and_says_so(tmp_path: Path) -> None:
    from thaireport.pipeline.document import Status, process_document

    legacy = tmp_path / "export-874.txt"
    legacy.write_bytes(EXAMPLE_EXPORT.read_text(encoding="utf-8").encode("cp874"))
    result = process_document(legacy)
    assert result.status is Status.DONE, result.error
    utf8 = process_document(EXAMPLE_EXPORT)
    assert [r.cells for r in result.records] == [r.cells for r in utf8.records]
    for record in result.records:
        assert any("Windows-874" in w.message for w in record.warnings)


def test_a_few_damaged_bytes_keep_the_export_and_are_said(tmp_path: Path) -> None:
    from thaireport.pipeline.document import Status, process_document

    data = bytearray(EXAMPLE_EXPORT.read_bytes())
    data[5000] = 0xFF  # inside a Thai letter: that letter is lost, the rest is read
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(bytes(data))
    result = process_document(damaged)
    assert result.status is Status.DONE, result.error
    assert len(result.records) == 11
    lost = [r for r in result.records if any("\ufffd" in c for c in r.cells.model_dump().values())]
    assert len(lost) == 1
    for record in result.records:
        assert any("not valid UTF-8 (the first at byte 5000)" in w.message for w in record.warnings)
    # a file that is neither UTF-8 nor Thai is still refused, naming the file
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(128, 256)) * 40)
    failed = process_document(noise)
    assert failed.status is Status.FAILED and "noise.txt" in str(failed.error)
