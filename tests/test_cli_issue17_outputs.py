"""Issue 17, items 6 and 7: every place of duplicate content, one naming scheme for every
format. The real `thaireport` command in a temporary folder."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import Entity, MeasureRecord, RecordWarning, SectionRef

from tests.fixtures.content import EXAMPLE_EXPORT
from tests.test_cli_issue17 import _records, thaireport

ROOT = Path(__file__).resolve().parent.parent
ALL_FORMATS = "jsonl,csv,parquet,sqlite,xlsx"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- 7: every place

TWO_PLACES = [
    {"source_path": "in/north/report.txt", "collection": ["north"]},
    {"source_path": "in/south/copy.txt", "collection": ["south"]},
]


def test_identical_content_in_two_folders_names_both_in_every_format(tmp_path: Path) -> None:
    import openpyxl
    import pyarrow.parquet as pq

    for folder, name in (("north", "report.txt"), ("south", "copy.txt")):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copyfile(EXAMPLE_EXPORT, tmp_path / "in" / folder / name)
    done = thaireport("batch", "in", "-o", "out", "--format", ALL_FORMATS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"

    records = _records(out / "records.jsonl")
    assert len(records) == 11  # read once
    for record in records:
        assert record["found_at"] == TWO_PLACES
        assert (record["source_path"], record["collection"]) == ("in/north/report.txt", ["north"])

    rows = _csv(out / "records.csv")
    assert len(rows) == 11
    assert all(json.loads(row["found_at"]) == TWO_PLACES for row in rows)
    assert {row["source_path"] for row in rows} == {"in/north/report.txt"}

    with sqlite3.connect(out / "records.sqlite") as db:
        found = db.execute("SELECT source_path, collection, found_at FROM documents").fetchall()
    assert [(p, c, json.loads(f)) for p, c, f in found] == [
        ("in/north/report.txt", "north", TWO_PLACES)
    ]

    table = pq.read_table(out / "records.parquet")
    assert {json.dumps(json.loads(t)) for t in table.column("found_at").to_pylist()} == {
        json.dumps(TWO_PLACES)
    }

    book = openpyxl.load_workbook(out / "records.xlsx", read_only=True)
    for sheet in ("records", "documents"):
        values = list(book[sheet].iter_rows(values_only=True))
        column = list(values[0]).index("found_at")
        assert {json.dumps(json.loads(str(row[column]))) for row in values[1:]} == {
            json.dumps(TWO_PLACES)
        }
    book.close()


def test_extract_reads_the_same_content_once_and_names_every_input(tmp_path: Path) -> None:
    shutil.copyfile(EXAMPLE_EXPORT, tmp_path / "a.txt")
    shutil.copyfile(EXAMPLE_EXPORT, tmp_path / "b.txt")
    done = thaireport(
        "extract", "a.txt", "b.txt", "a.txt", "-o", "out", "--format", "jsonl,csv", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "b.txt: the same content as a.txt, read once" in done.stderr
    places = [
        {"source_path": "a.txt", "collection": []},
        {"source_path": "b.txt", "collection": []},
        {"source_path": "a.txt", "collection": []},
    ]
    records = _records(tmp_path / "out" / "records.jsonl")
    assert len(records) == 11
    assert all(r["found_at"] == places and r["source_path"] == "a.txt" for r in records)
    rows = _csv(tmp_path / "out" / "records.csv")
    assert len(rows) == 11 and all(json.loads(r["found_at"]) == places for r in rows)


# --------------------------------------------------------------------------- 6: one naming


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, unwrapping `X | None`; None for scalars, lists and dicts."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [_model_of(a) for a in typing.get_args(annotation) if a is not type(None)]
        return models[0] if len(models) == 1 else None
    return None


def field_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field of the record, and every field of a nested model, by its dotted path."""
    paths = set()
    for name, info in model.model_fields.items():
        path = prefix + name
        paths.add(path)
        inner = _model_of(info.annotation)
        if inner is not None:
            paths |= field_paths(inner, path + ".")
    return paths


RECORD = field_paths(MeasureRecord)
# Columns that are not fields of the record but computed from them; docs/records.md names
# each in its table.
DERIVED = {"warning_count", "confidence", "record_count"}


