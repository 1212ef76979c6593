from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from thaireport.extract.normalize import (
    DateSpan,
    be_to_ce,
    ce_to_be,
    find_dates,
    fiscal_quarter_range,
    fiscal_year_range,
    parse_period,
    parse_thai_date,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ita-report-2567-thahin.txt"
FY2567 = (date(2023, 10, 1), date(2024, 9, 30))


# --- years ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("be", "ce"), [(2567, 2024), (2566, 2023), (66, 2023), (67, 2024), (0, 1957), (2400, 1857)]
)
def test_be_to_ce(be: int, ce: int) -> None:
    assert be_to_ce(be) == ce


@pytest.mark.parametrize("year", [2023, 100, 1999, -1])
def test_be_to_ce_rejects_non_be_years(year: int) -> None:
    with pytest.raises(ValueError, match="Buddhist Era"):
        be_to_ce(year)


def test_ce_to_be() -> None:
    assert ce_to_be(2024) == 2567


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2567) == FY2567
    assert fiscal_year_range(2566) == (date(2022, 10, 1), date(2023, 9, 30))
    assert fiscal_year_range(67) == FY2567


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (1, (date(2023, 10, 1), date(2023, 12, 31))),
        (2, (date(2024, 1, 1), date(2024, 3, 31))),
        (3, (date(2024, 4, 1), date(2024, 6, 30))),
        (4, (date(2024, 7, 1), date(2024, 9, 30))),
    ],
)
def test_fiscal_quarter_range(quarter: int, expected: tuple[date, date]) -> None:
    assert fiscal_quarter_range(2567, quarter) == expected


@pytest.mark.parametrize("quarter", [0, 5])
def test_fiscal_quarter_range_rejects_bad_quarter(quarter: int) -> None:
    with pytest.raises(ValueError, match="quarter"):
        fiscal_quarter_range(2567, quarter)


# --- parse_thai_date ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๑ ตุลาคม ๒๕๖๖", date(2023, 10, 1)),
        ("๓๐ กันยายน ๒๕๖๗", date(2024, 9, 30)),
        ("1 ต.ค. 66", date(2023, 10, 1)),
        ("๓๐ ก.ย.๒๕๖๗", date(2024, 9, 30)),
        ("วันที่ ๒๒ กุมภาพันธ์ ๒๕๖๗", date(2024, 2, 22)),
        ("วันที่๒๒ กุมภาพันธ์ ๒๕๖๗", date(2024, 2, 22)),
        ("วันพฤหัสบดีที่ ๒๒ ก.พ. ๖๗", date(2024, 2, 22)),
        ("ณ วันที่ ๑ ต.ค. ๒๕๖๖", date(2023, 10, 1)),
        ("วันที่ ๒๒ เดือนกุมภาพันธ์ พ.ศ. ๒๕๖๗", date(2024, 2, 22)),
        ("๑ ตุลาคม พ.ศ.๒๕๖๖", date(2023, 10, 1)),
        ("1 ต.ค. 2023", date(2023, 10, 1)),  # a four-digit year below 2400 is CE
        ("1 ต.ค. ค.ศ. 2023", date(2023, 10, 1)),
        ("1 ตุลาคม 2566", date(2023, 10, 1)),
        ("๑๕ ก.ค. ๖๗", date(2024, 7, 15)),
        ("๑๕ กรกฏาคม ๒๕๖๗", date(2024, 7, 15)),  # the common ฏ misspelling
        ("๒๙ ก.พ. ๒๕๖๗", date(2024, 2, 29)),  # 2024 is a leap year
        ("  ๑ ม.ค. ๒๕๖๗  ", date(2024, 1, 1)),
        ("๑ ม.ค. ๒๕๖๗.", date(2024, 1, 1)),
    ],
)
def test_parse_thai_date(text: str, expected: date) -> None:
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize(
    "month_text",
    [
        "ต.ค.",
        "ต.ค",  # last dot dropped
        "ตค",  # all dots dropped
        "ต..ค.",  # doubled
        "ต.ค..",
        "ต. ค.",  # space inside
        "ต .ค .",
    ],
)
def test_ocr_variants_of_abbreviations(month_text: str) -> None:
    assert parse_thai_date(f"๑ {month_text} ๒๕๖๖") == date(2023, 10, 1)


