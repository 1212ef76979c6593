"""One input file through the stages: detect its kind, extract, build records.

Failures are captured per document (status and message naming file and page), so a run
over many files never stops at a bad one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import cast

from thaireport.extract.letter_metadata import DocumentMetadata, first_page_metadata
from thaireport.extract.records import MeasureRecord, build_records
from thaireport.extract.text_export import parse_text_export

from thaireport.errors import (
    EmptyInputError,
    InputError,
    NoTableError,
    PartialReadError,
    ThaiReportError,
    UnsupportedInputError,
)
from thaireport.model import ExtractedReport, GenericTable, Issue, PageLayout, TextSource
from thaireport.settings import Settings

MIN_TABLE_RULES = 3  # horizontal and vertical rules on a page, for a ruled table to be sought
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")


class InputKind(StrEnum):
    PDF = "pdf"
    TEXT_EXPORT = "text-export"
    IMAGE = "image"
    DOCX = "docx"
    ODT = "odt"
    DOC = "doc"  # Word 97-2003


# Word-processor kinds: read from the file's own structure, no page images.
OFFICE_KINDS = frozenset({InputKind.DOCX, InputKind.ODT, InputKind.DOC})
_ZIP_MAGIC = b"PK\x03\x04"
_OFFICE_SUFFIXES = frozenset({".docx", ".odt", ".doc"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Status(StrEnum):
    DONE = "done"
    FAILED = "failed"
    NO_TABLE = "no-table"  # read, but holds no measure table: a letter, a notice, a plan
    PARTIAL = "partial"  # some page could not be read; the others' records are kept


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
    tables: tuple[GenericTable, ...] = ()  # the tables that are not measure tables
    page_text: tuple[str, ...] = ()
    metadata: DocumentMetadata | None = None  # title, organization, date, "ที่ …"
    failed_pages: dict[int, str] = field(default_factory=dict)  # page -> what failed
    page_sources: dict[int, TextSource] = field(default_factory=dict)  # how each page was read

    @property
    def kind_read(self) -> str | None:
        """The kind as documents.jsonl and the review page name it: a PDF read wholly by
        OCR is a scan (`extract.sources.document_kind`)."""
        from thaireport.extract.sources import document_kind

        if self.kind is None:
            return None
        return document_kind(self.kind.value, self.page_sources.values())

    @property
    def has_output(self) -> bool:
        """Read, whole or in part: its records and files are written."""
        return self.status is not Status.FAILED

    @property
    def warnings(self) -> int:
        return warning_count(self.records)


def warning_count(records: Sequence[MeasureRecord]) -> int:
    """The warnings of one document's records, each said once: one that names no cell and
    is on many records (the file's encoding, a page that failed, a misnumbered section) is
    one thing to check, not one per record."""
    seen: set[tuple[str, ...]] = set()
    for record in records:
        for w in record.warnings:
            seen.add(
                (w.code, w.message)
                if w.cell is None
                else (record.record_id, w.code, w.message, w.cell)
            )
    return len(seen)


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
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(_OLE_MAGIC):
        return InputKind.DOC
    if head.startswith(_IMAGE_MAGIC):
        return InputKind.IMAGE
    if path.suffix.lower() in _OFFICE_SUFFIXES:
        raise InputError(
            f"not a {path.suffix.lower()[1:].upper()} document (no ZIP or OLE container);"
            " the file is damaged or misnamed",
            path=path,
        )
    if path.suffix.lower() == ".pdf":
        raise InputError("not a PDF (no %PDF header); the file is damaged or misnamed", path=path)
    if head.startswith(_UTF16_BOMS):  # its NUL bytes are no sign of a binary file
        return InputKind.TEXT_EXPORT
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may end in the middle of a character; only an early error is fatal.
        if exc.start < len(head) - 4 and not _legacy_thai(head):
            raise UnsupportedInputError(
                "not a PDF, an image or a text export in an encoding that is read"
                f" ({ACCEPTED_ENCODINGS})",
                path=path,
            ) from exc
    return InputKind.TEXT_EXPORT


def _zip_kind(path: Path) -> InputKind:
    """A ZIP container: DOCX (word/document.xml) or ODT (its mimetype), else unsupported."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"a damaged ZIP container ({exc})", path=path) from exc
    if "word/document.xml" in names:
        return InputKind.DOCX
    if mimetype.strip() == b"application/vnd.oasis.opendocument.text":
        return InputKind.ODT
    raise UnsupportedInputError("a ZIP file that is neither a DOCX nor an ODT document", path=path)


def _load_record_stage() -> None:
    """Load what building the records needs once the pages are read: the entity reader's
    spaCy pipeline (spaCy's import and the pipeline, most of a second). Called while OCR
    reads the first page, when this process only waits for Tesseract; a document that
    needs no OCR never calls it, and a scan without a table loads it for nothing."""
    from thaireport.extract.entity_pipeline import thai_pipeline

    thai_pipeline()


def _extract(path: Path, kind: InputKind, settings: Settings) -> ExtractedReport:
    if kind in OFFICE_KINDS:
        from thaireport.extract.docx_source import read_office_file

        return read_office_file(path, convert=kind is not InputKind.DOCX)
    if kind is not InputKind.TEXT_EXPORT:
        # Here, not at the top: a text export needs no PDF, image or OCR library.
        from thaireport.extract.report import report_from_pages
        from thaireport.extract.sources import image_pages, pdf_pages
    if kind is InputKind.PDF:
        from thaireport.extract.pdf_tables import pdf_generic_tables

        pdf = pdf_pages(
            path,
            settings.ocr,
            max_pages=settings.max_pages,
            meanwhile=_load_record_stage,
            password=settings.password,
        )
        pages = list(_told(pdf, settings))
        report = report_from_pages(pages, path, settings.tables)
        measured = {r.page for s in report.sections for row in s.rows for c in row.cells.values()
                    for r in c.regions}  # fmt: skip
        # Ruled tables elsewhere: text-layer pages with a grid of rules, no measure on them.
        ruled = [
            p.number
            for p in pages
            if p.source is TextSource.TEXT_LAYER
            and sum(1 for r in p.rules if r.horizontal) >= MIN_TABLE_RULES
            and sum(1 for r in p.rules if not r.horizontal) >= MIN_TABLE_RULES
            and p.number not in measured
        ]
        tables = (
            pdf_generic_tables(
                path, pages=ruled, first_index=len(report.tables) + 1, password=settings.password
            )
            if ruled
            else []
        )
        return replace(report, tables=(*report.tables, *tables))
    if kind is InputKind.IMAGE:
        return report_from_pages(
            list(
                _told(
                    image_pages(
                        path,
                        settings.ocr,
                        max_pages=settings.max_pages,
                        meanwhile=_load_record_stage,
                    ),
                    settings,
                )
            ),
            path,
            settings.tables,
        )
    text, note = read_export_text(path)
    report = parse_text_export(text)
    report = replace(report, page_text=(text,))
    if note:  # said on every record: its text may not be the file's
        report = replace(report, issues=(*report.issues, Issue("page-warning", f"page 1: {note}")))
    return report


def _told(pages: Iterator[PageLayout], settings: Settings) -> Iterator[PageLayout]:
    """Each page as it is read, told to `settings.on_page` (the CLI's progress bar)."""
    for page in pages:
        if settings.on_page is not None:
            settings.on_page(page.number)
        yield page


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

    Exports saved by older Windows tools are in Windows-874 (TIS-620); Notepad's "Unicode"
    is UTF-16 with a byte-order mark; a copy damaged in transit has a few bad bytes. All are
    read, and the first and last say so, rather than losing the file.
    """
    data = path.read_bytes()
    if data.startswith(_UTF16_BOMS):
        return _utf16_text(data, path), None
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
    raise UnsupportedInputError(
        f"not valid UTF-8 text (byte {first}), nor Thai in Windows-874",
        path=path,
        hint=f"the encodings read are {ACCEPTED_ENCODINGS}; save the export in one of them"
        " (in Notepad: Save As, Encoding UTF-8)",
    )


# UTF-16 is only taken with its byte-order mark: without one, its byte order is a guess.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ACCEPTED_ENCODINGS = (
    'UTF-8, UTF-16 with a byte-order mark (Notepad\'s "Unicode"), Windows-874 (TIS-620)'
)


def _utf16_text(data: bytes, path: Path) -> str:
    """UTF-16 by its byte-order mark (which the "utf-16" codec reads and drops)."""
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise UnsupportedInputError(
            f"starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start})",
            path=path,
            hint=f"the encodings read are {ACCEPTED_ENCODINGS}",
        ) from exc


def process_document(path: Path, settings: Settings | None = None) -> DocumentResult:
    settings = Settings.resolve(settings)
    try:
        kind = detect_kind(path)
        document_id = sha256_of(path)
        report = _extract(path, kind, settings)
        if report.failed_pages and (
            settings.abort_on_error or len(report.failed_pages) >= report.page_count
        ):
            number, failure = next(iter(sorted(report.failed_pages.items())))
            why = (
                "no page could be read"
                if len(report.failed_pages) >= report.page_count
                else "--abort-on-error: the document is not kept in part"
            )
            raise InputError(f"{failure} ({why})", path=path, page=number)
        records = build_records(
            report,
            document_id=document_id,
            source_path=str(path),
            min_confidence=settings.ocr.min_confidence,
        )
        status, error = Status.DONE, cast(InputError | None, None)
        if report.failed_pages:
            status = Status.PARTIAL
            pages = ", ".join(str(n) for n in sorted(report.failed_pages))
            first = report.failed_pages[min(report.failed_pages)]
            error = PartialReadError(
                f"{len(report.failed_pages)} page(s) could not be read (page {pages}): {first};"
                " the other pages were read",
                path=path,
            )
        elif not records:
            status = Status.NO_TABLE
            what = "the text export" if kind is InputKind.TEXT_EXPORT else "the document"
            error = NoTableError(
                f"no measure table found in {what} (no header row naming the six columns);"
                f" its text{', tables' if report.tables else ''} and metadata are kept",
                path=path,
            )
        return DocumentResult(
            path=path,
            status=status,
            document_id=document_id,
            kind=kind,
            records=records,
            error=error,
            repairs=sum(report.repairs_per_page.values()),
            pages=report.page_count,
            page_notes=report.page_notes,
            ocr_pages=report.ocr_pages,
            tables=report.tables,
            page_text=report.page_text,
            metadata=first_page_metadata(_first_page_lines(report)),
            failed_pages=dict(report.failed_pages),
            page_sources=dict(report.page_sources),
        )
    except ThaiReportError as exc:
        if exc.path is None:
            exc.path = str(path)
        return DocumentResult(path=path, status=Status.FAILED, error=exc)
    except Exception as exc:  # a bug or an unforeseen library error must not end the run
        unexpected = InputError(f"unexpected {type(exc).__name__}: {exc}", path=path)
        return DocumentResult(path=path, status=Status.FAILED, error=unexpected)


def _first_page_lines(report: ExtractedReport) -> list[str]:
    if report.page_text:
        return report.page_text[0].splitlines()
    return list(report.title.lines)
