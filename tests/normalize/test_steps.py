from __future__ import annotations

import pytest
from thaireport.extract.normalize import split_steps


def test_inline_thai_numbered_steps() -> None:
    cell = (
        "๑. จัดทำคู่มือ/แนวทางการปฏิบัติงาน ๒. แจกเวียนให้บุคลากรรับทราบ "
        "๓. เผยแพร่คู่มือ/แนวทางการปฏิบัติงาน เช่น เว็บไซต์ บอร์ดประชาสัมพันธ์"
    )
    assert split_steps(cell) == (
        "จัดทำคู่มือ/แนวทางการปฏิบัติงาน",
        "แจกเวียนให้บุคลากรรับทราบ",
        "เผยแพร่คู่มือ/แนวทางการปฏิบัติงาน เช่น เว็บไซต์ บอร์ดประชาสัมพันธ์",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. ก 2. ข 3. ค", ("ก", "ข", "ค")),
        ("๑.ก ๒.ข", ("ก", "ข")),  # no space after the dot
        ("1) ก 2) ข", ("ก", "ข")),
        ("(1) ก (2) ข", ("ก", "ข")),
        ("๑. ก\n๒. ข\n๓. ค\n", ("ก", "ข", "ค")),  # one step a line
        ("  ๑. ก  ", ("ก",)),  # one numbered step at the start is a step
        ("๑.บุคลากรในสังกัดเข้าใจ", ("บุคลากรในสังกัดเข้าใจ",)),
        ("ดังนี้ ๑. ก ๒. ข", ("ก", "ข")),  # the lead-in is not a step
        ("๑. ก ๒. ข ๑. ค ๒. ง ๓. จ", ("ก", "ข", "ค", "ง", "จ")),  # two lists in one cell
        ("๑. ก ๓. ข ๒. ค", ("ก ๓. ข", "ค")),  # ๓ before ๒ is not a marker
    ],
)
def test_numbered_forms(text: str, expected: tuple[str, ...]) -> None:
    assert split_steps(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ความพึงพอใจในการรับบริการ ร้อยละ ๙๕.๕๙",
        "www.thahin.go.th",
        "๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗",  # a range dash is not a bullet
        "๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗",
        "ความพึงพอใจ ๙๕. ดีมาก",  # ๙๕. without ๑..๙๔ before it
        "มีผู้มาติดต่อ ๑. ราย",  # a lone ๑. inside a sentence
        "-ข้อเดียว",  # a single bullet is not a list
        "สำนักปลัด",
        "",
    ],
)
def test_no_steps(text: str) -> None:
    assert split_steps(text) == ()


def test_percentage_and_url_inside_steps_do_not_split() -> None:
    cell = "๑. ติดต่อผ่านเว็บไซต์ อบต. www.thahin.go.th ๒. ความพึงพอใจ ร้อยละ ๙๕.๕๙ ๓. Facebook"
    assert split_steps(cell) == (
        "ติดต่อผ่านเว็บไซต์ อบต. www.thahin.go.th",
        "ความพึงพอใจ ร้อยละ ๙๕.๕๙",
        "Facebook",
    )


def test_date_inside_a_step_does_not_split() -> None:
    cell = "๑. ประชุมวันที่ ๒๒ ก.พ. ๒๕๖๗ ๒. ประกาศ ๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗"
    assert split_steps(cell) == (
        "ประชุมวันที่ ๒๒ ก.พ. ๒๕๖๗",
        "ประกาศ ๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "-อบต.ท่าหิน ได้ดำเนินการประเมินความพึงพอใจ -เพิ่มช่องทางการติดต่อผ่านสื่อออนไลน์ (Line, Facebook)",
            ("อบต.ท่าหิน ได้ดำเนินการประเมินความพึงพอใจ", "เพิ่มช่องทางการติดต่อผ่านสื่อออนไลน์ (Line, Facebook)"),
        ),
        ("- ก - ข - ค", ("ก", "ข", "ค")),
        ("• ก\n• ข", ("ก", "ข")),
        ("ดังนี้\n- ก\n- ข", ("ก", "ข")),
        ("- ช่องทาง E-Service\n- Line", ("ช่องทาง E-Service", "Line")),  # inner hyphen
    ],
)
def test_bullets(text: str, expected: tuple[str, ...]) -> None:
    assert split_steps(text) == expected


def test_numbers_win_over_bullets() -> None:
    assert split_steps("๑. ก - ย่อย ๒. ข - ย่อย") == ("ก - ย่อย", "ข - ย่อย")


def test_html_wrapped_steps() -> None:
    cell = (
        "<p>๑. จัดประชุมชี้แจงข้อมูลการใช้จ่าย งบประมาณ</p> "
        "<p>๒. รายงานผลการจัดซื้อจัดจ้าง</p> <p>๓. ประกาศเผยแพร่แผน</p>"
    )
    assert split_steps(cell) == (
        "จัดประชุมชี้แจงข้อมูลการใช้จ่าย งบประมาณ",
        "รายงานผลการจัดซื้อจัดจ้าง",
        "ประกาศเผยแพร่แผน",
    )


def test_steps_keep_thai_digits_inside() -> None:
    assert split_steps("๑. ประชุม ๑๒ ครั้ง ๒. ร้อยละ ๘๐") == ("ประชุม ๑๒ ครั้ง", "ร้อยละ ๘๐")
