"""Checks of what does not add up in a row: said as warnings, never silently fixed.

The record builder already checks section numbering, implausible years and percentages over
100; these add the checks that need the fiscal year or the domain's vocabulary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from thaireport.extract.normalize import find_dates
from thaireport.extract.vocabulary import RESPONSIBLE_UNITS

# Words a period cell may hold besides its dates ("ตั้งแต่วันที่ … ถึงวันที่ …", "ไตรมาสที่ ๑").
PERIOD_WORDS: tuple[str, ...] = (
    "ตั้งแต่", "ถึง", "จนถึง", "วันที่", "เดือน", "ตลอด", "ทั้ง", "ปีงบประมาณ", "ประจำปี",
    "ปีงบ", "ไตรมาสที่", "ไตรมาส", "ทุกเดือน", "ทุกไตรมาส", "ทุกปี", "ต่อเนื่อง", "ละ",
    "ครั้ง", "ภายใน", "ระหว่าง", "และ", "หรือ", "ปี", "พ.ศ.", "ณ", "ทุก", "จน", "วัน",
)  # fmt: skip
# More Thai letters than this left in a period cell after its dates and period words is text
# of another column (a responsible unit, a sentence of the result) that slipped in.
MAX_PERIOD_LEFTOVER = 6
_NOT_THAI_LETTER = re.compile(r"[^\u0e01-\u0e4e]+")
_UNIT_SEPARATORS = re.compile(r"\s*(?:\n|,|/|;|\s-\s|\bและ\b)\s*")
_BULLET = re.compile(r"^\s*(?:[-•·]|[0-9๐-๙]+[.)])\s*")
_SPACES = re.compile(r"\s+")


def period_outside_fiscal_year(
    start: dt.date | None, end: dt.date | None, fiscal_start: dt.date, fiscal_end: dt.date
) -> str | None:
    """A message when the period begins before or ends after the fiscal year."""
    outside = []
    if start is not None and start < fiscal_start:
        outside.append(f"starts {start.isoformat()}, before {fiscal_start.isoformat()}")
    if end is not None and end > fiscal_end:
        outside.append(f"ends {end.isoformat()}, after {fiscal_end.isoformat()}")
    if not outside:
        return None
    return "the period " + " and ".join(outside) + " (the fiscal year's bounds)"


def foreign_period_text(text: str, *, fiscal_year_be: int | None = None) -> str | None:
    """Text in a period cell that is neither a date nor a period word, when there is much."""
    rest = text
    dates = find_dates(text, fiscal_year_be=fiscal_year_be).dates
    for part in sorted((d.text for d in dates), key=len, reverse=True):
        rest = rest.replace(part, " ")
    for word in sorted(PERIOD_WORDS, key=len, reverse=True):
        rest = rest.replace(word, " ")
    letters = _NOT_THAI_LETTER.sub("", rest)
    if len(letters) <= MAX_PERIOD_LEFTOVER:
        return None
    leftover = _SPACES.sub(" ", rest).strip(" -–,.")
    return f"the period cell holds text that is no period: {leftover!r}"


def responsible_units(text: str) -> tuple[str, ...]:
    """The units a responsible cell names ("กองคลัง / กองช่าง", one per line, ...)."""
    parts = (_BULLET.sub("", p).strip() for p in _UNIT_SEPARATORS.split(text))
    return tuple(_SPACES.sub(" ", p) for p in parts if p)


def unknown_responsible_units(
    text: str, known: Sequence[str] = RESPONSIBLE_UNITS
) -> tuple[str, ...]:
    """Units named in a responsible cell that contain none of the known units' names."""
    squashed_known = [_SPACES.sub("", unit) for unit in known]
    return tuple(
        unit
        for unit in responsible_units(text)
        if not any(k in _SPACES.sub("", unit) for k in squashed_known)
    )
