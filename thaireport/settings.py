"""All run settings in one place, with named defaults."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class OcrSettings:
    """How pages are read by OCR. Part of the run's one `Settings`."""

    dpi: int = 300  # rasterization of PDF pages that need OCR
    work_dpi: int = 200  # pages of a higher resolution are reduced to this for OCR (0: never)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)  # pages read at once
    languages: str = "tha+eng"
    psm: int = 6  # one uniform block: every line is read (psm 3 drops short isolated cells)
    timeout: float = 180.0  # seconds per page
    min_confidence: float = 70.0  # cells whose mean word confidence is lower get a warning
    retry_below: float = 55.0  # a page read with less mean confidence is checked for rotation
    image: str = "gray"  # what Tesseract sees: "gray" (flattened, deskewed) or "binary"
    erase_rules: bool = True  # paint table rules out before OCR
    cells_apart: bool = True  # ruled tables' cells read one by one (ocr.tesseract.recognize)
    flatten: bool = True  # divide out uneven illumination
    deskew: bool = True
    median: bool = False  # 3×3 median filter against noise
    reread_digits: bool = True  # numbers read again by the digit classifier (ocr/digits.py)
    reread_latin: bool = True  # phrases the English model took read again with Thai alone


class TableStrategy(StrEnum):
    """How born-digital and OCR pages are cut into tables (extract/table.py)."""

    LINES = "lines"  # cells from ruling lines only (grid, merged cells)
    TEXT = "text"  # header lines and text alignment only
    AUTO = "auto"  # ruled tables from their cells, the rest of the page from text


DEFAULT_FORMATS: tuple[str, ...] = ("jsonl",)
# A report is tens of pages; a file of thousands is not one report, and each of its pages may
# need OCR (seconds a page): refused at once rather than read for hours.
DEFAULT_MAX_PAGES = 1000
DEFAULT_TIMEOUT = 1800.0  # seconds per document in a batch: a 300-page scan at ~2 s a page


@dataclass(frozen=True)
class Settings:
    """How a run reads inputs and writes outputs.

    `resolve()` accepts None, a mapping of field names or an instance, so library callers
    and the CLI build settings the same way.
    """

    out: Path | None = None  # None: stream JSON Lines to stdout
    formats: tuple[str, ...] = DEFAULT_FORMATS
    excel: bool = False  # CSV with a byte-order mark, for Excel
    ocr: OcrSettings = field(default_factory=OcrSettings)
    max_pages: int | None = DEFAULT_MAX_PAGES  # pages of one input; None: no limit
    # A page that cannot be read fails the whole document instead of leaving it partial.
    abort_on_error: bool = False
    strict: bool = False  # a document without a measure table counts as failed (exit 1)
    tables: TableStrategy = TableStrategy.AUTO
    # Opens password-protected PDFs (--password); never shown (repr) or written anywhere.
    password: str | None = field(default=None, repr=False)
    # The work folder (`--keep-work DIR`) that `batch` writes each document's folder into.
    keep_work: Path | None = None
    # Told each page's number as soon as it is read (the CLI's progress bar); None in a
    # batch's workers, which report per document.
    on_page: Callable[[int], None] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def resolve(cls, value: Settings | dict[str, Any] | None = None) -> Settings:
        if value is None:
            return cls()
        if isinstance(value, Settings):
            return value
        unknown = set(value) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(cls(), **value)
