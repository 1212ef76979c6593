"""Section headings ("ประเด็นที่ N ...") and the report's title block."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein
from thaireport.extract.normalize.dates import MAX_BE_YEAR, MIN_BE_YEAR
from thaireport.extract.normalize.numerals import thai_digits_to_arabic

from thaireport.model import SectionHeading, TitleBlock

_PREFIX = "ประเด็นที่"
# OCR and typists vary the spacing ("ประเด็นที่๑", "ประเด็น ที่ ๑"); the number may be missing.
_HEADING = re.compile(r"^\s*ประเด็น\s*ที่\s*([๐-๙0-9]+)?\s*[.:)]?\s*(.*)$", re.S)
# "ปีงบประมาณ" with the vowel OCR often misreads ("ปังบประมาณ") left optional.
_FISCAL_YEAR = re.compile(r"งบประมาณ\s*(?:พ\s*\.?\s*ศ\s*\.?)?\s*([๐-๙0-9]{4})")
_ORGANIZATION = re.compile(
    r"(องค์การบริหารส่วน(?:ตำบล|จังหวัด)\S+|เทศบาล(?:ตำบล|เมือง|นคร)\S+|"
    r"อบต\.\s?\S+|อบจ\.\s?\S+|กรุงเทพมหานคร|เมืองพัทยา)"
)


def parse_section_heading(line: str, *, page: int | None = None) -> SectionHeading | None:
    match = _HEADING.match(line) or _fuzzy_heading(line)
    if match is None:
        return None
    number_text = match.group(1)
    number = int(thai_digits_to_arabic(number_text)) if number_text else None
    return SectionHeading(
        printed=line.strip(),
        number_text=number_text,
        number=number,
        title=match.group(2).strip(),
        page=page,
    )


def _fuzzy_heading(line: str) -> re.Match[str] | None:
    """ "ประเด็นที่" as OCR misreads it ("ประเต็นที่", "ปวะเด็นที่"): one or two letters off."""
    first = line.strip().partition(" ")[0]
    word = first.rstrip("๐๑๒๓๔๕๖๗๘๙0123456789")
    if len(word) < 7 or Levenshtein.distance(word, _PREFIX) > 2:
        return None
    return _HEADING.match(_PREFIX + line.strip()[len(word) :])


def parse_title_block(lines: Sequence[str]) -> TitleBlock:
    """Read report title, fiscal year and organization from the lines before the first section.

    The block is often printed twice (a cover and a page header); the first occurrence wins,
    and an organization split over "ของ" / "<name>" lines is joined.
    """
    clean = [line.strip() for line in lines if line.strip()]
    title = next((line for line in clean if line.startswith("รายงาน")), None)
    fiscal_text: str | None = None
    fiscal_be: int | None = None
    for line in clean:
        match = _FISCAL_YEAR.search(line)
        # A four-digit year outside 2400–2700 is damage ("ปีงบประมาณ ๑๐๐๐", OCR's "5๕๖๗").
        if match and MIN_BE_YEAR <= int(thai_digits_to_arabic(match.group(1))) <= MAX_BE_YEAR:
            fiscal_text = line
            fiscal_be = int(thai_digits_to_arabic(match.group(1)))
            break
    organization: str | None = None
    for line in clean:
        match = _ORGANIZATION.search(line)
        if match:
            organization = match.group(1)
            break
    return TitleBlock(
        report_title=title,
        fiscal_year_text=fiscal_text,
        fiscal_year_be=fiscal_be,
        organization=organization,
        lines=tuple(clean),
    )