@pytest.mark.parametrize(
    ("abbr", "month"),
    [
        ("ม.ค.", 1),
        ("ก.พ.", 2),
        ("มี.ค.", 3),
        ("เม.ย.", 4),
        ("พ.ค.", 5),
        ("มิ.ย.", 6),
        ("ก.ค.", 7),
        ("ส.ค.", 8),
        ("ก.ย.", 9),
        ("ต.ค.", 10),
        ("พ.ย.", 11),
        ("ธ.ค.", 12),
        ("มกราคม", 1),
        ("กุมภาพันธ์", 2),
        ("มีนาคม", 3),
        ("เมษายน", 4),
        ("พฤษภาคม", 5),
        ("มิถุนายน", 6),
        ("กรกฎาคม", 7),
        ("สิงหาคม", 8),
        ("กันยายน", 9),
        ("ตุลาคม", 10),
        ("พฤศจิกายน", 11),
        ("ธันวาคม", 12),
    ],
)
def test_every_month(abbr: str, month: int) -> None:
    assert parse_thai_date(f"๑ {abbr} ๒๕๖๗") == date(2024, month, 1)
    assert parse_thai_date(f"1 {abbr.replace('.', '')} 67") == date(2024, month, 1)


@pytest.mark.parametrize(
    "text",
    [
        "๓๑ เม.ย. ๒๕๖๗",  # April has 30 days
        "๓๐ ก.พ. ๒๕๖๗",
        "๒๙ ก.พ. ๒๕๖๖",  # 2023 is not a leap year
        "๐ ต.ค. ๒๕๖๖",
        "๔๕ ต.ค. ๒๕๖๖",
        "๑ ต.ค.",  # no year: never guessed
        "ตุลาคม ๒๕๖๖",  # a month is not a day
        "๑-๓๑ พฤษภาคม ๒๕๖๗",  # a range is not one day
        "1 October 2023",
        "ไม่ระบุ",
        "",
        "๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗",  # two dates
        "ประชุมเมื่อ ๑ ต.ค. ๒๕๖๖ ที่ห้องประชุม",  # a date inside a sentence
    ],
)
def test_parse_thai_date_rejects(text: str) -> None:
    assert parse_thai_date(text) is None


# --- find_dates -----------------------------------------------------------------------


def spans(text: str, fiscal_year_be: int | None = None) -> list[tuple[str, date, date, str]]:
    scan = find_dates(text, fiscal_year_be=fiscal_year_be)
    return [(d.text, d.start, d.end, d.precision) for d in scan.dates]


def test_find_dates_in_the_no_gift_cell() -> None:
    cell = (
        "วันที่ ๒๒ กุมภาพันธ์ ๒๕๖๗ ณ ห้องประชุม องค์การบริหารส่วนตำบลท่าหิน อำเภอเสวี "
        "จังหวัด ชุมพร นายธนิต พ่วงแม่กลอง ได้มีการประกาศนโยบาย (No Gift Policy)"
    )
    scan = find_dates(cell)
    assert scan.dates == (DateSpan("๒๒ กุมภาพันธ์ ๒๕๖๗", date(2024, 2, 22), date(2024, 2, 22), "day"),)
    assert scan.warnings == ()


