"""End to end through `thaireport extract`: metadata, entities and warnings in every output."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES
from tests.test_outputs import extract, jsonl

INPUTS = {"text-export": EXAMPLE_EXPORT, "pdf": EXAMPLES / "ita-report-2567-thahin.pdf"}


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_the_example_is_understood(kind: str, tmp_path: Path) -> None:
    result = extract(INPUTS[kind], "-o", tmp_path, "--format", "jsonl,csv,sqlite")
    assert result.returncode == 0, result.stderr
    records = jsonl(tmp_path / "records.jsonl")
    assert len(records) == 11

    document = records[0].document
    assert all(r.document == document for r in records)
    assert document is not None
    assert document.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    assert document.organization_abbreviation == "อบต.ท่าหิน"
    assert (document.subdistrict, document.district, document.province) == (
        "ท่าหิน", "เสวี", "ชุมพร",
    )  # fmt: skip
    assert document.fiscal_year is not None
    assert (document.fiscal_year.be, document.fiscal_year.start, document.fiscal_year.end) == (
        2567, dt.date(2023, 10, 1), dt.date(2024, 9, 30),
    )  # fmt: skip

    entities = [(e.label, e.text, e.value) for r in records for e in r.entities]
    assert ("PERSON", "นายธนิต พ่วงแม่กลอง", "นายธนิต พ่วงแม่กลอง") in entities
    assert ("URL", "www.thahin.go.th", "www.thahin.go.th") in entities
    assert ("DATE", "๒๒ กุมภาพันธ์ ๒๕๖๗", "2024-02-22") in entities
    percentages = sorted(v for label, _, v in entities if label == "PERCENT")
    assert percentages == [90.9, 95.59]
    assert ("ORG", "อบต.ท่าหิน", "องค์การบริหารส่วนตำบลท่าหิน") in entities

    numbering = [w for r in records for w in r.warnings if w.code == "section-number"]
    assert len(numbering) == 2 and all("(6)" in w.message for w in numbering)
    suggestions = [c for r in records for c in r.suggestions]
    assert [(c.cell, c.corrected) for c in suggestions] == [("result", "นายกองค์การบริหารส่วนตำบล")]

    with (tmp_path / "records.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [len(json.loads(row["entities"])) for row in rows] == [len(r.entities) for r in records]
    assert json.loads(rows[0]["document"])["district"] == "เสวี"

    with sqlite3.connect(tmp_path / "records.sqlite") as db:
        db.execute("PRAGMA foreign_keys = ON")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        (count,) = db.execute("SELECT count(*) FROM entities").fetchone()
        assert count == sum(len(r.entities) for r in records) > 50
        person = db.execute(
            'SELECT m.row_index, s.number_inferred, e.cell, e.start, e."end" FROM entities e'
            " JOIN measures m USING (record_id) JOIN sections s USING (section_id)"
            " WHERE e.label = 'PERSON'"
        ).fetchall()
        assert len(person) == 1 and person[0][:3] == (1, 7, "result")
        row_index, position, cell, start, end = person[0]
        record = next(
            r for r in records if (r.row_index, r.section.number_inferred) == (row_index, position)
        )
        assert getattr(record.cells, cell)[start:end] == "นายธนิต พ่วงแม่กลอง"
        # deleting the document removes its entities with it
        db.execute("DELETE FROM documents")
        assert db.execute("SELECT count(*) FROM entities").fetchone() == (0,)


def test_an_older_database_gets_the_entity_columns(tmp_path: Path) -> None:
    old = tmp_path / "records.sqlite"
    with sqlite3.connect(old) as db:
        db.execute(
            "CREATE TABLE entities (id INTEGER PRIMARY KEY, measure_id TEXT NOT NULL,"
            " cell TEXT, kind TEXT NOT NULL, text TEXT NOT NULL, value TEXT)"
        )
    result = extract(EXAMPLE_EXPORT, "-o", tmp_path, "--format", "sqlite")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(old) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(entities)")}
        assert {"start", "end", "unit"} <= columns
        assert db.execute("SELECT count(*) FROM entities WHERE start IS NOT NULL").fetchone()[0]
