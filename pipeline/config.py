"""All run settings in one place, with named defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ocr.tesseract import OcrSettings

DEFAULT_FORMATS: tuple[str, ...] = ("jsonl",)
# A report is tens of pages; a file of thousands is not one report, and each of its pages may
# need OCR (seconds a page): refused at once rather than read for hours.
DEFAULT_MAX_PAGES = 1000


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
