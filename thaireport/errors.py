"""Errors with exit codes and messages that say how to fix the problem.

Stages raise these; only the CLI turns them into exit codes. Every message names the file
(and page, where there is one) so a line in a batch log is enough to act on.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Stable exit statuses of the `thaireport` command."""

    OK = 0
    INPUT_FAILED = 1  # some input could not be read; the others were written
    BAD_ARGUMENTS = 2
    MISSING_DEPENDENCY = 3  # an external program or its data is not installed


class ThaiReportError(Exception):
    exit_code: ExitCode = ExitCode.INPUT_FAILED
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        page: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.page = page
        self.hint = hint

    def __str__(self) -> str:
        where = self.path or ""
        if self.page is not None:
            where += f" (page {self.page})"
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} — {self.hint}" if self.hint else text


class InputError(ThaiReportError):
    """The input exists but cannot be read as a report."""

    kind = "unreadable"


class EmptyInputError(InputError):
    kind = "empty"


class EncryptedPdfError(InputError):
    kind = "encrypted"


class UnsupportedInputError(InputError):
    kind = "unsupported"


class TooLargeInputError(InputError):
    """An image whose declared size is beyond any page scan (a decompression bomb)."""

    kind = "too-large"


class UnsafeOutputError(InputError):
    """An output named after an input would be written outside the output directory."""

    kind = "unsafe-output"


class NoTableError(InputError):
    """The document was read but holds no measure table."""

    kind = "no-table"


class PartialReadError(InputError):
    """Some pages could not be read (OCR timed out or crashed, a page would not render);
    the document is kept with those pages empty."""

    kind = "partial"


class BatchStateError(ThaiReportError):
    """The output directory of a batch belongs to another batch, or one is running there."""

    exit_code = ExitCode.BAD_ARGUMENTS
    kind = "batch-state"


class MissingDependencyError(ThaiReportError):
    exit_code = ExitCode.MISSING_DEPENDENCY
    kind = "missing-dependency"
