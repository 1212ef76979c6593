"""Thai dates, months, fiscal quarters and fiscal years as printed in ITA reports.

Everything works on `searchable_text`, which keeps offsets, so every `DateSpan.text` is the
substring exactly as printed (Thai digits, odd dots and all). Nothing here guesses: an
impossible date or a date whose year cannot be known is reported as a warning, not a value.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from thaireport.extract.normalize.numerals import searchable_text

Precision = Literal["day", "month", "year", "quarter", "fiscal_year"]

BE_OFFSET = 543
# Years a report of today can name: four-digit BE years outside these are damage (OCR's
# "5๕๖๗" for ๒๕๖๗ reads 5567), not dates.
MIN_BE_YEAR, MAX_BE_YEAR = 2400, 2700


@dataclass(frozen=True)
class DateSpan:
    """A date expression found in text; a single day has ``start == end``."""

    text: str
    start: date
    end: date
    precision: Precision


@dataclass(frozen=True)
class DateScan:
    dates: tuple[DateSpan, ...]
    warnings: tuple[str, ...]


Basis = Literal[
    "printed-range",
    "printed-date",
    "printed-months",
    "quarter",
    "fiscal-year-phrase",
    "inferred",
    "none",
]

# A period longer than this many fiscal years is a misprint (or a misread year), not a plan.
MAX_PERIOD_FISCAL_YEARS = 3


@dataclass(frozen=True)
class Period:
    """The normalized value of a "ระยะเวลา" cell; ``None`` where it could not be known.

    `basis` says how start and end were derived. `year_from` says which year was completed
    from context, and why, where a date was printed without one. Where the cell holds no date
    at all, `inferred_start`/`inferred_end` offer the report's fiscal year (`inferred_from`
    says so); they are never copied into `start`/`end`.
    """

    start: date | None
    end: date | None
    warnings: tuple[str, ...]
    basis: Basis = "none"
    year_from: str | None = None
    inferred_start: date | None = None
    inferred_end: date | None = None
    inferred_from: str | None = None


# ---------------------------------------------------------------------------------------
# years


def be_to_ce(year: int) -> int:
    """Buddhist Era year to CE year; a two-digit year means 25xx ("๖๖" is 2566 BE, 2023 CE)."""
    if 0 <= year <= 99:
        return 2500 + year - BE_OFFSET
    if year >= 2400:
        return year - BE_OFFSET
    raise ValueError(f"{year} is not a Buddhist Era year")


def ce_to_be(year: int) -> int:
    return year + BE_OFFSET


def fiscal_year_range(be_year: int) -> tuple[date, date]:
    """Fiscal year N BE runs from 1 October of N-1 to 30 September of N (CE dates)."""
    ce = be_to_ce(be_year)
    return date(ce - 1, 10, 1), date(ce, 9, 30)


def fiscal_quarter_range(be_year: int, quarter: int) -> tuple[date, date]:
    """Quarter 1 of fiscal year N is October-December of N-1, quarter 4 July-September of N."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter {quarter} is not 1..4")
    fy_start, _ = fiscal_year_range(be_year)
    first_month = fy_start.month + 3 * (quarter - 1)
    year = fy_start.year + (first_month - 1) // 12
    first_month = (first_month - 1) % 12 + 1
    last_month = first_month + 2
    return date(year, first_month, 1), _month_end(year, last_month)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _printed_year_to_ce(digits: str, era: str | None) -> int:
    """A year as printed: "ค.ศ." or a four-digit value below 2400 is CE, anything else BE."""
    digits = "".join(digits.split())  # a year wrapped over two lines (_SPLIT_YEAR)
    value = int(digits)
    if era == "ค":
        return value
    if len(digits) == 4 and value < 2400:
        # Four-digit BE years in these reports are all > 2400; smaller ones are CE years.
        return value
    return be_to_ce(value)


# ---------------------------------------------------------------------------------------
# patterns

