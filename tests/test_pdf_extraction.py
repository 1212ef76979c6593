"""Born-digital PDFs rendered with real Thai fonts, end to end through pdfplumber."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import build_records
from thaireport.extract.report import report_from_pages
from thaireport.extract.sources import pdf_pages

from tests.conftest import fold, raw_export_rows
from tests.fixtures.content import ReportContent, SectionContent
from tests.fixtures.pdfgen import VARIANTS, Variant, render_report
from thaireport.model import ExtractedReport
from thaireport.settings import OcrSettings

ALL_VARIANTS = sorted(VARIANTS)


def extract_pdf_report(path: Path) -> ExtractedReport:
    return report_from_pages(list(pdf_pages(path, OcrSettings())), path)


@pytest.mark.parametrize("name", ALL_VARIANTS)
def test_every_variant_gives_the_same_eleven_rows(name: str, render: Callable[[str], Path]) -> None:
    report = extract_pdf_report(render(name))
    rows = [[fold(r.cells[k].text) for k in COLUMN_KEYS] for s in report.sections for r in s.rows]
    expected = raw_export_rows()
    assert len(rows) == 11
    for got, want in zip(rows, expected, strict=True):
        assert got == want
    assert [s.heading.number_text for s in report.sections] == ["๑", "๒", "๓", "๔", "๕", "๒", "๗"]
    assert report.title.fiscal_year_be == 2567
    assert report.title.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    assert report.loose_text == ()


@pytest.mark.parametrize("name", ["break_repeat", "break_norepeat", "portrait"])
def test_rows_split_by_page_breaks_are_merged(name: str, render: Callable[[str], Path]) -> None:
    report = extract_pdf_report(render(name))
    spanning = [r for s in report.sections for r in s.rows if len(r.pages) > 1]
    assert spanning, "the fixture must split rows across pages"
    for row in spanning:
        pages = {region.page for cell in row.cells.values() for region in cell.regions}
        assert pages == set(row.pages)


def test_wrapped_lines_join_without_space_and_real_line_ends_stay(
    render: Callable[[str], Path],
) -> None:
    report = extract_pdf_report(render("portrait"))
    section5 = report.sections[4].rows[0]
    # Two paragraphs (<p>) stay two lines; the wrapping inside each is undone.
    assert section5.cells["measure"].text.split("\n") == [
        "๑. ประชาสัมพันธ์สร้างความรู้ความ เข้าใจให้บุคลากรภายในหน่วยงาน ทราบโดยทั่วกัน "
        "และเปิดโอกาสให้ บุคลากรเข้าไปมีส่วนร่วมในกระบวนการ จัดทำงบประมาณ",
        "๒. จัดทำรายงานผลการจัดซื้อจัดจ้าง ให้เป็น ปัจจุบัน",
    ]
    # a heading that wrapped onto a second line is one heading
    assert report.sections[4].heading.title.endswith("และการจัดซื้อจัดจ้าง")


def test_private_use_text_layer_is_repaired_and_counted(render: Callable[[str], Path]) -> None:
    report = extract_pdf_report(render("pua"))
    repairs = report.repairs_per_page  # page number -> text repairs made on it (a count)
    assert sum(repairs.values()) > 100
    assert all(count > 0 for count in repairs.values())
    text = "".join(r.cells[k].text for s in report.sections for r in s.rows for k in COLUMN_KEYS)
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in text)
    assert "\u0e4d\u0e32" not in text and "เเ" not in text


def test_shaped_sara_am_leaves_no_unmapped_glyphs(render: Callable[[str], Path]) -> None:
    report = extract_pdf_report(render("portrait"))
    text = "".join(r.cells[k].text for s in report.sections for r in s.rows for k in COLUMN_KEYS)
    assert "(cid:" not in text and "\ufffd" not in text
    assert "สำนักปลัด" in text
    assert report.repairs_per_page[1] > 0  # the dropped second glyphs of sara am are counted


def test_records_from_a_pdf_keep_locations(render: Callable[[str], Path]) -> None:
    path = render("landscape")
    records = build_records(extract_pdf_report(path), document_id="d" * 64, source_path=str(path))
    assert len(records) == 11
    first = records[0]
    assert first.normalized.period_start == dt.date(2023, 10, 1)
    assert first.normalized.period_end == dt.date(2024, 9, 30)
    (location,) = first.locations["responsible"]
    assert location.page == 1
    x0, top, x1, bottom = location.bbox
    assert 0 < x0 < x1 and 0 < top < bottom


def test_seven_column_table_keeps_the_extra_columns(tmp_path: Path) -> None:
    header = (
        "ที่",
        "มาตรการ/กิจกรรม",
        "วิธีดำเนินการ",
        "ผู้รับผิดชอบ",
        "ระยะเวลา",
        "สรุปผลการดำเนินการ",
        "ผลลัพธ์",
        "งบประมาณ (บาท)",
    )
    rows = (
        ("๑", "จัดอบรมคุณธรรม", "จัดประชุมชี้แจง", "สำนักปลัด", "๑ ต.ค. ๖๖ - ๓๐ ก.ย. ๖๗",
         "ดำเนินการแล้ว", "ร้อยละ ๑๐๐", "๑๐,๐๐๐"),
        ("๒", "เผยแพร่ประกาศ", "ติดประกาศ", "กองคลัง", "ตลอดปีงบประมาณ",
         "ดำเนินการแล้ว", "จำนวน ๓ ครั้ง", "-"),
    )  # fmt: skip
    content = ReportContent(
        ("รายงานผลการดำเนินการ", "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗", "ของเทศบาลตำบลตัวอย่าง"),
        (SectionContent("ประเด็นที่ ๑ ทดสอบ", header, rows),),
    )
    variant = Variant(**{**VARIANTS["landscape"].__dict__, "name": "seven"})
    path = render_report(content, tmp_path / "seven.pdf", variant)
    report = extract_pdf_report(path)
    (section,) = report.sections
    assert len(section.rows) == 2
    row = section.rows[0]
    assert row.cells["responsible"].text == "สำนักปลัด"
    assert row.extra["ที่"].text == "๑"
    assert row.extra["งบประมาณ (บาท)"].text == "๑๐,๐๐๐"
    records = build_records(report, document_id="e" * 64, source_path=str(path))
    assert records[1].normalized.period_start == dt.date(2023, 10, 1)  # from the fiscal year
    assert records[0].organization == "เทศบาลตำบลตัวอย่าง"


def test_bundled_example_pdfs_are_what_the_generator_makes(tmp_path: Path) -> None:
    from tests.fixtures.content import EXAMPLES
    from tests.fixtures.make_examples import make

    for fresh in make(tmp_path):
        assert fresh.read_bytes() == (EXAMPLES / fresh.name).read_bytes(), (
            f"examples/{fresh.name} is stale: run python -m tests.fixtures.make_examples"
        )
