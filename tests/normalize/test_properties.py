"""Properties of the normalizers, checked by hypothesis over generated text.

A date is rendered in every form the reports use (full and abbreviated month names with the
dots OCR drops, doubles or spaces, BE and CE years, two-digit years, Thai and Arabic digits,
"วันที่" and "พ.ศ." prefixes, ranges, whole months, fiscal years and quarters) and must come
back as the same ISO date. Any Unicode string must go through every normalizer without an
exception, and every span a normalizer returns must be a verbatim substring of its input.
The profile (tests/conftest.py) is derandomized, so CI sees the same examples every run.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st
from thaireport.extract.header import COLUMN_KEYS, match_header, score_header
from thaireport.extract.normalize import (
    COUNT_UNITS,
    Period,
    arabic_to_thai_digits,
    find_counts,
    find_dates,
    find_percentages,
    fiscal_quarter_range,
    fiscal_year_range,
    parse_period,
    parse_thai_date,
    searchable_text,
    split_steps,
    thai_digits_to_arabic,
)
from thaireport.extract.normalize.numerals import ARABIC_DIGITS, THAI_DIGITS
from thaireport.extract.sections import parse_section_heading
from thaireport.extract.text_export import cell_text
from thaireport.extract.textlayer import PUA_TO_THAI, Repaired, private_use_share, repair_thai

FULL_NAMES = {
    1: ("มกราคม",),
    2: ("กุมภาพันธ์",),
    3: ("มีนาคม",),
    4: ("เมษายน",),
    5: ("พฤษภาคม",),
    6: ("มิถุนายน",),
    7: ("กรกฎาคม", "กรกฏาคม"),
    8: ("สิงหาคม",),
    9: ("กันยายน",),
    10: ("ตุลาคม",),
    11: ("พฤศจิกายน",),
    12: ("ธันวาคม",),
}
ABBREVIATIONS = {
    1: ("ม", "ค"),
    2: ("ก", "พ"),
    3: ("มี", "ค"),
    4: ("เม", "ย"),
    5: ("พ", "ค"),
    6: ("มิ", "ย"),
    7: ("ก", "ค"),
    8: ("ส", "ค"),
    9: ("ก", "ย"),
    10: ("ต", "ค"),
    11: ("พ", "ย"),
    12: ("ธ", "ค"),
}
# How OCR and typists write an abbreviation's dots: (between, after).
DOTS = [(".", "."), (".", ""), ("..", "."), (". ", "."), (".", ".."), ("", ".")]
DASHES = [" - ", "-", " – ", " — ", "–", " ถึง ", " ถึงวันที่ "]

# Two-digit years mean 25xx BE: 1957..2056 CE. Every form can write these years.
dates = st.dates(min_value=date(1958, 1, 1), max_value=date(2055, 12, 31))
range_starts = st.dates(min_value=date(1958, 1, 1), max_value=date(2053, 12, 31))
any_text = st.text()
# Text made mostly of what the normalizers look for, so the regexes' corners get visited.
THAI_ALPHABET = (
    "๐๑๒๓๔๕๖๗๘๙0123456789 .-–/%()\n\tกขคงจดตถทนบปพฟมยรลวสหอฮะาำิีึืุูเแโใไ่้๊๋็์ัํ"
    "\u0e4d\u0e32\uf70a\uf710\uf701\uf718\u200b"
)
thaiish_text = st.lists(
    st.sampled_from(THAI_ALPHABET)
    | st.sampled_from(
        [
            "ตุลาคม",
            "ต.ค.",
            "ก.ย.",
            "พ.ศ.",
            "ค.ศ.",
            "วันที่",
            "ถึง",
            "ไตรมาสที่",
            "ปีงบประมาณ",
            "ตลอด",
            "ปี",
            "เดือน",
            "ร้อยละ",
            "ราย",
            "คน",
            "ครั้ง",
            "ประเด็นที่",
        ]
    ),
    max_size=40,
).map("".join)


def span(period: Period) -> tuple[date | None, date | None]:
    return period.start, period.end


def digits(text: str, thai: bool) -> str:
    return arabic_to_thai_digits(text) if thai else text


@st.composite
def month_text(draw: st.DrawFn, month: int) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(FULL_NAMES[month]))
    first, second = ABBREVIATIONS[month]
    between, after = draw(st.sampled_from(DOTS))
    return f"{first}{between}{second}{after}"


@st.composite
def year_text(draw: st.DrawFn, ce_year: int, thai: bool) -> str:
    """The year as printed: BE (four or two digits, with or without พ.ศ.) or CE."""
    form = draw(st.sampled_from(["be", "be-era", "be2", "ce", "ce-era"]))
    if form == "be":
        text = str(ce_year + 543)
    elif form == "be-era":
        era = draw(st.sampled_from(["พ.ศ. ", "พ.ศ.", "พ.ศ ", "พ. ศ. "]))
        text = era + str(ce_year + 543)
    elif form == "be2":
        text = f"{(ce_year + 543) % 100:02d}"
    elif form == "ce":
        text = str(ce_year)
    else:
        text = "ค.ศ. " + str(ce_year)
    return digits(text, thai)


@st.composite
def day_date(draw: st.DrawFn, day: date) -> str:
    """A single day in any printed form."""
    thai = draw(st.booleans())
    month = draw(month_text(day.month))
    year = draw(year_text(day.year, thai))
    # A year in digits may follow the month without a space ("ก.ย.๒๕๖๗"); "พ.ศ." may not.
    space = draw(st.sampled_from([" ", "  ", ""] if year[0].isdigit() else [" ", "  "]))
    return (
        digits(str(day.day), thai)
        + draw(st.sampled_from([" ", "  "]))
        + draw(st.sampled_from(["", "เดือน"]))
        + month
        + space
        + year
    )


# --- numerals ---------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**30))
def test_thai_digits_round_trip_integers(n: int) -> None:
    thai = arabic_to_thai_digits(str(n))
    assert set(thai) <= set(THAI_DIGITS)
    assert int(thai_digits_to_arabic(thai)) == n


@given(any_text)
def test_digit_conversions_keep_length_and_everything_else(text: str) -> None:
    arabic = thai_digits_to_arabic(text)
    thai = arabic_to_thai_digits(text)
    assert len(arabic) == len(thai) == len(searchable_text(text)) == len(text)
    assert not set(arabic) & set(THAI_DIGITS)
    assert not set(thai) & set(ARABIC_DIGITS)
    for original, a, t in zip(text, arabic, thai, strict=True):
        if original not in THAI_DIGITS + ARABIC_DIGITS:
            assert original == a == t
    # a string without ASCII digits survives Thai -> ASCII -> Thai, and the other way round
    assert arabic_to_thai_digits(thai_digits_to_arabic(thai)) == thai
    assert thai_digits_to_arabic(arabic_to_thai_digits(arabic)) == arabic
    assert thai_digits_to_arabic(arabic) == arabic  # idempotent
    assert searchable_text(searchable_text(text)) == searchable_text(text)


# --- dates: every printed form is the same ISO date --------------------------------------


@given(dates, st.data())
@example(date(2023, 10, 1), None)  # the report's own "๑ ตุลาคม ๒๕๖๖"
def test_single_day_in_every_form(day: date, data: st.DataObject | None) -> None:
    if data is None:
        printed = "๑ ตุลาคม ๒๕๖๖"
    else:
        prefix = data.draw(st.sampled_from(["", "วันที่ ", "วันที่", "ณ วันที่ ", "เมื่อวันที่ "]))
        printed = prefix + data.draw(day_date(day))
    assert parse_thai_date(printed) == day, printed
    scan = find_dates(printed)
    assert [(s.start, s.end, s.precision) for s in scan.dates] == [(day, day, "day")], printed
    assert scan.dates[0].text in printed
    period = parse_period(printed)
    assert (period.start, period.end) == (day, day)


@given(range_starts, st.integers(min_value=0, max_value=800), st.data())
def test_ranges_of_days(first: date, length: int, data: st.DataObject) -> None:
    last = first + timedelta(days=length)
    opening = data.draw(st.sampled_from(["", "ตั้งแต่วันที่ ", "ตั้งแต่ ", "วันที่ "]))
    dash = data.draw(st.sampled_from(DASHES))
    printed = opening + data.draw(day_date(first)) + dash + data.draw(day_date(last))
    period = parse_period(printed)
    # Fiscal year N (CE) runs October N-1 to September N; a range touching more than three
    # is no plan but a misprint, and gives no dates.
    touched = (last.year + (last.month >= 10)) - (first.year + (first.month >= 10)) + 1
    if touched > 3:
        assert (period.start, period.end, period.basis) == (None, None, "none"), printed
        assert any("fiscal years (more than 3)" in w for w in period.warnings)
    else:
        assert (period.start, period.end) == (first, last), printed
        assert period.basis == "printed-range"  # two dates printed, even the same day twice
    assert not any("not joined" in w for w in period.warnings), period.warnings


@given(range_starts, st.integers(min_value=0, max_value=364), st.data())
def test_range_whose_start_has_no_year(first: date, length: int, data: st.DataObject) -> None:
    """ "๑ ต.ค. - ๓๐ ก.ย. ๒๕๖๗": the start's year is the one that keeps start <= end."""
    last = first + timedelta(days=length)
    thai = data.draw(st.booleans())
    start = digits(str(first.day), thai) + " " + data.draw(month_text(first.month))
    printed = start + data.draw(st.sampled_from(DASHES)) + data.draw(day_date(last))
    period = parse_period(printed)
    assert (period.start, period.end) == (first, last), printed