_MONTHS: tuple[tuple[int, tuple[str, ...], tuple[str, str]], ...] = (
    (1, ("มกราคม",), ("ม", "ค")),
    (2, ("กุมภาพันธ์", "กุมภาพันธ"), ("ก", "พ")),
    (3, ("มีนาคม",), ("มี", "ค")),
    (4, ("เมษายน",), ("เม", "ย")),
    (5, ("พฤษภาคม",), ("พ", "ค")),
    (6, ("มิถุนายน",), ("มิ", "ย")),
    # กรกฏาคม (with ฏ) is a common misspelling of กรกฎาคม.
    (7, ("กรกฎาคม", "กรกฏาคม"), ("ก", "ค")),
    (8, ("สิงหาคม",), ("ส", "ค")),
    (9, ("กันยายน",), ("ก", "ย")),
    (10, ("ตุลาคม",), ("ต", "ค")),
    (11, ("พฤศจิกายน",), ("พ", "ย")),
    (12, ("ธันวาคม",), ("ธ", "ค")),
)

# The correct full month names, in calendar order (the vocabulary corrector's targets).
MONTH_NAMES: tuple[str, ...] = tuple(names[0] for _, names, _ in _MONTHS)

_ABBREVIATION_KEYS = frozenset("".join(abbr) for _, _, abbr in _MONTHS)
# Looked up with dots and spaces removed, so every OCR variant of an abbreviation agrees.
_MONTH_BY_KEY: dict[str, int] = {
    **{name: number for number, names, _ in _MONTHS for name in names},
    **{"".join(abbr): number for number, _, abbr in _MONTHS},
}

_THAI = "\u0e01-\u0e4e"  # consonants, vowels and marks; Thai digits are not included

# An abbreviation must not be the tail of a Thai word ("อบต.คลอง" is not ต.ค.), except after
# words that really precede a month without a space.
_ABBR_BEFORE = rf"(?:(?<![{_THAI}])|(?<=เดือน)|(?<=วันที่)|(?<=ถึง)|(?<=แต่)|(?<=ใน))"
# Without a final dot it must not run on into a word ("พยาบาล" is not พ.ย.); and it must not
# be the head of a longer abbreviation: ก.พ.ร., ก.ค.ศ., ส.ค.ส. (but "ต.ค. พ.ศ." is a date).
_ABBR_NOT_LONGER = r"(?!\.{0,2}(?![พค]\.\s?ศ)[\u0e01-\u0e2e]\.)"
_ABBR_AFTER = rf"(?:\s?\.{{1,2}}|(?![{_THAI}]))"


def _abbr_pattern(first: str, second: str) -> str:
    # OCR drops, doubles or spaces out the dots: ตค, ต.ค, ต..ค., ต. ค.; and reads a dot at
    # the baseline as sara u: "กุย." for ก.ย.
    head = _FIRST_LETTER.get(first[0], first[0]) + first[1:]
    return rf"{_ABBR_BEFORE}{head}[\s.\u0e38]{{0,3}}{second}{_ABBR_NOT_LONGER}{_ABBR_AFTER}"


_FULL_NAMES = sorted((n for _, names, _ in _MONTHS for n in names), key=len, reverse=True)
_ABBREVIATIONS = sorted(
    (abbr for _, _, abbr in _MONTHS), key=lambda a: len(a[0]) + len(a[1]), reverse=True
)
# OCR misreads the marks over a month name: a stray tone mark where the name has none
# ("กั้นยายน"), or one mark for another ("ค้นยายน", ั read as ้). The names differ in their
# letters alone, so a name is matched with any mark over the line where it has one, and
# with a tone mark allowed between any two letters. And ก is read as ค (the same body, a
# loop at its head): no month begins with ค, so a first letter ก may be read as either.
_ABOVE = "\u0e31\u0e34-\u0e37\u0e47-\u0e4e"
_STRAY_TONE = "[\u0e48-\u0e4b]?"
_FIRST_MISREAD = {"ค": "ก"}  # what OCR reads a month's first letter as -> the letter
_FIRST_LETTER = {letter: f"[{letter}{read}]" for read, letter in _FIRST_MISREAD.items()}


