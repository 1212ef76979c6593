"""The corrections round trip: a person's edits back into every output of their documents.

An archivist edits the CSV (`records.csv`: change a `cells.*` column, or name cells in the
`verified` column to confirm them as they are) or writes a JSON corrections file
(`[{"record_id": ..., "cell": "period", "text": "..."}]`; without "text" the cell is
confirmed as it is). `apply_corrections` compares them with the records the output
directory holds, sets the new text, runs the normalizers again, marks the cells verified,
and writes every record output, the review pages and `corrections.jsonl` (who changed
what, when; later runs apply it again: `pipeline.correction_log`) again, atomically.
Nothing is written unless every correction can be placed.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord, correct_cells
from thaireport.output.atomic import atomic_write
from thaireport.output.document_files import DocumentPlaces, write_document_files
from thaireport.output.formats import RECORD_FORMATS
from thaireport.output.review import find_reviews, revise_review
from thaireport.output.tables import read_parquet, read_sqlite, write_sqlite
from thaireport.output.writers import write_jsonl, write_records
from thaireport.pipeline.batch import DOCS_DIR, rebuild_outputs
from thaireport.pipeline.correction_log import LoggedCorrection, append_log
from thaireport.pipeline.state import STATE_FILE, BatchState

from thaireport.errors import InputError
from thaireport.settings import OcrSettings

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Correction:
    record_id: str
    cell: str
    text: str | None  # None: confirmed as it is
    where: str  # "row 4" of a CSV, "item 2" of a JSON file: for error messages


@dataclass
class CorrectionSummary:
    changed: int = 0  # cells whose text a person changed
    confirmed: int = 0  # cells confirmed as they were
    documents: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def _lines(text: str) -> str:
    # Spreadsheets save line ends inside cells as \r\n; the records keep \n.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _from_csv(path: Path, records: dict[str, MeasureRecord]) -> list[Correction]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if "record_id" not in columns:
            raise InputError("the CSV has no record_id column", path=path)
        found = []
        for number, row in enumerate(reader, start=2):  # the header is line 1
            rid = (row.get("record_id") or "").strip()
            if not rid:
                continue
            record = records.get(rid)
            if record is None:
                raise InputError(f"line {number}: no record {rid} in the outputs", path=path)
            where = f"line {number}"
            for key in COLUMN_KEYS:
                column = f"cells.{key}"
                if column in columns and row[column] is not None:
                    text = _lines(row[column])
                    if text != getattr(record.cells, key):
                        found.append(Correction(rid, key, text, where))
            named = [k.strip() for k in (row.get("verified") or "").split(",") if k.strip()]
            changed = {c.cell for c in found if c.record_id == rid}
            for key in named:
                if key not in COLUMN_KEYS:
                    raise InputError(f"{where}: {key!r} in verified is not a column", path=path)
                if key not in changed and key not in record.verified:
                    found.append(Correction(rid, key, None, where))
    return found


def _from_json(path: Path) -> list[Correction]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON corrections file ({exc})", path=path) from exc
    items = data.get("corrections") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError('expected a list of {"record_id", "cell", "text"} objects', path=path)
    found = []
    for number, item in enumerate(items, start=1):
        where = f"item {number}"
        if not isinstance(item, dict) or not {"record_id", "cell"} <= set(item):
            raise InputError(f"{where}: needs record_id and cell", path=path)
        text = item.get("text")
        if text is not None and not isinstance(text, str):
            raise InputError(f"{where}: text must be a string", path=path)
        found.append(Correction(str(item["record_id"]), str(item["cell"]), text, where))
    return found


def read_corrections(path: Path, records: dict[str, MeasureRecord]) -> list[Correction]:
    """The corrections a CSV or JSON file asks for, checked against the records."""
    if not path.is_file():
        raise InputError("no such file", path=path)
    found = _from_csv(path, records) if path.suffix.lower() == ".csv" else _from_json(path)
    for correction in found:
        if correction.record_id not in records:
            raise InputError(
                f"{correction.where}: no record {correction.record_id} in the outputs", path=path
            )
        if correction.cell not in COLUMN_KEYS:
            raise InputError(
                f"{correction.where}: {correction.cell!r} is not one of {', '.join(COLUMN_KEYS)}",
                path=path,
            )
    return found


# --------------------------------------------------------------------------- the outputs


class _Outputs:
    """The records of an output directory: an `extract` run's or a batch's."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.batch = (out_dir / STATE_FILE).is_file()
        self.formats = tuple(f for f in RECORD_FORMATS if (out_dir / f"records.{f}").is_file())
        self.records = self._load()

    def _load(self) -> dict[str, MeasureRecord]:
        if self.batch:
            files = sorted((self.out_dir / DOCS_DIR).glob("*.jsonl"))
            loaded = [r for f in files for r in _read_jsonl(f)]
        elif "jsonl" in self.formats:
            loaded = _read_jsonl(self.out_dir / "records.jsonl")
        elif "parquet" in self.formats:
            loaded = read_parquet(self.out_dir / "records.parquet")
        elif "sqlite" in self.formats:
            loaded = read_sqlite(self.out_dir / "records.sqlite")
        else:
            raise InputError(
                "no records here (records.jsonl, .parquet, .sqlite or a batch's docs/)",
                path=self.out_dir,
                hint="give the folder that `thaireport extract -o` or `batch -o` wrote",
            )
        return {r.record_id: r for r in loaded}

    def reviews(self, documents: set[str]) -> dict[str, Path]:
        """The review pages of these documents that exist, by document id."""
        if not self.batch:
            return find_reviews(self.out_dir, documents)
        pages = {d: self.out_dir / DocumentPlaces.by_content(d, DOCS_DIR).review for d in documents}
        return {d: path for d, path in pages.items() if path.is_file()}

    def write(self, documents: set[str]) -> list[Path]:
        records = sorted(self.records.values(), key=lambda r: (r.document_id, r.record_index))
        excel = _has_bom(self.out_dir / "records.csv")
        if not self.batch:
            flat = [f for f in self.formats if f != "sqlite"]
            written = write_records(records, self.out_dir, flat, excel=excel)
            if "sqlite" in self.formats:  # it may hold documents of other runs: replace ours
                touched = [r for r in records if r.document_id in documents]
                write_sqlite(touched, self.out_dir / "records.sqlite")
                written.append(self.out_dir / "records.sqlite")
            return written
        written = []
        for document in sorted(documents):
            path = self.out_dir / DOCS_DIR / f"{document}.jsonl"
            with atomic_write(path) as handle:
                write_jsonl([r for r in records if r.document_id == document], handle)
            written.append(path)
        with BatchState(self.out_dir / STATE_FILE) as state:
            run = state.last_run()
            if run is not None:
                written += rebuild_outputs(state, run, self.out_dir, self.formats, excel=excel)
        return written


