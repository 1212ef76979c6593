"""Scores for table extraction: character accuracy of cells, row matching, row F1, period
accuracy and TEDS (tree-edit-distance similarity of the tables, as in PubTabNet).

All functions are pure. Texts are compared after :func:`fold`, which removes only the
differences that carry no meaning for a reader of a record (whitespace layout); it does
*not* repair OCR defects such as ``ํ`` + ``า`` for ``ำ`` or wrong Thai digits, which are
errors an engine (or our pipeline) has to fix and which must therefore cost accuracy.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from apted import APTED, Config
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

ROW_MATCH_THRESHOLD = 0.5
"""Minimum similarity (0..1) of a predicted row to an expected row for the pair to count."""

_WHITESPACE = re.compile(r"\s+")
_THAI = "\u0e00-\u0e7f"
# One space (whitespace is already collapsed) with a Thai character on both sides.
_SPACE_BETWEEN_THAI = re.compile(rf"(?<=[{_THAI}]) (?=[{_THAI}])")


def fold(text: str) -> str:
    """Normalize layout-only differences before comparing texts.

    - every run of whitespace (spaces, tabs, line ends) becomes one space, and the ends are
      stripped: where a cell's text wraps is a property of the page, not of the text;
    - a space between two Thai characters is removed. Thai writes no spaces between words
      and uses spaces only between phrases; OCR engines disagree exactly there (Tesseract's
      ``tha`` model inserts spaces inside words, others drop phrase spaces), and a reader
      of a record does not care. Spaces next to Latin letters or Arabic digits are kept
      ("No Gift Policy", "www.thahin.go.th ๑").
    """
    collapsed = _WHITESPACE.sub(" ", text).strip()
    return _SPACE_BETWEEN_THAI.sub("", collapsed)


def cer(expected: str, got: str) -> float:
    """Character error rate: Levenshtein distance / len(expected), capped at 1.0.

    Compares the strings as given (no folding). An empty expectation scores 0.0 when
    nothing was produced and 1.0 otherwise.
    """
    if not expected:
        return 0.0 if not got else 1.0
    return min(1.0, Levenshtein.distance(expected, got) / len(expected))


def cell_accuracy(expected: str, got: str) -> float:
    """1 - CER of the folded texts (1.0 = identical up to layout)."""
    return 1.0 - cer(fold(expected), fold(got))


def char_recall_unordered(expected: str, got: str) -> float:
    """Share of expected characters (folded, spaces ignored) present in ``got``, any order.

    A complement to :func:`cell_accuracy` for text without table structure: CER punishes
    a different reading order (column by column instead of row by row) as heavily as a
    wrong character; this multiset overlap measures recognition alone.
    """
    want = Counter(fold(expected).replace(" ", ""))
    if not want:
        return 1.0
    have = Counter(fold(got).replace(" ", ""))
    return sum((want & have).values()) / sum(want.values())


def _row_text(row: Sequence[str]) -> str:
    return " ".join(fold(cell) for cell in row)


def row_similarity(expected: Sequence[str], got: Sequence[str]) -> float:
    """Similarity 0..1 of two rows: rapidfuzz ratio over the folded, joined cell texts."""
    return fuzz.ratio(_row_text(expected), _row_text(got)) / 100.0


def _assign(similarity: list[list[float]]) -> list[tuple[int, int]]:
    """Pairs (expected, got) maximizing total similarity; scipy if present, else greedy."""
    if not similarity or not similarity[0]:
        return []
    solver: Callable[..., Any] | None
    try:
        solver = importlib.import_module("scipy.optimize").linear_sum_assignment
    except ImportError:
        solver = None
    if solver is not None:
        rows, cols = solver(similarity, maximize=True)
        return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]
    pairs = sorted(
        ((value, i, j) for i, line in enumerate(similarity) for j, value in enumerate(line)),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    used_expected: set[int] = set()
    used_got: set[int] = set()
    chosen: list[tuple[int, int]] = []
    for _value, i, j in pairs:
        if i in used_expected or j in used_got:
            continue
        chosen.append((i, j))
        used_expected.add(i)
        used_got.add(j)
    return chosen


def match_rows(
    expected: Sequence[Sequence[str]],
    got: Sequence[Sequence[str]],
    *,
    threshold: float = ROW_MATCH_THRESHOLD,
) -> list[tuple[int, int | None]]:
    """Match predicted rows one-to-one to expected rows.

    Returns one pair per expected row, in order: (expected index, matched predicted index
    or None). The matching maximizes the summed :func:`row_similarity` (optimal with
    scipy's ``linear_sum_assignment``, greedy by similarity without scipy); a pair counts
    only when its similarity is at least ``threshold``.
    """
    similarity = [[row_similarity(e, g) for g in got] for e in expected]
    matched: dict[int, int] = {
        i: j for i, j in _assign(similarity) if similarity[i][j] >= threshold
    }
    return [(i, matched.get(i)) for i in range(len(expected))]


@dataclass(frozen=True)
class Score:
    """How well a list of predicted rows reproduces the expected rows."""

    row_f1: float
    cell_accuracy: float
    precision: float
    recall: float
    rows_expected: int
    rows_got: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _precision_recall(
    pairs: Sequence[tuple[int, int | None]], rows_expected: int, rows_got: int
) -> tuple[float, float, float]:
    hits = sum(1 for _, j in pairs if j is not None)
    precision = hits / rows_got if rows_got else (1.0 if rows_expected == 0 else 0.0)
    recall = hits / rows_expected if rows_expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _mean_cell_accuracy(
    expected: Sequence[Sequence[str]],
    got: Sequence[Sequence[str]],
    pairs: Sequence[tuple[int, int | None]],
) -> float:
    values: list[float] = []
    for i, j in pairs:
        row = expected[i]
        if j is None:
            values.extend(0.0 for _ in row)
            continue
        predicted = got[j]
        for k, cell in enumerate(row):
            values.append(cell_accuracy(cell, predicted[k] if k < len(predicted) else ""))
    return sum(values) / len(values) if values else 1.0


def row_f1(expected: Sequence[Sequence[str]], got: Sequence[Sequence[str]]) -> float:
    """F1 of row precision (matched / predicted) and recall (matched / expected)."""
    pairs = match_rows(expected, got)
    return _precision_recall(pairs, len(expected), len(got))[2]


def mean_cell_accuracy(expected: Sequence[Sequence[str]], got: Sequence[Sequence[str]]) -> float:
    """Mean over all expected cells of :func:`cell_accuracy` against the matched row's cell
    in the same column; cells of unmatched expected rows score 0. Extra predicted rows do
    not enter (they cost precision in :func:`row_f1`)."""
    return _mean_cell_accuracy(expected, got, match_rows(expected, got))


def score(expected: Sequence[Sequence[str]], got: Sequence[Sequence[str]]) -> Score:
    """All row and cell scores from one matching."""
    pairs = match_rows(expected, got)
    precision, recall, f1 = _precision_recall(pairs, len(expected), len(got))
    return Score(
        row_f1=f1,
        cell_accuracy=_mean_cell_accuracy(expected, got, pairs),
        precision=precision,
        recall=recall,
        rows_expected=len(expected),
        rows_got=len(got),
    )


# -- periods -----------------------------------------------------------------------------

PeriodValue = tuple[dt.date | None, dt.date | None]
"""A row's normalized period: (start, end), None where it could not be read."""


def period_accuracy(
    expected: Sequence[Sequence[str]],
    got: Sequence[Sequence[str]],
    expected_periods: Sequence[PeriodValue],
    got_periods: Sequence[PeriodValue],
) -> float:
    """Share of expected rows whose matched row has the expected period start *and* end.

    Rows are matched as by :func:`match_rows`; an unmatched expected row counts as wrong.
    ``expected_periods[i]`` belongs to ``expected[i]``, ``got_periods[j]`` to ``got[j]``.
    An expected (None, None) is met only by a matched row that read no period either.
    """
    if len(expected_periods) != len(expected) or len(got_periods) != len(got):
        raise ValueError("one period per row is needed, for the expected and the got rows")
    if not expected:
        return 1.0
    pairs = match_rows(expected, got)
    right = sum(1 for i, j in pairs if j is not None and got_periods[j] == expected_periods[i])
    return right / len(expected)


# -- TEDS --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableNode:
    """A node of a table as an HTML tree: ``table`` > ``tr`` > ``td`` (text in the td)."""

    tag: str
    text: str = ""
    children: tuple[TableNode, ...] = ()

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)


