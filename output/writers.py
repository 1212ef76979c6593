"""Record writers: JSON Lines and CSV, selected by format name."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.output.atomic import atomic_write
from thaireport.output.formats import RECORD_FORMATS


def record_json(record: MeasureRecord) -> str:
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)


def write_jsonl(records: Iterable[MeasureRecord], handle: IO[str]) -> None:
    for record in records:
        handle.write(record_json(record) + "\n")


CSV_COLUMNS: tuple[str, ...] = (
    "record_id",
    "document_id",
    "source_path",
    "source_kind",
    "collection",
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


def _csv_row(record: MeasureRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    fiscal = data["fiscal_year"] or {}
    row: dict[str, Any] = {
        "record_id": data["record_id"],
        "document_id": data["document_id"],
        "source_path": data["source_path"],
        "source_kind": data["source_kind"],
        "collection": "/".join(data["collection"]),
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


def write_csv(records: Iterable[MeasureRecord], handle: IO[str]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
    writer.writeheader()
    for record in records:
        writer.writerow(_csv_row(record))


_WRITERS: dict[str, Callable[[Iterable[MeasureRecord], IO[str]], None]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
}


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
    Excel takes UTF-8 Thai for Windows-874 mojibake. The SQLite database keeps documents of
    earlier runs (replacing the ones written again) unless `whole` says these records are
    all there is."""
    written = []
    for name in formats:
        if name not in RECORD_FORMATS:
            continue  # written per document (output.document_files)
        path = out_dir / f"records.{name}"
        if name in ("sqlite", "parquet"):
            from thaireport.output.tables import write_parquet, write_sqlite  # pyarrow: 0.3 s

            if name == "sqlite":
                write_sqlite(records(), path, fresh=whole)
            else:
                write_parquet(records(), path)
        else:
            encoding = "utf-8-sig" if excel and name == "csv" else "utf-8"
            newline = "" if name == "csv" else None
            with atomic_write(path, encoding=encoding, newline=newline) as handle:
                _WRITERS[name](records(), handle)
        written.append(path)
    return written
