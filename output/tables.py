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
from thaireport.output.writers import places_json

# --------------------------------------------------------------------------- Parquet

# Columns are named as the record's fields, levels joined by "." (docs/records.md, "Column
# names"): scalar columns, then each nested field whole, as JSON text, under its own name.
_NESTED = ("collection", "found_at", "fiscal_year", "section", "extra_cells", "filled_from",
           "normalized", "page_sources", "locations", "warnings", "verified", "document",
           "entities", "suggestions")  # fmt: skip
_TOP = ("record_id", "schema_version", "document_id", "source_path", "source_kind",
        "page_first", "page_last", "report_title", "organization", "row_index",
        "record_index", "table_kind")  # fmt: skip
_INT = {"page_first", "page_last", "row_index", "record_index"}
PARQUET_SCHEMA = pa.schema(
    [
        *((name, pa.int32() if name in _INT else pa.string()) for name in _TOP),
        ("fiscal_year.be", pa.int32()),
        ("fiscal_year.start", pa.date32()),
        ("fiscal_year.end", pa.date32()),
        ("section.number_printed", pa.string()),
        ("section.number_inferred", pa.int32()),
        ("section.title", pa.string()),
        *((f"cells.{key}", pa.string()) for key in COLUMN_KEYS),
        ("normalized.period_start", pa.date32()),
        ("normalized.period_end", pa.date32()),
        ("normalized.period_basis", pa.string()),
        ("warning_count", pa.int32()),  # derived: len(warnings)
        *((name, pa.string()) for name in _NESTED),
    ]
)
BATCH_ROWS = 2048


def _parquet_row(record: MeasureRecord) -> dict[str, Any]:
    fiscal = record.fiscal_year
    row: dict[str, Any] = {name: getattr(record, name) for name in _TOP}
    row |= {
        "fiscal_year.be": fiscal.be if fiscal else None,
        "fiscal_year.start": fiscal.start if fiscal else None,
        "fiscal_year.end": fiscal.end if fiscal else None,
        "section.number_printed": record.section.number_printed,
        "section.number_inferred": record.section.number_inferred,
        "section.title": record.section.title,
        "normalized.period_start": record.normalized.period_start,
        "normalized.period_end": record.normalized.period_end,
        "normalized.period_basis": record.normalized.period_basis,
        "warning_count": len(record.warnings),
    }
    for key in COLUMN_KEYS:
        row[f"cells.{key}"] = getattr(record.cells, key)
    data = record.model_dump(mode="json")
    for name in _NESTED:
        row[name] = json.dumps(data[name], ensure_ascii=False)
    row["found_at"] = places_json(record)
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
    table = pq.read_table(path)
    old = "cell_measure" in table.column_names  # written before the one naming scheme
    for row in table.to_pylist():
        data = {key: row[key] for key in _TOP if key in row}
        for name in _NESTED:
            text = row.get(f"{name}_json" if old else name)
            if text is not None:
                data[name] = json.loads(text)
        data["cells"] = {key: row[f"cell_{key}" if old else f"cells.{key}"] for key in COLUMN_KEYS}
        records.append(MeasureRecord.model_validate(data))
    return records


# --------------------------------------------------------------------------- SQLite

# Named as the record's fields (docs/records.md, "Column names"): `measures` holds the
# record's own fields (`record_id`, `"normalized.period_start"`: quote a name with a dot),
# `documents` those that are the same on all of a document's records, `sections` the fields
# of `section`, `entities` and `warnings` those of one entity or warning; a table's key is
# named as the column that refers to it (`record_id`, `document_id`, `section_id`), so
# tables join USING (...).
SQLITE_SCHEMA = """
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS documents (
    document_id TEXT PRIMARY KEY,     -- sha256 of the input file
    source_path TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    collection TEXT NOT NULL,         -- folders below a batch's input, joined with /
    found_at TEXT,                    -- every path the content was found at (JSON)
    report_title TEXT,
    organization TEXT,
    "fiscal_year.be" INTEGER,
    "fiscal_year.start" TEXT,
    "fiscal_year.end" TEXT
);
CREATE TABLE IF NOT EXISTS sections (
    section_id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(document_id) ON DELETE CASCADE,
    number_inferred INTEGER NOT NULL, -- number inferred from the section's place
    number_printed TEXT,
    number_printed_value INTEGER,
    title TEXT NOT NULL,
    heading TEXT NOT NULL,
    UNIQUE (document_id, number_inferred)
);
CREATE TABLE IF NOT EXISTS measures (
    record_id TEXT PRIMARY KEY,       -- the record's stable record_id
    document_id TEXT NOT NULL REFERENCES documents(document_id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections(section_id) ON DELETE CASCADE,
    row_index INTEGER NOT NULL,
    record_index INTEGER NOT NULL,
    page_first INTEGER NOT NULL,
    page_last INTEGER NOT NULL,
    "normalized.period_start" TEXT,
    "normalized.period_end" TEXT,
    "normalized.period_basis" TEXT,   -- how start/end were derived: printed-range, ..., none
    record_json TEXT NOT NULL         -- the whole published record
);
CREATE TABLE IF NOT EXISTS cells (
    record_id TEXT NOT NULL REFERENCES measures(record_id) ON DELETE CASCADE,
    key TEXT NOT NULL,                -- measure, method, ... or extra:<header as printed>
    text TEXT NOT NULL,
    normalized_json TEXT,
    verified_at TEXT,                 -- when a person checked it (apply-corrections), or NULL
    read_text TEXT,                   -- what the pipeline had read, when a person changed it
    PRIMARY KEY (record_id, key)
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES measures(record_id) ON DELETE CASCADE,
    cell TEXT,
    label TEXT NOT NULL,              -- ORG, GPE, PERSON, DATE, PERCENT, CARDINAL, URL, ...
    text TEXT NOT NULL,               -- as printed
    value TEXT,                       -- normalized (numbers as their decimal text)
    start INTEGER,                    -- character offsets into the cell's printed text
    "end" INTEGER,
    unit TEXT
);
CREATE TABLE IF NOT EXISTS warnings (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES measures(record_id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    cell TEXT
);
"""


