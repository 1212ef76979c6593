"""Percentages ("ร้อยละ ๙๕.๕๙", "95.5%") and counts ("จำนวน ๙ ราย", "๒๐ คน") in running text.

Values are returned as printed: a percentage above 100 is not this module's business (the
plausibility checks are), and `text` is always the verbatim substring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thaireport.extract.normalize.numerals import searchable_text


@dataclass(frozen=True)
class Percentage:
    text: str
    value: float


@dataclass(frozen=True)
class Count:
    """A whole number with its unit; `text` is the number and the unit ("๙ ราย")."""

    text: str
    value: int
    unit: str


# Thousands separators only in groups of three, so "๑,๒๐๐" is 1200 but "1,2" is not a number.
_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)"
_DECIMAL = rf"{_NUMBER}(?:\.\d+)?(?![\d,]|\.\d)"

_PERCENT_RE = re.compile(
    rf"ร้อย\s?ละ\s*(?P<after>{_DECIMAL})(?:\s*%)?"
    rf"|(?P<before>{_DECIMAL})\s*(?:%|เปอร์เซ็นต์|เปอร์เซนต์)"
)

# Longest first, so "หมู่บ้าน" is not read as "หมู่" and "รายการ" not as "ราย".
COUNT_UNITS: tuple[str, ...] = (
    "หมู่บ้าน",
    "ครัวเรือน",
    "หน่วยงาน",
    "หลักสูตร",
    "โครงการ",
    "กิจกรรม",
    "ช่องทาง",
    "รายการ",
    "ชุมชน",
    "เรื่อง",
    "ครั้ง",
    "ฉบับ",
    "แห่ง",
    "หมู่",
    "ท่าน",
    "ราย",
    "รุ่น",
    "คน",
)
# "ราย" starts many words that are not the unit: รายงาน, รายละเอียด, รายชื่อ, รายได้ ...
_NOT_UNIT_TAIL = {
    "ราย": r"(?!งาน|ละเอียด|ชื่อ|ได้|จ่าย|งวด|วัน|เดือน|ปี|บุคคล|ย่อย)",
    "คน": r"(?!ละ|ต่อ)",
    "หมู่": r"(?!ที่)",
}
_UNIT = "(?:{})".format("|".join(u + _NOT_UNIT_TAIL.get(u, "") for u in COUNT_UNITS))
_COUNT_RE = re.compile(rf"(?P<number>{_NUMBER})(?![\d,]|\.\d)\s*(?P<unit>{_UNIT})")


def _number_value(printed: str) -> float:
    return float(printed.replace(",", ""))


def find_percentages(text: str) -> tuple[Percentage, ...]:
    searchable = searchable_text(text)
    found: list[Percentage] = []
    for m in _PERCENT_RE.finditer(searchable):
        number = m["after"] if m["after"] is not None else m["before"]
        found.append(Percentage(text[m.start() : m.end()], _number_value(number)))
    return tuple(found)


def find_counts(text: str) -> tuple[Count, ...]:
    searchable = searchable_text(text)
    percent_spans = [m.span() for m in _PERCENT_RE.finditer(searchable)]
    found: list[Count] = []
    for m in _COUNT_RE.finditer(searchable):
        if any(start <= m.start() < end for start, end in percent_spans):
            continue
        if searchable[: m.start()].rstrip().endswith("ที่"):
            continue  # an ordinal: "ประเด็นที่ ๓ ช่องทาง...", "ครั้งที่ ๒"
        value = int(m["number"].replace(",", ""))
        found.append(Count(text[m.start() : m.end()], value, m["unit"]))
    return tuple(found)
