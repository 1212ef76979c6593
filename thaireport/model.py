"""Typed data that flows between the extraction stages.

Everything here is a frozen dataclass: picklable (for parallel workers), hashable and
inspectable. A `Word` is the same whether it came from a PDF text layer or from OCR, so the
table code never knows which source ran.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


def _spacing(text: str) -> int:
    return sum(1 for c in text if not unicodedata.category(c).startswith("M"))


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin top-left (pdfplumber's convention)."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def middle_x(self) -> float:
        return (self.x0 + self.x1) / 2

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )


class TextSource(StrEnum):
    TEXT_LAYER = "text-layer"
    OCR = "ocr"
    TEXT_EXPORT = "text-export"
    DOCUMENT_FILE = "document-file"  # a word-processor file's own tables (DOCX, ODT)
    MIXED = "mixed"  # a document whose pages were read in different ways


@dataclass(frozen=True)
class Word:
    """A run of text on one line with no visible gap: for Thai, a phrase.

    `text` keeps a trailing space when the source drew one at a line end: it tells a line
    that the layout engine wrapped at a space apart from one it wrapped inside a phrase.
    """

    text: str
    box: Box
    page: int
    confidence: float | None = None  # None for text layers, 0..100 for OCR
    # Right edge of each character of `text` where the source knows it (text layers).
    char_right: tuple[float, ...] | None = None
    raw_text: str | None = None  # the text layer's own text, where a repair changed it

    @property
    def layer_text(self) -> str:
        """The text as the source delivered it, before any repair."""
        return self.text if self.raw_text is None else self.raw_text

    def prefix_right(self, count: int) -> float:
        """x where the first `count` characters of the text end."""
        if count <= 0:
            return self.box.x0
        if count >= len(self.text):
            return self.box.x1
        if self.char_right is not None and len(self.char_right) == len(self.text):
            return self.char_right[count - 1]
        # Without per-character edges, share the width among spacing characters: Thai
        # marks take no room of their own.
        total = _spacing(self.text)
        share = _spacing(self.text[:count]) / total if total else count / len(self.text)
        return self.box.x0 + self.box.width * share

    @property
    def text_right(self) -> float:
        """x where the last visible character ends (a trailing space may hang past the cell)."""
        return self.prefix_right(len(self.text.rstrip()))


@dataclass(frozen=True)
class Rule:
    """A ruling line segment (a drawn line, or one edge of a drawn rectangle)."""

    box: Box

    @property
    def horizontal(self) -> bool:
        return self.box.width >= self.box.height


@dataclass(frozen=True)
class PageLayout:
    """One page as the table code sees it: words and ruling lines, after text repair."""

    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]
    source: TextSource
    repairs: int = 0  # Thai text-layer repairs applied on this page
    repair_kinds: tuple[tuple[str, int], ...] = ()  # the same, by kind ("sara-am-lost", ...)
    notes: tuple[str, ...] = ()  # how the page was read (path, OCR time, rotation)
    warnings: tuple[str, ...] = ()  # what a reader should check on this page
    dpi: int | None = None  # resolution of the image OCR read; None for a text layer
    turned: int = 0  # clockwise degrees the image was turned before OCR (0/90/180/270)
    skew: float = 0.0  # degrees (counter-clockwise) the turned image was then deskewed by
    # Why the page could not be read ("ocr: tesseract took longer than 180 s"): it stands in
    # the document as an empty page, and the document is partial.
    failure: str | None = None


@dataclass(frozen=True)
class TextLine:
    """Words on one visual line inside one region (a cell, or the page outside tables)."""

    words: tuple[Word, ...]

    @property
    def box(self) -> Box:
        box = self.words[0].box
        for word in self.words[1:]:
            box = box.union(word.box)
        return box

    @property
    def page(self) -> int:
        return self.words[0].page

    @property
    def text(self) -> str:
        return " ".join(w.text.strip() for w in self.words)

    @property
    def ends_with_space(self) -> bool:
        return self.words[-1].text.endswith((" ", "\u00a0"))


@dataclass(frozen=True)
class CellRegion:
    """Where a cell's text was found: page and box, with the OCR confidence if any."""

    page: int
    box: Box
    confidence: float | None = None


@dataclass(frozen=True)
class Cell:
    """The verbatim text of one table cell; lines joined, real line ends kept as "\\n"."""

    text: str
    regions: tuple[CellRegion, ...] = ()


@dataclass(frozen=True)
class Issue:
    """Something a reader should check: a warning attached to a row or a document."""

    code: str
    message: str
    cell: str | None = None  # canonical column key, when the issue is about one cell


@dataclass(frozen=True)
class TableRow:
    """One measure: cells by canonical key, plus the columns that matched no key."""

    cells: dict[str, Cell]
    extra: dict[str, Cell] = field(default_factory=dict)  # header text as printed -> cell
    pages: tuple[int, ...] = ()
    issues: tuple[Issue, ...] = ()
    # merged cells: column key (or printed header) -> row of the section it was printed in
    filled_from: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionHeading:
    printed: str  # the whole line as printed
    number_text: str | None  # "๒" as printed, None when there is no number
    number: int | None  # value of number_text
    title: str
    page: int | None = None


@dataclass(frozen=True)
class Section:
    heading: SectionHeading
    header: tuple[str, ...]  # header cells as printed
    rows: tuple[TableRow, ...]
    kind: str = "measure-results"  # measure-results, measure-plan or unknown


@dataclass(frozen=True)
class TitleBlock:
    report_title: str | None
    fiscal_year_text: str | None  # "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗"
    fiscal_year_be: int | None
    organization: str | None
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenericRow:
    """One row of a table that is not a measure table: its cells in column order."""

    cells: tuple[Cell, ...]
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class GenericTable:
    """A table kept as printed (score table, month-grid action plan, list): header rows and
    rows of cells, with where it was found. Cells carry the same text repair as measures."""

    index: int  # 1-based position among the document's tables
    header: tuple[tuple[str, ...], ...]  # header rows as printed (a month grid has two)
    rows: tuple[GenericRow, ...]
    pages: tuple[int, ...] = ()
    box: Box | None = None  # on its first page; None where the source has no geometry
    heading: str | None = None  # the line printed just above it, when there is one
    kind: str = "table"  # what the header says it is: "score", "month-grid" or "table"


@dataclass(frozen=True)
class ExtractedReport:
    """What one document says, before it becomes published records."""

    title: TitleBlock
    sections: tuple[Section, ...]
    page_count: int
    source: TextSource
    repairs_per_page: dict[int, int] = field(default_factory=dict)
    page_sources: dict[int, TextSource] = field(default_factory=dict)  # how each page was read
    page_notes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()  # document-level warnings
    loose_text: tuple[str, ...] = ()  # text outside every table and heading, kept
    ocr_pages: tuple[PageLayout, ...] = ()  # the pages read by OCR, for archival outputs
    tables: tuple[GenericTable, ...] = ()  # the tables that are not measure tables
    page_text: tuple[str, ...] = ()  # each page's text in reading order, after repair
    failed_pages: dict[int, str] = field(default_factory=dict)  # page -> what failed there
