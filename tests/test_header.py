"""Header rows matched to the six canonical columns, with the variants real reports print."""

from __future__ import annotations

from thaireport.extract.header import is_header_row, match_header

CANONICAL = [
    "มาตรการ/กิจกรรม",
    "วิธีดำเนินการ",
    "ผู้รับผิดชอบ",
    "ระยะเวลา",
    "สรุปผลการดำเนินการตามมาตรการ/กิจกรรม",
    "ผลลัพธ์หรือความสำเร็จของการดำเนินการ",
]


def test_canonical_header() -> None:
    assert match_header(CANONICAL) == {
        0: "measure", 1: "method", 2: "responsible", 3: "period", 4: "result", 5: "outcome"
    }  # fmt: skip


def test_spacing_and_line_break_variants() -> None:
    cells = [
        "มาตรการ/\nกิจกรรม",
        "วิธี ดำเนินการ",
        "ผู้รับผิด\nชอบ",
        "ระยะเวลาดำเนินการ",
        "สรุปผลการดำเนินการตาม มาตรการ/กิจกรรม",
        "ผลลัพธ์หรือ ความสำเร็จของการ ดำเนินการ",
    ]
    assert list(match_header(cells).values()) == [
        "measure", "method", "responsible", "period", "result", "outcome"
    ]  # fmt: skip


def test_extra_columns_stay_unmatched() -> None:
    cells = ["ที่", *CANONICAL, "งบประมาณ (บาท)"]
    mapping = match_header(cells)
    assert 0 not in mapping and 7 not in mapping
    assert mapping[1] == "measure" and mapping[6] == "outcome"


def test_five_columns_without_outcome() -> None:
    mapping = match_header(CANONICAL[:5])
    assert "outcome" not in mapping.values()
    assert is_header_row(CANONICAL[:5])


def test_a_body_row_is_not_a_header() -> None:
    row = ["จัดทำคู่มือ", "๑. จัดทำคู่มือ", "สำนักปลัด", "๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗", "-", "-"]
    assert not is_header_row(row)
