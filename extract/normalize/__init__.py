"""thaireport: extract/normalize stage — numbers, dates, quantities and steps in Thai cells.

Pure functions, no I/O. Every result keeps the printed text verbatim beside its value.

Numerals (`numerals`)
    thai_digits_to_arabic(text) -> str
    arabic_to_thai_digits(text) -> str
    searchable_text(text) -> str          same length; Thai digits ASCII, zero-width -> space

Dates (`dates`)
    be_to_ce(year) -> int                 two-digit years are 25xx
    ce_to_be(year) -> int
    fiscal_year_range(be_year) -> (date, date)
    fiscal_quarter_range(be_year, quarter) -> (date, date)
    parse_thai_date(text) -> date | None
    find_dates(text, *, fiscal_year_be=None) -> DateScan(dates, warnings)
    parse_period(text, *, fiscal_year_be=None) -> Period(start, end, warnings)
    DateSpan(text, start, end, precision), Precision

Quantities (`quantities`)
    find_percentages(text) -> tuple[Percentage(text, value), ...]
    find_counts(text) -> tuple[Count(text, value, unit), ...]
    COUNT_UNITS

Steps (`steps`)
    split_steps(text) -> tuple[str, ...]
"""

from __future__ import annotations

from thaireport.extract.normalize.dates import (
    DateScan,
    DateSpan,
    Period,
    Precision,
    be_to_ce,
    ce_to_be,
    find_dates,
    fiscal_quarter_range,
    fiscal_year_range,
    parse_period,
    parse_thai_date,
)
from thaireport.extract.normalize.numerals import (
    arabic_to_thai_digits,
    searchable_text,
    thai_digits_to_arabic,
)
from thaireport.extract.normalize.quantities import (
    COUNT_UNITS,
    Count,
    Percentage,
    find_counts,
    find_percentages,
)
from thaireport.extract.normalize.steps import split_steps

__all__ = [
    "COUNT_UNITS",
    "Count",
    "DateScan",
    "DateSpan",
    "Percentage",
    "Period",
    "Precision",
    "arabic_to_thai_digits",
    "be_to_ce",
    "ce_to_be",
    "find_counts",
    "find_dates",
    "find_percentages",
    "fiscal_quarter_range",
    "fiscal_year_range",
    "parse_period",
    "parse_thai_date",
    "searchable_text",
    "split_steps",
    "thai_digits_to_arabic",
]
