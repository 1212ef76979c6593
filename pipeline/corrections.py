"""The corrections round trip: a person's edits back into every output of their documents.

An archivist edits the CSV or the workbook (`records.csv`, `records.xlsx`: change a
`cells.*` column, or name cells in the `verified` column to confirm them as they are; an
edit to any other column is refused, naming it) or writes a JSON corrections file
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord, correct_cells
from thaireport.output.atomic import atomic_write
from thaireport.output.document_files import DocumentPlaces, write_document_files
from thaireport.output.formats import RECORD_FORMATS
from thaireport.output.keep_work import (
    MANIFEST,
    KeepWorkError,
    KeptDocument,
    find_keep_work,
    read_keep_work,
)
from thaireport.output.review import HEAD_BYTES, find_reviews, review_document, revise_review
from thaireport.output.tables import read_parquet, read_sqlite, write_sqlite
from thaireport.output.writers import csv_row, unguard, write_jsonl, write_records
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
    notices: list[str] = field(default_factory=list)  # what a person should know


# --------------------------------------------------------------------------- reading


def _lines(text: str) -> str:
    # Spreadsheets save line ends inside cells as \r\n; the records keep \n.
    return text.replace("\r\n", "\n").replace("\r", "\n")


EDITABLE = (*(f"cells.{key}" for key in COLUMN_KEYS), "verified")


def _same(written: object, edited: object) -> bool:
    """Whether a cell of an edited table still says what the writer wrote there."""
    if isinstance(edited, dt.datetime) and isinstance(written, dt.date):
        return edited.date() == written  # a workbook's dates read back as datetimes
    if isinstance(edited, int | float) and isinstance(written, int | float):
        return abs(edited - written) < 1e-9
    want = "" if written is None else str(written)
    text = "" if edited is None else str(edited)
    if _lines(text).strip() == _lines(want).strip():
        return True
    try:  # a nested value a spreadsheet saved with other spacing
        return bool(json.loads(text) == json.loads(want))
    except (json.JSONDecodeError, TypeError):
        return False


def _refuse_fixed(path: Path, fixed: dict[str, list[str]]) -> None:
    """Edits to columns computed from the cells or read from the document cannot be
    applied: say which, and which columns can be edited, rather than drop them."""
    if not fixed:
        return
    lines = "; ".join(f"{column} ({', '.join(where[:3])})" for column, where in fixed.items())
    raise InputError(
        f"edits to columns that cannot be edited: {lines}",
        path=path,
        hint=f"edit only {', '.join(EDITABLE)}; the other columns are computed from the cells"
        " (normalized.*) or read from the document, and are written again from them",
    )


def _from_rows(
    path: Path,
    rows: Iterable[tuple[str, dict[str, Any]]],
    records: dict[str, MeasureRecord],
    written_as: Callable[[MeasureRecord], dict[str, Any]],
    text_of: Callable[[str], str],
) -> list[Correction]:
    """Corrections from the rows of an edited table (CSV lines, workbook rows): changed
    `cells.*`, cells named in `verified`; an edit anywhere else is refused (`_refuse_fixed`).
    `written_as` is the row as the writer wrote it, `text_of` undoes the writer's quoting."""
    found: list[Correction] = []
    fixed: dict[str, list[str]] = {}
    for where, row in rows:
        rid = str(row.get("record_id") or "").strip()
        if not rid:
            continue
        record = records.get(rid)
        if record is None:
            raise InputError(f"{where}: no record {rid} in the outputs", path=path)
        written = written_as(record)
        for column in sorted(set(row) & set(written) - set(EDITABLE)):
            if row[column] is not None and not _same(written[column], row[column]):
                fixed.setdefault(column, []).append(where)
        for key in COLUMN_KEYS:
            value = row.get(f"cells.{key}", False)
            if value is False:
                continue  # no such column
            text = _lines(text_of("" if value is None else str(value)))
            if text != getattr(record.cells, key):
                found.append(Correction(rid, key, text, where))
        named = [k.strip() for k in str(row.get("verified") or "").split(",") if k.strip()]
        changed = {c.cell for c in found if c.record_id == rid}
        for key in named:
            if key not in COLUMN_KEYS:
                raise InputError(f"{where}: {key!r} in verified is not a column", path=path)
            if key not in changed and key not in record.verified:
                found.append(Correction(rid, key, None, where))
    _refuse_fixed(path, fixed)
    return found


def _from_csv(path: Path, records: dict[str, MeasureRecord]) -> list[Correction]:
    excel = _has_bom(path)  # an --excel CSV: formula starts carry an apostrophe
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "record_id" not in (reader.fieldnames or ()):
            raise InputError("the CSV has no record_id column", path=path)
        rows = ((f"line {n}", dict(row)) for n, row in enumerate(reader, start=2))
        return _from_rows(
            path,
            rows,
            records,
            lambda r: csv_row(r, excel=excel),
            unguard if excel else (lambda text: text),
        )


