"""Cells from ruling lines, as pdfplumber and camelot's lattice find them.

Edges are snapped (collinear segments within a tolerance become one line) and merged
(touching segments join); the x of every vertical and the y of every horizontal line of
one connected frame make an atomic grid. Neighbouring atomic cells are one cell where the
rule between them is missing: that is how a producer draws rowspan and colspan, whatever
the producer (Chromium draws each cell's borders, LibreOffice one segment a cell side,
Word one line a row).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from thaireport.model import Box, Rule, Word

SNAP = 2.0  # points: segments this close across their length are one line
JOIN = 3.0  # points: segments this close along their length are one line
MIN_COLUMNS = 3
MIN_ROWS = 1  # the rest of a row continued from the page before


@dataclass(frozen=True)
class Segment:
    """A merged ruling line: `at` is its y (horizontal) or x (vertical)."""

    at: float
    start: float
    end: float

    def covers(self, value: float) -> bool:
        return self.start - JOIN <= value <= self.end + JOIN


@dataclass(frozen=True)
class GridCell:
    """One cell of a grid: the atomic rows and columns it spans (end exclusive)."""

    row: int
    row_end: int
    col: int
    col_end: int
    box: Box


@dataclass(frozen=True)
class Grid:
    """A ruled table: its line positions and its cells (merged cells once each)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridCell, ...]

    @property
    def box(self) -> Box:
        return Box(self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def rows(self) -> int:
        return len(self.ys) - 1

    @property
    def columns(self) -> int:
        return len(self.xs) - 1


def merge_segments(rules: Sequence[Rule], horizontal: bool) -> list[Segment]:
    """Snap and join the rules of one orientation into lines."""
    raw = []
    for rule in rules:
        if rule.horizontal != horizontal:
            continue
        b = rule.box
        raw.append(
            Segment(b.middle_y, b.x0, b.x1) if horizontal else Segment(b.middle_x, b.top, b.bottom)
        )
    raw.sort(key=lambda s: s.at)
    rows: list[list[Segment]] = []
    for seg in raw:
        if rows and seg.at - rows[-1][0].at <= SNAP:
            rows[-1].append(seg)
        else:
            rows.append([seg])
    merged: list[Segment] = []
    for group in rows:
        at = sum(s.at for s in group) / len(group)
        current: Segment | None = None
        for seg in sorted(group, key=lambda s: s.start):
            if current is not None and seg.start <= current.end + JOIN:
                current = Segment(at, current.start, max(current.end, seg.end))
                continue
            if current is not None:
                merged.append(current)
            current = Segment(at, seg.start, seg.end)
        if current is not None:
            merged.append(current)
    return merged


def _dedupe(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP:
            out.append(value)
    return out


def _frames(
    hs: Sequence[Segment], vs: Sequence[Segment]
) -> list[tuple[list[Segment], list[Segment]]]:
    """Connected groups of lines: each is one table's frame and inner rules."""
    items: list[tuple[bool, Segment]] = [(True, h) for h in hs] + [(False, v) for v in vs]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(items)), 2):
        (hi, a), (hj, b) = items[i], items[j]
        if hi == hj:
            continue
        h, v = (a, b) if hi else (b, a)
        if h.covers(v.at) and v.covers(h.at):
            parent[find(i)] = find(j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, (is_h, seg) in enumerate(items):
        group = groups.setdefault(find(i), ([], []))
        (group[0] if is_h else group[1]).append(seg)
    return [g for g in groups.values() if g[0] and g[1]]


def _grid(hs: Sequence[Segment], vs: Sequence[Segment]) -> Grid | None:
    xs = _dedupe([v.at for v in vs])
    ys = _dedupe([h.at for h in hs])
    if len(xs) < MIN_COLUMNS + 1 or len(ys) < MIN_ROWS + 1:
        return None

    def vertical_at(x: float, y0: float, y1: float) -> bool:
        mid = (y0 + y1) / 2
        return any(abs(v.at - x) <= SNAP and v.start - JOIN <= mid <= v.end + JOIN for v in vs)

    def horizontal_at(y: float, x0: float, x1: float) -> bool:
        mid = (x0 + x1) / 2
        return any(abs(h.at - y) <= SNAP and h.start - JOIN <= mid <= h.end + JOIN for h in hs)

    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    owner = [[-1] * n_cols for _ in range(n_rows)]
    cells: list[GridCell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if owner[r][c] >= 0:
                continue
            c_end = c + 1
            while c_end < n_cols and not vertical_at(xs[c_end], ys[r], ys[r + 1]):
                c_end += 1
            r_end = r + 1
            while r_end < n_rows and not any(
                horizontal_at(ys[r_end], xs[k], xs[k + 1]) for k in range(c, c_end)
            ):
                r_end += 1
            for rr in range(r, r_end):
                for cc in range(c, c_end):
                    if owner[rr][cc] < 0:
                        owner[rr][cc] = len(cells)
            cells.append(GridCell(r, r_end, c, c_end, Box(xs[c], ys[r], xs[c_end], ys[r_end])))
    return Grid(tuple(xs), tuple(ys), tuple(cells))


OPEN_EDGE = 6.0  # points: column rules running this far past every row rule are open


def _open_ends(hs: Sequence[Segment], vs: Sequence[Segment]) -> list[Segment]:
    """Row rules where a page break cut a table open.

    Chromium draws no border where a page break cuts a row: the row's cells go on to the
    page's foot (or start at its top) between the column rules alone, and a merged cell
    leaves no rule under its columns, so the rules of one row need not even touch. Column
    rules that run more than `OPEN_EDGE` past the last (first) row rule they cross, and end
    together, end (start) a row there, as the printed page shows it.
    """

    def crossed(v: Segment) -> list[float]:
        return [h.at for h in hs if h.covers(v.at) and v.covers(h.at)]

    bottoms: list[tuple[float, float]] = []  # (y, x) of open lower ends
    tops: list[tuple[float, float]] = []
    for v in vs:
        ys = crossed(v)
        if not ys:
            continue
        if v.end > max(ys) + OPEN_EDGE:
            bottoms.append((v.end, v.at))
        if v.start < min(ys) - OPEN_EDGE:
            tops.append((v.start, v.at))
    closing = []
    for ends in (bottoms, tops):
        group: list[tuple[float, float]] = []
        for y, x in [*sorted(ends), (float("inf"), 0.0)]:
            if group and y - group[0][0] > SNAP:
                if len(group) >= 2:
                    xs = [gx for _, gx in group]
                    closing.append(Segment(group[0][0], min(xs), max(xs)))
                group = []
            group.append((y, x))
    return closing


def find_grids(rules: Sequence[Rule]) -> list[Grid]:
    """The ruled tables of a page, top to bottom."""
    hs = merge_segments(rules, horizontal=True)
    vs = merge_segments(rules, horizontal=False)
    hs = [*hs, *_open_ends(hs, vs)]
    grids = [g for frame in _frames(hs, vs) if (g := _grid(*frame)) is not None]
    return sorted(grids, key=lambda g: g.ys[0])


def cell_words(grid: Grid, words: Sequence[Word]) -> dict[GridCell, list[Word]]:
    """Words of each cell (by the word's centre); words outside the grid are left out."""
    found: dict[GridCell, list[Word]] = {cell: [] for cell in grid.cells}
    for word in words:
        x, y = word.box.middle_x, word.box.middle_y
        for cell in grid.cells:
            b = cell.box
            if b.x0 <= x < b.x1 and b.top <= y < b.bottom:
                found[cell].append(word)
                break
    return found