def table_tree(rows: Sequence[Sequence[str]]) -> TableNode:
    """The rows as ``<table><tr><td>…</td>…</tr>…</table>``, each cell's text folded.

    Every cell spans one row and one column (the reports' tables have no spanning cells;
    a row continued on the next page is one row of the record, and an engine that returns
    it as two rows is given two ``tr``).
    """
    return TableNode(
        "table",
        children=tuple(
            TableNode("tr", children=tuple(TableNode("td", fold(cell)) for cell in row))
            for row in rows
        ),
    )


@lru_cache(maxsize=1 << 16)
def _normalized_distance(a: str, b: str) -> float:
    return Levenshtein.distance(a, b) / max(len(a), len(b))


class _TableCosts(Config):  # type: ignore[misc]
    """PubTabNet's costs: insert and delete 1; renaming a td costs the normalized edit
    distance of the texts (0 for the structure-only score), other tags 0 or 1."""

    valuecls = float

    def __init__(self, *, structure_only: bool) -> None:
        self.structure_only = structure_only

    def rename(self, node1: TableNode, node2: TableNode) -> float:
        if node1.tag != node2.tag:
            return 1.0
        if node1.tag == "td" and not self.structure_only and (node1.text or node2.text):
            return _normalized_distance(node1.text, node2.text)
        return 0.0

    def children(self, node: TableNode) -> list[TableNode]:
        return list(node.children)


def tree_edit_distance(a: TableNode, b: TableNode, *, structure_only: bool = False) -> float:
    """APTED tree edit distance (the ``apted`` package) with PubTabNet's costs."""
    costs = _TableCosts(structure_only=structure_only)
    return float(APTED(a, b, costs).compute_edit_distance())


def teds(
    expected: Sequence[Sequence[str]],
    got: Sequence[Sequence[str]],
    *,
    structure_only: bool = False,
) -> float:
    """TEDS = 1 - TED(expected, got) / max(nodes): 1.0 for identical tables.

    ``structure_only`` gives TEDS-S: cell texts are ignored, only rows and cells count.
    Floored at 0: tables of very different shapes (one wide row against many one-cell
    rows) can need more edits than the larger tree has nodes.
    """
    a, b = table_tree(expected), table_tree(got)
    distance = tree_edit_distance(a, b, structure_only=structure_only)
    return max(0.0, 1.0 - distance / max(a.size, b.size))