def test_find_dates_full_range_gives_two_days() -> None:
    assert spans("๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗") == [
        ("๑ ตุลาคม ๒๕๖๖", date(2023, 10, 1), date(2023, 10, 1), "day"),
        ("๓๐ กันยายน ๒๕๖๗", date(2024, 9, 30), date(2024, 9, 30), "day"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เดือนมีนาคม ๒๕๖๗", [("มีนาคม ๒๕๖๗", date(2024, 3, 1), date(2024, 3, 31), "month")]),
        ("ต.ค. ๖๖", [("ต.ค. ๖๖", date(2023, 10, 1), date(2023, 10, 31), "month")]),
        ("ก.พ. ๖๗", [("ก.พ. ๖๗", date(2024, 2, 1), date(2024, 2, 29), "month")]),
        (
            "ประชุม ๑-๓๑ พฤษภาคม ๒๕๖๗ แล้ว",
            [("๑-๓๑ พฤษภาคม ๒๕๖๗", date(2024, 5, 1), date(2024, 5, 31), "day")],
        ),
        ("๑๕ – ๒๐ ต.ค. ๖๖", [("๑๕ – ๒๐ ต.ค. ๖๖", date(2023, 10, 15), date(2023, 10, 20), "day")]),
        (
            "ในปีงบประมาณ พ.ศ. ๒๕๖๗ ผู้บริหาร",
            [("ปีงบประมาณ พ.ศ. ๒๕๖๗", *FY2567, "fiscal_year")],
        ),
        (
            "ปีงบประมาณ ๒๕๖๖",
            [("ปีงบประมาณ ๒๕๖๖", date(2022, 10, 1), date(2023, 9, 30), "fiscal_year")],
        ),
        (
            "แผนพัฒนา ปีงบประมาณ ๒๕๖๖-๒๕๖๘",
            [("ปีงบประมาณ ๒๕๖๖-๒๕๖๘", date(2022, 10, 1), date(2025, 9, 30), "fiscal_year")],
        ),
        (
            "ไตรมาสที่ ๒/๒๕๖๗",
            [("ไตรมาสที่ ๒/๒๕๖๗", date(2024, 1, 1), date(2024, 3, 31), "quarter")],
        ),
        (
            "ไตรมาส ๔ ปีงบประมาณ ๒๕๖๖",
            [("ไตรมาส ๔ ปีงบประมาณ ๒๕๖๖", date(2023, 7, 1), date(2023, 9, 30), "quarter")],
        ),
        (
            "พระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. ๒๕๔๐",
            [("พ.ศ. ๒๕๔๐", date(1997, 1, 1), date(1997, 12, 31), "year")],
        ),
        ("ตลอดปี ๒๕๖๗", [("ตลอดปี ๒๕๖๗", date(2024, 1, 1), date(2024, 12, 31), "year")]),
        (
            "ประชุม ๑ ต.ค.๖๖ และ ๕ ม.ค.๖๗",
            [
                ("๑ ต.ค.๖๖", date(2023, 10, 1), date(2023, 10, 1), "day"),
                ("๕ ม.ค.๖๗", date(2024, 1, 5), date(2024, 1, 5), "day"),
            ],
        ),
    ],
)
def test_find_dates_forms(text: str, expected: list[tuple[str, date, date, str]]) -> None:
    assert spans(text) == expected
    assert find_dates(text).warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ไตรมาสที่ ๑", [("ไตรมาสที่ ๑", date(2023, 10, 1), date(2023, 12, 31), "quarter")]),
        ("ไตรมาสที่ ๓", [("ไตรมาสที่ ๓", date(2024, 4, 1), date(2024, 6, 30), "quarter")]),
        ("ไตรมาสที่ ๒-๔", [("ไตรมาสที่ ๒-๔", date(2024, 1, 1), date(2024, 9, 30), "quarter")]),
        (
            "ไตรมาสที่ ๑ ถึงไตรมาสที่ ๒",
            [("ไตรมาสที่ ๑ ถึงไตรมาสที่ ๒", date(2023, 10, 1), date(2024, 3, 31), "quarter")],
        ),
        ("ตลอดปีงบประมาณ", [("ตลอดปีงบประมาณ", *FY2567, "fiscal_year")]),
        ("ดำเนินการตลอดปี", [("ตลอดปี", *FY2567, "fiscal_year")]),
        ("ทั้งปีงบประมาณ", [("ทั้งปีงบประมาณ", *FY2567, "fiscal_year")]),
    ],
)
def test_find_dates_with_the_report_fiscal_year(
    text: str, expected: list[tuple[str, date, date, str]]
) -> None:
    assert spans(text, 2567) == expected
    assert find_dates(text, fiscal_year_be=2567).warnings == ()


def test_quarter_and_whole_year_need_a_fiscal_year() -> None:
    scan = find_dates("ไตรมาสที่ ๑ และตลอดปีงบประมาณ")
    assert scan.dates == ()
    assert scan.warnings == (
        "quarter 'ไตรมาสที่ ๑' needs the report's fiscal year",
        "'ตลอดปีงบประมาณ' needs the report's fiscal year",
    )


def test_printed_fiscal_year_wins_over_the_report() -> None:
    assert spans("ไตรมาสที่ ๑/๒๕๖๘", 2567) == [
        ("ไตรมาสที่ ๑/๒๕๖๘", date(2024, 10, 1), date(2024, 12, 31), "quarter")
    ]


def test_impossible_date_is_a_warning_not_a_date() -> None:
    scan = find_dates("ประชุมวันที่ ๓๑ เม.ย. ๒๕๖๗ และ ๑ พ.ค. ๒๕๖๗")
    assert scan.dates == (DateSpan("๑ พ.ค. ๒๕๖๗", date(2024, 5, 1), date(2024, 5, 1), "day"),)
    assert scan.warnings == ("impossible date '๓๑ เม.ย. ๒๕๖๗'",)


