"""The library entry points: one document, or many, read as the `thaireport` command reads them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from thaireport.pipeline.document import DocumentResult, process_document
from thaireport.settings import Settings


def read(
    path: str | os.PathLike[str], settings: Settings | dict[str, Any] | None = None
) -> DocumentResult:
    """Read one report (PDF, scan, DOCX where supported, OCR text export).

    Never raises for a bad input: the result's `status` is `Status.FAILED` and its `error`
    says what is wrong, naming the file (and page). `records` holds one `MeasureRecord` per
    table row; `pages` the number of pages; `warnings` the number of warnings on the records.
    """
    return process_document(Path(path), Settings.resolve(settings))


def _read_one(job: tuple[Path, Settings]) -> DocumentResult:
    return process_document(*job)


def read_many(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | dict[str, Any] | None = None,
    *,
    jobs: int = 1,
) -> Iterator[DocumentResult]:
    """Read several documents, `jobs` at a time, and yield their results in the order given.

    One bad file gives a failed result and the others go on. For folder trees with resumable
    state, per-document files and a cluster, use `thaireport batch` (`thaireport.pipeline.batch`).
    """
    resolved = Settings.resolve(settings)
    work = [(Path(p), resolved) for p in paths]
    if jobs <= 1 or len(work) <= 1:
        yield from map(_read_one, work)
        return
    # Documents in parallel, pages within each one at a time: the cores are shared once.
    from dataclasses import replace

    per_document = replace(resolved, ocr=replace(resolved.ocr, jobs=1))
    work = [(path, per_document) for path, _ in work]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_read_one, work)