def _skeleton(name: str) -> str:
    """A month name without what stands over its line, its first letter as printed."""
    letters = re.sub(f"[{_ABOVE}]", "", name)
    return _FIRST_MISREAD.get(letters[:1], letters[:1]) + letters[1:]


def _full_name_pattern(name: str) -> str:
    letters = [
        _FIRST_LETTER.get(c, re.escape(c)) if i == 0
        else f"[{_ABOVE}]" if re.fullmatch(f"[{_ABOVE}]", c) else re.escape(c)
        for i, c in enumerate(name)
    ]  # fmt: skip
    return _STRAY_TONE.join(letters)


_MONTH_BY_SKELETON: dict[str, int] = {
    _skeleton(name): number for number, names, _ in _MONTHS for name in names
}

_MONTH = "(?:{})".format(
    "|".join(
        [*map(_full_name_pattern, _FULL_NAMES), *(_abbr_pattern(a, b) for a, b in _ABBREVIATIONS)]
    )
)
_ERA = r"(?:[พค]\s*\.?\s*ศ\s*\.?)"
_DASH = r"[-–—~]"

# A two-digit number right before a month is that month's day, not the previous one's year:
# "๑ ต.ค. ๓๐ ก.ย. ๒๕๖๗".
_YEAR2 = rf"\d{{2}}(?!\d)(?!\s*(?:เดือน\s*)?{_MONTH})"

# A BE year wrapped over two lines of a narrow cell, the lines joined with a space:
# "๒๕๖" / "๖ –" is "๒๕๖ ๖ –". Only a 24xx-27xx year, and not a day before a month.
_SPLIT_YEAR = rf"2(?:\s\d{{3}}|[4-7]\s\d{{2}}|[4-7]\d\s\d)(?!\d)(?!\s*(?:เดือน\s*)?{_MONTH})"

_DATE = (
    rf"(?:(?<![\d.,/:])(?P<day>\d{{1,2}})(?!\d)"
    rf"(?:\s*(?:{_DASH}|ถึง)\s*(?:วันที่\s*)?(?P<day2>\d{{1,2}})(?!\d))?"
    r"\s*(?:เดือน\s*)?)?"
    rf"(?P<month>{_MONTH})"
    rf"(?:\s*(?:(?P<era>[พค])\s*\.?\s*ศ\s*\.?\s*)?(?P<year>\d{{4}}(?!\d)|{_SPLIT_YEAR}|{_YEAR2}))?"
)
_QUARTER = (
    r"ไตรมาส\s*(?:ที่)?\s*(?P<q1>\d)(?!\d)"
    rf"(?:\s*(?:{_DASH}|ถึง)\s*(?:ไตรมาส\s*(?:ที่)?\s*)?(?P<q2>\d)(?!\d))?"
    rf"(?:\s*(?:/|ปีงบประมาณ|ปีงบ|ปี)\s*{_ERA}?\s*(?P<qfy>\d{{4}}(?!\d)|{_YEAR2}))?"
)
_FISCAL = (
    r"(?:(?P<fwhole>ตลอด|ทั้ง)\s*)?ปีงบ(?:ประมาณ)?"
    rf"(?:\s*{_ERA}?\s*(?P<fy>\d{{4}}(?!\d)|{_YEAR2})"
    rf"(?:\s*{_DASH}\s*{_ERA}?\s*(?P<fy2>\d{{4}})(?!\d))?)?"
)
_WHOLE_YEAR = rf"(?:ตลอด|ทั้ง)\s*ปี(?!งบ)(?:\s*{_ERA}?\s*(?P<wy>\d{{4}})(?!\d))?"
# "พ.ศ." standing alone must not be the tail of another abbreviation (ก.ค.ศ. is a commission).
_YEAR = (
    rf"(?:ปี\s*|(?<![{_THAI}.]))(?P<yera>[พค])\s*\.\s*ศ\s*\.?\s*(?P<yy>\d{{4}})(?!\d)"
    r"|ปี\s*(?P<yy2>\d{4})(?!\d)"
)