def test_backwards_day_range_is_a_warning() -> None:
    scan = find_dates("๓๑-๑ พ.ค. ๒๕๖๗")
    assert scan.dates == ()
    assert scan.warnings == ("impossible date range '๓๑-๑ พ.ค. ๒๕๖๗'",)


def test_date_without_year() -> None:
    scan = find_dates("ประชุม ๑ ต.ค. ที่ผ่านมา")
    assert scan.dates == ()
    assert scan.warnings == ("date '๑ ต.ค.' has no year",)
    scan = find_dates("ประชุม ๑ ต.ค. ที่ผ่านมา", fiscal_year_be=2567)
    assert scan.dates == (DateSpan("๑ ต.ค.", date(2023, 10, 1), date(2023, 10, 1), "day"),)
    assert scan.warnings == (
        "year of '๑ ต.ค.' taken from fiscal year 2567: 2566 BE, as the month falls in that"
        " fiscal year",
    )
    scan = find_dates("ประชุม ๑ มี.ค.", fiscal_year_be=2567)
    assert scan.dates == (DateSpan("๑ มี.ค.", date(2024, 3, 1), date(2024, 3, 1), "day"),)


def test_year_inferred_from_the_other_end_of_a_range() -> None:
    assert spans("๑ ต.ค. - ๓๐ ก.ย. ๒๕๖๗") == [
        ("๑ ต.ค.", date(2023, 10, 1), date(2023, 10, 1), "day"),
        ("๓๐ ก.ย. ๒๕๖๗", date(2024, 9, 30), date(2024, 9, 30), "day"),
    ]
    assert spans("๑ ต.ค. ๒๕๖๖ ถึง ๓๐ ก.ย.") == [
        ("๑ ต.ค. ๒๕๖๖", date(2023, 10, 1), date(2023, 10, 1), "day"),
        ("๓๐ ก.ย.", date(2024, 9, 30), date(2024, 9, 30), "day"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "อบต.คลองใหม่",  # ต.ค inside an abbreviation and a word
        "มาตรฐาน ก.พ.ร. ๒๕๖๗",  # ก.พ. heads a longer abbreviation
        "คณะกรรมการ ก.ค.ศ. ๒๕๖๗",
        "ส.ค.ส. ๒๕๖๗",
        "พยาบาล ๒๕๖๗",  # พย inside a word
        "ติดต่อ มค",  # a bare dotless abbreviation
        "ประจำปีงบประมาณ",  # a mention with no year
        "www.thahin.go.th",
        "ร้อยละ ๙๕.๕๙",
        "จำนวน ๙ ราย",
        "",
    ],
)
def test_find_dates_ignores(text: str) -> None:
    scan = find_dates(text)
    assert scan.dates == ()
    assert scan.warnings == ()


def test_find_dates_verbatim_text_with_zero_width_space() -> None:
    (span,) = find_dates("วันที่\u200b๒๒ ก.พ.\u200b๖๗").dates
    assert span.text == "๒๒ ก.พ.\u200b๖๗"
    assert span.start == date(2024, 2, 22)


