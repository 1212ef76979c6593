"""Pages (from a text layer or OCR) into an `ExtractedReport`: items → sections with rows."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from thaireport.extract.assemble import SectionDraft, assemble_report
from thaireport.extract.header import GROUP_SEPARATOR, match_header, own_label
from thaireport.extract.lines import block_text, group_lines, is_wrapped
from thaireport.extract.table import (
    CellLines,
    Columns,
    HeadingItem,
    LooseLine,
    TablePart,
    read_page_items,
    right_limits,
)
from thaireport.extract.tables.ruled import join_label

from thaireport.errors import NoTableError
from thaireport.model import (
    Cell,
    CellRegion,
    ExtractedReport,
    Issue,
    PageLayout,
    SectionHeading,
    TextLine,
    TextSource,
)
from thaireport.settings import TableStrategy


@dataclass
class _OpenTable:
    draft: SectionDraft
    floor: float  # the lowest text line of any table in the document: the page's bottom
    columns: Columns | None = None
    rows: list[list[CellLines]] = field(default_factory=list)
    last_page: int = 0
    unruled: set[int] = field(default_factory=set)  # ids of the rows read without rules

    def measure_index(self) -> int:
        for index, key in self.draft.columns.items():
            if key == "measure":
                return index
        return 0

    def add_part(self, part: TablePart) -> None:
        if part.header is not None and not self.draft.header:
            self.draft.set_header(part.header)
        elif part.header is not None and self._header_cut(part):
            assert self.columns is not None
            joined = joined_header(self.columns, self.draft.header, part.columns, part.header)
            if joined is not None:
                self.draft.set_header(joined)
                self.columns = part.columns
        if self.columns is None:
            self.columns = part.columns
        rows = list(part.rows)
        new_page = bool(rows and self.rows and part.page > self.last_page)
        if new_page and self._continues(rows[0]):
            previous = _printed(self.rows[-1])
            went_on: dict[int, CellLines] = {}
            for index, cell in enumerate(rows[0]):
                if index < len(previous):
                    previous[index].lines.extend(cell.lines)
                    went_on[id(cell)] = previous[index]
            rows = rows[1:]
            # a merged cell that began on the last page and goes on over rows here is
            # the cell printed there, not its part on this page
            for row in rows:
                for cell in row:
                    if cell.filled_from is not None and id(cell.filled_from) in went_on:
                        cell.filled_from = went_on[id(cell.filled_from)]
        if not part.columns.ruled:
            self.unruled.update(id(row) for row in rows)
        self.rows.extend(rows)
        self.last_page = part.page

    def _fill_merged(self) -> None:
        """Rows of an unruled table under a merged measure: with no rules to show a rowspan,
        a row with no measure of its own (a new row, not the rest of the one above: rows cut
        by a page break are joined by now) shares the measure printed above, and so every
        cell it leaves empty (a merged responsible unit)."""
        measure = self.measure_index()
        above: list[CellLines] | None = None
        for row in self.rows:
            shared = measure < len(row) and (_blank(row[measure]) or row[measure].filled_from)
            if above is not None and shared and id(row) in self.unruled:
                for index, cell in enumerate(row):
                    if _blank(cell) and index < len(above) and above[index].lines:
                        row[index] = CellLines(filled_from=above[index])
            above = _printed(row)

    def _header_cut(self, part: TablePart) -> bool:
        """A header alone at the foot of the last page, and a header again at the top of
        this one: the same header, broken across the pages (a producer that lets a header
        row break), or repeated whole."""
        return self.columns is not None and not self.rows and part.page > self.last_page

    def _continues(self, first: Sequence[CellLines]) -> bool:
        """Is the first row of a new page the rest of the previous page's last row?

        A continued row starts with empty cells on the left. When its measure cell itself
        goes on, that cell's last line on the previous page was wrapped, and some other
        cell (a short one, such as the responsible unit) has already ended.
        """
        measure = self.measure_index()
        assert self.columns is not None
        previous = _printed(self.rows[-1])
        if not self.columns.ruled and _ended_before_foot(previous, first):
            return False
        if measure >= len(first) or not first[measure].lines:
            # Without rules, an empty measure cell is also a new row under a merged measure
            # (rowspan): a row cut by the break runs to the page's last line in some cell
            # that goes on here, a new row does not.
            return self.columns.ruled or _runs_to_foot(previous, first)
        limits = right_limits(self.columns, self.rows)
        wrapped = [
            is_wrapped(previous[i].lines[-1], cell.lines[0], _limit(limits, i, previous[i]))
            for i, cell in enumerate(first)
            if i < len(previous) and previous[i].lines and cell.lines
        ]
        before = previous[measure].lines if measure < len(previous) else []
        if not before:
            # a measure centred in a row that the break cut may all be on this page
            return not self.columns.ruled and _runs_to_foot(previous, first)
        # A row that was split fills its page to the bottom; one moved whole to the next
        # page leaves room behind it.
        last_bottom = max(line.box.bottom for cell in previous for line in cell.lines)
        line_height = before[-1].box.height
        if last_bottom < self.floor - 2.5 * line_height:
            return False
        limit = _limit(limits, measure, previous[measure])
        # Thai breaks lines between words, far from a narrow cell's edge, so a cut cell
        # need not look wrapped. In a ruled table, a row whose text runs to the page's last
        # line was cut there: its cells would close above it otherwise.
        cut = self.columns.ruled and last_bottom >= self.floor - 1.5 * line_height
        if not cut and not is_wrapped(before[-1], first[measure].lines[0], limit):
            return False
        # With every cell running on, even the short ones (responsible unit, period) must
        # read as cut mid-text; a new row repeating "สำนักปลัด" does not.
        return not all(cell.lines for cell in first) or all(wrapped)

    def close(self) -> None:
        if self.columns is None:
            return
        self._fill_merged()
        limits = right_limits(self.columns, self.rows)
        first = len(self.draft.rows) + 1
        printed_in = {id(c): first + r for r, row in enumerate(self.rows) for c in row}
        for row in self.rows:
            cells: dict[int, Cell] = {}
            pages: set[int] = set()
            filled: dict[int, int] = {}
            for index, cell_lines in enumerate(row):
                if cell_lines.filled_from is not None:
                    # a merged cell: the text it was printed with, in every row it spans
                    filled[index] = printed_in.get(id(cell_lines.filled_from), first)
                    cell_lines = cell_lines.filled_from
                lines = cell_lines.lines
                regions: list[CellRegion] = []
                for page, page_lines in itertools.groupby(lines, key=lambda ln: ln.page):
                    group = list(page_lines)
                    pages.add(page)
                    box = group[0].box
                    for line in group[1:]:
                        box = box.union(line.box)
                    regions.append(CellRegion(page, box, _mean_confidence(group)))
                text = block_text(lines, _limit(limits, index, cell_lines))
                cells[index] = Cell(text, tuple(regions))
            self.draft.add_row(cells, pages=sorted(pages), filled=filled)


def _blank(cell: CellLines) -> bool:
    return not cell.lines and cell.filled_from is None


def _runs_to_foot(previous: Sequence[CellLines], first: Sequence[CellLines]) -> bool:
    """Does a cell that goes on in `first` end, in the row before the page break, on the
    row's last line (the row was cut there)?"""
    bottoms = [line.box.bottom for cell in previous for line in cell.lines]
    if not bottoms:
        return True
    last = max(bottoms)
    for before, after in zip(previous, first, strict=False):
        if after.lines and before.lines:
            line = before.lines[-1]
            if line.box.bottom >= last - 1.5 * line.box.height:
                return True
    return False