# "๓๑/๑๒/๒๕๖๖", "1/10/66": day/month/year, the year BE (four digits, or two for 25xx). Only
# three slashed parts with a two- or four-digit year: "๘๐/๑๐๐" and "ที่ ๑๒/๒๕๖๗" are no dates.
# The month may be any two digits so that "13/13/2567" is an impossible date, not no date.
_SLASHED = (
    r"(?<![\d./:])(?P<sday>\d{1,2})\s?/\s?(?P<smonth>\d{1,2})\s?/\s?"
    r"(?P<syear>\d{4}|\d{2})(?![\d/])"
)

_SCAN_RE = re.compile(
    rf"(?P<quarter>{_QUARTER})|(?P<fiscal>{_FISCAL})|(?P<whole>{_WHOLE_YEAR})"
    rf"|(?P<slashed>{_SLASHED})|(?P<date>{_DATE})|(?P<calyear>{_YEAR})"
)

# What may stand between the two ends of a range ("" means the dash is missing).
_CONNECTOR_RE = re.compile(rf"\s*(?:{_DASH}+|(?:จน)?ถึง)?\s*(?:วันที่|เดือน)?\s*")

_WEEKDAY = r"(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์)"
_DATE_PREFIX_RE = re.compile(rf"\s*(?:(?:ณ|เมื่อ)\s*)?(?:วัน{_WEEKDAY}?\s*(?:ที่)?)?\s*")
_DATE_SUFFIX_RE = re.compile(r"\s*[.,;)]?\s*")


# ---------------------------------------------------------------------------------------
# tokens: what the text says, before any year is inferred

_TokenKind = Literal["date", "quarter", "fiscal", "fiscal_whole", "calendar_year"]


@dataclass(frozen=True)
class _Token:
    kind: _TokenKind
    start: int
    end: int
    text: str
    day: int | None = None
    day2: int | None = None
    month: int | None = None
    year: int | None = None  # CE
    quarter: int | None = None
    quarter2: int | None = None
    fiscal_be: int | None = None  # as printed, possibly two digits
    fiscal_be2: int | None = None


def _month_number(printed: str) -> int:
    key = re.sub(r"[\s.]", "", printed)
    if key in _MONTH_BY_KEY:
        return _MONTH_BY_KEY[key]
    key = _skeleton(key)
    if key in _MONTH_BY_SKELETON:  # a full name with its marks misread
        return _MONTH_BY_SKELETON[key]
    # sara u in an abbreviation is a dot OCR read at the baseline (กุย. for ก.ย.)
    return _MONTH_BY_KEY[key.replace("\u0e38", "")]


