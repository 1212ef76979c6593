"""One input file through the stages: detect its kind, extract, build records.

Failures are captured per document (status and message naming file and page), so a run
over many files never stops at a bad one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from thaireport.extract.records import MeasureRecord, build_records
from thaireport.extract.text_export import parse_text_export

from thaireport.errors import (
    EmptyInputError,
    InputError,
    NoTableError,
    ThaiReportError,
    UnsupportedInputError,
)
from thaireport.model import ExtractedReport, Issue, PageLayout
from thaireport.settings import Settings

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
        if exc.start < len(head) - 4 and not _legacy_thai(head):
            raise UnsupportedInputError(
                "not a PDF, an image or a UTF-8 text export", path=path
            ) from exc
    return InputKind.TEXT_EXPORT


def _extract(path: Path, kind: InputKind, settings: Settings) -> ExtractedReport:
    if kind is not InputKind.TEXT_EXPORT:
        # Here, not at the top: a text export needs no PDF, image or OCR library.
        from thaireport.extract.report import report_from_pages
        from thaireport.extract.sources import image_pages, pdf_pages
    if kind is InputKind.PDF:
        pages = pdf_pages(path, settings.ocr, max_pages=settings.max_pages)
        return report_from_pages(list(pages), path, settings.tables)
    if kind is InputKind.IMAGE:
        pages = image_pages(path, settings.ocr, max_pages=settings.max_pages)
        return report_from_pages(list(pages), path, settings.tables)
    text, note = read_export_text(path)
    report = parse_text_export(text)
    if not any(section.rows for section in report.sections):
        raise NoTableError("no measure table found in the text export", path=path)
    if note:  # said on every record: its text may not be the file's
        report = replace(report, issues=(*report.issues, Issue("page-warning", f"page 1: {note}")))
    return report


MAX_DAMAGED_SHARE = 0.001  # of the characters: more is not a damaged UTF-8 file
MIN_LEGACY_THAI_SHARE = 0.3  # of the letters, for a file to be taken as Windows-874


def _legacy_thai(data: bytes) -> bool:
    """Thai text in Windows-874 (TIS-620): every byte decodes, and many letters are Thai."""
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        return False
    letters = [c for c in text if c.isalpha()]
    thai = sum(1 for c in letters if "\u0e00" <= c <= "\u0e7f")
    return bool(letters) and thai / len(letters) >= MIN_LEGACY_THAI_SHARE


def read_export_text(path: Path) -> tuple[str, str | None]:
    """The text of an export, and what to say when it was not clean UTF-8.

    Exports saved by older Windows tools are in Windows-874 (TIS-620); a copy damaged in
    transit has a few bad bytes. Both are read, and say so, rather than losing the file.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(3, MAX_DAMAGED_SHARE * len(text)):
        return text, (
            f"{bad} byte sequence(s) are not valid UTF-8 (the first at byte {first});"
            " each was read as U+FFFD"
        )
    if _legacy_thai(data):
        return data.decode("cp874"), "the file is not UTF-8; read as Windows-874 (TIS-620)"
    raise UnsupportedInputError(f"not valid UTF-8 text (byte {first})", path=path)


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
