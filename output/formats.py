"""The names of the output formats, in one light module (the CLI parses them at start-up)."""

from __future__ import annotations

RECORD_FORMATS: tuple[str, ...] = (
    "jsonl",
    "csv",
    "parquet",
    "sqlite",
    "xlsx",
)  # all records in one file
ARCHIVAL_FORMATS: tuple[str, ...] = ("alto", "hocr", "pdf")  # per document, pages read by OCR
# a document's own files; "text": every page's text in reading order (<document>.txt)
DOCUMENT_FORMATS: tuple[str, ...] = (*ARCHIVAL_FORMATS, "text", "review")
FORMATS: tuple[str, ...] = (*RECORD_FORMATS, *DOCUMENT_FORMATS)

__all__ = ["ARCHIVAL_FORMATS", "DOCUMENT_FORMATS", "FORMATS", "RECORD_FORMATS", "parse_formats"]


def parse_formats(text: str) -> tuple[str, ...]:
    """'jsonl,csv' -> ('jsonl', 'csv'); unknown names raise ValueError naming them."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise ValueError(
            f"unknown format {', '.join(unknown) or text!r}; choose from {', '.join(FORMATS)}"
        )
    return names
