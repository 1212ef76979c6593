"""A born-digital PDF into an `ExtractedReport`: pages → items → sections with rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from extract.assemble import SectionDraft, assemble_report
from extract.lines import block_text, is_wrapped
from extract.model import (
    Cell,
    CellRegion,
    ExtractedReport,
    Issue,
    PageLayout,
    SectionHeading,
    TextSource,
)
from extract.pdf_layout import read_pdf_layout
from extract.table import (
    CellLines,
    Columns,
    HeadingItem,
    LooseLine,
    TablePart,
    read_page_items,
    right_limits,
)
from pipeline.errors import NoTableError, UnsupportedInputError


@dataclass
class _OpenTable:
    draft: SectionDraft
    floor: float  # the lowest text line of any table in the document: the page's bottom
    columns: Columns | None = None
    rows: list[list[CellLines]] = field(default_factory=list)
    last_page: int = 0

    def measure_index(self) -> int:
        for index, key in self.draft.columns.items():
            if key == "measure":
                return index
        return 0

    def add_part(self, part: TablePart) -> None:
        if part.header is not None and not self.draft.header:
            self.draft.set_header(part.header)
        if self.columns is None:
            self.columns = part.columns
        rows = list(part.rows)
        if rows and self.rows and part.page > self.last_page and self._continues(rows[0]):
            previous = self.rows[-1]
            for index, cell in enumerate(rows[0]):
                if index < len(previous):
                    previous[index].lines.extend(cell.lines)
            rows = rows[1:]
        self.rows.extend(rows)
        self.last_page = part.page

    def _continues(self, first: Sequence[CellLines]) -> bool:
        """Is the first row of a new page the rest of the previous page's last row?

        A continued row starts with empty cells on the left. When its measure cell itself
        goes on, that cell's last line on the previous page was wrapped, and some other
        cell (a short one, such as the responsible unit) has already ended.
        """
        measure = self.measure_index()
        if measure >= len(first) or not first[measure].lines:
            return True
        assert self.columns is not None
        limits = right_limits(self.columns, self.rows)
        previous = self.rows[-1]
        wrapped = [
            is_wrapped(previous[i].lines[-1], cell.lines[0], limits[i])
            for i, cell in enumerate(first)
            if i < len(previous) and previous[i].lines and cell.lines
        ]
        before = previous[measure].lines if measure < len(previous) else []
        if not before or not is_wrapped(before[-1], first[measure].lines[0], limits[measure]):
            return False
        # A row that was split fills its page to the bottom; one moved whole to the next
        # page leaves room behind it.
        last_bottom = max(line.box.bottom for cell in previous for line in cell.lines)
        line_height = before[-1].box.height
        if last_bottom < self.floor - 2.5 * line_height:
            return False
        # With every cell running on, even the short ones (responsible unit, period) must
        # read as cut mid-text; a new row repeating "สำนักปลัด" does not.
        return not all(cell.lines for cell in first) or all(wrapped)

    def close(self) -> None:
        if self.columns is None:
            return
        limits = right_limits(self.columns, self.rows)
        for row in self.rows:
            cells: dict[int, Cell] = {}
            pages: set[int] = set()
            for index, cell_lines in enumerate(row):
                lines = cell_lines.lines
                regions: list[CellRegion] = []
                for line in lines:
                    pages.add(line.page)
                    if regions and regions[-1].page == line.page:
                        regions[-1] = CellRegion(line.page, regions[-1].box.union(line.box))
                    else:
                        regions.append(CellRegion(line.page, line.box))
                cells[index] = Cell(block_text(lines, limits[index]), tuple(regions))
            self.draft.add_row(cells, pages=sorted(pages))


def _continue_heading(heading: SectionHeading, line: LooseLine) -> SectionHeading:
    """A heading too long for one line goes on below it; Thai runs on without a space."""
    thai_join = heading.printed[-1:] >= "\u0e00" and line.text[:1] >= "\u0e00"
    glue = "" if thai_join and not heading.printed.endswith(" ") else " "
    return replace(
        heading,
        printed=heading.printed + glue + line.text,
        title=(heading.title + glue + line.text).strip(),
    )


def extract_pdf_report(path: Path) -> ExtractedReport:
    pages: list[PageLayout] = list(read_pdf_layout(path))
    if not pages:
        raise NoTableError("the PDF has no pages", path=path)
    if not any(page.words for page in pages):
        raise UnsupportedInputError(
            "no text layer on any page (a scanned, image-only PDF)",
            path=path,
            hint="OCR of scanned pages is not available in this version",
        )
    issues: list[Issue] = []
    for page in pages:
        for note in page.notes:
            issues.append(Issue("page-note", f"page {page.number}: {note}"))

    title_lines: list[str] = []
    loose: list[str] = []
    drafts: list[SectionDraft] = []
    table: _OpenTable | None = None
    carry: Columns | None = None
    page_items = []
    for page in pages:
        items = read_page_items(page, carry)
        carry = items[-1].columns if items and isinstance(items[-1], TablePart) else None
        page_items.append(items)
    floor = max(
        (
            line.box.bottom
            for items in page_items
            for item in items
            if isinstance(item, TablePart)
            for row in item.rows
            for cell in row
            for line in cell.lines
        ),
        default=0.0,
    )
    running_headers = 0
    for page, items in zip(pages, page_items, strict=True):
        previous_heading = False
        for item in items:
            if isinstance(item, HeadingItem):
                if table is not None:
                    table.close()
                table = _OpenTable(SectionDraft(item.heading), floor)
                drafts.append(table.draft)
            elif isinstance(item, TablePart):
                if table is None:
                    table = _OpenTable(SectionDraft(SectionHeading("", None, None, "")), floor)
                    drafts.append(table.draft)
                    issues.append(
                        Issue(
                            "no-heading", f"page {page.number}: a table before any section heading"
                        )
                    )
                table.add_part(item)
                previous_heading = False
            elif isinstance(item, LooseLine):
                if table is not None and previous_heading:
                    table.draft.heading = _continue_heading(table.draft.heading, item)
                    continue  # the heading wrapped onto this line
                if drafts and item.text in title_lines:
                    running_headers += 1  # the title block repeated at the top of a page
                    continue
                (title_lines if not drafts else loose).append(item.text)
            previous_heading = isinstance(item, HeadingItem)
    if table is not None:
        table.close()
    if running_headers:
        issues.append(
            Issue(
                "running-header",
                f"{running_headers} repeated title-block lines read as page headers",
            )
        )
    if not any(d.rows for d in drafts):
        raise NoTableError(
            "no measure table found (no header row naming the six columns)", path=path
        )
    return assemble_report(
        title_lines=title_lines,
        drafts=drafts,
        page_count=len(pages),
        source=TextSource.TEXT_LAYER,
        repairs_per_page={p.number: p.repairs for p in pages},
        loose_text=loose,
        issues=issues,
    )


__all__: Sequence[str] = ("extract_pdf_report",)
