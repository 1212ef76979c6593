"""Record writers: JSON Lines and CSV, selected by format name."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import IO, Any

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.output.atomic import atomic_write
from thaireport.output.formats import RECORD_FORMATS


def record_json(record: MeasureRecord) -> str:
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)


def places_json(record: MeasureRecord) -> str:
    """`found_at` as JSON text, for a column of a flat format (CSV, XLSX, Parquet, SQLite)."""
    return json.dumps([p.model_dump(mode="json") for p in record.places()], ensure_ascii=False)


def write_jsonl(records: Iterable[MeasureRecord], handle: IO[str]) -> None:
    for record in records:
        handle.write(record_json(record) + "\n")


CSV_COLUMNS: tuple[str, ...] = (
    "record_id",
    "document_id",
    "source_path",
    "source_kind",
    "collection",
    "found_at",
    "page_first",
    "page_last",
    "organization",
    "fiscal_year.be",
    "fiscal_year.start",
    "fiscal_year.end",
    "section.number_printed",
    "section.number_inferred",
    "section.title",
    "row_index",
    "record_index",
    *(f"cells.{key}" for key in COLUMN_KEYS),
    "normalized.period_start",
    "normalized.period_end",
    "normalized.period_basis",
    "extra_cells",
    "normalized.cells",
    "warnings",
    "document",
    "entities",
    "suggestions",
    "verified",
)


# What a spreadsheet takes as the start of a formula (OWASP "CSV injection"): `--excel` CSV
# puts an apostrophe before such a cell, which Excel and LibreOffice show without it and never
# run. apply-corrections takes it off again (`unguard`). Other formats stay verbatim.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_row(record: MeasureRecord, *, excel: bool = False) -> dict[str, Any]:
    """A record as the CSV writes it (apply-corrections compares edits with it)."""
    row = _csv_row(record)
    if excel:
        row = {k: guard(v) if isinstance(v, str) else v for k, v in row.items()}
    return row


def _csv_row(record: MeasureRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    fiscal = data["fiscal_year"] or {}
    row: dict[str, Any] = {
        "record_id": data["record_id"],
        "document_id": data["document_id"],
        "source_path": data["source_path"],
        "source_kind": data["source_kind"],
        "collection": "/".join(data["collection"]),
        "found_at": places_json(record),
        "page_first": data["page_first"],
        "page_last": data["page_last"],
        "organization": data["organization"],
        "fiscal_year.be": fiscal.get("be"),
        "fiscal_year.start": fiscal.get("start"),
        "fiscal_year.end": fiscal.get("end"),
        "section.number_printed": data["section"]["number_printed"],
        "section.number_inferred": data["section"]["number_inferred"],
        "section.title": data["section"]["title"],
        "row_index": data["row_index"],
        "record_index": data["record_index"],
        "normalized.period_start": data["normalized"]["period_start"],
        "normalized.period_end": data["normalized"]["period_end"],
        "normalized.period_basis": data["normalized"]["period_basis"],
        # Nested values stay machine-readable inside one CSV cell.
        "extra_cells": json.dumps(data["extra_cells"], ensure_ascii=False),
        "normalized.cells": json.dumps(data["normalized"]["cells"], ensure_ascii=False),
        "warnings": json.dumps(data["warnings"], ensure_ascii=False),
        "document": json.dumps(data["document"], ensure_ascii=False),
        "entities": json.dumps(data["entities"], ensure_ascii=False),
        "suggestions": json.dumps(data["suggestions"], ensure_ascii=False),
        "verified": ",".join(data["verified"]),
    }
    for key in COLUMN_KEYS:
        row[f"cells.{key}"] = data["cells"][key]
    return row


def write_csv(records: Iterable[MeasureRecord], handle: IO[str], *, excel: bool = False) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record, excel=excel))


def _write_excel_csv(records: Iterable[MeasureRecord], handle: IO[str]) -> None:
    write_csv(records, handle, excel=True)


_WRITERS: dict[str, Callable[[Iterable[MeasureRecord], IO[str]], None]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
}


# --------------------------------------------------------------------------- an output folder
#
# The rule for writing into a folder that holds outputs already: per document, replace. The
# records of the documents read now replace those documents' records; the records of other
# documents stay; and every `records.<ext>` the folder holds is written again, whether asked
# for or not, so the files of one folder always hold the same records.


def formats_in_step(out_dir: Path, formats: Sequence[str]) -> tuple[list[str], list[str]]:
    """The record formats to write into `out_dir`: those asked for and those already there
    (kept in step); and which of them were not asked for."""
    asked = [f for f in formats if f in RECORD_FORMATS]
    present = [f for f in RECORD_FORMATS if (out_dir / f"records.{f}").is_file()]
    added = [f for f in present if f not in asked]
    return [*asked, *added], added


def _has_measures(path: Path) -> bool:
    """Whether a SQLite file holds a measures table (an older or foreign one may not)."""
    import sqlite3

    with closing(sqlite3.connect(path)) as db:
        found = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'measures'"
        ).fetchone()
    return found is not None


def read_folder_records(out_dir: Path) -> list[MeasureRecord] | None:
    """The records an output folder holds, from the first full format there (JSON Lines,
    Parquet, SQLite: the CSV leaves out locations and page sources); None if none is."""
    jsonl = out_dir / "records.jsonl"
    if jsonl.is_file():
        with jsonl.open(encoding="utf-8") as handle:
            return [MeasureRecord.model_validate_json(line) for line in handle if line.strip()]
    for name in ("parquet", "sqlite"):
        path = out_dir / f"records.{name}"
        if path.is_file():
            from thaireport.output.tables import read_parquet, read_sqlite  # pyarrow: 0.3 s

            if name == "parquet":
                return read_parquet(path)
            return read_sqlite(path) if _has_measures(path) else []
    return None


def merge_into_folder(
    records: Sequence[MeasureRecord], out_dir: Path, formats: Sequence[str]
) -> tuple[list[MeasureRecord], list[str], list[str]]:
    """The records `out_dir` should hold once `records` are written (per document,
    replace), the formats to write, and notices for the user."""
    names, added = formats_in_step(out_dir, formats)
    notices = []
    if added:
        notices.append(
            f"{out_dir}: also wrote {', '.join(f'records.{f}' for f in added)}, already in the"
            " folder, so that every file holds the same records"
        )
    earlier = read_folder_records(out_dir)
    if earlier is None:
        stale = [f"records.{f}" for f in names if (out_dir / f"records.{f}").is_file()]
        if stale:
            notices.append(
                f"{out_dir}: {', '.join(stale)} replaced; the documents of earlier runs in it"
                " could not be kept (no records.jsonl, .parquet or .sqlite to read them from)"
            )
        return list(records), names, notices
    now = {r.document_id for r in records}
    kept = [r for r in earlier if r.document_id not in now]
    replaced = {r.document_id for r in earlier} & now
    others = {r.document_id for r in kept}
    if kept or replaced:
        notices.append(
            f"{out_dir}: kept {len(kept)} record(s) of {len(others)} document(s) of earlier"
            f" runs; replaced {len(replaced)} document(s) read again"
        )
    return [*kept, *records], names, notices


def write_records(
    records: Sequence[MeasureRecord],
    out_dir: Path,
    formats: Sequence[str],
    *,
    excel: bool = False,
) -> list[Path]:
    """Write `records.<ext>` for each format, atomically; return the paths written."""
    return write_record_stream(lambda: records, out_dir, formats, excel=excel)


def write_record_stream(
    records: Callable[[], Iterable[MeasureRecord]],
    out_dir: Path,
    formats: Sequence[str],
    *,
    excel: bool = False,
    whole: bool = False,
) -> list[Path]:
    """As `write_records`, for more records than fit in memory: `records()` is called once
    per format and may read them lazily. `excel` puts a BOM before the CSV, without which
    Excel takes UTF-8 Thai for Windows-874 mojibake, and an apostrophe before cells that
    would start a formula (`guard`). The SQLite database keeps documents of
    earlier runs (replacing the ones written again) unless `whole` says these records are
    all there is."""
    written = []
    for name in formats:
        if name not in RECORD_FORMATS:
            continue  # written per document (output.document_files)
        path = out_dir / f"records.{name}"
        if name == "xlsx":
            from thaireport.output.workbook import write_workbook

            write_workbook(records(), path)
        elif name in ("sqlite", "parquet"):
            from thaireport.output.tables import write_parquet, write_sqlite  # pyarrow: 0.3 s

            if name == "sqlite":
                write_sqlite(records(), path, fresh=whole)
            else:
                write_parquet(records(), path)
        else:
            excel_csv = excel and name == "csv"
            encoding = "utf-8-sig" if excel_csv else "utf-8"
            newline = "" if name == "csv" else None
            write = _write_excel_csv if excel_csv else _WRITERS[name]
            with atomic_write(path, encoding=encoding, newline=newline) as handle:
                write(records(), handle)
        written.append(path)
    return written
