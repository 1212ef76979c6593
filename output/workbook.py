"""`records.xlsx`: the records as an Excel workbook an archivist can open safely.

Three sheets: `records` (one row per record: the six cells, the period as real dates and
its basis, confidence, the number of warnings, where it was read, `record_id`), `warnings`
(one row per warning) and `documents` (one row per document). Each has a frozen header, an
autofilter, widths measured on Thai text (marks above and below a letter take no width) and
wrapped cells. Every text is written with `write_string`: a cell that starts with `=` stays
text and is never a formula. Past Excel's row limit a sheet goes on in `records 2`, … and a
`notes` sheet says so. `read_workbook` gives the `records` rows back for apply-corrections.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.output.atomic import atomic_path
from thaireport.output.writers import places_json

EXCEL_ROWS = 1_048_576  # rows of a sheet, the header included
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters; wider text wraps

Getter = Callable[[MeasureRecord], Any]


def _confidence(record: MeasureRecord) -> float | None:
    """The lowest OCR confidence of the record's cells; None where nothing was OCR'd."""
    found = [c.confidence for cs in record.locations.values() for c in cs if c.confidence]
    return round(min(found), 3) if found else None


RECORD_COLUMNS: tuple[tuple[str, Getter], ...] = (
    *((f"cells.{key}", (lambda r, k=key: getattr(r.cells, k))) for key in COLUMN_KEYS),
    ("normalized.period_start", lambda r: r.normalized.period_start),
    ("normalized.period_end", lambda r: r.normalized.period_end),
    ("normalized.period_basis", lambda r: r.normalized.period_basis),
    ("confidence", _confidence),
    ("warning_count", lambda r: len(r.warnings)),
    ("verified", lambda r: ",".join(r.verified)),
    ("organization", lambda r: r.organization),
    ("fiscal_year.be", lambda r: r.fiscal_year.be if r.fiscal_year else None),
    ("section.number_inferred", lambda r: r.section.number_inferred),
    ("section.title", lambda r: r.section.title),
    ("row_index", lambda r: r.row_index),
    ("source_path", lambda r: r.source_path),
    ("collection", lambda r: "/".join(r.collection)),
    ("found_at", places_json),
    ("page_first", lambda r: r.page_first),
    ("page_last", lambda r: r.page_last),
    ("document_id", lambda r: r.document_id),
    ("record_id", lambda r: r.record_id),
)
WARNING_COLUMNS = ("record_id", "code", "cell", "message")
DOCUMENT_COLUMNS = (
    "document_id", "source_path", "source_kind", "collection", "found_at", "organization",
    "document.organization_printed", "fiscal_year.be", "record_count", "warning_count",
)  # fmt: skip


def text_width(text: str) -> int:
    """Columns a text takes: Thai vowel and tone marks sit above or below their letter."""
    longest = max(text.split("\n"), key=len, default="")
    return sum(1 for ch in longest if unicodedata.category(ch) != "Mn")


class _Sheets:
    """Sheets of one kind (`records`, `records 2`, …), each with a header, frozen and filtered."""

    def __init__(self, book: Any, name: str, columns: tuple[str, ...], formats: dict[str, Any],
                 notes: list[str], limit: int) -> None:  # fmt: skip
        self.book, self.name, self.columns, self.formats = book, name, columns, formats
        self.notes, self.limit = notes, limit
        self.sheets: list[tuple[Any, list[int], int]] = []
        self.row = limit  # a new sheet on the first row

    def _new(self) -> None:
        if self.sheets:
            self._close_last()
        name = self.name if not self.sheets else f"{self.name} {len(self.sheets) + 1}"
        sheet = self.book.add_worksheet(name)
        for col, title in enumerate(self.columns):
            sheet.write_string(0, col, title, self.formats["header"])
        sheet.freeze_panes(1, 0)
        self.sheets.append((sheet, [text_width(c) + 2 for c in self.columns], 0))
        self.row = 1

    def _close_last(self) -> None:
        sheet, widths, rows = self.sheets[-1]
        sheet.autofilter(0, 0, max(rows, 1), len(self.columns) - 1)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, width)))

    def write(self, values: list[Any]) -> None:
        if self.row >= self.limit:
            self._new()
        sheet, widths, _ = self.sheets[-1]
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(self.row, col, value, self.formats["date"])
                widths[col] = max(widths[col], 12)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                text = str(value)
                sheet.write_string(self.row, col, text, self.formats["text"])
                widths[col] = max(widths[col], text_width(text) + 1)
            else:
                sheet.write_number(self.row, col, value)
        self.sheets[-1] = (sheet, widths, self.row)
        self.row += 1

    def close(self) -> None:
        if not self.sheets:
            self._new()
        self._close_last()
        if len(self.sheets) > 1:
            self.notes.append(
                f"{self.name}: more rows than one Excel sheet holds ({self.limit - 1:,} below"
                f" the header); they go on in sheets {self.name} 2 to {self.name}"
                f" {len(self.sheets)}, in order"
            )


def write_workbook(
    records: Iterable[MeasureRecord], path: Path, *, rows_per_sheet: int = EXCEL_ROWS
) -> None:
    """Write the workbook at `path`, atomically. `rows_per_sheet` (header included) is
    Excel's limit; smaller only in tests."""
    import xlsxwriter  # at the point of use: start-up stays light

    with atomic_path(path) as tmp:
        # No string is ever taken for a formula, a number or a link: write_string only.
        book = xlsxwriter.Workbook(
            str(tmp),
            {"constant_memory": True, "strings_to_formulas": False,
             "strings_to_numbers": False, "strings_to_urls": False},
        )  # fmt: skip
        formats = {
            "header": book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "text": book.add_format({"text_wrap": True, "valign": "top"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        }
        notes: list[str] = []
        names = tuple(name for name, _ in RECORD_COLUMNS)
        sheets = {
            "records": _Sheets(book, "records", names, formats, notes, rows_per_sheet),
            "warnings": _Sheets(book, "warnings", WARNING_COLUMNS, formats, notes, rows_per_sheet),
        }
        documents: dict[str, list[Any]] = {}
        for record in records:
            sheets["records"].write([get(record) for _, get in RECORD_COLUMNS])
            for warning in record.warnings:
                sheets["warnings"].write(
                    [record.record_id, warning.code, warning.cell, warning.message]
                )
            doc = documents.get(record.document_id)
            if doc is None:
                meta = record.document
                doc = documents[record.document_id] = [
                    record.document_id, record.source_path, record.source_kind,
                    "/".join(record.collection), places_json(record), record.organization,
                    meta.organization_printed if meta else None,
                    record.fiscal_year.be if record.fiscal_year else None, 0, 0,
                ]  # fmt: skip
            doc[-2] += 1
            doc[-1] += len(record.warnings)
        sheets["documents"] = _Sheets(
            book, "documents", DOCUMENT_COLUMNS, formats, notes, rows_per_sheet
        )
        for row in documents.values():
            sheets["documents"].write(row)
        for group in sheets.values():
            group.close()
        if notes:
            note = _Sheets(book, "notes", ("note",), formats, [], rows_per_sheet)
            for text in notes:
                note.write([text])
            note.close()
        book.close()


def workbook_row(record: MeasureRecord) -> dict[str, Any]:
    """A record's row of the `records` sheet, by column name."""
    return {name: get(record) for name, get in RECORD_COLUMNS}


def read_workbook(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows of the `records` sheets of an (edited) workbook: (where, column -> value)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            if sheet.title != "records" and not sheet.title.startswith("records "):
                continue
            rows = sheet.iter_rows(values_only=True)
            header = [str(h) if h is not None else "" for h in next(rows, ())]
            for number, values in enumerate(rows, start=2):
                # an empty cell is an empty text (a value cleared is an edit, as in a CSV)
                cells = ("" if v is None else v for v in values)
                yield f"sheet {sheet.title}, row {number}", dict(zip(header, cells, strict=False))
    finally:
        book.close()