# --- parse_period ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗",  # en dash, from the example
        "๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗",  # hyphen, from the example
        "<p>๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗</p>",  # HTML-wrapped, from the example
        "๑ ตุลาคม ๒๕๖๖ — ๓๐ กันยายน ๒๕๖๗",  # em dash
        "๑ ตุลาคม ๒๕๖๖-๓๐ กันยายน ๒๕๖๗",
        "๑ ต.ค. ๖๖ - ๓๐ ก.ย. ๖๗",
        "1 ต.ค. 66 - 30 ก.ย. 67",
        "๑ ต.ค.๒๕๖๖ - ๓๐ ก.ย.๒๕๖๗",
        "๑ ตค ๒๕๖๖ - ๓๐ กย ๒๕๖๗",
        "๑ ต..ค. ๒๕๖๖ - ๓๐ ก. ย. ๒๕๖๗",
        "๑ ตุลาคม ๒๕๖๖ ถึง ๓๐ กันยายน ๒๕๖๗",
        "ตั้งแต่วันที่ ๑ ตุลาคม ๒๕๖๖ ถึงวันที่ ๓๐ กันยายน ๒๕๖๗",
        "ตั้งแต่ ๑ ต.ค. ๒๕๖๖ จนถึง ๓๐ ก.ย. ๒๕๖๗",
        "๑ ตุลาคม พ.ศ. ๒๕๖๖ - ๓๐ กันยายน พ.ศ. ๒๕๖๗",
        "๑ ต.ค. - ๓๐ ก.ย. ๒๕๖๗",  # first year inferred
        "ต.ค. ๖๖ - ก.ย. ๖๗",  # whole months
        "ตุลาคม ๒๕๖๖ - กันยายน ๒๕๖๗",
        "เดือนตุลาคม ๒๕๖๖ ถึงเดือนกันยายน ๒๕๖๗",
        "ต.ค. - ก.ย. ๖๗",
        "ปีงบประมาณ พ.ศ. ๒๕๖๗",
        "ปีงบประมาณ ๒๕๖๗",
        "1 ต.ค. 2023 - 30 ก.ย. 2024",  # CE years
        "๑ ตุลาคม ๒๕๖๖ –\n๓๐ กันยายน ๒๕๖๗",  # wrapped in the cell
    ],
)
def test_period_fiscal_year_2567_without_warnings(cell: str) -> None:
    period = parse_period(cell)
    assert (period.start, period.end) == FY2567
    assert period.warnings == ()


@pytest.mark.parametrize(
    "cell",
    ["ตลอดปีงบประมาณ", "ตลอดปีงบประมาณ พ.ศ. ๒๕๖๗", "ตลอดปี", "ไตรมาสที่ ๑-๔", "ไตรมาส ๑ - ไตรมาส ๔"],
)
def test_period_from_the_report_fiscal_year(cell: str) -> None:
    period = parse_period(cell, fiscal_year_be=2567)
    assert (period.start, period.end) == FY2567
    assert period.warnings == ()


def test_period_with_missing_dash() -> None:
    period = parse_period("๑ ต.ค. ๒๕๖๖ ๓๐ ก.ย. ๒๕๖๗")
    assert (period.start, period.end) == FY2567
    assert period.warnings == (
        "period '๑ ต.ค. ๒๕๖๖ ๓๐ ก.ย. ๒๕๖๗': dash missing between '๑ ต.ค. ๒๕๖๖' and '๓๐ ก.ย. ๒๕๖๗'",
    )


def test_period_with_missing_dash_and_first_year() -> None:
    period = parse_period("๑ ต.ค. ๓๐ ก.ย. ๒๕๖๗")
    assert (period.start, period.end) == FY2567
    assert period.warnings == (
        "period '๑ ต.ค. ๓๐ ก.ย. ๒๕๖๗': dash missing between '๑ ต.ค.' and '๓๐ ก.ย. ๒๕๖๗'",
    )


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("วันที่ ๒๒ กุมภาพันธ์ ๒๕๖๗", date(2024, 2, 22), date(2024, 2, 22)),
        ("๑-๓๑ พฤษภาคม ๒๕๖๗", date(2024, 5, 1), date(2024, 5, 31)),
        ("เดือนมีนาคม ๒๕๖๗", date(2024, 3, 1), date(2024, 3, 31)),
        ("มี.ค. - พ.ค. ๖๗", date(2024, 3, 1), date(2024, 5, 31)),
        ("๑ ธ.ค. - ๓๑ ม.ค. ๒๕๖๗", date(2023, 12, 1), date(2024, 1, 31)),
        ("๑ มิ.ย. - ๓๐ มิ.ย. ๒๕๖๗", date(2024, 6, 1), date(2024, 6, 30)),
        ("ปีงบประมาณ ๒๕๖๖", date(2022, 10, 1), date(2023, 9, 30)),
        ("ไตรมาสที่ ๔/๒๕๖๗", date(2024, 7, 1), date(2024, 9, 30)),
    ],
)
def test_period_other_forms(cell: str, start: date, end: date) -> None:
    period = parse_period(cell)
    assert (period.start, period.end) == (start, end)
    assert period.warnings == ()


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        ("ไตรมาสที่ ๑", date(2023, 10, 1), date(2023, 12, 31)),
        ("ไตรมาสที่ ๒", date(2024, 1, 1), date(2024, 3, 31)),
        ("ไตรมาสที่ ๓ - ๔", date(2024, 4, 1), date(2024, 9, 30)),
    ],
)
def test_period_quarters(cell: str, start: date, end: date) -> None:
    period = parse_period(cell, fiscal_year_be=2567)
    assert (period.start, period.end) == (start, end)
    assert period.warnings == ()