def _read_jsonl(path: Path) -> list[MeasureRecord]:
    with path.open(encoding="utf-8") as handle:
        return [MeasureRecord.model_validate_json(line) for line in handle if line.strip()]


def _has_bom(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(3) == _BOM


def _reviews(outputs: _Outputs, documents: set[str]) -> Iterator[tuple[str, bytes]]:
    """The review pages of these documents written again, where there is one."""
    low = OcrSettings().min_confidence
    for document, path in sorted(outputs.reviews(documents).items()):
        records = [r for r in outputs.records.values() if r.document_id == document]
        page = revise_review(path.read_text(encoding="utf-8"), records, low_confidence_below=low)
        yield str(path.relative_to(outputs.out_dir)), page.encode("utf-8")


def apply_corrections(
    corrections_file: Path, out_dir: Path, *, at: dt.datetime | None = None
) -> CorrectionSummary:
    at = at or dt.datetime.now(dt.UTC)
    outputs = _Outputs(out_dir)
    corrections = read_corrections(corrections_file, outputs.records)
    return _apply(outputs, corrections, source=corrections_file.name, at=at)


def load_records(out_dir: Path) -> dict[str, MeasureRecord]:
    """The records an output directory holds, by record id, as they are on disk now."""
    return _Outputs(out_dir).records


def apply_cell_corrections(
    corrections: list[Correction], out_dir: Path, *, source: str, at: dt.datetime | None = None
) -> CorrectionSummary:
    """Corrections made elsewhere than in a file (`thaireport serve`), the same way:
    every record output, review page and `corrections.jsonl` written again."""
    outputs = _Outputs(out_dir)
    for c in corrections:
        if c.record_id not in outputs.records or c.cell not in COLUMN_KEYS:
            raise InputError(f"{c.where}: no cell {c.cell} of record {c.record_id}", path=out_dir)
    return _apply(outputs, corrections, source=source, at=at or dt.datetime.now(dt.UTC))


def _apply(
    outputs: _Outputs, corrections: list[Correction], *, source: str, at: dt.datetime
) -> CorrectionSummary:
    out_dir = outputs.out_dir
    summary = CorrectionSummary()
    by_record: dict[str, dict[str, str]] = {}
    for c in corrections:
        record = outputs.records[c.record_id]
        text = getattr(record.cells, c.cell) if c.text is None else c.text
        by_record.setdefault(c.record_id, {})[c.cell] = text
        if c.text is None or c.text == getattr(record.cells, c.cell):
            summary.confirmed += 1
        else:
            summary.changed += 1
    log: list[LoggedCorrection] = []
    for rid, texts in by_record.items():
        before = outputs.records[rid]
        after = correct_cells(before, texts, source=source, at=at)
        outputs.records[rid] = after
        log.extend(
            LoggedCorrection(rid, key, after.verified[key].read, text, source, at)
            for key, text in texts.items()
        )
    documents = {outputs.records[rid].document_id for rid in by_record}
    summary.documents = sorted(documents)
    if not by_record:
        return summary
    summary.written = outputs.write(documents)
    summary.written += write_document_files(_reviews(outputs, documents), out_dir)
    summary.written.append(append_log(out_dir, log))
    return summary