def _scan(text: str) -> list[_Token]:
    searchable = searchable_text(text)
    tokens: list[_Token] = []
    for m in _SCAN_RE.finditer(searchable):
        start, end = m.span()
        if m["quarter"] is not None:
            token = _Token(
                "quarter",
                start,
                end,
                text[start:end],
                quarter=int(m["q1"]),
                quarter2=int(m["q2"]) if m["q2"] else None,
                fiscal_be=int(m["qfy"]) if m["qfy"] else None,
            )
        elif m["fiscal"] is not None:
            if m["fy"] is None and m["fwhole"] is None:
                continue  # "ปีงบประมาณ" with no year is a mention, not a date
            token = _Token(
                "fiscal",
                start,
                end,
                text[start:end],
                fiscal_be=int(m["fy"]) if m["fy"] else None,
                fiscal_be2=int(m["fy2"]) if m["fy2"] else None,
            )
        elif m["whole"] is not None:
            if m["wy"] is not None:
                year = _printed_year_to_ce(m["wy"], None)
                token = _Token("calendar_year", start, end, text[start:end], year=year)
            else:
                token = _Token("fiscal_whole", start, end, text[start:end])
        elif m["slashed"] is not None:
            token = _Token(
                "date",
                start,
                end,
                text[start:end],
                day=int(m["sday"]),
                month=int(m["smonth"]),
                year=_printed_year_to_ce(m["syear"], None),
            )
        elif m["date"] is not None:
            printed_month = m["month"]
            month = _month_number(printed_month)
            bare = m["day"] is None and m["year"] is None and "." not in printed_month
            if bare and re.sub(r"\s", "", printed_month) in _ABBREVIATION_KEYS:
                # A bare dotless abbreviation ("มค") is too likely to be something else;
                # full names pass ("เดือนมีนาคม").
                continue
            token = _Token(
                "date",
                start,
                end,
                text[start:end],
                day=int(m["day"]) if m["day"] else None,
                day2=int(m["day2"]) if m["day2"] else None,
                month=month,
                year=_printed_year_to_ce(m["year"], m["era"]) if m["year"] else None,
            )
        else:
            digits = m["yy"] or m["yy2"]
            year = _printed_year_to_ce(digits, m["yera"])
            token = _Token("calendar_year", start, end, text[start:end], year=year)
        tokens.append(token)
    return tokens


# ---------------------------------------------------------------------------------------
# resolution: tokens to spans


def _is_connector(gap: str) -> bool:
    return _CONNECTOR_RE.fullmatch(gap) is not None


def _first_day(token: _Token) -> tuple[int, int]:
    assert token.month is not None
    return token.month, token.day or 1


def _last_day(token: _Token) -> tuple[int, int]:
    assert token.month is not None
    return token.month, token.day2 or token.day or 31


def _infer_year(
    tokens: list[_Token], index: int, searchable: str, fiscal_year_be: int | None
) -> tuple[int | None, str | None]:
    """Year for a date printed without one, from the other end of its range or the report."""
    token = tokens[index]
    if index + 1 < len(tokens):
        after = tokens[index + 1]
        gap = searchable[token.end : after.start]
        if after.kind == "date" and after.year is not None and _is_connector(gap):
            # "๑ ต.ค. - ๓๐ ก.ย. ๒๕๖๗": the start lies in the year that keeps start <= end.
            year = after.year - 1 if _first_day(token) > _last_day(after) else after.year
            return year, None
    if index > 0:
        before = tokens[index - 1]
        gap = searchable[before.end : token.start]
        if before.kind == "date" and before.year is not None and _is_connector(gap):
            year = before.year + 1 if _last_day(token) < _first_day(before) else before.year
            return year, None
    if fiscal_year_be is not None:
        assert token.month is not None
        fy_start, fy_end = fiscal_year_range(fiscal_year_be)
        year = fy_start.year if token.month >= fy_start.month else fy_end.year
        return year, (
            f"year of '{token.text}' taken from fiscal year {fiscal_year_be}: "
            f"{ce_to_be(year)} BE, as the month falls in that fiscal year"
        )
    return None, f"date '{token.text}' has no year"


def _resolve_date(token: _Token, year: int) -> tuple[DateSpan | None, str | None]:
    assert token.month is not None
    if token.day is None:
        month_start = date(year, token.month, 1)
        return DateSpan(token.text, month_start, _month_end(year, token.month), "month"), None
    try:
        start = date(year, token.month, token.day)
        end = date(year, token.month, token.day2) if token.day2 is not None else start
    except ValueError:
        return None, f"impossible date '{token.text}'"
    if end < start:
        return None, f"impossible date range '{token.text}'"
    return DateSpan(token.text, start, end, "day"), None