def test_period_needing_a_fiscal_year_without_one() -> None:
    period = parse_period("ตลอดปีงบประมาณ")
    assert (period.start, period.end) == (None, None)
    assert period.warnings == (
        "'ตลอดปีงบประมาณ' needs the report's fiscal year",
        "period 'ตลอดปีงบประมาณ' could not be parsed",
    )


@pytest.mark.parametrize("cell", ["ตามแผนงาน", "-", "ทุกวัน", "๑๒๓๔", "1 October 2023", "ตค"])
def test_period_garbage(cell: str) -> None:
    period = parse_period(cell)
    assert (period.start, period.end) == (None, None)
    assert period.warnings == (f"period '{cell}' could not be parsed",)


def test_period_month_without_year() -> None:
    period = parse_period("ต.ค")
    assert (period.start, period.end) == (None, None)
    assert period.warnings == ("date 'ต.ค' has no year", "period 'ต.ค' could not be parsed")
    period = parse_period("ต.ค", fiscal_year_be=2567)
    assert (period.start, period.end) == (date(2023, 10, 1), date(2023, 10, 31))


@pytest.mark.parametrize("cell", ["", "   ", "\n"])
def test_blank_period_is_silent(cell: str) -> None:
    assert parse_period(cell) == parse_period("")
    period = parse_period(cell)
    assert (period.start, period.end, period.warnings) == (None, None, ())


def test_period_ending_before_it_starts() -> None:
    period = parse_period("๓๐ ก.ย. ๒๕๖๗ - ๑ ต.ค. ๒๕๖๖")
    # An end before its start is a contradiction: no dates, not the dates as printed.
    assert (period.start, period.end, period.basis) == (None, None, "none")
    assert period.warnings == (
        "period '๓๐ ก.ย. ๒๕๖๗ - ๑ ต.ค. ๒๕๖๖' ends (2023-10-01) before it starts (2024-09-30);"
        " no dates",
    )


def test_period_with_an_impossible_end() -> None:
    period = parse_period("๑ เม.ย. ๒๕๖๗ - ๓๑ เม.ย. ๒๕๖๗")
    # Half a period is a guess at the other half: both ends null.
    assert (period.start, period.end, period.basis) == (None, None, "none")
    assert period.warnings == (
        "impossible date '๓๑ เม.ย. ๒๕๖๗'",
        "period '๑ เม.ย. ๒๕๖๗ - ๓๑ เม.ย. ๒๕๖๗' has no dates: '๓๑ เม.ย. ๒๕๖๗' is no date",
    )


def test_period_with_only_an_impossible_date() -> None:
    period = parse_period("๓๑ เม.ย. ๒๕๖๗")
    assert (period.start, period.end) == (None, None)
    assert period.warnings == (
        "impossible date '๓๑ เม.ย. ๒๕๖๗'",
        "period '๓๑ เม.ย. ๒๕๖๗' could not be parsed",
    )


def test_period_of_separate_dates() -> None:
    period = parse_period("๑ ต.ค. ๒๕๖๖ และ ๑ เม.ย. ๒๕๖๗")
    assert (period.start, period.end) == (date(2023, 10, 1), date(2024, 4, 1))
    assert period.warnings == (
        "period '๑ ต.ค. ๒๕๖๖ และ ๑ เม.ย. ๒๕๖๗': '๑ ต.ค. ๒๕๖๖' and '๑ เม.ย. ๒๕๖๗' are not "
        "joined as a range; taking the period from the first date to the last",
    )


def test_period_date_without_year_uses_the_report() -> None:
    period = parse_period("๑ ต.ค.", fiscal_year_be=2567)
    assert (period.start, period.end) == (date(2023, 10, 1), date(2023, 10, 1))
    assert period.warnings == (
        "year of '๑ ต.ค.' taken from fiscal year 2567: 2566 BE, as the month falls in that"
        " fiscal year",
    )


# --- the example report -------------------------------------------------------------


def example_period_cells() -> list[str]:
    cells = []
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) >= 4 and "ระยะเวลา" not in columns[3]:
            cells.append(columns[3])
    return cells


