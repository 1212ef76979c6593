"""`corrections.jsonl`: what people corrected in an output folder, kept across runs.

Each line says which cell of which record was changed, from what text, to what, from which
file and when. A later `extract` or `batch` run into the same folder applies the
corrections again where the cell still reads as it did when the person corrected it; where
the new reading differs, the correction is not applied and the record says so.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from thaireport.extract.records import MeasureRecord, RecordWarning, correct_cells
from thaireport.output.atomic import atomic_write

CORRECTIONS_LOG = "corrections.jsonl"


@dataclass(frozen=True)
class LoggedCorrection:
    record_id: str
    cell: str
    read: str  # the text the pipeline had read
    text: str  # the person's text
    source: str
    at: dt.datetime

    def as_json(self) -> str:
        data = {**self.__dict__, "at": self.at.isoformat()}
        return json.dumps(data, ensure_ascii=False)


def read_log(out_dir: Path) -> list[LoggedCorrection]:
    """The corrections of this folder in the order they were made (later ones win)."""
    path = out_dir / CORRECTIONS_LOG
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        entries.append(
            LoggedCorrection(
                record_id=data["record_id"],
                cell=data["cell"],
                read=data["read"],
                text=data["text"],
                source=data["source"],
                at=dt.datetime.fromisoformat(data["at"]),
            )
        )
    return entries


def append_log(out_dir: Path, entries: Sequence[LoggedCorrection]) -> Path:
    path = out_dir / CORRECTIONS_LOG
    earlier = path.read_text(encoding="utf-8") if path.is_file() else ""
    with atomic_write(path) as handle:
        handle.write(earlier)
        for entry in entries:
            handle.write(entry.as_json() + "\n")
    return path


def reapply(
    records: Sequence[MeasureRecord], log: Sequence[LoggedCorrection]
) -> list[MeasureRecord]:
    """The records with the logged corrections that still fit applied again."""
    if not log:
        return list(records)
    latest: dict[tuple[str, str], LoggedCorrection] = {}
    for entry in log:
        key = (entry.record_id, entry.cell)
        first = latest.get(key)
        # a cell corrected twice: the newest text, checked against the first reading
        latest[key] = entry if first is None else _replace_text(first, entry)
    result = []
    for record in records:
        # one apply per correction file and time, as apply-corrections made them: the same
        # record, warnings in the same order
        groups: dict[tuple[str, dt.datetime], dict[str, str]] = {}
        notes = []
        for (rid, cell), entry in latest.items():
            if rid != record.record_id or cell in record.verified:
                continue
            if getattr(record.cells, cell) == entry.read:
                groups.setdefault((entry.source, entry.at), {})[cell] = entry.text
            else:
                notes.append(
                    RecordWarning(
                        code="correction-not-applied",
                        message=f"the correction from {entry.source} ({entry.text!r}) was made"
                        f" when the cell read {entry.read!r}; it now reads differently",
                        cell=cell,
                    )
                )
        for (source, at), texts in groups.items():
            record = correct_cells(record, texts, source=source, at=at)
        if notes:
            record = record.model_copy(update={"warnings": [*record.warnings, *notes]})
        result.append(record)
    return result


def _replace_text(first: LoggedCorrection, later: LoggedCorrection) -> LoggedCorrection:
    return LoggedCorrection(
        first.record_id, first.cell, first.read, later.text, later.source, later.at
    )