def _ended_before_foot(previous: Sequence[CellLines], first: Sequence[CellLines]) -> bool:
    """Do most cells with text in `first` end, in the row before the page break, lines
    above that row's last line? They were not cut, so `first` is a new row (its empty
    cells are merged ones, its measure the rest of a merged one), not the rest of the row
    before. (A cut row's cells run to the break; a short cell centred in the cut row,
    as LibreOffice sets it, may go on too.)"""
    bottoms = [line.box.bottom for cell in previous for line in cell.lines]
    if not bottoms:
        return False
    last = max(bottoms)
    early = [
        before.lines[-1].box.bottom < last - 1.5 * before.lines[-1].box.height
        for before, after in zip(previous, first, strict=False)
        if after.lines and before.lines
    ]
    return sum(early) > len(early) - sum(early)


def _printed(row: Sequence[CellLines]) -> list[CellLines]:
    """The row's cells as printed: a merged cell's rows below the first refer to the cell
    that holds its lines, and a cell cut by a page break goes on in that one."""
    return [cell.filled_from if cell.filled_from is not None else cell for cell in row]


COLUMN_SNAP = 2.0  # points: the same column boundary on two pages of one table


def joined_header(
    above: Columns, upper: Sequence[str], below: Columns, lower: Sequence[str]
) -> list[str] | None:
    """The header whose upper part ended a page and whose lower part starts the next, or
    None when the lower part is not its rest (a header repeated whole keeps the first).

    Each column of the lower part lies under one column of the upper part. Under a column
    of the same width, the lower text goes on the upper cell's text ("หน่วย" + "งานที่รับ
    ผิดชอบ"); under a wider one, the upper cell is a group label over several columns
    ("ผลการดำเนินงาน" / "สรุปผลการดำเนินการ"). The join is not taken when it names fewer
    canonical columns than one of the parts alone.
    """
    if [_squash(x) for x in upper] == [_squash(x) for x in lower]:
        return None
    joined = []
    for index in range(below.count):
        left, right = below.bounds[index], below.bounds[index + 1]
        over = above.index_of((left + right) / 2)
        if over is None:
            return None
        top_left, top_right = above.bounds[over], above.bounds[over + 1]
        if left < top_left - COLUMN_SNAP or right > top_right + COLUMN_SNAP:
            return None  # not under one upper column: another table
        text = upper[over] if over < len(upper) else ""
        same = abs(left - top_left) <= COLUMN_SNAP and abs(right - top_right) <= COLUMN_SNAP
        if same:
            joined.append(join_label(text, lower[index]))
        else:
            joined.append(GROUP_SEPARATOR.join(t for t in (text, lower[index]) if t))

    def keys(labels: Sequence[str]) -> int:
        return len(match_header([own_label(label) for label in labels]))

    if keys(joined) < max(keys(upper), keys(lower)):
        return None
    return joined


