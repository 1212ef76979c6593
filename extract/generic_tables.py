"""Tables that are not measure tables, kept as printed: what kind they are, and their cells.

Every source (a DOCX's own tables, a PDF's ruled tables) hands its non-measure tables here
as rows of cell texts, so the header split, the text repair and the kind are decided once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from thaireport.extract.textlayer import repair_thai

from thaireport.model import Box, Cell, GenericRow, GenericTable

# Month abbreviations as action plans print them over the month columns (แบบ ผด. 02).
_MONTHS = re.compile(r"(ต\.ค|พ\.ย|ธ\.ค|ม\.ค|ก\.พ|มี\.ค|เม\.ย|พ\.ค|มิ\.ย|ก\.ค|ส\.ค|ก\.ย)\.?")
MIN_MONTHS = 6  # month columns for a table to be a month grid (a half year at least)
_SCORE_WORDS = ("ตัวชี้วัด", "คะแนน")


def repaired(text: str) -> str:
    return repair_thai(text).text


def names_a_month(label: str) -> bool:
    """Whether a header label is a month column's (ต.ค., "ม.ค.", …), as action plans print.

    Printed sideways, a month's letters come out of a text layer one run a line, last
    first (". ค . ต"): the runs are read the other way round too. A column under a year
    ("พ.ศ. 2567 / …") is a month's even where the month is drawn, not written: a year
    over columns is a calendar."""
    if _UNDER_A_YEAR.match(label):
        return True
    squashed = "".join(label.split())
    backwards = "".join(reversed(_CLUSTER.findall(squashed)))  # ".ค.มี" -> "มี.ค."
    return any(
        _MONTHS.search(text) for text in (squashed, backwards, "".join(label.split("\n")[::-1]))
    )


# a letter and the marks above or below it: the unit a sideways line is reversed by
_CLUSTER = re.compile(r"(?s).[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*")
_UNDER_A_YEAR = re.compile(r"พ\.\s*ศ\.\s*[0-9๐-๙]{4}\b")


def table_kind(header: Sequence[Sequence[str]]) -> str:
    """ "month-grid" (a column per month), "score" (indicators and scores) or "table"."""
    # month names printed sideways come out of a text layer line by line, last line first
    cells = [c for row in header for c in row]
    cells += ["".join(reversed(c.split("\n"))) for c in cells if "\n" in c]
    months = {m.group(1) for c in cells for m in _MONTHS.finditer(c.replace(" ", ""))}
    if len(months) >= MIN_MONTHS:
        return "month-grid"
    if any(word in c for c in cells for word in _SCORE_WORDS):
        return "score"
    return "table"


def header_rows(rows: Sequence[Sequence[str]], marked: int = 0) -> int:
    """How many leading rows are header: those the file marks as repeated header rows, or
    else the first row, and a second one when it holds the month names under a first that
    does not (a month grid's two-row header)."""
    if marked:
        return min(marked, len(rows))
    if not rows:
        return 0
    count = 1
    if len(rows) > 1 and table_kind([rows[1]]) == "month-grid" != table_kind([rows[0]]):
        count = 2
    return count


def generic_table(
    index: int,
    rows: Sequence[Sequence[Cell]],
    *,
    header_count: int,
    pages: Sequence[int] = (),
    box: Box | None = None,
    heading: str | None = None,
) -> GenericTable:
    header = tuple(tuple(repaired(c.text) for c in row) for row in rows[:header_count])
    body = tuple(
        GenericRow(
            tuple(Cell(repaired(c.text), c.regions) for c in row),
            tuple(sorted({r.page for c in row for r in c.regions})),
        )
        for row in rows[header_count:]
    )
    return GenericTable(
        index=index,
        header=header,
        rows=body,
        pages=tuple(pages),
        box=box,
        heading=heading,
        kind=table_kind(header),
    )
