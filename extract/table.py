"""Layout-aware reconstruction of the measure tables from page words and ruling lines.

Per page: find header bands (a line naming at least three of the six columns), take column
boundaries from the vertical rules crossing the header or, when the table has none, from the
header words' positions; take row boundaries from horizontal rules spanning the table or,
when there are none, from the blank bands between rows. A page that begins inside a table
continues the previous page's table with its columns. The result is a sequence of page items
(headings, table parts, loose lines) that `extract.pdf_report` assembles into sections.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from thaireport.extract.generic_tables import MIN_MONTHS, names_a_month
from thaireport.extract.header import (
    COLUMN_KEYS,
    GROUP_SEPARATOR,
    header_keys_in,
    match_header,
    own_label,
    score_header,
)
from thaireport.extract.lines import block_text, group_lines
from thaireport.extract.sections import parse_section_heading
from thaireport.extract.tables.grid import Grid, find_grids
from thaireport.extract.tables.ruled import (
    cell_texts,
    header_of,
    header_text,
    is_month_grid,
    read_cells,
)

from thaireport.model import Box, PageLayout, Rule, SectionHeading, TextLine, Word
from thaireport.settings import TableStrategy

MIN_HEADER_KEYS = 4
MAX_HEADER_LINES = 6  # text lines of one unruled header (labels wrapped to 4 lines, centred)
START_TOLERANCE = 2.5  # points: line starts this close are one column's left edge
SPAN_SHARE = 0.5  # a horizontal rule spanning this share of the table width separates rows
RULE_SNAP = 2.0  # points: rules closer than this are the same rule


@dataclass(frozen=True)
class Columns:
    bounds: tuple[float, ...]  # x boundaries, one more than there are columns
    ruled: bool  # bounds are drawn lines (exact), not estimated from the header

    @property
    def count(self) -> int:
        return len(self.bounds) - 1

    @property
    def left(self) -> float:
        return self.bounds[0]

    @property
    def right(self) -> float:
        return self.bounds[-1]

    def index_of(self, x: float) -> int | None:
        if x < self.left - 4 or x > self.right + 4:
            return None
        for i in range(self.count):
            if x < self.bounds[i + 1]:
                return i
        return self.count - 1


@dataclass
class CellLines:
    """A cell's lines before they become text (parts on several pages are concatenated)."""

    lines: list[TextLine] = field(default_factory=list)
    # A merged cell printed in an earlier row that this row's cell is part of.
    filled_from: CellLines | None = None


@dataclass
class TablePart:
    """The piece of one table that lies on one page."""

    page: int
    columns: Columns
    header: list[str] | None  # None on a continuation page without a repeated header
    rows: list[list[CellLines]]
    top: float


@dataclass(frozen=True)
class HeadingItem:
    heading: SectionHeading
    top: float


@dataclass(frozen=True)
class LooseLine:
    text: str
    page: int
    top: float
    ends_with_space: bool = False


PageItem = HeadingItem | TablePart | LooseLine


