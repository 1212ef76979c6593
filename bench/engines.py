"""The engines of the benchmark, each run on one document in a process of its own, and
the scoring of what each returned.

- ``ours``: ``pipeline.document.process_document``: on a PDF (digital part), or on an
  image-only PDF of the scanned pages (scan part; one page after another, and
  ``ours-parallel`` with the command's default of one OCR process per core);
- ``pdfplumber``: pdfplumber's own ``page.extract_tables()`` (digital PDFs);
- ``camelot``: camelot 2, lattice (digital PDFs);
- ``tesseract``: one plain ``tesseract page.png - -l tha`` per page image (no table
  structure: scored by page text only);
- ``img2table`` / ``img2table-ruled``: img2table 2.0 with its Tesseract OCR on page images.

Every engine runs through :func:`measured`: a fresh interpreter per engine and document
(see :mod:`bench.isolate`), its wall seconds measured around the work itself, and its CPU
seconds (:func:`cpu_clock`, the process and its children) around the engine call.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from thaireport.extract.header import COLUMN_KEYS

from bench.baselines import camelot_rows, img2table_rows, pdfplumber_rows, plain_tesseract
from bench.isolate import PeakMemory, run_isolated
from bench.metrics import (
    PeriodValue,
    cell_accuracy,
    char_recall_unordered,
    match_rows,
    period_accuracy,
    score,
    teds,
)

DEFAULT_DPI = 300  # for a page image that carries no resolution
PERIOD_COLUMN = COLUMN_KEYS.index("period")

Row = list[str]


@dataclass
class EngineRun:
    engine: str
    available: bool
    pages: int
    seconds: float = 0.0
    note: str = ""
    rows: list[Row] = field(default_factory=list)
    page_texts: list[str] = field(default_factory=list)
    # the normalized period of each row, for engines that give one (ours); peers' period
    # cells are read by the project's normalizer when scored
    periods: list[PeriodValue] | None = None
    peak: PeakMemory | None = None
    # with `warm`: `seconds` is the second run in the process, this the first one
    fresh_seconds: float | None = None
    # CPU seconds of the engine's process and its ended children over the same work
    cpu_seconds: float | None = None

    @property
    def seconds_per_page(self) -> float | None:
        return self.seconds / self.pages if self.available and self.pages else None

    @property
    def cpu_seconds_per_page(self) -> float | None:
        if self.cpu_seconds is None or not self.available or not self.pages:
            return None
        return self.cpu_seconds / self.pages

    @property
    def fresh_seconds_per_page(self) -> float | None:
        seconds = self.seconds if self.fresh_seconds is None else self.fresh_seconds
        return seconds / self.pages if self.available and self.pages else None


def measured(
    name: str, label: str, pages: int, *args: Any, warm: bool = False, **kwargs: Any
) -> EngineRun:
    """``name(*args, **kwargs)`` of this module, in a process of its own, with its peak
    memory; an engine that fails there is reported as not available.

    ``warm``: the engine runs twice in its process; the second run's seconds are the
    engine's seconds (as in a batch, where one-time start-up costs are paid once) and the
    first run's are kept as ``fresh_seconds`` (what one command on one file pays).
    """
    try:
        if warm:
            run, peak = run_isolated(__name__, "run_twice", name, *args, **kwargs)
        else:
            run, peak = run_isolated(__name__, name, *args, **kwargs)
    except RuntimeError as exc:
        last = str(exc).strip().splitlines()[-1]
        return EngineRun(label, False, pages, note=f"failed: {last}"[:300])
    assert isinstance(run, EngineRun)
    return replace(run, peak=peak)


def run_twice(name: str, *args: Any, **kwargs: Any) -> EngineRun:
    """The engine ``name`` run twice on the same input: the second run, with the first
    run's seconds as ``fresh_seconds``."""
    engine = globals()[name]
    first = engine(*args, **kwargs)
    second = engine(*args, **kwargs)
    assert isinstance(first, EngineRun) and isinstance(second, EngineRun)
    return replace(second, fresh_seconds=first.seconds)