@given(dates, st.data())
def test_whole_month(day: date, data: st.DataObject) -> None:
    thai = data.draw(st.booleans())
    printed = (
        data.draw(st.sampled_from(["เดือน", "เดือน ", ""]))
        + data.draw(month_text(day.month))
        + " "
        + data.draw(year_text(day.year, thai))
    )
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    scan = find_dates(printed)
    assert [(s.start, s.end, s.precision) for s in scan.dates] == [(first, last, "month")], printed


@given(dates, st.integers(min_value=0, max_value=30), st.data())
def test_days_within_one_month(day: date, more: int, data: st.DataObject) -> None:
    last = min(day + timedelta(days=more), (day.replace(day=28) + timedelta(days=4)).replace(day=1))
    if last.month != day.month:
        last -= timedelta(days=1)
    thai = data.draw(st.booleans())
    printed = (
        digits(f"{day.day}", thai)
        + data.draw(st.sampled_from(["-", " - ", "–"]))
        + digits(f"{last.day}", thai)
        + " "
        + data.draw(month_text(day.month))
        + " "
        + data.draw(year_text(day.year, thai))
    )
    period = parse_period(printed)
    assert (period.start, period.end) == (day, last), printed


@given(st.integers(min_value=2501, max_value=2599), st.data())
def test_fiscal_years_and_quarters(be: int, data: st.DataObject) -> None:
    thai = data.draw(st.booleans())
    year = data.draw(st.sampled_from([str(be), f"{be % 100:02d}"]))
    era = data.draw(st.sampled_from(["", "พ.ศ. ", "พ.ศ."]))
    word = data.draw(st.sampled_from(["ปีงบประมาณ ", "ปีงบประมาณ", "ปีงบ "]))
    printed = digits(word + era + year, thai)
    assert span(parse_period(printed)) == fiscal_year_range(be), printed

    whole = data.draw(st.sampled_from(["ตลอดปีงบประมาณ", "ทั้งปีงบประมาณ", "ตลอดปีงบ"]))
    assert span(parse_period(whole, fiscal_year_be=be)) == fiscal_year_range(be)

    quarter = data.draw(st.integers(min_value=1, max_value=4))
    q = digits(str(quarter), thai)
    start, end = fiscal_quarter_range(be, quarter)
    assert span(parse_period(f"ไตรมาสที่ {q}", fiscal_year_be=be)) == (start, end)
    with_year = data.draw(st.sampled_from([f"ไตรมาสที่ {q} {word}{era}", f"ไตรมาส {q}/"]))
    printed = with_year + digits(year, thai)
    assert span(parse_period(printed)) == (start, end), printed