def _dedupe(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > RULE_SNAP:
            out.append(value)
    return out


def _vertical_rules_through(rules: Sequence[Rule], y: float) -> list[float]:
    return _dedupe(
        [r.box.middle_x for r in rules if not r.horizontal and r.box.top <= y <= r.box.bottom]
    )


def _spanning_rules(rules: Sequence[Rule], left: float, right: float) -> list[float]:
    """y positions of horizontal rules that cross most of [left, right].

    Word and most generators draw a border per cell, so collinear segments are merged
    first: a row rule is the union of its cells' edges.
    """
    need = SPAN_SHARE * (right - left)
    by_y: list[tuple[float, list[tuple[float, float]]]] = []
    for rule in sorted((r for r in rules if r.horizontal), key=lambda r: r.box.middle_y):
        y = rule.box.middle_y
        segment = (max(rule.box.x0, left), min(rule.box.x1, right))
        if segment[1] <= segment[0]:
            continue
        if by_y and y - by_y[-1][0] <= RULE_SNAP:
            by_y[-1][1].append(segment)
        else:
            by_y.append((y, [segment]))
    ys = []
    for y, segments in by_y:
        covered = 0.0
        reach = float("-inf")
        for x0, x1 in sorted(segments):
            start = max(x0, reach)
            if x1 > start:
                covered += x1 - start
            reach = max(reach, x1)
        if covered >= need:
            ys.append(y)
    return ys


def _x_clusters(words: Sequence[Word], em: float) -> list[list[Word]]:
    """Words merged where they overlap (or nearly touch) in x, left to right."""
    clusters: list[list[Word]] = []
    right = float("-inf")
    for word in sorted(words, key=lambda w: w.box.x0):
        if clusters and word.box.x0 <= right + 0.6 * em:
            clusters[-1].append(word)
            right = max(right, word.box.x1)
        else:
            clusters.append([word])
            right = word.box.x1
    return clusters


@dataclass(frozen=True)
class _HeaderCell:
    box: Box
    words: tuple[Word, ...]
    group: tuple[Word, ...] = ()  # the words of a group label standing over this cell


def _header_cells(words: Sequence[Word], em: float) -> list[_HeaderCell]:
    """Header cells of an unruled table: header words merged where they overlap in x.

    A group label over two columns ("ผลการดำเนินงาน" over สรุปผล… and ผลลัพธ์…) overlaps
    both and would merge them: a line above the rest of its cluster that, taken out,
    leaves two or more cells under it is a group label, and the cells stay apart.
    """
    cells: list[_HeaderCell] = []
    for cluster in _x_clusters(words, em):
        split = _under_group(cluster, em)
        if split is None:
            cells.append(_HeaderCell(_union(cluster), tuple(cluster)))
            continue
        group, parts = split
        cells.extend(_HeaderCell(_union(part), tuple(part), tuple(group)) for part in parts)
    return cells


def _under_group(cluster: Sequence[Word], em: float) -> tuple[list[Word], list[list[Word]]] | None:
    """(the group label's words, the cells under it), or None when no line is one."""
    for line in group_lines(cluster):
        rest = [w for w in cluster if w not in line.words]
        if not rest or min(w.box.top for w in rest) < line.box.bottom - 1.0:
            continue  # a group label stands above everything under it
        parts = _x_clusters(rest, em)
        if len(parts) >= 2:
            return list(line.words), parts
    return None


def _union(words: Sequence[Word]) -> Box:
    box = words[0].box
    for word in words[1:]:
        box = box.union(word.box)
    return box


def _header_word_clusters(words: Sequence[Word], em: float) -> list[Box]:
    return [cell.box for cell in _header_cells(words, em)]


def _label_boundaries(words: Sequence[Word], spans: Sequence[tuple[float, float]]) -> list[float]:
    """Where two column labels run together inside one span taken for a column
    ("วิธีดำเนินการ ผู้รับผิดชอบ", close together in a scan): between neighbouring words on a
    line that name different columns."""
    found = []
    for x0, x1 in spans:
        inside = [w for w in words if x0 <= w.box.middle_x <= x1]
        for a, b in itertools.pairwise(sorted(inside, key=lambda w: w.box.x0)):
            same_line = a.box.top < b.box.bottom and b.box.top < a.box.bottom
            if not same_line or b.box.x0 < a.box.x1:
                continue
            keys_a, keys_b = header_keys_in(a.text), header_keys_in(b.text)
            if len(keys_a) == 1 and len(keys_b) == 1 and keys_a != keys_b:
                found.append((a.box.x1 + b.box.x0) / 2)
    return found


def _is_header_line(line: TextLine) -> bool:
    """A line naming at least four columns, left to right in the canonical order.

    Body text mentions "ระยะเวลา" or "ผู้รับผิดชอบ" often enough; four labels in column
    order on one line it does not.
    """
    order = []
    for word in line.words:
        keys = header_keys_in(word.text)
        if len(keys) == 1:
            order.append(COLUMN_KEYS.index(next(iter(keys))))
    return len(set(order)) >= MIN_HEADER_KEYS and order == sorted(order)


def _band_labels(words: Sequence[Word], em: float) -> list[str]:
    """The labels of a header band without rules: its words merged into cells where they
    overlap in x, each cell's lines joined as one label."""
    labels = []
    for cell in _header_cells(words, em):
        own = header_text(cell.words)
        labels.append(f"{header_text(cell.group)}{GROUP_SEPARATOR}{own}" if cell.group else own)
    return labels


def _header_lines(lines: Sequence[TextLine], start: int, em: float) -> tuple[int, float, int]:
    """(columns named, how well, text lines) of the header whose labels are cells, not a
    line, starting at `start`: lines 0 when none does.

    Labels wrapped inside their cells and centred vertically ("หน่วย|งานที่รับ|ผิดชอบ"
    beside a one-line "มาตรการ") put no four labels on any one line. The lines below `start`
    are taken one by one, their words joined into cells by x; the band kept is the one whose
    cells name most columns, best: a body line taken in makes its cell's label worse.
    """
    best: tuple[int, float, int] = (0, 0.0, 0)
    if not any(header_keys_in(w.text) for w in lines[start].words):
        return best
    words: list[Word] = []
    for count in range(1, MAX_HEADER_LINES + 1):
        if start + count > len(lines):
            break
        line = lines[start + count - 1]
        if count > 1 and line.box.top - lines[start + count - 2].box.bottom > 1.5 * em:
            break
        words.extend(line.words)
        labels = [own_label(label) for label in _band_labels(words, em)]
        found = match_header(labels)
        if len(found) < MIN_HEADER_KEYS:
            continue
        score = sum(score_header(labels[i], key) for i, key in found.items())
        if (len(found), score) > best[:2]:
            best = (len(found), score, count)
    named, how_well, count = best
    band = [w for line in lines[start : start + count] for w in line.words]
    while count and start + count < len(lines) and _label_goes_on(band, lines[start + count], em):
        band.extend(lines[start + count].words)
        count += 1
    return named, how_well, count


def _label_goes_on(band: Sequence[Word], line: TextLine, em: float) -> bool:
    """Is `line`, just under a header band, the end of labels left open in it? A narrow
    column wraps "งบประมาณ (บาท)" letter by letter, and the ")" on a line of its own names
    nothing, so matching alone never takes it in."""
    if line.box.top - max(w.box.bottom for w in band) > 0.5 * em:
        return False
    open_cells = [
        cell.box
        for cell in _header_cells(band, em)
        if header_text(cell.words).count("(") > header_text(cell.words).count(")")
    ]
    return all(any(b.x0 - 1 <= w.box.middle_x <= b.x1 + 1 for b in open_cells) for w in line.words)


_PAGE_NUMBER = re.compile(
    r"(?:[-–—]\s*[0-9๐-๙]{1,4}\s*[-–—]|หน้า\s*[0-9๐-๙]{1,4}(?:\s*/\s*[0-9๐-๙]{1,4})?)"
)
MARGIN_SHARE = 0.1  # of the page's height: the bands at its top and foot that hold furniture


def _page_number(line: TextLine, page_height: float) -> bool:
    """A page number ("- ๖ -", "หน้า ๖", "หน้า 6/16") on a line of its own, in the band at
    the top or the foot of the page."""
    edge = (
        line.box.bottom < MARGIN_SHARE * page_height
        or line.box.top > (1 - MARGIN_SHARE) * page_height
    )
    return edge and _PAGE_NUMBER.fullmatch(line.text.strip()) is not None


def _free_standing(line: TextLine, walls: Sequence[Rule], em: float) -> bool:
    """A line that is running text, not cells: no wide gaps, no cell border through it.

    Section headings must be told from a table cell that happens to start "ประเด็นที่".
    """
    gaps = [b.box.x0 - a.box.x1 for a, b in itertools.pairwise(line.words)]
    if any(gap > 2 * em for gap in gaps):
        return False
    box = line.box
    return not any(
        box.x0 + em < w.box.middle_x < box.x1 - em and w.box.top <= box.middle_y <= w.box.bottom
        for w in walls
    )


def _em(lines: Sequence[TextLine]) -> float:
    heights = [line.box.height for line in lines]
    return statistics.median(heights) if heights else 12.0


def _cell_right_limit(columns: Columns, index: int, cells: Sequence[CellLines]) -> float:
    """Where the writer wrapped lines in this column: the cell's inner right edge."""
    starts = [line.box.x0 for cell in cells for line in cell.lines]
    ends = [line.words[-1].text_right for cell in cells for line in cell.lines]
    if columns.ruled and starts:
        padding = max(0.0, min(starts) - columns.bounds[index])
        return columns.bounds[index + 1] - padding
    if ends:
        return max(ends)
    return columns.bounds[index + 1]


def right_limits(columns: Columns, rows: Sequence[Sequence[CellLines]]) -> list[float]:
    return [
        _cell_right_limit(columns, i, [row[i] for row in rows if i < len(row)])
        for i in range(columns.count)
    ]


def _split_rows_by_gaps(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Rows of a table with no horizontal rules: a blank band taller than a line gap."""
    if not lines:
        return []
    ordered = sorted(lines, key=lambda ln: ln.box.top)
    # Lines of different columns interleave: merge them into bands first.
    bands: list[tuple[float, float, list[TextLine]]] = []
    for line in ordered:
        if bands and line.box.top <= bands[-1][1] + 0.1:
            top, bottom, members = bands[-1]
            bands[-1] = (top, max(bottom, line.box.bottom), [*members, line])
        else:
            bands.append((line.box.top, line.box.bottom, [line]))
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(bands)]
    if not gaps:
        return [bands[0][2]]
    usual = statistics.median(gaps)
    em = _em(ordered)
    threshold = max(usual * 1.8, usual + 0.5 * em)
    rows: list[list[TextLine]] = [list(bands[0][2])]
    for gap, band in zip(gaps, bands[1:], strict=True):
        if gap > threshold:
            rows.append([])
        rows[-1].extend(band[2])
    return rows


def _words_by_column(words: Sequence[Word], columns: Columns) -> list[list[Word]]:
    by_column: list[list[Word]] = [[] for _ in range(columns.count)]
    for word in words:
        index = columns.index_of(word.box.middle_x)
        if index is not None:
            by_column[index].append(word)
    return by_column


def _cells_of(words: Sequence[Word], columns: Columns) -> list[CellLines]:
    by_column = _words_by_column(words, columns)
    return [CellLines(group_lines(ws)) for ws in by_column]


def _table_rows(
    words: Sequence[Word], columns: Columns, row_rules: Sequence[float]
) -> list[list[CellLines]]:
    if row_rules:
        bounds = [float("-inf"), *row_rules, float("inf")]
        rows = []
        for top, bottom in itertools.pairwise(bounds):
            inside = [w for w in words if top <= w.box.middle_y < bottom]
            if inside:
                rows.append(_cells_of(inside, columns))
        return rows
    starts = _row_starts(words, columns)
    if len(starts) > 1:
        return _rows_from_starts(words, columns, starts)
    middles = _rows_from_middles(words, columns)
    if middles is not None:
        return middles
    lines = group_lines(words)
    return [
        _cells_of([w for line in row for w in line.words], columns)
        for row in _split_rows_by_gaps(lines)
    ]


def _rows_from_middles(words: Sequence[Word], columns: Columns) -> list[list[CellLines]] | None:
    """Rows of an unruled table whose cells are set in the middle of their rows.

    No row top is shared, and blank bands between rows are bridged by merged cells or
    closed by two tall cells of neighbouring rows; but a row's cells, one block of lines
    each, are centred on one height. Rows are where most columns centre a block at once.
    A block centred on no row (a merged cell, centred on the rows it spans; a paragraph of
    a cell) goes to the rows it reaches: printed in the first, filled into the others. A
    block that reaches no row (the rest of a row cut by a page break) is a row of its own.
    """
    per_column = [
        sorted(group_lines(c), key=lambda ln: ln.box.top) for c in _words_by_column(words, columns)
    ]
    metrics = _line_metrics(per_column)
    if metrics is None:
        return None
    height, _ = metrics
    blocks: list[tuple[int, list[TextLine]]] = []
    for column, lines in enumerate(per_column):
        for line in lines:
            if (
                blocks
                and blocks[-1][0] == column
                and not _starts_cell(blocks[-1][1][-1], line, *metrics)
            ):
                blocks[-1][1].append(line)
            else:
                blocks.append((column, [line]))

    def middle(block: Sequence[TextLine]) -> float:
        return (block[0].box.top + block[-1].box.bottom) / 2

    filled = sum(1 for lines in per_column if lines)
    need = max(2, (filled + 1) // 2)
    groups: list[list[int]] = []  # indices into blocks
    for i in sorted(range(len(blocks)), key=lambda i: middle(blocks[i][1])):
        if groups and middle(blocks[i][1]) - middle(blocks[groups[-1][0]][1]) <= 0.6 * height:
            groups[-1].append(i)
        else:
            groups.append([i])
    rows_of = [g for g in groups if len({blocks[i][0] for i in g}) >= need]
    in_rows = sum(len(g) for g in rows_of)
    if len(rows_of) < 2 or in_rows < 0.6 * len(blocks):
        return None
    # Cells set at the top whose middles happen to meet (a row of one-line cells, the rest
    # of a cut row) are not centred: most centred rows have cells of unequal heights, whose
    # tops differ.
    uneven = sum(
        1
        for g in rows_of
        if max(blocks[i][1][0].box.top for i in g) - min(blocks[i][1][0].box.top for i in g)
        > 0.6 * height
    )
    if 2 * uneven < len(rows_of):
        return None
    spans = [
        (min(blocks[i][1][0].box.top for i in g), max(blocks[i][1][-1].box.bottom for i in g))
        for g in rows_of
    ]
    member = {i for g in rows_of for i in g}
    # The rows' own blocks, and the spans left between them for blocks that reach no row.
    slots: list[tuple[float, float, bool]] = []  # (top, bottom, is a row)
    previous_bottom = float("-inf")
    for top, bottom in spans:
        slots.append((previous_bottom, top, False))
        slots.append((top, bottom, True))
        previous_bottom = bottom
    slots.append((previous_bottom, float("inf"), False))
    cells: list[list[CellLines]] = [[CellLines() for _ in range(columns.count)] for _ in slots]
    row_slot = [2 * k + 1 for k in range(len(rows_of))]
    for k, g in enumerate(rows_of):
        for i in g:
            column, lines = blocks[i]
            cells[row_slot[k]][column].lines.extend(lines)
    for i, (column, lines) in enumerate(blocks):
        if i in member:
            continue
        top, bottom = lines[0].box.top, lines[-1].box.bottom
        reached = [k for k, (a, b, _) in enumerate(slots) if top < b and bottom > a]
        rows_reached = [k for k in reached if slots[k][2]] or reached[:1]
        first = rows_reached[0]
        cell = cells[first][column]
        if cell.filled_from is not None:
            cells[first][column] = cell = CellLines()
        cell.lines.extend(lines)
        for k in rows_reached[1:]:
            if not cells[k][column].lines:
                cells[k][column] = CellLines(filled_from=cell)
    return [row for row in cells if any(c.lines for c in row)]


def _rows_from_starts(
    words: Sequence[Word], columns: Columns, starts: Sequence[float]
) -> list[list[CellLines]]:
    """Rows of an unruled table between the row tops, each cell's block of lines whole.

    A block runs on across a row top where its column starts no new cell there: it is a
    merged cell (rowspan), printed in the row it starts in, that the rows it reaches into
    share (`CellLines.filled_from`), not text of each of those rows.
    """
    bounds = [float("-inf"), *starts[1:], float("inf")]

    def row_of(y: float) -> int:
        return next(i for i, (top, bottom) in enumerate(itertools.pairwise(bounds))
                    if top - 1 <= y < bottom - 1)  # fmt: skip

    rows = [[CellLines() for _ in range(columns.count)] for _ in starts]
    for column, blocks in enumerate(_column_blocks(words, columns, starts[1:])):
        for block in blocks:
            first = row_of(block[0].box.middle_y)
            if rows[first][column].filled_from is not None:
                rows[first][column] = CellLines()  # a cell of its own below a merged one
            rows[first][column].lines.extend(block)
            for r in range(first + 1, row_of(block[-1].box.middle_y) + 1):
                if not rows[r][column].lines:
                    rows[r][column] = CellLines(filled_from=rows[first][column])
    return [row for row in rows if any(cell.lines for cell in row)]


def _line_metrics(per_column: Sequence[Sequence[TextLine]]) -> tuple[float, float] | None:
    """(median line height, median gap between a column's lines) of an unruled body."""
    heights = [ln.box.height for lines in per_column for ln in lines]
    gaps = [
        b.box.top - a.box.bottom
        for lines in per_column
        for a, b in itertools.pairwise(sorted(lines, key=lambda ln: ln.box.top))
    ]
    if not heights or not gaps:
        return None
    return statistics.median(heights), statistics.median(gaps)


def _column_blocks(
    words: Sequence[Word], columns: Columns, row_tops: Sequence[float]
) -> list[list[list[TextLine]]]:
    """Each column's lines in blocks: a block ends where a gap wider than the lines' own
    spacing (a cell's padding) follows, or at a row top that the other columns show, where
    a line starts level with it or after a gap wider than the column's line spacing (a
    short cell's padding). A merged cell's lines run on across the top, off its level."""
    per_column = [
        sorted(group_lines(c), key=lambda ln: ln.box.top) for c in _words_by_column(words, columns)
    ]
    metrics = _line_metrics(per_column)
    out: list[list[list[TextLine]]] = []
    for lines in per_column:
        blocks: list[list[TextLine]] = []
        for line in lines:
            if blocks and metrics is not None and not _starts_cell(blocks[-1][-1], line, *metrics):
                previous = blocks[-1][-1]
                height, usual = metrics
                at_top = any(previous.box.middle_y < y + 1 <= line.box.middle_y for y in row_tops)
                level = any(abs(line.box.top - y) <= 0.3 * height for y in row_tops)
                gap = line.box.top - previous.box.bottom
                if not (at_top and (level or gap > usual + 0.25 * height)):
                    blocks[-1].append(line)
                    continue
                blocks.append([line])
            else:
                blocks.append([line])
        out.append(blocks)
    return out


def _starts_cell(previous: TextLine, line: TextLine, height: float, usual: float) -> bool:
    return line.box.top - previous.box.bottom > usual + 0.6 * height


def _row_starts(words: Sequence[Word], columns: Columns) -> list[float]:
    """Tops of the rows of an unruled table: where most columns begin a cell at once.

    Cells are top-aligned, and a cell's first line follows a wider gap (the cell padding)
    than the lines inside it; OCR lines of neighbouring columns never share one baseline,
    so whole-table blank bands are unreliable, but a new cell in most columns at the same
    height is not.
    """
    per_column = [group_lines(c) for c in _words_by_column(words, columns)]
    metrics = _line_metrics(per_column)
    if metrics is None:
        return []
    height, usual = metrics
    starts: list[tuple[float, int]] = []
    for column, lines in enumerate(per_column):
        previous = None
        for line in sorted(lines, key=lambda ln: ln.box.top):
            if previous is None or _starts_cell(previous, line, height, usual):
                starts.append((line.box.top, column))
            previous = line
    filled = sum(1 for lines in per_column if lines)
    need = max(2, (filled + 1) // 2)
    rows: list[float] = []
    group: list[tuple[float, int]] = []
    for top, column in sorted(starts):
        if group and top - group[0][0] > 0.6 * height:
            if len({c for _, c in group}) >= need or not rows:
                rows.append(group[0][0])
            group = []
        group.append((top, column))
    if group and (len({c for _, c in group}) >= need or not rows):
        rows.append(group[0][0])
    return rows


@dataclass(frozen=True)
class HeaderBand:
    """The header row of a table on a page: from its first line down to the rule under it."""

    top: float
    bottom: float


def _header_bands(
    lines: Sequence[TextLine],
    rules: Sequence[Rule],
    header_starts: Sequence[tuple[int, int]],
    heading_tops: Sequence[float],
    em: float,
) -> list[HeaderBand]:
    bands: list[HeaderBand] = []
    for start, count in header_starts:
        first, band_lines = lines[start], lines[start : start + count]
        if bands and first.box.top < bands[-1].bottom:
            continue  # a further line of a header already read
        words = [w for line in band_lines for w in line.words]
        left = min(w.box.x0 for w in words) - em
        right = max(w.box.x1 for w in words) + em
        last = band_lines[-1].box
        limit = next((t for t in heading_tops if t > first.box.top + 0.5), float("inf"))
        below = [
            y
            for y in _spanning_rules(rules, left, right)
            if first.box.top < y < limit and (count == 1 or y > last.middle_y)
        ]
        bands.append(HeaderBand(first.box.top, below[0] if below else last.bottom + 0.1))
    return bands


def _band_columns(
    band: HeaderBand,
    band_words: Sequence[Word],
    rules: Sequence[Rule],
    em: float,
    body_words: Callable[[float, float], Sequence[Word]],
) -> Columns:
    """Columns from the vertical rules crossing the header, else from the header words'
    positions, else (OCR boxes of a tight header run together) from where lines start."""
    verticals = _vertical_rules_through(rules, (band.top + band.bottom) / 2)
    if len(verticals) >= MIN_HEADER_KEYS + 1:
        return Columns(tuple(verticals), ruled=True)
    frame = [r.box for r in rules if r.horizontal and abs(r.box.middle_y - band.bottom) < RULE_SNAP]
    left = min([w.box.x0 for w in band_words] + [b.x0 for b in frame])
    right = max([w.box.x1 for w in band_words] + [b.x1 for b in frame])
    clusters = _header_word_clusters(band_words, em)
    if len(clusters) >= MIN_HEADER_KEYS:
        inner = [(a.x1 + b.x0) / 2 for a, b in itertools.pairwise(clusters)]
        spans = [(c.x0, c.x1) for c in clusters]
        inner = sorted([*inner, *_label_boundaries(band_words, spans)])
        return Columns((left, *inner, right), ruled=False)
    # OCR boxes of a tight header touch each other: fall back on where body lines start.
    starts = _column_starts([*band_words, *body_words(left, right)], band_words, em)
    padding = starts[0] - left if starts and 0 < starts[0] - left < em else 0.3 * em
    bounds = [left, *(x - padding for x in starts[1:]), right]
    # A column of short cells (the responsible unit) starts too few lines to be seen; its
    # label beside its neighbour's in the header still tells where it is.
    extra = _label_boundaries(band_words, list(itertools.pairwise(bounds)))
    return Columns((left, *sorted([*bounds[1:-1], *extra]), right), ruled=False)


def _column_starts(words: Sequence[Word], header_words: Sequence[Word], em: float) -> list[float]:
    """x where columns begin: many lines start at exactly the same x in a left-aligned
    table (every line of every cell), while phrases inside a line start anywhere.

    A column of short cells (the responsible unit) has few lines; a header word starting
    at the same x confirms it.
    """
    header_starts = [w.box.x0 for w in header_words]
    xs = sorted(w.box.x0 for w in words if w.text.strip())
    clusters: list[list[float]] = []
    for x in xs:
        if clusters and x - clusters[-1][-1] <= START_TOLERANCE:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    if not clusters:
        return []
    biggest = max(len(c) for c in clusters)
    strong = [
        c
        for c in clusters
        if len(c) >= max(3, 0.2 * biggest)
        or (len(c) >= 3 and any(c[0] - 1 <= x <= c[-1] + 1 for x in header_starts))
    ]
    starts: list[tuple[float, int]] = []
    for cluster in strong:
        x, size = min(cluster), len(cluster)
        if starts and x - starts[-1][0] < 2 * em:
            if size > starts[-1][1]:
                starts[-1] = (x, size)
            continue
        starts.append((x, size))
    return [x for x, _ in starts]


def _row_rules(rules: Sequence[Rule], columns: Columns, top: float, bottom: float) -> list[float]:
    return [
        y
        for y in _spanning_rules(rules, columns.left, columns.right)
        if top + RULE_SNAP < y < bottom - RULE_SNAP
    ]


def _grid_rows(grid: Grid, words: Sequence[Word], first_row: int) -> list[list[CellLines]]:
    """Body rows of a ruled table, a merged cell read once and referred to below."""
    found = read_cells(grid, words)
    rows = [[CellLines() for _ in range(grid.columns)] for _ in range(first_row, grid.rows)]
    for cell in sorted(found, key=lambda c: (c.row, c.col)):
        if cell.row_end <= first_row:
            continue
        start = max(cell.row, first_row) - first_row
        source = rows[start][cell.col]
        source.lines = group_lines(found[cell])
        for r in range(start + 1, cell.row_end - first_row):
            rows[r][cell.col] = CellLines(filled_from=source)
    return [row for row in rows if any(c.lines or c.filled_from for c in row)]


def _grid_parts(
    page: PageLayout, carry: Columns | None, first_stop: float
) -> tuple[list[TablePart], list[Box]]:
    """Table parts of the ruled tables whose cells hold a header (or continue `carry`)."""
    parts: list[TablePart] = []
    boxes: list[Box] = []
    for grid in find_grids(page.rules):
        box = grid.box
        inside = [
            w
            for w in page.words
            if box.x0 <= w.box.middle_x <= box.x1 and box.top <= w.box.middle_y <= box.bottom
        ]
        texts = cell_texts(grid, read_cells(grid, inside))
        if is_month_grid(grid, texts):
            boxes.append(box)  # a table of another kind: neither measures nor page text
            continue
        header = header_of(grid, texts)
        columns = Columns(grid.xs, ruled=True)
        if header is not None:
            rows = _grid_rows(grid, inside, header.rows)
            parts.append(TablePart(page.number, columns, list(header.labels), rows, box.top))
        elif (
            carry is not None and not parts and grid.columns == carry.count and box.top < first_stop
        ):
            parts.append(
                TablePart(page.number, columns, None, _grid_rows(grid, inside, 0), box.top)
            )
        else:
            continue
        boxes.append(box)
    return parts, boxes


def read_page_items(
    page: PageLayout, carry: Columns | None, strategy: TableStrategy = TableStrategy.AUTO
) -> list[PageItem]:
    """Headings, table parts and loose lines of one page, top to bottom.

    `carry` is the column layout of a table still open at the end of the previous page.
    The LINES strategy reads ruled tables from their cells (`extract.tables`); TEXT reads
    header lines and text alignment; AUTO reads the ruled tables that have a header in
    their cells from the cells, and the rest of the page from text.
    """
    all_lines = group_lines(page.words)
    # Page numbers are furniture, never cell text, even where a table's rules run past
    # them into the page's margin: the table is read without them, and they stay lines.
    furniture = [ln for ln in all_lines if _page_number(ln, page.height)]
    if furniture:
        held = {id(w) for ln in furniture for w in ln.words}
        page = replace(page, words=tuple(w for w in page.words if id(w) not in held))
    grid_parts: list[TablePart] = []
    grid_boxes: list[Box] = []
    if strategy is not TableStrategy.TEXT:
        first_heading = min(
            (
                ln.box.top
                for ln in all_lines
                if parse_section_heading(ln.text, page=page.number) is not None
            ),
            default=float("inf"),
        )
        grid_parts, grid_boxes = _grid_parts(page, carry, first_heading)
        if any(part.header is None for part in grid_parts):
            carry = None  # the open table went on in a grid of its own
    lines = [
        ln
        for ln in all_lines
        if any(ln is f for f in furniture)
        or not any(
            b.x0 <= ln.box.middle_x <= b.x1 and b.top <= ln.box.middle_y <= b.bottom
            for b in grid_boxes
        )
    ]
    header_search = strategy is not TableStrategy.LINES
    em = _em(lines)
    headings: list[tuple[float, SectionHeading, TextLine]] = []
    header_starts: list[tuple[int, int]] = []  # first line, lines
    cell_headers: list[tuple[tuple[int, float, int], int]] = []
    walls = [r for r in page.rules if not r.horizontal]
    for i, line in enumerate(lines):
        heading = parse_section_heading(line.text, page=page.number)
        if heading is not None and _free_standing(line, walls, em):
            headings.append((line.box.top, heading, line))
        elif header_search:
            found = _header_lines(lines, i, em)
            if _is_header_line(line):
                # four labels on its first line; its band may still be deeper (a group
                # label over the sub-labels on the line below)
                count = found[2] if found[2] > 1 else 1
                cell_headers.append(((max(found[0], MIN_HEADER_KEYS), found[1], count), i))
            elif found[2]:
                cell_headers.append((found, i))
    # Bands that overlap are one header seen from different first lines (a running title
    # just above it, say): the one that reads best is kept.
    taken: list[tuple[int, int]] = []
    # On a tie, the band of fewer lines: a line above a header that only adds a "group
    # label" over some columns names no column more.
    ranked = sorted(cell_headers, key=lambda c: (c[0][0], c[0][1], -c[0][2]), reverse=True)
    for (_, _, count), i in ranked:
        if all(i + count <= j or j + n <= i for j, n in [*header_starts, *taken]):
            taken.append((i, count))
    header_starts = sorted([*header_starts, *taken])
    heading_tops = sorted(h[0] for h in headings)
    bands = _header_bands(lines, page.rules, header_starts, heading_tops, em)

    # Each table runs from its header band to the next heading or header band.
    stops = sorted([*heading_tops, *(band.top for band in bands)])
    items: list[PageItem] = [HeadingItem(h, top) for top, h, _ in headings]
    items.extend(grid_parts)
    used: set[int] = {id(h[2]) for h in headings}

    def take_words(top: float, bottom: float, columns: Columns) -> list[Word]:
        chosen = []
        for line in lines:
            if id(line) in used or not (top <= line.box.middle_y < bottom):
                continue
            if any(line is f for f in furniture):
                continue
            inside = [w for w in line.words if columns.index_of(w.box.middle_x) is not None]
            if inside:
                chosen.extend(inside)
                if len(inside) == len(line.words):
                    used.add(id(line))
        return chosen

    for band in bands:
        in_band = [ln for ln in lines if band.top - 0.5 <= ln.box.middle_y <= band.bottom]
        used.update(id(ln) for ln in in_band)
        band_words = [w for ln in in_band for w in ln.words]
        end = next((s for s in stops if s > band.top + 0.5), float("inf"))

        def body_words(
            left: float, right: float, band: HeaderBand = band, end: float = end
        ) -> list[Word]:
            bottom = _table_bottom(page.rules, Columns((left, right), False), band.bottom, end)
            return [
                w
                for ln in lines
                if band.bottom <= ln.box.middle_y < bottom and id(ln) not in used
                for w in ln.words
                if left - 2 <= w.box.middle_x <= right + 2
            ]

        columns = _band_columns(band, band_words, page.rules, em, body_words)
        header_cells = _cells_of(band_words, columns)
        limits = right_limits(columns, [header_cells])
        header = [block_text(c.lines, lim) for c, lim in zip(header_cells, limits, strict=True)]
        if not columns.ruled:
            # a group label over several columns of an unruled header: each column's label
            # is "group / own", as in a ruled two-level header
            labels = _band_labels(band_words, em)
            if any(GROUP_SEPARATOR in x for x in labels) and len(labels) == columns.count:
                header = labels
        if sum(1 for label in header if names_a_month(label)) >= MIN_MONTHS:
            # an action plan's month grid (แบบ ผด. 02), not a measure table: its lines stay
            # the page's text, and the PDF's ruled tables are kept as tables of their kind
            used.difference_update(id(ln) for ln in in_band)
            continue
        bottom = _table_bottom(page.rules, columns, band.bottom, end)
        words = take_words(band.bottom, bottom, columns)
        rows = _table_rows(words, columns, _row_rules(page.rules, columns, band.bottom, bottom))
        items.append(TablePart(page.number, columns, header, rows, band.top))

    # A table left open on the previous page continues above the first heading/header here.
    if carry is not None and header_search:
        first_stop = stops[0] if stops else float("inf")
        spanning = [
            y for y in _spanning_rules(page.rules, carry.left, carry.right) if y < first_stop
        ]
        # On a page with rules, a table continues only below a rule of its own frame;
        # text above it (a running title) is not table content. A frame the page break
        # left open at the top (Chromium draws no border where it cuts a table) starts
        # where its side rules start, below the band of the page's running title and page
        # number (a cut frame's sides may run up through it).
        sides = _open_frame_top(page.rules, carry, first_stop)
        if sides is not None:
            sides = max(sides, MARGIN_SHARE * page.height)
        tops = [*spanning[:1], *([sides] if sides is not None else [])]
        # Without a frame, a running title stands apart in the page's top band.
        top = min(tops) - 0.1 if tops else _running_title_bottom(lines, page.height, em)
        bottom = _table_bottom(page.rules, carry, top, first_stop)
        framed = spanning or sides is not None
        words = take_words(top, bottom, carry) if framed or not page.rules else []
        if words:
            rows = _table_rows(words, carry, _row_rules(page.rules, carry, top, bottom))
            items.append(TablePart(page.number, carry, None, rows, top))

    for line in lines:
        if id(line) not in used:
            items.append(LooseLine(line.text, page.number, line.box.top, line.ends_with_space))
    items.sort(key=lambda item: item.top)
    return items


def _running_title_bottom(lines: Sequence[TextLine], page_height: float, em: float) -> float:
    """The foot of the lines in the page's top band that stand apart (more than 1.5 em) from
    the text below them: a running title, not the rest of a table; 0 when there are none."""
    ordered = sorted(lines, key=lambda ln: ln.box.top)
    bottom = 0.0
    for line, below in itertools.pairwise(ordered):
        if line.box.bottom > MARGIN_SHARE * page_height:
            break
        if below.box.top - line.box.bottom > 1.5 * em:
            bottom = line.box.bottom + 0.1
    return bottom


def _open_frame_top(rules: Sequence[Rule], columns: Columns, limit: float) -> float | None:
    """The top of a table frame with no rule across its top: where vertical rules at both
    of the table's outer edges begin, above `limit`; None when there are none."""
    tops = []
    for edge in (columns.left, columns.right):
        starts = [
            r.box.top
            for r in rules
            if not r.horizontal and abs(r.box.middle_x - edge) <= RULE_SNAP and r.box.top < limit
        ]
        if not starts:
            return None
        tops.append(min(starts))
    return max(tops)


def _table_bottom(rules: Sequence[Rule], columns: Columns, top: float, limit: float) -> float:
    """The lowest rule of the table's frame before `limit`, or `limit` for unframed tables."""
    spanning = [y for y in _spanning_rules(rules, columns.left, columns.right) if top < y < limit]
    return spanning[-1] + 0.1 if spanning else limit