def _squash(text: str) -> str:
    return "".join(text.split())


def _continue_heading(heading: SectionHeading, line: LooseLine) -> SectionHeading:
    """A heading too long for one line goes on below it; Thai runs on without a space."""
    thai_join = heading.printed[-1:] >= "\u0e00" and line.text[:1] >= "\u0e00"
    glue = "" if thai_join and not heading.printed.endswith(" ") else " "
    return replace(
        heading,
        printed=heading.printed + glue + line.text,
        title=(heading.title + glue + line.text).strip(),
    )


def _limit(limits: Sequence[float], index: int, cell: CellLines) -> float:
    """The wrap limit of a column; a column that a later page's header added (the table's
    columns were read on its first page) falls back on its own widest line."""
    if index < len(limits):
        return limits[index]
    return max((line.box.x1 for line in cell.lines), default=0.0)


def _mean_confidence(lines: Sequence[TextLine]) -> float | None:
    """Mean OCR confidence of a cell's words, weighted by length; None for text layers."""
    scored = [
        (w.confidence, len(w.text)) for ln in lines for w in ln.words if w.confidence is not None
    ]
    if not scored:
        return None
    return round(sum(c * n for c, n in scored) / sum(n for _, n in scored), 1)


def _overall_source(pages: Sequence[PageLayout]) -> TextSource:
    kinds = {p.source for p in pages}
    return kinds.pop() if len(kinds) == 1 else TextSource.MIXED


def report_from_pages(
    pages: Sequence[PageLayout], path: Path, strategy: TableStrategy = TableStrategy.AUTO
) -> ExtractedReport:
    """Assemble the sections of a document from its pages, in order."""
    if not pages:
        raise NoTableError("the document has no pages", path=path)
    issues: list[Issue] = []
    for page in pages:
        for warning in page.warnings:
            issues.append(Issue("page-warning", f"page {page.number}: {warning}"))
        if page.failure is not None:
            issues.append(
                Issue("page-failed", f"page {page.number}: {page.failure}; kept as an empty page")
            )

    title_lines: list[str] = []
    loose: list[str] = []
    drafts: list[SectionDraft] = []
    table: _OpenTable | None = None
    carry: Columns | None = None
    page_items = []
    for page in pages:
        items = read_page_items(page, carry, strategy)
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
    # No measure table is not an error here: the caller decides (`no-table` status), and the
    # pages' text and metadata are still wanted.
    report = assemble_report(
        title_lines=title_lines,
        drafts=drafts,
        page_count=len(pages),
        source=_overall_source(pages),
        repairs_per_page={p.number: p.repairs for p in pages},
        page_sources={p.number: p.source for p in pages},
        page_notes={p.number: p.notes for p in pages if p.notes},
        loose_text=loose,
        issues=issues,
    )
    return replace(
        report,
        ocr_pages=tuple(p for p in pages if p.source is TextSource.OCR and p.failure is None),
        page_text=tuple(page_text(p) for p in pages),
        failed_pages={p.number: p.failure for p in pages if p.failure is not None},
    )


def page_text(page: PageLayout) -> str:
    """The page's text in reading order: lines top to bottom, words left to right."""
    return "\n".join(line.text for line in group_lines(page.words))