def _insert_document(db: sqlite3.Connection, records: list[MeasureRecord]) -> None:
    first = records[0]
    fiscal = first.fiscal_year
    db.execute("DELETE FROM documents WHERE document_id = ?", (first.document_id,))  # cascades
    places = places_json(first)
    db.execute(
        "INSERT INTO documents (document_id, source_path, source_kind, collection, found_at,"
        ' report_title, organization, "fiscal_year.be", "fiscal_year.start",'
        ' "fiscal_year.end") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        (
            first.document_id, first.source_path, first.source_kind,
            "/".join(first.collection), places, first.report_title, first.organization,
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
                "INSERT INTO sections (document_id, number_inferred, number_printed,"
                " number_printed_value, title, heading) VALUES (?, ?, ?, ?, ?, ?)",
                (record.document_id, section.number_inferred, section.number_printed,
                 section.number_printed_value, section.title, section.heading),
            )  # fmt: skip
            sections[section.number_inferred] = int(cursor.lastrowid or 0)
        normalized = record.normalized
        db.execute(
            # Columns by name: in a database from an earlier version some were added last
            # (ALTER TABLE), so the order of the columns differs between files.
            "INSERT INTO measures (record_id, document_id, section_id, row_index,"
            ' record_index, page_first, page_last, "normalized.period_start",'
            ' "normalized.period_end", "normalized.period_basis", record_json)'
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
                "INSERT INTO cells (record_id, key, text, normalized_json, verified_at,"
                " read_text) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.record_id, key, text, values.model_dump_json() if values else None,
                    check.at.isoformat() if check else None,
                    check.read if check and check.read != text else None,
                ),
            )  # fmt: skip
        db.executemany(
            'INSERT INTO entities (record_id, cell, label, text, value, start, "end", unit)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (record.record_id, e.cell, e.label, e.text,
                 None if e.value is None else str(e.value), e.start, e.end, e.unit)
                for e in record.entities
            ],
        )  # fmt: skip
        db.executemany(
            "INSERT INTO warnings (record_id, code, message, cell) VALUES (?, ?, ?, ?)",
            [(record.record_id, w.code, w.message, w.cell) for w in record.warnings],
        )


# Columns named otherwise before the one naming scheme (table -> old -> new): renamed in an
# older file. SQLite's RENAME COLUMN also rewrites the foreign keys that name them.
_RENAMED = {
    "documents": {"id": "document_id", "fiscal_year_be": "fiscal_year.be",
                  "fiscal_year_start": "fiscal_year.start", "fiscal_year_end": "fiscal_year.end"},
    "sections": {"id": "section_id", "position": "number_inferred"},
    "measures": {"id": "record_id", "period_start": "normalized.period_start",
                 "period_end": "normalized.period_end", "period_basis": "normalized.period_basis"},
    "cells": {"measure_id": "record_id"},
    "entities": {"measure_id": "record_id", "kind": "label"},
    "warnings": {"measure_id": "record_id"},
}  # fmt: skip
# Columns added since the first version of the database: an older file gets them.
_ADDED_COLUMNS = {
    "entities": (("start", "INTEGER"), ('"end"', "INTEGER"), ("unit", "TEXT")),
    "cells": (("verified_at", "TEXT"), ("read_text", "TEXT")),
    "measures": (('"normalized.period_basis"', "TEXT"),),
    "documents": (("found_at", "TEXT"),),
}


def _add_columns(db: sqlite3.Connection) -> None:
    """Databases written by earlier versions name some columns otherwise, and lack some:
    rename and add them."""
    for table, renamed in _RENAMED.items():
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for old, new in renamed.items():
            if old in have and new not in have:
                db.execute(f'ALTER TABLE {table} RENAME COLUMN "{old}" TO "{new}"')
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