@given(dates)
def test_impossible_day_is_a_warning_not_a_date(day: date) -> None:
    """ "๓๑ เม.ย.": a day past the month's end is never moved to another date."""
    month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if month_end.day == 31:
        return
    printed = f"{month_end.day + 1} {ABBREVIATIONS[day.month][0]}.{ABBREVIATIONS[day.month][1]}."
    printed += f" {day.year + 543}"
    assert parse_thai_date(printed) is None
    scan = find_dates(printed)
    assert scan.dates == ()
    assert any("impossible" in w for w in scan.warnings)


# --- no exception on any text, and spans are verbatim -------------------------------------


@given(st.one_of(any_text, thaiish_text), st.none() | st.integers(0, 9999))
@example("ตุลาคม 0000", None)  # a year 0 CE: no such date in Python
@example("พ.ศ. 0000", None)
@example("ปีงบประมาณ 1000", None)  # neither a BE year nor a two-digit one
@example("ปีงบประมาณ 2567-1000", None)
@example("ไตรมาสที่ 1/1000", None)
@example("ไตรมาสที่ 1", 1000)
@example("ตุลาคม", 100)  # found by hypothesis: a fiscal year that is no BE year
@example("ตลอดปีงบประมาณ", 1000)
@example("๑ ต.ค.", 1000)
@example("ตลอดปี 0000", None)
@example("1 ต.ค. 0000", None)
@example("ต.ค. 0000 - ก.ย. 0001", None)
def test_dates_never_raise_and_spans_are_verbatim(text: str, fiscal_year_be: int | None) -> None:
    scan = find_dates(text, fiscal_year_be=fiscal_year_be)
    for span in scan.dates:
        assert span.text and span.text in text
        assert span.start <= span.end
    assert all(isinstance(w, str) for w in scan.warnings)
    period = parse_period(text, fiscal_year_be=fiscal_year_be)
    assert all(isinstance(w, str) for w in period.warnings)
    if not text.strip():
        assert period == Period(None, None, ())
    parsed = parse_thai_date(text)
    assert parsed is None or isinstance(parsed, date)


