"""The baselines the pipeline is measured against: on page images plain Tesseract and
img2table, on born-digital PDFs pdfplumber's own ``extract_tables`` and camelot (lattice).

Every engine runs with ``OMP_THREAD_LIMIT=1`` (see :func:`engine_env`): Tesseract's OpenMP
threads otherwise compete with each other and with the other processes on a small machine
(DOMAIN.md measured 4.3 s/page with the limit against 11.8 s without, 2 cores), and a
comparison of seconds per page is only fair when every engine gets the same single thread.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from thaireport.extract.header import is_header_row

TESSERACT_TIMEOUT = 600.0


def engine_env() -> dict[str, str]:
    """The environment every engine runs in: the current one with OMP_THREAD_LIMIT=1."""
    env = os.environ.copy()
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def plain_tesseract(image_path: Path, *, lang: str = "tha") -> tuple[str, float]:
    """One ``tesseract page.png - -l tha`` pass: the page text and the wall seconds taken."""
    start = time.perf_counter()
    completed = subprocess.run(
        ["tesseract", str(image_path), "-", "-l", lang],
        capture_output=True,
        text=True,
        timeout=TESSERACT_TIMEOUT,
        check=True,
        env=engine_env(),
    )
    return completed.stdout, time.perf_counter() - start


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)


def body_rows(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Table rows as lists of cell strings (None: ""), without header and empty rows.

    Header rows (naming at least four of the six columns, by ``extract.header``) and rows
    without any text are dropped: neither would become a record.
    """
    out: list[list[str]] = []
    for row in rows:
        cells = [_cell_text(cell) for cell in row]
        if any(cell.strip() for cell in cells) and not is_header_row(cells):
            out.append(cells)
    return out


def table_rows(tables: Iterable[Any]) -> list[list[str]]:
    """Rows of img2table ``ExtractedTable`` objects (see :func:`body_rows`)."""
    return body_rows(
        [cell.value for cell in row] for table in tables for row in table.content.values()
    )


def pdfplumber_rows(pdf_path: Path) -> tuple[list[list[str]], float]:
    """pdfplumber's own ``page.extract_tables()`` (default settings: ruling lines) on each
    page: the body rows of every table, in page order, and the seconds taken."""
    import pdfplumber

    rows: list[list[str]] = []
    start = time.perf_counter()
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows.extend(body_rows(table))
            page.close()
    return rows, time.perf_counter() - start


def camelot_rows(pdf_path: Path) -> tuple[list[list[str]], float]:
    """camelot 2 ``read_pdf(flavor="lattice")`` over all pages: body rows and seconds.

    Lattice finds tables by their ruling lines in a rendering of the page (camelot 2
    renders with pdfium; no Ghostscript is needed) and takes cell texts from pdfminer's
    (playa's) layout. Its warnings (pages without a table) are silenced.
    """
    import warnings

    from camelot.io import read_pdf

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = read_pdf(str(pdf_path), pages="1-end", flavor="lattice")
    rows = body_rows(row for table in tables for row in table.df.itertuples(index=False))
    return rows, time.perf_counter() - start


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (img2table lets ``tesseract --version`` print to it)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def img2table_rows(
    image_paths: Sequence[Path], *, lang: str = "tha", implicit_rows: bool = True
) -> tuple[list[list[str]], float]:
    """img2table 2.0 with its Tesseract OCR over each page image: table rows and seconds.

    Settings: ``TesseractOCR(lang="tha", n_threads=1)``, ruled tables only
    (``borderless_tables=False``), ``implicit_rows=True`` by default. With implicit rows
    img2table splits a ruled row at every gap between text lines, so a multi-line cell
    becomes several rows; ``implicit_rows=False`` keeps the ruled rows. The OCR object is
    built before the clock starts (its constructor only asks Tesseract for its version and
    languages).
    img2table's Tesseract backend runs the ``tesseract`` program and downloads nothing.
    """
    from img2table.document import Image
    from img2table.ocr import TesseractOCR

    # TesseractOCR copies os.environ when it is built; the limit must be set before.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with _quiet_stdout():
        ocr = TesseractOCR(lang=lang, n_threads=1)
    rows: list[list[str]] = []
    start = time.perf_counter()
    for path in image_paths:
        tables = Image(src=str(path)).extract_tables(
            ocr=ocr, implicit_rows=implicit_rows, borderless_tables=False
        )
        rows.extend(table_rows(tables))
    return rows, time.perf_counter() - start
