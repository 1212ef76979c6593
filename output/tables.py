"""Typed, queryable record outputs: Parquet (pyarrow) and SQLite.

Both read back to the same `MeasureRecord`s: Parquet keeps every field (nested values as
JSON text beside typed scalar columns), SQLite keeps the record's JSON beside the relational
tables that other systems query.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.output.atomic import atomic_path

# --------------------------------------------------------------------------- Parquet

_NESTED = ("collection", "fiscal_year", "section", "extra_cells", "normalized", "page_sources",
           "locations", "warnings", "verified", "document", "entities", "suggestions")  # fmt: skip
PARQUET_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("schema_version", pa.string()),
        ("document_id", pa.string()),
        ("source_path", pa.string()),
        ("source_kind", pa.string()),
        ("page_first", pa.int32()),
        ("page_last", pa.int32()),
        ("report_title", pa.string()),
        ("organization", pa.string()),
        ("fiscal_year_be", pa.int32()),
        ("fiscal_year_start", pa.date32()),
        ("fiscal_year_end", pa.date32()),
        ("section_number_printed", pa.string()),
        ("section_number_inferred", pa.int32()),
        ("section_title", pa.string()),
        ("row_index", pa.int32()),
        ("record_index", pa.int32()),
        *((f"cell_{key}", pa.string()) for key in COLUMN_KEYS),
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),
        ("period_basis", pa.string()),
        ("warning_count", pa.int32()),
        *((f"{name}_json", pa.string()) for name in _NESTED),
    ]
)
BATCH_ROWS = 2048


def _parquet_row(record: MeasureRecord) -> dict[str, Any]:
    fiscal = record.fiscal_year
    row: dict[str, Any] = {
        "record_id": record.record_id,
        "schema_version": record.schema_version,
        "document_id": record.document_id,
        "source_path": record.source_path,
        "source_kind": record.source_kind,
        "page_first": record.page_first,
        "page_last": record.page_last,
        "report_title": record.report_title,
        "organization": record.organization,
        "fiscal_year_be": fiscal.be if fiscal else None,
        "fiscal_year_start": fiscal.start if fiscal else None,
        "fiscal_year_end": fiscal.end if fiscal else None,
        "section_number_printed": record.section.number_printed,
        "section_number_inferred": record.section.number_inferred,
        "section_title": record.section.title,
        "row_index": record.row_index,
        "record_index": record.record_index,
        "period_start": record.normalized.period_start,
        "period_end": record.normalized.period_end,
        "period_basis": record.normalized.period_basis,
        "warning_count": len(record.warnings),
    }
    for key in COLUMN_KEYS:
        row[f"cell_{key}"] = getattr(record.cells, key)
    data = record.model_dump(mode="json")
    for name in _NESTED:
        row[f"{name}_json"] = json.dumps(data[name], ensure_ascii=False)
    return row


def write_parquet(records: Iterable[MeasureRecord], path: Path) -> None:
    with atomic_path(path) as tmp, pq.ParquetWriter(tmp, PARQUET_SCHEMA) as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(_parquet_row(record))
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=PARQUET_SCHEMA))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=PARQUET_SCHEMA))


def read_parquet(path: Path) -> list[MeasureRecord]:
    """The records a Parquet output holds (the scalar columns are views of the JSON ones)."""
    records = []
    for row in pq.read_table(path).to_pylist():
        data = {
            key: row[key]
            for key in ("record_id", "schema_version", "document_id", "source_path",
                        "source_kind", "page_first", "page_last", "report_title",
                        "organization", "row_index", "record_index")
        }  # fmt: skip
        for name in _NESTED:
            data[name] = json.loads(row[f"{name}_json"])
        data["cells"] = {key: row[f"cell_{key}"] for key in COLUMN_KEYS}
        records.append(MeasureRecord.model_validate(data))
    return records


# --------------------------------------------------------------------------- SQLite

SQLITE_SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,              -- sha256 of the input file
    source_path TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    collection TEXT NOT NULL,         -- folders below a batch's input, joined with /
    report_title TEXT,
    organization TEXT,
    fiscal_year_be INTEGER,
    fiscal_year_start TEXT,
    fiscal_year_end TEXT
);
CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,        -- number inferred from the section's place
    number_printed TEXT,
    number_printed_value INTEGER,
    title TEXT NOT NULL,
    heading TEXT NOT NULL,
    UNIQUE (document_id, position)
);
CREATE TABLE IF NOT EXISTS measures (
    id TEXT PRIMARY KEY,              -- the record's stable record_id
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    row_index INTEGER NOT NULL,
    record_index INTEGER NOT NULL,
    page_first INTEGER NOT NULL,
    page_last INTEGER NOT NULL,
    period_start TEXT,
    period_end TEXT,
    period_basis TEXT,                -- how start/end were derived: printed-range, ..., none
    record_json TEXT NOT NULL         -- the whole published record
);
CREATE TABLE IF NOT EXISTS cells (
    measure_id TEXT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    key TEXT NOT NULL,                -- measure, method, ... or extra:<header as printed>
    text TEXT NOT NULL,
    normalized_json TEXT,
    verified_at TEXT,                 -- when a person checked it (apply-corrections), or NULL
    read_text TEXT,                   -- what the pipeline had read, when a person changed it
    PRIMARY KEY (measure_id, key)
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    measure_id TEXT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    cell TEXT,
    kind TEXT NOT NULL,               -- ORG, GPE, PERSON, DATE, PERCENT, CARDINAL, URL, ...
    text TEXT NOT NULL,               -- as printed
    value TEXT,                       -- normalized (numbers as their decimal text)
    start INTEGER,                    -- character offsets into the cell's printed text
    "end" INTEGER,
    unit TEXT
);
CREATE TABLE IF NOT EXISTS warnings (
    id INTEGER PRIMARY KEY,
    measure_id TEXT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    cell TEXT
);
"""


