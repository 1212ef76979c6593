from __future__ import annotations

import pytest
from thaireport.extract.normalize import Count, Percentage, find_counts, find_percentages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ร้อยละ ๙๕.๕๙", [("ร้อยละ ๙๕.๕๙", 95.59)]),
        ("ความพึงพอใจอยู่ในระดับ ร้อยละ ๙๐.๙๐", [("ร้อยละ ๙๐.๙๐", 90.90)]),
        ("ร้อยละ 90", [("ร้อยละ 90", 90.0)]),
        ("ร้อยละ๘๐", [("ร้อยละ๘๐", 80.0)]),
        ("95.5%", [("95.5%", 95.5)]),
        ("๙๕ %", [("๙๕ %", 95.0)]),
        ("๘๐ เปอร์เซ็นต์", [("๘๐ เปอร์เซ็นต์", 80.0)]),
        ("ร้อยละ ๙๕.", [("ร้อยละ ๙๕", 95.0)]),  # a full stop is not a decimal point
        ("ร้อยละ ๘๕%", [("ร้อยละ ๘๕%", 85.0)]),  # counted once, not twice
        ("ร้อยละ 120", [("ร้อยละ 120", 120.0)]),  # implausible, returned as printed
        ("ร้อยละ ๘๐ และร้อยละ ๙๐", [("ร้อยละ ๘๐", 80.0), ("ร้อยละ ๙๐", 90.0)]),
    ],
)
def test_find_percentages(text: str, expected: list[tuple[str, float]]) -> None:
    found = find_percentages(text)
    assert [(p.text, p.value) for p in found] == expected
    for p in found:
        assert isinstance(p, Percentage)


@pytest.mark.parametrize(
    "text",
    ["ไม่มีตัวเลข", "จำนวน ๙ ราย", "www.thahin.go.th", "๑ ต.ค. ๒๕๖๖", ""],
)
def test_no_percentages(text: str) -> None:
    assert find_percentages(text) == ()


def test_percentage_value_is_exact_decimal() -> None:
    (p,) = find_percentages("ร้อยละ ๙๕.๕๙")
    assert p.value == pytest.approx(95.59)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("จำนวน ๙ ราย", [("๙ ราย", 9, "ราย")]),
        ("เดือนละ ๑ ครั้ง", [("๑ ครั้ง", 1, "ครั้ง")]),
        ("ผู้เข้าร่วม ๒๐ คน", [("๒๐ คน", 20, "คน")]),
        ("๑,๒๐๐ คน", [("๑,๒๐๐ คน", 1200, "คน")]),
        ("๕ แห่ง", [("๕ แห่ง", 5, "แห่ง")]),
        ("๓ เรื่อง", [("๓ เรื่อง", 3, "เรื่อง")]),
        ("๒ โครงการ", [("๒ โครงการ", 2, "โครงการ")]),
        ("๔ กิจกรรม", [("๔ กิจกรรม", 4, "กิจกรรม")]),
        ("๑ ฉบับ", [("๑ ฉบับ", 1, "ฉบับ")]),
        ("๑๒ หมู่บ้าน", [("๑๒ หมู่บ้าน", 12, "หมู่บ้าน")]),
        ("๗ รายการ", [("๗ รายการ", 7, "รายการ")]),
        ("30คน", [("30คน", 30, "คน")]),
        (
            "จำนวน ๙ ราย แต่ติดต่อ ๑๒ ครั้ง",
            [("๙ ราย", 9, "ราย"), ("๑๒ ครั้ง", 12, "ครั้ง")],
        ),
    ],
)
def test_find_counts(text: str, expected: list[tuple[str, int, str]]) -> None:
    found = find_counts(text)
    assert [(c.text, c.value, c.unit) for c in found] == expected
    for c in found:
        assert isinstance(c, Count)


@pytest.mark.parametrize(
    "text",
    [
        "ร้อยละ ๙๐ คน",  # a percentage is not a count
        "๙๐% คน",
        "๕ รายงาน",  # รายงาน is a report, not the unit ราย
        "๓ รายละเอียด",
        "ประเด็นที่ ๓ ช่องทางและรูปแบบ",  # an ordinal
        "ครั้งที่ ๒ คน",
        "๒.๕ คน",  # not a whole number
        "๑ ต.ค. ๒๕๖๖",
        "",
    ],
)
def test_not_counts(text: str) -> None:
    assert find_counts(text) == ()


def test_counts_and_percentages_in_an_example_cell() -> None:
    cell = (
        "ในปีงบประมาณ พ.ศ. ๒๕๖๗ มีประชาชนติดต่อสื่อสารผ่านเว็บไซต์ www.thahin.go.th "
        "ผ่านช่องทาง E-Service น้อยมาก จำนวน ๙ ราย แต่ติดต่อสื่อสารผ่าน Line Facebook"
    )
    assert find_counts(cell) == (Count("๙ ราย", 9, "ราย"),)
    assert find_percentages(cell) == ()