def test_every_period_cell_of_the_example_is_fiscal_year_2567() -> None:
    cells = example_period_cells()
    assert len(cells) == 11
    missing_dash = 0
    for cell in cells:
        period = parse_period(cell, fiscal_year_be=2567)
        assert (period.start, period.end) == FY2567, cell
        if period.warnings:
            assert period.warnings == (
                "period '๑ ต.ค. ๒๕๖๖ ๓๐ ก.ย. ๒๕๖๗': dash missing between '๑ ต.ค. ๒๕๖๖' "
                "and '๓๐ ก.ย. ๒๕๖๗'",
            )
            missing_dash += 1
    assert missing_dash == 2


def test_dates_in_the_example_report() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    scan = find_dates(text, fiscal_year_be=2567)
    assert scan.warnings == ()
    texts = [d.text for d in scan.dates]
    assert texts.count("ปีงบประมาณ พ.ศ. ๒๕๖๗") == 9
    assert "๒๒ กุมภาพันธ์ ๒๕๖๗" in texts
    assert {d.precision for d in scan.dates} == {"day", "fiscal_year"}
    assert all(FY2567[0] <= d.start <= d.end <= FY2567[1] for d in scan.dates)


@pytest.mark.parametrize("printed", ["๓๐ กุย. ๒๕๖๗", "๓๐ ก.ุย. ๒๕๖๗"])
def test_ocr_reads_the_dot_of_an_abbreviation_as_sara_u(printed: str) -> None:
    assert parse_thai_date(printed) == date(2024, 9, 30)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        # read so from period cells of scans, each cell read alone
        ("๓๐ กั้นยายน ๒๕๖๗", date(2024, 9, 30)),  # a stray tone mark
        ("๓๐ ค้นยายน ๒๕๖๗", date(2024, 9, 30)),  # ก as ค, ั as ้
        ("๓๐ คุย. ๒๕๖๗", date(2024, 9, 30)),  # ก as ค, the dot as sara u
        ("๑ ตุ่ลาคม ๒๕๖๖", date(2023, 10, 1)),
        ("๒๒ กุมภ๊าพันธ์ ๒๕๖๗", date(2024, 2, 22)),
        ("๑ มินาคม ๒๕๖๗", date(2024, 3, 1)),  # ี as ิ
        ("๑ ค.ค. ๒๕๖๗", date(2024, 7, 1)),
    ],
)
def test_ocr_misreads_the_marks_or_the_first_letter_of_a_month(
    printed: str, expected: date
) -> None:
    """Month names differ in their letters alone, and none begins with ค: marks misread
    over the line, or ก read as ค, do not hide the month."""
    assert parse_thai_date(printed) == expected


@pytest.mark.parametrize("printed", ["๑ คอ.ค. ๒๕๖๗", "๑ มคราคม ๒๕๖๗", "๑ กันยายก ๒๕๖๗"])
def test_other_letters_of_a_month_are_not_guessed(printed: str) -> None:
    assert parse_thai_date(printed) is None


# --- years no calendar has (found by the property tests) --------------------------------


@pytest.mark.parametrize(
    ("text", "fiscal_year_be"),
    [
        ("ตุลาคม 0000", None),  # year 0 CE: Python's date has none
        ("ตลอดปี 0000", None),
        ("ปีงบประมาณ 1000", None),  # neither a four-digit BE year nor a two-digit one
        ("ไตรมาสที่ 1/1000", None),
        ("ตุลาคม", 100),  # a report's fiscal year that is no BE year
        ("ไตรมาสที่ 1", 100),
    ],
)
def test_impossible_years_are_warnings(text: str, fiscal_year_be: int | None) -> None:
    scan = find_dates(text, fiscal_year_be=fiscal_year_be)
    assert scan.dates == ()
    assert any("impossible date" in w for w in scan.warnings), scan.warnings
    period = parse_period(text, fiscal_year_be=fiscal_year_be)
    assert (period.start, period.end) == (None, None)
    assert any("impossible date" in w for w in period.warnings)