# --- quantities -------------------------------------------------------------------------


@given(
    st.integers(min_value=0, max_value=100_000),
    st.integers(min_value=0, max_value=99),
    st.booleans(),
    st.sampled_from(["ร้อยละ {}", "ร้อยละ{}", "ร้อย ละ {}", "{}%", "{} %", "{} เปอร์เซ็นต์"]),
)
def test_percentages_in_any_digits(whole: int, cents: int, thai: bool, form: str) -> None:
    number = f"{whole}.{cents:02d}"
    printed = "ผลการประเมิน " + form.format(digits(number, thai)) + " ของเป้าหมาย"
    found = find_percentages(printed)
    assert [p.value for p in found] == [float(number)], printed
    assert found[0].text in printed
    assert find_counts(printed) == ()  # a percentage is not a count


@given(
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(COUNT_UNITS),
    st.booleans(),
    st.booleans(),
    st.sampled_from([" ", "", "  "]),
)
def test_counts_with_every_unit(
    n: int, unit: str, thai: bool, separators: bool, space: str
) -> None:
    number = f"{n:,}" if separators else str(n)
    printed = f"จำนวน {digits(number, thai)}{space}{unit} เข้าร่วม"
    found = find_counts(printed)
    assert [(c.value, c.unit) for c in found] == [(n, unit)], printed
    assert found[0].text == digits(number, thai) + space + unit


@given(st.one_of(any_text, thaiish_text))
def test_quantities_never_raise_and_spans_are_verbatim(text: str) -> None:
    for percentage in find_percentages(text):
        assert percentage.text in text
        assert percentage.value >= 0
    for count in find_counts(text):
        assert count.text in text
        assert count.unit in COUNT_UNITS
        assert count.value >= 0


# --- steps ------------------------------------------------------------------------------

step_text = st.text(alphabet="กขคงจฉชซญฎดตถทนบปผพฟมยรลวศสหอฮะาเแโใไ", min_size=1, max_size=12)


@given(
    st.lists(step_text, min_size=2, max_size=12),
    st.booleans(),
    st.sampled_from(["{}. ", "{}.", "{}) ", "({}) "]),
    st.sampled_from([" ", "\n", "  "]),
)
def test_numbered_steps_come_back(steps: list[str], thai: bool, marker: str, sep: str) -> None:
    printed = sep.join(
        digits(marker.format(n), thai) + step for n, step in enumerate(steps, start=1)
    )
    assert split_steps(printed) == tuple(steps), printed


@given(st.lists(step_text, min_size=2, max_size=12), st.sampled_from(["-", "•", "- "]))
def test_bullets_come_back(steps: list[str], bullet: str) -> None:
    printed = "\n".join(bullet + step for step in steps)
    assert split_steps(printed) == tuple(steps)


@given(st.one_of(any_text, thaiish_text))
def test_steps_never_raise_and_are_verbatim(text: str) -> None:
    steps = split_steps(text)
    assert isinstance(steps, tuple)
    for step in steps:
        assert step in text
        assert step == step.strip()


# --- text repair and the other text readers ----------------------------------------------

thai_with_pua = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x0E01, 0x0E5C)] + [chr(c) for c in PUA_TO_THAI] + [" ", "a"]
    ),
    max_size=40,
)


@given(st.one_of(any_text, thai_with_pua))
@example("\u0e4d\u0e48\u0e48\u0e32")  # a doubled tone mark between the halves of sara am
@example("\u0e48\u0e4d\u0e32")
@example("เเเ")
def test_repair_thai(text: str) -> None:
    repaired = repair_thai(text)
    assert isinstance(repaired.text, str)
    assert (repaired.repairs == 0) == (repaired.text == text)
    assert len(repaired.text) <= len(text)
    # what `repair_thai` can map is gone, and repairing twice changes nothing more
    assert not any(ord(c) in PUA_TO_THAI for c in repaired.text)
    again = repair_thai(repaired.text)
    assert again.text == repaired.text
    assert again.repairs == 0
    assert 0.0 <= private_use_share(text) <= 1.0


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",), max_codepoint=0x0DFF)))
def test_repair_thai_leaves_text_without_thai_alone(text: str) -> None:
    assert repair_thai(text) == Repaired(text, 0)


@given(st.one_of(any_text, thaiish_text))
def test_text_readers_never_raise(text: str) -> None:
    heading = parse_section_heading(text)
    assert heading is None or heading.number is None or heading.number >= 0
    cell = cell_text(text)
    assert isinstance(cell, str)
    assert cell == cell.strip()
    assert 0.0 <= score_header(text, "measure") <= 100.0
    assert set(match_header(text.split("\t")).values()) <= set(COLUMN_KEYS)
