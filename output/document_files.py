"""A document's own files, beside the merged records: archival pages, searchable PDF, review.

They are made where the source file is (a worker process, a cluster node) and handed back
as bytes with their names relative to the output directory, so the process that owns the
output directory writes them, atomically, like everything else it writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thaireport.extract.records import MeasureRecord
from thaireport.extract.sources import as_read, page_images, page_views
from thaireport.output.archival import archival_files
from thaireport.output.atomic import atomic_path, inside, safe_name
from thaireport.output.generic_tables import jsonl, table_lines
from thaireport.output.review import ReviewDocument, review_html
from thaireport.output.searchable import searchable_pdf

from thaireport.model import GenericTable, PageLayout

BATCH_FOLDER = "docs"  # a batch's per-document files, named by content
TEXT_EXPORT_KIND = "text-export"  # pipeline.document.InputKind.TEXT_EXPORT: no page images
PAGE_IMAGE_KINDS = frozenset({"pdf", "image"})  # the others (text export, DOCX) have none


@dataclass(frozen=True)
class DocumentPlaces:
    """Where one document's files go, relative to the output directory."""

    pages: str  # folder of page-NNN.alto.xml / page-NNN.hocr
    searchable: str
    review: str
    text: str = ""  # the pages' text in reading order
    tables: str = ""  # the tables that are not measure tables (JSON Lines)
    metadata: str = ""  # title, organization, date, reference number (JSON)

    @classmethod
    def beside(cls, source: Path, document_id: str, taken: set[str]) -> DocumentPlaces:
        """`extract`: named after the input file, suffix included, so the name says which
        input it is (report.pdf.review.html beside report.txt.review.html). A name another
        input of the run has already taken (a/report.pdf and b/report.pdf) gets the input's
        folders before it, nearest first (b-report.pdf), and a counter when that is not
        enough (the same file given twice). `taken` is updated; `document_id` is not used
        for the name (a hash prefix says nothing to a person) and stays in the signature
        for the callers."""
        base = safe_name(source.name or "document")
        folders = [
            safe_name(part) for part in source.parent.parts if part not in ("", ".", "..", "/")
        ]
        candidates = [base]
        for depth in range(1, len(folders) + 1):
            candidates.append(safe_name("-".join([*folders[-depth:], base])))
        stem = next((name for name in candidates if name not in taken), None)
        count = 2
        while stem is None or stem in taken:
            stem = safe_name(f"{candidates[-1]}-{count}")
            count += 1
        taken.add(stem)
        return cls(
            stem, f"{stem}.searchable.pdf", f"{stem}.review.html", f"{stem}.txt",
            f"{stem}.tables.jsonl", f"{stem}.meta.json",
        )  # fmt: skip

    @classmethod
    def by_content(cls, sha256: str, folder: str = BATCH_FOLDER) -> DocumentPlaces:
        """`batch`: named after the content, which no two inputs of a batch share by chance."""
        base = f"{folder}/{sha256}"
        return cls(base, f"{base}.searchable.pdf", f"{base}.review.html", f"{base}.txt",
                   f"{base}.tables.jsonl", f"{base}.meta.json")  # fmt: skip


@dataclass(frozen=True)
class DocumentInfo:
    """What the per-document files need to know about the document that was read."""

    source: Path  # the file to take page images from
    name: str  # the name to show: the input as the user gave it
    document_id: str
    kind: str
    pages: int
    records: Sequence[MeasureRecord]
    ocr_pages: Sequence[PageLayout]
    tables: Sequence[GenericTable] = ()
    page_text: Sequence[str] = ()
    metadata: dict[str, Any] | None = None
    password: str | None = field(default=None, repr=False)  # opens `source` (--password)
    keep_work: str = ""  # the document's work folder (`--keep-work`), named in its review page


def document_files(
    info: DocumentInfo,
    formats: Sequence[str],
    places: DocumentPlaces,
    *,
    dpi: int,
    low_confidence_below: float,
) -> Iterator[tuple[str, bytes]]:
    """(relative name, content) of each per-document file the formats ask for; the tables
    that are not measure tables and the metadata whenever there are any."""
    if info.tables and places.tables:
        lines = table_lines(info.tables, document_id=info.document_id, source_path=info.name)
        yield places.tables, jsonl(lines).encode("utf-8")
    if info.metadata is not None and places.metadata:
        yield places.metadata, json.dumps(info.metadata, ensure_ascii=False).encode("utf-8")
    if "text" in formats and places.text and info.page_text:
        # pages apart by a form feed, as pdftotext does
        yield places.text, ("\n\f".join(info.page_text) + "\n").encode("utf-8")
    if info.ocr_pages:
        for name, text in archival_files(
            info.ocr_pages, places.pages, formats, source=Path(info.name).name
        ):
            yield name, text.encode("utf-8")
        if "pdf" in formats:
            numbers = [p.number for p in info.ocr_pages]
            images = page_images(info.source, numbers, dpi, info.password)
            upright = (
                as_read(image, page) for page, image in zip(info.ocr_pages, images, strict=True)
            )
            yield places.searchable, searchable_pdf(info.ocr_pages, upright)
    if "review" in formats:
        views = (
            iter(())
            if info.kind not in PAGE_IMAGE_KINDS
            else page_views(info.source, info.ocr_pages, dpi, password=info.password)
        )
        turned = tuple((p.number, p.turned) for p in info.ocr_pages if p.turned)
        document = ReviewDocument(
            info.name, info.document_id, info.kind, info.pages, info.keep_work, turned
        )
        page = review_html(document, info.records, views, low_confidence_below=low_confidence_below)
        yield places.review, page.encode("utf-8")


def write_document_files(files: Iterable[tuple[str, bytes]], out_dir: Path) -> list[Path]:
    """Write each file under `out_dir`, atomically; return the paths. A name that would
    leave `out_dir` (through "..", or a symbolic link inside it) is refused."""
    written = []
    for name, content in files:
        target = inside(out_dir, out_dir / name)
        with atomic_path(target) as tmp:
            tmp.write_bytes(content)
        written.append(target)
    return written