def _insert_document(db: sqlite3.Connection, records: list[MeasureRecord]) -> None:
    first = records[0]
    fiscal = first.fiscal_year
    db.execute("DELETE FROM documents WHERE id = ?", (first.document_id,))  # cascades
    db.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            first.document_id, first.source_path, first.source_kind,
            "/".join(first.collection), first.report_title, first.organization,
            fiscal.be if fiscal else None,
            fiscal.start.isoformat() if fiscal else None,
            fiscal.end.isoformat() if fiscal else None,
        ),
    )  # fmt: skip
    sections: dict[int, int] = {}
    for record in records:
        section = record.section
        if section.number_inferred not in sections:
            cursor = db.execute(
                "INSERT INTO sections (document_id, position, number_printed,"
                " number_printed_value, title, heading) VALUES (?, ?, ?, ?, ?, ?)",
                (record.document_id, section.number_inferred, section.number_printed,
                 section.number_printed_value, section.title, section.heading),
            )  # fmt: skip
            sections[section.number_inferred] = int(cursor.lastrowid or 0)
        normalized = record.normalized
        db.execute(
            # Columns by name: in a database from an earlier version period_basis was added
            # last (ALTER TABLE), so the order of the columns differs between files.
            "INSERT INTO measures (id, document_id, section_id, row_index, record_index,"
            " page_first, page_last, period_start, period_end, period_basis, record_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.record_id, record.document_id, sections[section.number_inferred],
                record.row_index, record.record_index, record.page_first, record.page_last,
                normalized.period_start.isoformat() if normalized.period_start else None,
                normalized.period_end.isoformat() if normalized.period_end else None,
                normalized.period_basis,
                record.model_dump_json(),
            ),
        )  # fmt: skip
        cells = {key: getattr(record.cells, key) for key in COLUMN_KEYS}
        cells.update({f"extra:{label}": text for label, text in record.extra_cells.items()})
        for key, text in cells.items():
            values = normalized.cells.get(key)
            check = record.verified.get(key)
            db.execute(
                "INSERT INTO cells (measure_id, key, text, normalized_json, verified_at,"
                " read_text) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.record_id, key, text, values.model_dump_json() if values else None,
                    check.at.isoformat() if check else None,
                    check.read if check and check.read != text else None,
                ),
            )  # fmt: skip
        db.executemany(
            'INSERT INTO entities (measure_id, cell, kind, text, value, start, "end", unit)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (record.record_id, e.cell, e.label, e.text,
                 None if e.value is None else str(e.value), e.start, e.end, e.unit)
                for e in record.entities
            ],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO warnings (measure_id, code, message, cell) VALUES (?, ?, ?, ?)",
            [(record.record_id, w.code, w.message, w.cell) for w in record.warnings],
        )


# Columns added since the first version of the database: an older file gets them.
_ADDED_COLUMNS = {
    "entities": (("start", "INTEGER"), ('"end"', "INTEGER"), ("unit", "TEXT")),
    "cells": (("verified_at", "TEXT"), ("read_text", "TEXT")),
    "measures": (("period_basis", "TEXT"),),
}


def _add_columns(db: sqlite3.Connection) -> None:
    """Databases written by earlier versions lack some columns: add them."""
    for table, columns in _ADDED_COLUMNS.items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for column, kind in columns:
            if column.strip('"') not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def write_sqlite(records: Iterable[MeasureRecord], path: Path, *, fresh: bool = False) -> None:
    """Add the records' documents to the database at `path`, replacing earlier versions of
    those documents (never duplicating them); `fresh` starts from an empty database.
    Written to a copy, then renamed."""
    with atomic_path(path) as tmp:
        if path.exists() and not fresh:
            shutil.copyfile(path, tmp)
        db = sqlite3.connect(tmp)
        try:
            db.executescript(SQLITE_SCHEMA)
            _add_columns(db)
            for _, group in groupby(records, key=lambda r: r.document_id):
                _insert_document(db, list(group))
            db.commit()
        finally:
            db.close()


def read_sqlite(path: Path) -> list[MeasureRecord]:
    db = sqlite3.connect(path)
    try:
        rows: Iterator[tuple[str]] = db.execute(
            "SELECT record_json FROM measures ORDER BY document_id, record_index"
        )
        return [MeasureRecord.model_validate_json(row[0]) for row in rows]
    finally:
        db.close()