def _resolve(
    tokens: list[_Token], index: int, searchable: str, fiscal_year_be: int | None
) -> tuple[DateSpan | None, list[str]]:
    token = tokens[index]
    notes: list[str] = []
    if token.kind == "date":
        year = token.year
        if year is None:
            year, note = _infer_year(tokens, index, searchable, fiscal_year_be)
            if note:
                notes.append(note)
            if year is None:
                return None, notes
        span, problem = _resolve_date(token, year)
        if problem:
            notes.append(problem)
        return span, notes
    if token.kind == "calendar_year":
        assert token.year is not None
        return DateSpan(token.text, date(token.year, 1, 1), date(token.year, 12, 31), "year"), []
    if token.kind == "quarter":
        assert token.quarter is not None
        fy = token.fiscal_be if token.fiscal_be is not None else fiscal_year_be
        last = token.quarter2 if token.quarter2 is not None else token.quarter
        if not (1 <= token.quarter <= last <= 4):
            return None, [f"impossible quarter '{token.text}'"]
        if fy is None:
            return None, [f"quarter '{token.text}' needs the report's fiscal year"]
        start = fiscal_quarter_range(fy, token.quarter)[0]
        end = fiscal_quarter_range(fy, last)[1]
        return DateSpan(token.text, start, end, "quarter"), []
    # fiscal years: printed ("ปีงบประมาณ พ.ศ. ๒๕๖๗") or the report's ("ตลอดปีงบประมาณ")
    fy = token.fiscal_be if token.fiscal_be is not None else fiscal_year_be
    if fy is None:
        return None, [f"'{token.text}' needs the report's fiscal year"]
    start, end = fiscal_year_range(fy)
    if token.fiscal_be2 is not None:
        end = fiscal_year_range(token.fiscal_be2)[1]
        if end < start:
            return None, [f"impossible fiscal year range '{token.text}'"]
    return DateSpan(token.text, start, end, "fiscal_year"), []


def _resolve_all(
    text: str, fiscal_year_be: int | None
) -> tuple[list[_Token], list[DateSpan | None], list[str]]:
    tokens = _scan(text)
    searchable = searchable_text(text)
    spans: list[DateSpan | None] = []
    warnings: list[str] = []
    for index in range(len(tokens)):
        try:
            span, notes = _resolve(tokens, index, searchable, fiscal_year_be)
        except ValueError as exc:  # a year no calendar has: "ค.ศ. 0000", "ปีงบประมาณ 1000"
            span, notes = None, [f"impossible date '{tokens[index].text}' ({exc})"]
        spans.append(span)
        warnings.extend(notes)
    return tokens, spans, warnings


# ---------------------------------------------------------------------------------------
# public entry points


def parse_thai_date(text: str) -> date | None:
    """The single day written in `text` ("๑ ตุลาคม ๒๕๖๖", "วันที่ 1 ต.ค. 66"), else None.

    None also for an impossible date, a month without a day, or a date without a year.
    """
    searchable = searchable_text(text)
    tokens = _scan(text)
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token.kind != "date" or token.day is None or token.day2 is not None:
        return None
    if token.year is None or token.month is None:
        return None
    if not _DATE_PREFIX_RE.fullmatch(searchable[: token.start]):
        return None
    if not _DATE_SUFFIX_RE.fullmatch(searchable[token.end :]):
        return None
    try:
        return date(token.year, token.month, token.day)
    except ValueError:
        return None


def find_dates(text: str, *, fiscal_year_be: int | None = None) -> DateScan:
    """Every date-like expression in running text, in order of appearance.

    `fiscal_year_be` (the report's fiscal year) resolves "ตลอดปีงบประมาณ", quarters without a
    year and dates without a year; without it those are warnings instead of dates.
    """
    _, spans, warnings = _resolve_all(text, fiscal_year_be)
    return DateScan(
        dates=tuple(span for span in spans if span is not None),
        warnings=tuple(warnings),
    )


