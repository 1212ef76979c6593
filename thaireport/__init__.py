"""thaireport: Thai integrity and transparency reports into structured, verifiable records.

Use from Python::

    import thaireport

    result = thaireport.read("report.pdf")           # one document
    if result.status is thaireport.Status.DONE:
        for record in result.records:                 # thaireport.MeasureRecord
            print(record.section.number, record.cells.period, record.normalized.period_start)

    for result in thaireport.read_many(paths, jobs=2):  # several, in the order given
        ...

Settings come as a `thaireport.Settings` (or a dict of its fields). Errors are
`thaireport.ThaiReportError` and its subclasses; `read` never raises them for a bad input: the
result says `Status.FAILED` and carries the error, as a batch needs.

The names are loaded on first use, so `import thaireport` (and `thaireport --help`) pays for
no PDF, OCR or NLP library until a document is read.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from thaireport._version import __version__

if TYPE_CHECKING:
    from thaireport.api import read, read_many
    from thaireport.errors import (
        EncryptedPdfError,
        ExitCode,
        InputError,
        MissingDependencyError,
        NoTableError,
        ThaiReportError,
        TooLargeInputError,
        UnsupportedInputError,
    )
    from thaireport.extract.records import MeasureRecord, record_json_schema
    from thaireport.pipeline.document import DocumentResult, InputKind, Status
    from thaireport.settings import OcrSettings, Settings

# public name -> the module that defines it
_EXPORTS = {
    "read": "thaireport.api",
    "read_many": "thaireport.api",
    "Settings": "thaireport.settings",
    "OcrSettings": "thaireport.settings",
    "DocumentResult": "thaireport.pipeline.document",
    "InputKind": "thaireport.pipeline.document",
    "Status": "thaireport.pipeline.document",
    "MeasureRecord": "thaireport.extract.records",
    "record_json_schema": "thaireport.extract.records",
    "ExitCode": "thaireport.errors",
    "ThaiReportError": "thaireport.errors",
    "InputError": "thaireport.errors",
    "EncryptedPdfError": "thaireport.errors",
    "NoTableError": "thaireport.errors",
    "TooLargeInputError": "thaireport.errors",
    "UnsupportedInputError": "thaireport.errors",
    "MissingDependencyError": "thaireport.errors",
}

__all__ = [
    "DocumentResult",
    "EncryptedPdfError",
    "ExitCode",
    "InputError",
    "InputKind",
    "MeasureRecord",
    "MissingDependencyError",
    "NoTableError",
    "OcrSettings",
    "Settings",
    "Status",
    "ThaiReportError",
    "TooLargeInputError",
    "UnsupportedInputError",
    "__version__",
    "read",
    "read_many",
    "record_json_schema",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'thaireport' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
