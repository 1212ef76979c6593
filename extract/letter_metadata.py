"""What any document says about itself on its first page: title, organization, date and
reference number ("ที่ มท ๐๘๑๖.๓/ว ๑๒๓"), as a Thai official letter or memo prints them.

Kept for every document, with or without a measure table, so a cover letter or a notice
is findable in an archive by what it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from thaireport.extract.normalize.dates import find_dates
from thaireport.extract.sections import parse_title_block

# "ที่ นม ๘๑๔๐๑/๑๒๓" at the start of a line; the number ends where a wide gap (or the date
# beside it on the same line) begins.
_REFERENCE = re.compile(r"^\s*ที่\s*([ก-ฮ]{1,3}\s?[๐-๙0-9][^\s]*(?:\s?/?\s?ว?\s?[๐-๙0-9.]+)?)")
# "เรื่อง" with the marks OCR often drops ("เรือง", "เรี่อง")
_SUBJECT = re.compile(r"^\s*เร[ืี]?[่้]?อง\s+(.+)$")
MAX_LINES = 40  # of the first page: the letterhead and the opening


@dataclass(frozen=True)
class DocumentMetadata:
    title: str | None = None
    organization: str | None = None
    date_printed: str | None = None
    date: str | None = None  # ISO
    reference: str | None = None  # "ที่ …" as printed, without "ที่"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "title": self.title,
            "organization": self.organization,
            "date_printed": self.date_printed,
            "date": self.date,
            "reference": self.reference,
        }


def first_page_metadata(lines: Sequence[str]) -> DocumentMetadata:
    clean = [line.strip() for line in lines[:MAX_LINES] if line.strip()]
    block = parse_title_block(clean)
    reference = next((m.group(1).strip() for m in map(_REFERENCE.match, clean) if m), None)
    subject = next((m.group(1).strip() for m in map(_SUBJECT.match, clean) if m), None)
    plain = [line for line in clean if not _REFERENCE.match(line)]
    title = block.report_title or subject or (plain[0] if plain else None)
    date_printed = iso = None
    for line in clean:
        found = [d for d in find_dates(line).dates if d.start == d.end]
        if found:
            date_printed, iso = found[0].text, found[0].start.isoformat()
            break
    return DocumentMetadata(title, block.organization, date_printed, iso, reference)