@pytest.mark.parametrize(
    ("cell", "start", "end", "basis"),
    [
        ("ไตรมาสที่ ๓ – ๔", date(2024, 4, 1), date(2024, 9, 30), "quarter"),
        (
            "ทุกวันที่ ๑๐ ของเดือน (ต.ค. ๖๕ – ก.ย. ๖๖)",
            date(2022, 10, 1),
            date(2023, 9, 30),
            "printed-months",
        ),
        ("ภายใน ๑๕ วัน นับแต่ได้รับคำร้อง", None, None, "inferred"),
        ("1 ต.ค. 2566 - 30 ก.ย. 2567", date(2023, 10, 1), date(2024, 9, 30), "printed-range"),
        ("๑ ต.ค. ๒๕๖๖ –\n๓๐ ก.ย. ๒๕๖๗", date(2023, 10, 1), date(2024, 9, 30), "printed-range"),
        ("ตลอดปีงบประมาณ", date(2023, 10, 1), date(2024, 9, 30), "fiscal-year-phrase"),
        ("๓๑ เม.ย. ๒๕๖๗", None, None, "none"),
    ],
)
def test_period_basis(cell: str, start: date | None, end: date | None, basis: str) -> None:
    period = parse_period(cell, fiscal_year_be=2567)
    assert (period.start, period.end, period.basis) == (start, end, basis)


def test_a_completed_year_says_which_and_why() -> None:
    period = parse_period("ต.ค. – ก.ย.", fiscal_year_be=2567)
    assert (period.start, period.end, period.basis) == (
        date(2023, 10, 1), date(2024, 9, 30), "printed-months",
    )  # fmt: skip
    assert period.year_from is not None
    assert "'ต.ค.' taken from fiscal year 2567: 2566 BE" in period.year_from
    assert "'ก.ย.' taken from fiscal year 2567: 2567 BE" in period.year_from


@pytest.mark.parametrize(
    ("cell", "start", "end", "basis"),
    [
        ("๑๕/๓/๒๕๖๗", date(2024, 3, 15), date(2024, 3, 15), "printed-date"),
        ("15/3/67", date(2024, 3, 15), date(2024, 3, 15), "printed-date"),  # two-digit BE
        ("29/2/2567", date(2024, 2, 29), date(2024, 2, 29), "printed-date"),  # leap year
        ("๑/๑๐/๖๖ – ๓๐/๙/๖๗", date(2023, 10, 1), date(2024, 9, 30), "printed-range"),
        ("1 / 10 / 2566 ถึง 30 / 9 / 2567", date(2023, 10, 1), date(2024, 9, 30), "printed-range"),
    ],
)
def test_period_slashed_dates(cell: str, start: date, end: date, basis: str) -> None:
    period = parse_period(cell, fiscal_year_be=2567)
    assert (period.start, period.end, period.basis, period.warnings) == (start, end, basis, ())


@pytest.mark.parametrize(
    "cell", ["13/13/2567", "๓๑/๔/๒๕๖๗", "29/2/2566", "30/2/2567", "32/10/66", "0/10/2566"]
)
def test_impossible_slashed_dates_are_null_with_a_warning(cell: str) -> None:
    period = parse_period(cell, fiscal_year_be=2567)
    assert (period.start, period.end, period.basis) == (None, None, "none")
    assert (period.inferred_start, period.inferred_end) == (None, None)
    assert f"impossible date '{cell}'" in period.warnings


@pytest.mark.parametrize("text", ["ร้อยละ 80/100", "คำสั่งที่ 12/2567", "1/2/3/2567", "12/3/256"])
def test_slashes_that_are_no_date(text: str) -> None:
    scan = find_dates(text)
    assert (scan.dates, scan.warnings) == ((), ())


def test_slashed_date_is_a_single_day() -> None:
    assert parse_thai_date("วันที่ ๑๕/๓/๒๕๖๗") == date(2024, 3, 15)


# --- a year wrapped over two lines of a narrow cell ----------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "๑ ตุลาคม ๒๕๖ ๖ – ๓๐ กันยายน ๒๕๖๗",  # LibreOffice s1000: "๒๕๖" / "๖ –"
        "๑ ตุลาคม ๒๕ ๖๖ – ๓๐ กันยายน ๒๕๖๗",
        "๑ ตุลาคม ๒ ๕๖๖ – ๓๐ กันยายน ๒๕๖ ๗",
    ],
)
def test_a_year_wrapped_in_its_cell_is_one_year(cell: str) -> None:
    period = parse_period(cell)
    assert (period.start, period.end) == FY2567
    assert period.warnings == ()


def test_digits_split_before_a_month_are_a_day_not_a_year() -> None:
    # "๒๕ ๖" would be a year 256x only if no month follows the second part.
    scan = find_dates("๑ ตุลาคม ๒๕ ๖ พฤศจิกายน ๒๕๖๖")
    assert [d.start for d in scan.dates][-1] == date(2023, 11, 6)