def _basis(tokens: list[_Token]) -> Basis:
    """How a period's dates were printed: the most specific kind of expression in the cell."""
    kinds = {token.kind for token in tokens}
    if "quarter" in kinds:
        return "quarter"
    if kinds <= {"fiscal", "fiscal_whole"}:
        return "fiscal-year-phrase"
    dates = [token for token in tokens if token.kind == "date"]
    if dates and all(token.day is None for token in dates):
        return "printed-months"
    if len(tokens) == 1 and dates and dates[0].day2 is None:
        return "printed-date"
    return "printed-range"


def parse_period(text: str, *, fiscal_year_be: int | None = None) -> Period:
    """The start and end of a "ระยะเวลา" cell.

    A blank cell gives no dates and no warning (continuation rows leave it empty). Markup or
    words around the dates are ignored; with more than one date expression the period runs from
    the first to the last. An impossible date anywhere in the cell, an end before the start or
    a period over more than MAX_PERIOD_FISCAL_YEARS fiscal years gives no dates at all, with a
    warning naming the text: half a period or a fiscal year in place of a misprint is a guess.
    """
    printed = text.strip()
    if not printed:
        return Period(None, None, ())
    tokens, spans, warnings = _resolve_all(text, fiscal_year_be)
    if not tokens:
        warnings = [f"period '{printed}' could not be parsed"]
        try:
            fy_start, fy_end = fiscal_year_range(fiscal_year_be) if fiscal_year_be else (None, None)
        except ValueError:  # a fiscal year no calendar has offers nothing to infer
            fy_start, fy_end = None, None
        if fy_start is None:
            return Period(None, None, tuple(warnings))
        return Period(
            None,
            None,
            tuple(warnings),
            basis="inferred",
            inferred_start=fy_start,
            inferred_end=fy_end,
            inferred_from=f"the report's fiscal year {fiscal_year_be} (the cell holds no date)",
        )

    searchable = searchable_text(text)
    for before, after in itertools.pairwise(tokens):
        gap = searchable[before.end : after.start]
        if not gap.strip():
            warnings.append(
                f"period '{printed}': dash missing between '{before.text}' and '{after.text}'"
            )
        elif not _is_connector(gap):
            warnings.append(
                f"period '{printed}': '{before.text}' and '{after.text}' are not joined as a "
                "range; taking the period from the first date to the last"
            )

    unknown = [token.text for token, span in zip(tokens, spans, strict=True) if span is None]
    if unknown:
        if len(unknown) == len(tokens):
            warnings.append(f"period '{printed}' could not be parsed")
        else:  # half a period is not the period: "๑ ต.ค. ๒๕๖๖ – ๓๑ เม.ย. ๒๕๖๗"
            named = ", ".join(f"'{t}'" for t in unknown)
            warnings.append(f"period '{printed}' has no dates: {named} is no date")
        return Period(None, None, tuple(warnings))
    first, last = spans[0], spans[-1]
    assert first is not None and last is not None
    start, end = first.start, last.end
    if end < start:
        warnings.append(f"period '{printed}' ends ({end}) before it starts ({start}); no dates")
        return Period(None, None, tuple(warnings))
    years = _fiscal_year_of(end) - _fiscal_year_of(start) + 1
    if years > MAX_PERIOD_FISCAL_YEARS:
        warnings.append(
            f"period '{printed}' runs over {years} fiscal years (more than "
            f"{MAX_PERIOD_FISCAL_YEARS}); no dates"
        )
        return Period(None, None, tuple(warnings))
    completed = [w for w in warnings if w.startswith("year of ")]
    year_from = "; ".join(completed) if completed else None
    return Period(start, end, tuple(warnings), basis=_basis(tokens), year_from=year_from)


def _fiscal_year_of(day: date) -> int:
    """The CE year in which the fiscal year holding `day` ends."""
    return day.year + 1 if day.month >= 10 else day.year
