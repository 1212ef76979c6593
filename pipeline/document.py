"""One input file through the stages: detect its kind, extract, build records.

Failures are captured per document (status and message naming file and page), so a run
over many files never stops at a bad one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from extract.model import ExtractedReport, PageLayout
from extract.records import MeasureRecord, build_records
from extract.report import report_from_pages
from extract.sources import image_pages, pdf_pages
from extract.text_export import parse_text_export
from pipeline.config import Settings
from pipeline.errors import (
    EmptyInputError,
    InputError,
    NoTableError,
    ThaiReportError,
    UnsupportedInputError,
)

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")


class InputKind(StrEnum):
    PDF = "pdf"
    TEXT_EXPORT = "text-export"
    IMAGE = "image"


class Status(StrEnum):
    DONE = "done"
    FAILED = "failed"


@dataclass
class DocumentResult:
    path: Path
    status: Status
    document_id: str | None = None
    kind: InputKind | None = None
    records: list[MeasureRecord] = field(default_factory=list)
    error: ThaiReportError | None = None
    repairs: int = 0
    pages: int = 0
    page_notes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    ocr_pages: tuple[PageLayout, ...] = ()  # words of the pages read by OCR

    @property
    def warnings(self) -> int:
        return sum(len(r.warnings) for r in self.records)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_kind(path: Path) -> InputKind:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=path) from exc
    if not head.strip():
        raise EmptyInputError("the file is empty", path=path)
    if b"%PDF-" in head:
        return InputKind.PDF
    if head.startswith(_IMAGE_MAGIC):
        return InputKind.IMAGE
    if path.suffix.lower() == ".pdf":
        raise InputError("not a PDF (no %PDF header); the file is damaged or misnamed", path=path)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may end in the middle of a character; only an early error is fatal.
        if exc.start < len(head) - 4:
            raise UnsupportedInputError(
                "not a PDF, an image or a UTF-8 text export", path=path
            ) from exc
    return InputKind.TEXT_EXPORT


def _extract(path: Path, kind: InputKind, settings: Settings) -> ExtractedReport:
    if kind is InputKind.PDF:
        pages = pdf_pages(path, settings.ocr, max_pages=settings.max_pages)
        return report_from_pages(list(pages), path)
    if kind is InputKind.IMAGE:
        pages = image_pages(path, settings.ocr, max_pages=settings.max_pages)
        return report_from_pages(list(pages), path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsupportedInputError(f"not valid UTF-8 text (byte {exc.start})", path=path) from exc
    report = parse_text_export(text)
    if not any(section.rows for section in report.sections):
        raise NoTableError("no measure table found in the text export", path=path)
    return report


def process_document(path: Path, settings: Settings | None = None) -> DocumentResult:
    settings = Settings.resolve(settings)
    try:
        kind = detect_kind(path)
        document_id = sha256_of(path)
        report = _extract(path, kind, settings)
        records = build_records(
            report,
            document_id=document_id,
            source_path=str(path),
            min_confidence=settings.ocr.min_confidence,
        )
        return DocumentResult(
            path=path,
            status=Status.DONE,
            document_id=document_id,
            kind=kind,
            records=records,
            repairs=sum(report.repairs_per_page.values()),
            pages=report.page_count,
            page_notes=report.page_notes,
            ocr_pages=report.ocr_pages,
        )
    except ThaiReportError as exc:
        if exc.path is None:
            exc.path = str(path)
        return DocumentResult(path=path, status=Status.FAILED, error=exc)
    except Exception as exc:  # a bug or an unforeseen library error must not end the run
        error = InputError(f"unexpected {type(exc).__name__}: {exc}", path=path)
        return DocumentResult(path=path, status=Status.FAILED, error=error)