def cpu_clock() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended.

    Unlike wall seconds, they do not grow when other work shares the machine; the engines'
    children (Tesseract runs, pool workers) are all waited for before an engine returns.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# -- ours --------------------------------------------------------------------------------


def _image_dpi(path: Path) -> float:
    from PIL import Image

    with Image.open(path) as image:
        dpi = image.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
    return float(dpi[0]) or DEFAULT_DPI


def image_only_pdf(images: Sequence[Path], target: Path) -> Path:
    """All page images in one image-only PDF, each page at its own DPI: the PDF a scanner
    writes (JPEG pages, no text layer)."""
    from PIL import Image

    from tests.fixtures.scan import image_only_pdf as write_pdf

    opened = [Image.open(path) for path in images]
    try:
        return Path(write_pdf(opened, target, [round(_image_dpi(path)) for path in images]))
    finally:
        for image in opened:
            image.close()


def run_ours_document(path: Path, pages: int, *, jobs: int = 1, engine: str = "ours") -> EngineRun:
    """``process_document`` on one file: rows of its records and their normalized periods.

    `jobs=1` reads one page after another; `jobs` = cores is the command's default (OCR
    pages read in parallel)."""
    try:
        from thaireport.pipeline.document import Status, process_document

        from thaireport.settings import OcrSettings, Settings
    except Exception as exc:  # the pipeline is being changed; a broken import is "not available"
        note = f"not available: cannot import the pipeline ({type(exc).__name__}: {exc})"
        return EngineRun(engine, False, pages, note=note)
    settings = Settings(ocr=OcrSettings(jobs=jobs))
    start, cpu = time.perf_counter(), cpu_clock()
    result = process_document(path, settings)
    seconds, cpu = time.perf_counter() - start, cpu_clock() - cpu
    if result.status is not Status.DONE or not result.records:
        return EngineRun(engine, False, pages, note=f"{result.error or 'no records'}")
    rows = [[getattr(r.cells, key) or "" for key in COLUMN_KEYS] for r in result.records]
    periods = [(r.normalized.period_start, r.normalized.period_end) for r in result.records]
    note = f"{jobs} job(s)"
    return EngineRun(
        engine, True, result.pages, seconds, note, rows, periods=periods, cpu_seconds=cpu
    )


# -- peers -------------------------------------------------------------------------------


def run_tesseract(images: Sequence[Path]) -> EngineRun:
    texts: list[str] = []
    seconds = 0.0
    cpu = cpu_clock()
    for path in images:
        text, taken = plain_tesseract(path)
        texts.append(text)
        seconds += taken
    note = "tesseract -l tha"
    return EngineRun(
        "tesseract", True, len(images), seconds, note, page_texts=texts,
        cpu_seconds=cpu_clock() - cpu,
    )  # fmt: skip


def run_img2table(images: Sequence[Path], *, implicit_rows: bool = True) -> EngineRun:
    name = "img2table" if implicit_rows else "img2table-ruled"
    cpu = cpu_clock()
    try:
        rows, seconds = img2table_rows(images, implicit_rows=implicit_rows)
    except ImportError as exc:
        return EngineRun(name, False, len(images), note=f"not installed: {exc}")
    note = f"img2table 2.0 + tesseract, implicit_rows={implicit_rows}"
    return EngineRun(name, True, len(images), seconds, note, rows, cpu_seconds=cpu_clock() - cpu)


def run_pdfplumber(pdf: Path, pages: int) -> EngineRun:
    cpu = cpu_clock()
    rows, seconds = pdfplumber_rows(pdf)
    note = "page.extract_tables()"
    return EngineRun("pdfplumber", True, pages, seconds, note, rows, cpu_seconds=cpu_clock() - cpu)


def run_camelot(pdf: Path, pages: int) -> EngineRun:
    cpu = cpu_clock()
    try:
        rows, seconds = camelot_rows(pdf)
    except ImportError as exc:
        return EngineRun("camelot", False, pages, note=f"not installed: {exc}")
    note = "camelot 2 lattice"
    return EngineRun("camelot", True, pages, seconds, note, rows, cpu_seconds=cpu_clock() - cpu)


