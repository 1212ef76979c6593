"""Ruled tables into table parts: header from its cells, body rows with merged cells.

The header is the top 1–4 grid rows whose cells, each read whole (all its lines; breaks
inside words vanish when the label is matched without spaces), name the most columns.
A group label over two columns (a two-level header) is kept in front of each sub-label
it spans. A merged body cell is read once, in the first row it spans, and every further
row it spans refers to it (`CellLines.filled_from`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from thaireport.extract.generic_tables import MIN_MONTHS, names_a_month
from thaireport.extract.header import GROUP_SEPARATOR, match_header, own_label
from thaireport.extract.lines import group_lines
from thaireport.extract.tables.grid import Grid, GridCell, cell_words

from thaireport.model import Word

MAX_HEADER_ROWS = 4
MIN_KEYS = 3  # columns a header must name (a partial table names few, but never fewer)


@dataclass(frozen=True)
class RuledHeader:
    rows: int  # grid rows the header takes
    labels: tuple[str, ...]  # one per grid column, as printed (group label / sub-label)
    keys: int  # how many canonical columns it names


def _thai(c: str) -> bool:
    return "\u0e01" <= c <= "\u0e4e"


def join_label(before: str, after: str) -> str:
    """Two parts of one label: a break between Thai letters (or after "/") is inside a
    word ("ผู้รับผิด" + "ชอบ"), any other break stands for a space."""
    if not before or not after:
        return before + after
    glued = (_thai(before[-1]) or before[-1] == "/") and _thai(after[0])
    return before + ("" if glued else " ") + after


def header_text(words: Sequence[Word]) -> str:
    """A header cell's label on one line: its lines are centred, so the wrap test of body
    cells cannot tell a break inside a word; a break between Thai letters is one, any
    other break stands for a space ("งบประมาณ" / "(บาท)"); "มาตรการ/" runs on."""
    text = ""
    for line in group_lines(words):
        # words drawn touching are one run ("(" "บาท)"), whatever runs the producer used
        part = line.words[0].text.strip()
        for a, b in zip(line.words, line.words[1:], strict=False):
            gap = b.box.x0 - a.box.x1
            part += ("" if gap < 0.15 * line.box.height else " ") + b.text.strip()
        text = join_label(text, part)
    # no space inside brackets, wherever a producer split the runs: "( บาท)" is "(บาท)"
    return _BRACKET_SPACE.sub(lambda m: m.group(1) or m.group(2), text)


_BRACKET_SPACE = re.compile(r"([(\[])\s+|\s+(?=[)\]])()")


def _cell_text(words: Sequence[Word], cell: GridCell) -> str:
    return header_text(words)


def _depths(grid: Grid) -> list[int]:
    """Header depths a grid allows: a header ends on a line every column has (no cell runs
    on below it)."""
    return [
        depth
        for depth in range(1, min(MAX_HEADER_ROWS, grid.rows) + 1)
        if not any(c.row < depth < c.row_end for c in grid.cells)
    ]


def _labels(grid: Grid, texts: dict[GridCell, str], depth: int) -> list[str]:
    labels = []
    for col in range(grid.columns):
        parts = [
            texts[c]
            for c in sorted(grid.cells, key=lambda c: c.row)
            if c.row < depth and c.col <= col < c.col_end and texts[c]
        ]
        labels.append(GROUP_SEPARATOR.join(parts))
    return labels


def is_month_grid(grid: Grid, texts: dict[GridCell, str]) -> bool:
    """An action plan's table (แบบ ผด. 02): it names โครงการ and หน่วยงาน too, but its
    columns are months, a table of its own kind (extract.generic_tables)."""
    return any(
        sum(1 for label in _labels(grid, texts, depth) if names_a_month(label)) >= MIN_MONTHS
        for depth in _depths(grid)
    )


def header_of(grid: Grid, texts: dict[GridCell, str]) -> RuledHeader | None:
    """The header rows of a grid, or None when its top rows name too few columns."""
    best: RuledHeader | None = None
    # a header may stand alone at a page's foot, its rows on the next page
    for depth in _depths(grid):
        labels = _labels(grid, texts, depth)
        # matched on the column's own (lowest) label; the group label when it has none
        keys = len(match_header([own_label(label) for label in labels]))
        if keys >= MIN_KEYS and (best is None or keys > best.keys):
            best = RuledHeader(depth, tuple(labels), keys)
    return best


def read_cells(grid: Grid, words: Sequence[Word]) -> dict[GridCell, list[Word]]:
    return cell_words(grid, words)


def cell_texts(grid: Grid, words: dict[GridCell, list[Word]]) -> dict[GridCell, str]:
    return {cell: _cell_text(ws, cell) for cell, ws in words.items()}