def _from_workbook(path: Path, records: dict[str, MeasureRecord]) -> list[Correction]:
    from thaireport.output.workbook import read_workbook, workbook_row

    try:
        rows = list(read_workbook(path))
    except (OSError, ValueError, KeyError) as exc:  # not a workbook, or a damaged one
        raise InputError(f"not an Excel workbook ({exc})", path=path) from exc
    if rows and "record_id" not in rows[0][1]:
        raise InputError("the records sheet has no record_id column", path=path)
    return _from_rows(path, rows, records, workbook_row, lambda text: text)


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
    suffix = path.suffix.lower()
    if suffix == ".csv":
        found = _from_csv(path, records)
    elif suffix == ".xlsx":
        found = _from_workbook(path, records)
    else:
        found = _from_json(path)
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
        return review_pages(self.out_dir, documents)

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


def review_pages(out_dir: Path, documents: set[str]) -> dict[str, Path]:
    """The review pages of these documents in an output folder that exist, by document id."""
    if not (out_dir / STATE_FILE).is_file():
        return find_reviews(out_dir, documents)
    pages = {d: out_dir / DocumentPlaces.by_content(d, DOCS_DIR).review for d in documents}
    return {d: path for d, path in pages.items() if path.is_file()}


def _read_jsonl(path: Path) -> list[MeasureRecord]:
    with path.open(encoding="utf-8") as handle:
        return [MeasureRecord.model_validate_json(line) for line in handle if line.strip()]


def _has_bom(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(3) == _BOM


def _kept_folders(
    reviews: dict[str, Path], keep_work: Path | None, notices: list[str]
) -> dict[str, KeptDocument]:
    """The work folder of each document whose review page is rebuilt: from `keep_work`
    (which must hold every one of them), else the folder its review page names. A folder of
    another source file is refused (before anything is written); a named folder that is
    gone is said, and the review page's own images are used."""
    kept: dict[str, KeptDocument] = {}
    for document, path in sorted(reviews.items()):
        if keep_work is not None:
            found = find_keep_work(keep_work, document)
            if found is None:
                raise KeepWorkError(
                    f"holds no work folder of document {document[:12]}… (its review page:"
                    f" {path.name})",
                    path=keep_work,
                    hint="give the DIR that `extract --keep-work DIR` wrote for these outputs",
                )
            kept[document] = found
            continue
        with path.open(encoding="utf-8", errors="replace") as handle:
            named = review_document(handle.read(HEAD_BYTES)).keep_work
        if not named:
            continue
        if not (Path(named) / MANIFEST).is_file():
            notices.append(
                f"{path.name}: its work folder {named} is gone; the page images it holds are used"
            )
            continue
        kept[document] = read_keep_work(Path(named), document)
    return kept


def _reviews(
    outputs: _Outputs, reviews: dict[str, Path], kept: dict[str, KeptDocument]
) -> Iterator[tuple[str, bytes]]:
    """The review pages of these documents written again: with the page images of their
    work folders where they have one, else with the images the old page holds."""
    low = OcrSettings().min_confidence
    for document, path in sorted(reviews.items()):
        records = [r for r in outputs.records.values() if r.document_id == document]
        views = kept[document].views() if document in kept else None
        page = revise_review(
            path.read_text(encoding="utf-8"), records, low_confidence_below=low, views=views
        )
        yield str(path.relative_to(outputs.out_dir)), page.encode("utf-8")


def apply_corrections(
    corrections_file: Path,
    out_dir: Path,
    *,
    at: dt.datetime | None = None,
    keep_work: Path | None = None,
) -> CorrectionSummary:
    """`keep_work`: the work folder (`extract --keep-work DIR`) to rebuild review pages from."""
    at = at or dt.datetime.now(dt.UTC)
    outputs = _Outputs(out_dir)
    corrections = read_corrections(corrections_file, outputs.records)
    return _apply(outputs, corrections, source=corrections_file.name, at=at, keep_work=keep_work)


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
    outputs: _Outputs,
    corrections: list[Correction],
    *,
    source: str,
    at: dt.datetime,
    keep_work: Path | None = None,
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
    reviews = outputs.reviews(documents)
    kept = _kept_folders(reviews, keep_work, summary.notices)
    summary.written = outputs.write(documents)
    summary.written += write_document_files(_reviews(outputs, reviews, kept), out_dir)
    summary.written.append(append_log(out_dir, log))
    return summary
