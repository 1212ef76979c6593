"""Tables that are not measure tables, and a document's metadata, as outputs.

`tables.jsonl`: one line per table (printed header rows, rows of cells, page and box, the
document it came from); the same lines go into a `tables` table of the SQLite output.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from thaireport.model import GenericTable

TABLES_FILE = "tables.jsonl"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tables (
    table_id TEXT PRIMARY KEY,          -- document sha256 (16), 't', position
    document_id TEXT NOT NULL,
    source_path TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,                 -- month-grid, score, table
    heading TEXT,
    pages TEXT NOT NULL,                -- JSON list
    box TEXT,                           -- JSON [x0, top, x1, bottom] on the first page
    header TEXT NOT NULL,               -- JSON list of header rows
    rows TEXT NOT NULL                  -- JSON list of rows of cell texts
);
CREATE INDEX IF NOT EXISTS tables_document ON tables (document_id);
"""


def table_line(table: GenericTable, *, document_id: str, source_path: str) -> dict[str, Any]:
    box = table.box
    return {
        "table_id": f"{document_id[:16]}-t{table.index:02d}",
        "document_id": document_id,
        "source_path": source_path,
        "position": table.index,
        "kind": table.kind,
        "heading": table.heading,
        "pages": list(table.pages),
        "box": [round(box.x0, 2), round(box.top, 2), round(box.x1, 2), round(box.bottom, 2)]
        if box
        else None,
        "header": [list(row) for row in table.header],
        "rows": [
            {"cells": [cell.text for cell in row.cells], "pages": list(row.pages)}
            for row in table.rows
        ],
    }


def table_lines(
    tables: Sequence[GenericTable], *, document_id: str, source_path: str
) -> list[dict[str, Any]]:
    return [table_line(t, document_id=document_id, source_path=source_path) for t in tables]


def jsonl(lines: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def write_sqlite_tables(lines: Iterable[dict[str, Any]], path: Path) -> None:
    """The `tables` table in the SQLite output; a document's tables replace its old ones."""
    lines = list(lines)
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        for document in {line["document_id"] for line in lines}:
            db.execute("DELETE FROM tables WHERE document_id = ?", (document,))
        db.executemany(
            "INSERT OR REPLACE INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    line["table_id"], line["document_id"], line["source_path"], line["position"],
                    line["kind"], line["heading"], json.dumps(line["pages"]),
                    json.dumps(line["box"]) if line["box"] else None,
                    json.dumps(line["header"], ensure_ascii=False),
                    json.dumps([r["cells"] for r in line["rows"]], ensure_ascii=False),
                )
                for line in lines
            ],
        )  # fmt: skip
