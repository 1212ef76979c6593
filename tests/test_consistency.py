"""Consistency checks: what does not add up becomes a warning; the printed text stays."""

from __future__ import annotations

import datetime as dt

from thaireport.extract.consistency import (
    foreign_period_text,
    period_outside_fiscal_year,
    responsible_units,
    unknown_responsible_units,
)
from thaireport.extract.records import MeasureRecord, build_records
from thaireport.extract.text_export import parse_text_export

from tests.fixtures.content import EXAMPLE_EXPORT

HEADER = "\t".join(
    ["มาตรการ/กิจกรรม", "วิธีดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา", "สรุปผลการดำเนินการ", "ผลลัพธ์"]
)
NEW_CODES = {"period-outside-fiscal-year", "period-foreign-text", "responsible-unknown"}


def _records(*rows: list[str]) -> list[MeasureRecord]:
    lines = "\n".join("\t".join(row) for row in rows)
    text = f"ประจำปีงบประมาณ พ.ศ. ๒๕๖๗\nประเด็นที่ ๑ ทดสอบ\n{HEADER}\n{lines}\n"
    return build_records(parse_text_export(text), document_id="c" * 64, source_path="t")


def _codes(record: MeasureRecord) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for warning in record.warnings:
        codes.setdefault(warning.code, []).append(warning.message)
    return codes


def test_the_example_raises_none_of_the_new_warnings() -> None:
    report = parse_text_export(EXAMPLE_EXPORT.read_text(encoding="utf-8"))
    records = build_records(report, document_id="e" * 64, source_path="example.txt")
    assert not [w for r in records for w in r.warnings if w.code in NEW_CODES]


def test_a_period_outside_the_fiscal_year_is_flagged_and_kept() -> None:
    (record,) = _records(["ก", "ข", "สำนักปลัด", "๑ ต.ค. ๒๕๖๕ - ๓๐ ก.ย. ๒๕๖๗", "ค", "ง"])
    assert record.normalized.period_start == dt.date(2022, 10, 1)  # not clamped
    (message,) = _codes(record)["period-outside-fiscal-year"]
    assert "2022-10-01" in message and "2023-10-01" in message


def test_a_period_inside_the_fiscal_year_is_not_flagged() -> None:
    (record,) = _records(["ก", "ข", "สำนักปลัด", "ไตรมาสที่ ๒", "ค", "ง"])
    assert record.normalized.period_start == dt.date(2024, 1, 1)
    assert "period-outside-fiscal-year" not in _codes(record)


def test_text_of_another_column_in_the_period_cell_is_flagged() -> None:
    (record,) = _records(["ก", "ข", "", "สำนักปลัด ๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗", "ค", "ง"])
    (message,) = _codes(record)["period-foreign-text"]
    assert "สำนักปลัด" in message
    assert record.cells.period.startswith("สำนักปลัด")  # kept as printed


def test_period_words_are_not_foreign() -> None:
    for text in ("ตั้งแต่วันที่ ๑ ตุลาคม ๒๕๖๖ ถึงวันที่ ๓๐ กันยายน ๒๕๖๗", "ตลอดปีงบประมาณ",
                 "ไตรมาสที่ ๑ - ๔", "เดือนละ ๑ ครั้ง"):  # fmt: skip
        assert foreign_period_text(text, fiscal_year_be=2567) is None, text


def test_a_percentage_over_100_is_flagged() -> None:
    (record,) = _records(["ก", "ข", "สำนักปลัด", "ตลอดปีงบประมาณ", "ค", "ร้อยละ ๑๒๐"])
    assert any("over 100" in m for m in _codes(record)["implausible"])
    assert [e.value for e in record.entities if e.label == "PERCENT"] == [120.0]


def test_unknown_responsible_units_are_listed_not_rejected() -> None:
    (record,) = _records(["ก", "ข", "กองคลัง / กองพัฒนาชุมชนพิเศษ", "ตลอดปีงบประมาณ", "ค", "ง"])
    (message,) = _codes(record)["responsible-unknown"]
    assert "กองพัฒนาชุมชนพิเศษ" in message and "กองคลัง," not in message
    assert record.cells.responsible == "กองคลัง / กองพัฒนาชุมชนพิเศษ"


def test_responsible_cells_split_into_units() -> None:
    assert responsible_units("๑. กองคลัง\n๒. กองช่าง") == ("กองคลัง", "กองช่าง")
    assert responsible_units("กองการศึกษา ศาสนาและวัฒนธรรม") == ("กองการศึกษา ศาสนาและวัฒนธรรม",)
    assert unknown_responsible_units("สำนักปลัด, กองช่าง และ งานพัสดุ") == ()


def test_period_bounds() -> None:
    start, end = dt.date(2023, 10, 1), dt.date(2024, 9, 30)
    assert period_outside_fiscal_year(start, end, start, end) is None
    assert period_outside_fiscal_year(None, dt.date(2024, 10, 31), start, end) is not None