# -- scoring -----------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def periods_of_cells(rows: Sequence[Sequence[str]], fiscal_year_be: int) -> list[PeriodValue]:
    """Each row's period cell read by the project's normalizer (for engines that give
    only text), in the report's fiscal year."""
    from thaireport.extract.normalize.dates import parse_period

    out: list[PeriodValue] = []
    for row in rows:
        text = row[PERIOD_COLUMN] if len(row) > PERIOD_COLUMN else ""
        period = parse_period(text, fiscal_year_be=fiscal_year_be) if text.strip() else None
        out.append((period.start, period.end) if period else (None, None))
    return out


def evaluate(
    run: EngineRun,
    expected_rows: Sequence[Sequence[str]],
    expected_pages: Sequence[str],
    expected_periods: Sequence[PeriodValue],
    fiscal_year_be: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "engine": run.engine,
        "available": run.available,
        "note": run.note,
        "pages": run.pages,
        "seconds": round(run.seconds, 3) if run.available else None,
        "seconds_per_page": run.seconds_per_page,
        "fresh_seconds_per_page": run.fresh_seconds_per_page,
        "cpu_seconds_per_page": run.cpu_seconds_per_page,
        "warm": run.fresh_seconds is not None,
        "row_f1": None,
        "cell_accuracy": None,
        "precision": None,
        "recall": None,
        "rows_expected": len(expected_rows),
        "rows_got": None,
        "period_accuracy": None,
        "teds": None,
        "teds_struct": None,
        "page_char_accuracy": None,
        "page_char_recall_unordered": None,
        "peak_rss_mib": None,
        "peak_rss_tree_mib": None,
    }
    if run.peak is not None:
        out.update(run.peak.as_dict())
    if not run.available:
        return out
    if run.page_texts:
        pairs = list(zip(expected_pages, run.page_texts, strict=True))
        out["page_char_accuracy"] = _mean([cell_accuracy(e, g) for e, g in pairs])
        out["page_char_recall_unordered"] = _mean([char_recall_unordered(e, g) for e, g in pairs])
        return out
    out.update(score(expected_rows, run.rows).as_dict())
    got_periods = run.periods
    if got_periods is None:
        got_periods = periods_of_cells(run.rows, fiscal_year_be)
    out["period_accuracy"] = period_accuracy(expected_rows, run.rows, expected_periods, got_periods)
    out["periods_wrong"] = [
        {
            "row": i,
            "expected": _iso(expected_periods[i]),
            "got": None if j is None else _iso(got_periods[j]),
        }
        for i, j in match_rows(expected_rows, run.rows)
        if j is None or got_periods[j] != expected_periods[i]
    ][:20]
    out["teds"] = teds(expected_rows, run.rows)
    out["teds_struct"] = teds(expected_rows, run.rows, structure_only=True)
    if run.periods is not None:  # ours: what it read, to look into; peers' rows are left out
        out["rows"] = run.rows
    return out


def _iso(period: PeriodValue | None) -> list[str | None] | None:
    if period is None:
        return None
    return [d.isoformat() if isinstance(d, dt.date) else None for d in period]


def seconds_ratios(
    results: Sequence[dict[str, Any]], ours: Sequence[str], peers: Sequence[str]
) -> dict[str, dict[str, dict[str, float | None]]]:
    """For each of our engines and each peer: our seconds per page divided by the peer's,
    wall (``wall``; the second runs where the engines ran twice, see :func:`measured`) and
    CPU (``cpu``)."""
    by_engine = {r["engine"]: r for r in results}
    return {
        mine: {
            peer: {
                key: _ratio(by_engine[mine][field], by_engine[peer][field])
                for key, field in (("wall", "seconds_per_page"), ("cpu", "cpu_seconds_per_page"))
            }
            for peer in peers
            if peer in by_engine
        }
        for mine in ours
        if mine in by_engine
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None
