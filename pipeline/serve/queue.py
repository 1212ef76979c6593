"""What an archivist should check first: every cell of every record, riskiest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.output.review import cell_confidence

# How much each kind of warning says "look at me"; a code not named here weighs 1.
_WEIGHTS = {
    "low-confidence": 4.0,
    "implausible": 3.0,
    "column-missing": 3.0,
    "merged-cell": 2.5,
    "period": 2.0,
    "date": 2.0,
    "period-empty": 1.5,
}


@dataclass(frozen=True)
class QueueItem:
    record_id: str
    cell: str
    document_id: str
    risk: float
    reasons: tuple[str, ...]
    done: bool  # verified by a person

    @property
    def key(self) -> str:
        return f"{self.record_id}/{self.cell}"


def cell_risk(record: MeasureRecord, key: str, low_below: float) -> tuple[float, tuple[str, ...]]:
    """A score (0: nothing known against the cell) and the warning codes behind it."""
    codes = tuple(w.code for w in record.warnings if w.cell == key)
    if key in record.filled_from:  # repeated from a merged cell: is it really this row's?
        codes = (*codes, "merged-cell")
    risk = sum(_WEIGHTS.get(code, 1.0) for code in codes)
    confidence = cell_confidence(record, key)
    if confidence is not None:
        risk += (100.0 - confidence) / 100.0  # the less sure, the earlier
        if confidence < low_below and "low-confidence" not in codes:
            risk += _WEIGHTS["low-confidence"]
            codes = (*codes, "low-confidence")
    return risk, codes


def build_queue(records: Iterable[MeasureRecord], low_below: float) -> list[QueueItem]:
    """Cells not yet verified, riskiest first (then in reading order); verified ones after."""
    items = []
    for record in sorted(records, key=lambda r: (r.document_id, r.record_index)):
        for key in COLUMN_KEYS:
            risk, reasons = cell_risk(record, key, low_below)
            items.append(
                QueueItem(
                    record.record_id, key, record.document_id, risk, reasons, key in record.verified
                )
            )
    order = {id(item): i for i, item in enumerate(items)}
    return sorted(items, key=lambda i: (i.done, -i.risk, order[id(i)]))