def _sqlite_columns(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: [row[1] for row in db.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_every_format_names_its_columns_after_the_record_fields(tmp_path: Path) -> None:
    import openpyxl
    import pyarrow.parquet as pq

    assert {f"cells.{key}" for key in COLUMN_KEYS} <= RECORD  # the paths come from the model
    assert {"normalized.period_start", "fiscal_year.be", "section.title"} <= RECORD
    done = thaireport("extract", EXAMPLE_EXPORT, "-o", "out", "--format", ALL_FORMATS, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"

    with (out / "records.csv").open(encoding="utf-8", newline="") as handle:
        csv_columns = next(csv.reader(handle))
    parquet_columns = pq.read_schema(out / "records.parquet").names
    book = openpyxl.load_workbook(out / "records.xlsx", read_only=True)
    sheets = {
        name: [c for c in next(book[name].iter_rows(values_only=True)) if c]
        for name in ("records", "documents")
    }
    book.close()
    for columns in (csv_columns, parquet_columns, sheets["records"], sheets["documents"]):
        assert set(columns) - RECORD - DERIVED == set(), columns

    # the same field has the same name everywhere it is a column
    period = {"cells.period", "normalized.period_start", "normalized.period_basis"}
    for columns in (csv_columns, parquet_columns, sheets["records"]):
        assert period <= set(columns)
    sql = _sqlite_columns(out / "records.sqlite")
    assert period - {"cells.period"} <= set(sql["measures"])
    # SQLite: a table for each level, its columns named as that level's fields
    levels: dict[str, tuple[set[str], set[str]]] = {
        "documents": (RECORD, set()),
        "measures": (RECORD, {"section_id", "record_json"}),
        "sections": ({f"section.{n}" for n in SectionRef.model_fields}, {"section_id"}),
        "entities": ({f"entities.{n}" for n in Entity.model_fields}, {"id"}),
        "warnings": ({f"warnings.{n}" for n in RecordWarning.model_fields}, {"id"}),
    }
    prefixes = {"sections": "section.", "entities": "entities.", "warnings": "warnings."}
    for table, (fields, keys) in levels.items():
        prefix = prefixes.get(table, "")
        refer = {"document_id", "record_id"}  # columns that join the levels: record fields
        names = {prefix + c for c in sql[table] if c not in keys | refer} | (
            set(sql[table]) & refer
        )
        assert names - fields - RECORD == set(), (table, sql[table])
    assert "id" not in sql["measures"] and "id" not in sql["documents"]
    # docs/records.md has the table, with the derived columns named
    docs = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    assert "## Column names" in docs
    assert all(f"`{name}`" in docs for name in DERIVED)


OLD_SQLITE = """
CREATE TABLE documents (id TEXT PRIMARY KEY, source_path TEXT NOT NULL,
    source_kind TEXT NOT NULL, collection TEXT NOT NULL, report_title TEXT,
    organization TEXT, fiscal_year_be INTEGER, fiscal_year_start TEXT, fiscal_year_end TEXT);
CREATE TABLE sections (id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, number_printed TEXT, number_printed_value INTEGER,
    title TEXT NOT NULL, heading TEXT NOT NULL, UNIQUE (document_id, position));
CREATE TABLE measures (id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    row_index INTEGER NOT NULL, record_index INTEGER NOT NULL, page_first INTEGER NOT NULL,
    page_last INTEGER NOT NULL, period_start TEXT, period_end TEXT, record_json TEXT NOT NULL);
CREATE TABLE cells (measure_id TEXT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    key TEXT NOT NULL, text TEXT NOT NULL, normalized_json TEXT,
    PRIMARY KEY (measure_id, key));
INSERT INTO documents VALUES ('old', 'old.txt', 'text-export', '', NULL, NULL, 2566,
    '2022-10-01', '2023-09-30');
"""


def test_a_database_of_the_old_names_is_renamed_and_keeps_its_documents(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with sqlite3.connect(tmp_path / "out" / "records.sqlite") as db:
        db.executescript(OLD_SQLITE)
    done = thaireport("extract", EXAMPLE_EXPORT, "-o", "out", "--format", "sqlite", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    sql = _sqlite_columns(tmp_path / "out" / "records.sqlite")
    assert "normalized.period_basis" in sql["measures"] and "record_id" in sql["measures"]
    assert "record_id" in sql["cells"] and "number_inferred" in sql["sections"]
    with sqlite3.connect(tmp_path / "out" / "records.sqlite") as db:
        found = db.execute(
            'SELECT document_id, "fiscal_year.be" FROM documents ORDER BY document_id'
        ).fetchall()
        count = db.execute(
            "SELECT count(*) FROM measures JOIN cells USING (record_id) WHERE key = 'period'"
        ).fetchone()
        db.execute("PRAGMA foreign_keys = ON")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert ("old", 2566) in found and len(found) == 2
    assert count == (11,)
