"""Benchmark the scan path: ``python -m bench.run [--quick] [--out bench-results.json]``.

For each scan profile of ``tests.fixtures.scan`` the example report (the bundled OCR export
as fixture content, rendered with the "landscape" variant) is rendered to a PDF, "scanned"
to page images and read by three engines:

- ``ours``: ``pipeline.document.process_document`` on an image-only PDF of the scanned
  pages, one page after another (``ours``) and with pages read in parallel, the command's
  default (``ours-parallel``);
- ``tesseract``: one plain ``tesseract page.png - -l tha`` pass per page. Its text has no
  table structure, so it gets no row scores, only seconds per page and the character
  accuracy of each page's text against the expected page text (see below);
- ``img2table``: img2table 2.0 with its Tesseract OCR, ruled tables, implicit rows (the
  configuration asked for); ``img2table-ruled``: the same with ``implicit_rows=False``,
  which keeps a ruled row whole instead of cutting it at every text line.

Expected rows are the rows of ``example_content()``. Expected *page* text is approximated as
the expected cell texts present on that page, row by row, cell by cell, each cell cut to the
part printed on that page (title, section headings and table headers are left out, so an
engine's page text has some extra characters that count as insertions). Where each part of a
cell is printed is found by locating its phrases in the rendered PDF's text layer; that
layer's Thai is in glyph order (marks and vowels misplaced), so phrases are compared by
their consonant/digit/Latin skeleton only. Page character accuracy (1 - CER) is order
sensitive: Tesseract reads a ruled table line by line across all columns, the expectation
goes cell by cell, so it is reported beside ``page_char_recall_unordered`` (the share of
expected characters found anywhere on the page), which measures recognition alone.
``--quick`` (one profile, first 2 pages) scores the table engines against the rows cut the
same way to those pages.

Rows split by a page break are expected whole (full run); engines that read page by page
return two partial rows for them, which costs them cell accuracy and precision. That is
the honest score of a per-page reader: a record must hold the whole row.

Every engine runs with ``OMP_THREAD_LIMIT=1`` (set here for the whole process and passed to
every subprocess): one thread each, so seconds per page compare engines, not thread luck.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.baselines import img2table_rows, plain_tesseract
from bench.metrics import cell_accuracy, char_recall_unordered, score
from extract.header import COLUMN_KEYS

QUICK_PAGES = 2
VARIANT = "landscape"
DEFAULT_DPI = 300  # for a page image that carries no resolution

Row = list[str]


# -- expected text, page by page ---------------------------------------------------------

_SKELETON_DROP = re.compile(r"[^\u0e01-\u0e2e\u0e50-\u0e59a-z0-9]")


def skeleton(text: str) -> str:
    """Thai consonants, Thai digits and Latin letters/digits only, in order.

    Survives the glyph-order text layer of shaped Thai (vowels and marks moved around).
    """
    return _SKELETON_DROP.sub("", text.lower())


def _page_of_phrase(phrase: str, pages: Sequence[str], current: int) -> int:
    """The page (current or a later one) where a cell's next phrase is printed."""
    from rapidfuzz import fuzz

    key = skeleton(phrase)
    if len(key) < 3 or current >= len(pages) - 1:
        return current
    for page in range(current, len(pages)):
        if key in pages[page]:
            return page
    here = fuzz.partial_ratio(key, pages[current])
    there = fuzz.partial_ratio(key, pages[current + 1])
    return current + 1 if there > here else current


def _row_start(row: Sequence[str], pages: Sequence[str], earliest: int) -> int:
    """The page a row starts on: all its cells start at the same height, so on one page.

    Each cell's first discriminating phrase (skeleton of 6+ characters) is looked up from
    ``earliest`` on; a phrase can only be found too early (its text also occurs on an
    earlier page), never too late, so the latest page found wins.
    """
    found: list[int] = []
    for cell in row:
        for phrase in cell.split():
            key = skeleton(phrase)
            if len(key) >= 6:
                first = next((p for p in range(earliest, len(pages)) if key in pages[p]), None)
                if first is not None:
                    found.append(first)
                break
    return max(found, default=earliest)


def locate_cells(
    rows: Sequence[Sequence[str]], page_texts: Sequence[str]
) -> list[list[dict[int, str]]]:
    """For each expected row and cell, the cell's text cut by page: {page index: text}.

    A cell's phrases are walked in order from the page where its row starts; a phrase moves
    the cell on to a later page when its skeleton is found there and not on the current one.
    """
    pages = [skeleton(text) for text in page_texts]
    located: list[list[dict[int, str]]] = []
    row_start = 0
    for row in rows:
        row_start = _row_start(row, pages, row_start)
        cells: list[dict[int, str]] = []
        for cell in row:
            parts: dict[int, list[str]] = {}
            current = row_start
            for phrase in cell.split():
                current = _page_of_phrase(phrase, pages, current)
                parts.setdefault(current, []).append(phrase)
            cells.append({page: " ".join(words) for page, words in parts.items()})
        located.append(cells)
    return located


def rows_on_pages(located: Sequence[Sequence[Mapping[int, str]]], pages: set[int]) -> list[Row]:
    """The expected rows cut to ``pages``; rows with no text there are left out."""
    out: list[Row] = []
    for cells in located:
        cut = [" ".join(text for page, text in sorted(c.items()) if page in pages) for c in cells]
        if any(cut):
            out.append(cut)
    return out


def page_text_expected(located: Sequence[Sequence[Mapping[int, str]]], page: int) -> str:
    """Expected text of one page: the cell parts printed there, row by row, cell by cell."""
    return "\n".join(c[page] for cells in located for c in cells if page in c)


def pdf_page_texts(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return [str(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    finally:
        document.close()


# -- scanning ----------------------------------------------------------------------------


@dataclass
class Scan:
    images: list[Path]
    pdf: Path | None = None  # an image-only PDF of all pages, when the scanner made one


def scan_profiles() -> list[tuple[str, Any]]:
    """(name, profile) of every scan profile of the scanner simulation."""
    from tests.fixtures.scan import SCAN_PROFILES

    return list(SCAN_PROFILES.items())


def scan(pdf: Path, out_dir: Path, name: str, profile: Any) -> Scan:
    """The report scanned with `profile`: one PNG per page, the DPI in each file."""
    from tests.fixtures.scan import scan_pdf

    out_dir.mkdir(parents=True, exist_ok=True)
    return Scan(list(scan_pdf(pdf, out_dir, profile)))


def _image_dpi(path: Path) -> float:
    from PIL import Image

    with Image.open(path) as image:
        dpi = image.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
    return float(dpi[0]) or DEFAULT_DPI


def _bundle(images: Sequence[Path], target: Path, fmt: str) -> Path:
    """All page images in one image-only PDF or multi-page TIFF, each page at its own DPI:
    the PDF a scanner writes (JPEG pages, no text layer)."""
    from PIL import Image

    from tests.fixtures.scan import image_only_pdf, write_multipage_tiff

    opened = [Image.open(path) for path in images]
    try:
        dpis = [round(_image_dpi(path)) for path in images]
        writer = image_only_pdf if fmt == "PDF" else write_multipage_tiff
        return Path(writer(opened, target, dpis))
    finally:
        for image in opened:
            image.close()


# -- engines -----------------------------------------------------------------------------


@dataclass
class EngineRun:
    engine: str
    available: bool
    pages: int
    seconds: float = 0.0
    note: str = ""
    rows: list[Row] = field(default_factory=list)
    page_texts: list[str] = field(default_factory=list)

    @property
    def seconds_per_page(self) -> float | None:
        return self.seconds / self.pages if self.available and self.pages else None


def run_ours(
    images: Sequence[Path], pdf: Path | None, work: Path, *, jobs: int = 1, engine: str = "ours"
) -> EngineRun:
    """Our pipeline on the whole scanned report, in the first form it accepts.

    `jobs=1` reads one page after another, like the plain Tesseract baseline; the default
    of the command (`jobs` = cores) reads pages in parallel and is reported beside it.
    """
    try:
        from ocr.tesseract import OcrSettings
        from pipeline.config import Settings
        from pipeline.document import Status, process_document
    except Exception as exc:  # the pipeline is being changed; a broken import is "not available"
        note = f"not available: cannot import the pipeline ({type(exc).__name__}: {exc})"
        return EngineRun(engine, False, len(images), note=note)
    settings = Settings(ocr=OcrSettings(jobs=jobs))

    candidates: list[tuple[str, Callable[[], list[Path]]]] = [
        ("image-only PDF", lambda: [pdf or _bundle(images, work / "scan.pdf", "PDF")]),
        ("multi-page TIFF", lambda: [_bundle(images, work / "scan.tif", "TIFF")]),
        ("page images", lambda: list(images)),
    ]
    errors: list[str] = []
    for label, inputs in candidates:
        rows: list[Row] = []
        done = 0
        start = time.perf_counter()
        try:
            paths = inputs()
        except Exception as exc:
            errors.append(f"{label}: cannot write it ({exc})")
            continue
        for path in paths:
            result = process_document(path, settings)
            if result.status is Status.DONE and result.records:
                done += 1
                rows.extend(
                    [getattr(r.cells, key) or "" for key in COLUMN_KEYS] for r in result.records
                )
            else:
                errors.append(f"{label}: {result.error or 'no records'}")
        seconds = time.perf_counter() - start
        if done:
            note = f"input: {label}, {jobs} job(s)"
            return EngineRun(engine, True, len(images), seconds, note, rows)
    return EngineRun(engine, False, len(images), note="not available: " + "; ".join(errors[:3]))


def run_tesseract(images: Sequence[Path]) -> EngineRun:
    texts: list[str] = []
    seconds = 0.0
    for path in images:
        text, taken = plain_tesseract(path)
        texts.append(text)
        seconds += taken
    return EngineRun("tesseract", True, len(images), seconds, "tesseract -l tha", page_texts=texts)


def run_img2table(images: Sequence[Path], *, implicit_rows: bool = True) -> EngineRun:
    name = "img2table" if implicit_rows else "img2table-ruled"
    try:
        rows, seconds = img2table_rows(images, implicit_rows=implicit_rows)
    except ImportError as exc:
        return EngineRun(name, False, len(images), note=f"not installed: {exc}")
    note = f"img2table 2.0 + tesseract, implicit_rows={implicit_rows}"
    return EngineRun(name, True, len(images), seconds, note, rows)


# -- scoring and report ------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def evaluate(
    run: EngineRun, expected_rows: Sequence[Sequence[str]], expected_pages: Sequence[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "engine": run.engine,
        "available": run.available,
        "note": run.note,
        "pages": run.pages,
        "seconds": round(run.seconds, 3) if run.available else None,
        "seconds_per_page": run.seconds_per_page,
        "row_f1": None,
        "cell_accuracy": None,
        "precision": None,
        "recall": None,
        "rows_expected": len(expected_rows),
        "rows_got": None,
        "page_char_accuracy": None,
        "page_char_recall_unordered": None,
    }
    if not run.available:
        return out
    if run.page_texts:
        pairs = list(zip(expected_pages, run.page_texts, strict=True))
        out["page_char_accuracy"] = _mean([cell_accuracy(e, g) for e, g in pairs])
        out["page_char_recall_unordered"] = _mean([char_recall_unordered(e, g) for e, g in pairs])
    else:
        out.update(score(expected_rows, run.rows).as_dict())
        out["rows"] = run.rows
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib: float | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 2)
    except OSError:
        pass
    try:
        probe = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        tesseract = (probe.stdout + probe.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.SubprocessError):
        tesseract = "not found"
    versions: dict[str, str | None] = {}
    for package in ("img2table", "opencv-contrib-python", "numpy", "pytesseract", "rapidfuzz"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu,
        "ram_gib": ram_gib,
        "tesseract": tesseract,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT"),
    }


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(profiles: Sequence[Mapping[str, Any]]) -> None:
    headers = [
        "profile",
        "engine",
        "row F1",
        "cell acc",
        "page char acc",
        "page chars any order",
        "s/page",
        "ours/tess s",
        "ours/img2t acc",
        "ours/img2t-ruled acc",
        "note",
    ]
    lines: list[list[str]] = []
    for entry in profiles:
        ratios = entry["ratios"]
        for result in entry["engines"]:
            ours = result["engine"] == "ours"
            seconds_ratio = {
                "ours": ratios["ours_over_tesseract_seconds"],
                "ours-parallel": ratios["ours_parallel_over_tesseract_seconds"],
            }.get(result["engine"])
            lines.append(
                [
                    entry["profile"],
                    result["engine"],
                    _fmt(result["row_f1"]),
                    _fmt(result["cell_accuracy"]),
                    _fmt(result["page_char_accuracy"]),
                    _fmt(result["page_char_recall_unordered"]),
                    _fmt(result["seconds_per_page"], 2),
                    _fmt(seconds_ratio, 2) if seconds_ratio is not None else "",
                    _fmt(entry["ratios"]["ours_over_img2table_cell_accuracy"], 2) if ours else "",
                    _fmt(ratios["ours_over_img2table_ruled_cell_accuracy"], 2) if ours else "",
                    result["note"][:60],
                ]
            )
    try:
        rich_console = importlib.import_module("rich.console")
        rich_table = importlib.import_module("rich.table")
    except ImportError:
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
        print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
        print("  ".join("-" * w for w in widths))
        for line in lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
        return
    table = rich_table.Table(title="thaireport scan benchmark")
    for header in headers:
        table.add_column(header)
    for line in lines:
        table.add_row(*line)
    rich_console.Console().print(table)


def bench_profile(
    name: str, profile: Any, report_pdf: Path, located: Any, pages: int, all_rows: Any, work: Path
) -> dict[str, Any]:
    scanned = scan(report_pdf, work / name, name, profile)
    images = scanned.images[:pages]
    in_scope = set(range(len(images)))
    whole = len(images) == len(scanned.images)
    expected_rows = [list(r) for r in all_rows] if whole else rows_on_pages(located, in_scope)
    expected_pages = [page_text_expected(located, page) for page in range(len(images))]
    print(f"[{name}] {len(images)} page(s), {len(expected_rows)} expected row(s)", flush=True)
    runs = [
        run_ours(images, scanned.pdf if whole else None, work / name),
        run_ours(
            images,
            scanned.pdf if whole else None,
            work / name,
            jobs=os.cpu_count() or 1,
            engine="ours-parallel",
        ),
        run_tesseract(images),
        run_img2table(images),
        run_img2table(images, implicit_rows=False),
    ]
    results = []
    for run in runs:
        print(f"[{name}] {run.engine}: {run.note} ({run.seconds:.1f} s)", flush=True)
        results.append(evaluate(run, expected_rows, expected_pages))
    by_engine = {r["engine"]: r for r in results}
    return {
        "profile": name,
        "pages": len(images),
        "pages_scanned": len(scanned.images),
        "expected_rows": expected_rows,
        "engines": results,
        "ratios": {
            "ours_over_tesseract_seconds": _ratio(
                by_engine["ours"]["seconds_per_page"], by_engine["tesseract"]["seconds_per_page"]
            ),
            "ours_parallel_over_tesseract_seconds": _ratio(
                by_engine["ours-parallel"]["seconds_per_page"],
                by_engine["tesseract"]["seconds_per_page"],
            ),
            "ours_over_img2table_cell_accuracy": _ratio(
                by_engine["ours"]["cell_accuracy"], by_engine["img2table"]["cell_accuracy"]
            ),
            "ours_over_img2table_row_f1": _ratio(
                by_engine["ours"]["row_f1"], by_engine["img2table"]["row_f1"]
            ),
            "ours_over_img2table_ruled_cell_accuracy": _ratio(
                by_engine["ours"]["cell_accuracy"], by_engine["img2table-ruled"]["cell_accuracy"]
            ),
        },
    }


DIGIT_SHEET_SEEDS = 4  # sheets per resolution: 8 fonts x 5 lines each, new numbers per seed
BATCH_PROFILES = ("clean200", "office200", "office300", "phone")


def bench_batch_jobs(work: Path, quick: bool) -> dict[str, Any]:
    """Issue 5's measure: `thaireport batch --jobs 2` against `--jobs 1` on scanned files.

    Three documents per profile (the example's sections 1–2, 3–4 and 5–7), each an
    image-only PDF; both runs must give the same records.
    """
    from tests.fixtures.content import ReportContent, example_content
    from tests.fixtures.pdfgen import VARIANTS, render_report
    from tests.fixtures.scan import image_only_pdf, scan_pages

    content = example_content()
    folder = work / "batch-input"
    folder.mkdir(parents=True, exist_ok=True)
    parts = [content.sections[:2], content.sections[2:4], content.sections[4:]]
    profiles = BATCH_PROFILES[:1] if quick else BATCH_PROFILES
    pages = 0
    for profile in profiles:
        (folder / profile).mkdir(exist_ok=True)
        for number, sections in enumerate(parts, start=1):
            part = ReportContent(content.title_lines, tuple(sections))
            pdf = render_report(part, work / f"part-{number}.pdf", VARIANTS[VARIANT])
            scanned = scan_pages(pdf, profile)
            pages += len(scanned)
            image_only_pdf(
                [p.image for p in scanned],
                folder / profile / f"part-{number}.pdf",
                [p.dpi for p in scanned],
            )
    runs: dict[str, Any] = {}
    for jobs in (1, 2):
        out = work / f"batch-out-{jobs}"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(out),
             "--jobs", str(jobs)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        records = (out / "records.jsonl").read_text(encoding="utf-8") if out.exists() else ""
        runs[str(jobs)] = {"seconds": seconds, "exit": done.returncode, "records": records}
        print(f"[batch] --jobs {jobs}: {seconds:.1f} s, exit {done.returncode}", flush=True)
    one, two = runs["1"], runs["2"]
    return {
        "files": len(profiles) * len(parts),
        "pages": pages,
        "seconds_jobs_1": one["seconds"],
        "seconds_jobs_2": two["seconds"],
        "speedup": one["seconds"] / two["seconds"] if two["seconds"] else None,
        "same_records": one["records"] == two["records"] and bool(one["records"]),
        "exit_codes": [one["exit"], two["exit"]],
    }


def bench_digit_sheets(seeds: int) -> dict[str, dict[str, Any]]:
    """Issue 4's measure: Thai-digit accuracy on rendered digit sheets, before and after
    `ocr.digits` re-reads the numbers, at 300 DPI clean and 200 DPI degraded."""
    from tests.fixtures.digit_sheet import render_sheet, run_sheet

    out: dict[str, dict[str, Any]] = {}
    for name, dpi, degraded in (("300 DPI", 300, False), ("200 DPI degraded", 200, True)):
        results = [run_sheet(render_sheet(dpi, degraded, seed)) for seed in range(1, seeds + 1)]
        printed = sum(r.printed for r in results)
        out[name] = {
            "printed": printed,
            "tesseract": sum(r.tesseract * r.printed for r in results) / printed,
            "corrected": sum(r.corrected * r.printed for r in results) / printed,
            "seconds_per_page": sum(r.seconds_per_page for r in results) / len(results),
            "worst": [w for r in results for w in r.worst][:10],
        }
        print(f"[digit sheet] {name}: {len(results)} sheet(s)", flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one profile, first 2 pages")
    parser.add_argument("--out", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--keep", type=Path, help="keep rendered and scanned files here")
    args = parser.parse_args(argv)

    os.environ["OMP_THREAD_LIMIT"] = "1"  # inherited by every engine's subprocess
    from tests.fixtures.content import example_content
    from tests.fixtures.pdfgen import VARIANTS, render_report

    content = example_content()
    all_rows = [list(row) for section in content.sections for row in section.rows]
    with tempfile.TemporaryDirectory(prefix="thaireport-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        report_pdf = render_report(content, work / "report.pdf", VARIANTS[VARIANT])
        page_texts = pdf_page_texts(report_pdf)
        located = locate_cells(all_rows, page_texts)
        profiles = scan_profiles()
        if args.quick:
            profiles = profiles[:1]
        pages = QUICK_PAGES if args.quick else len(page_texts)
        entries = [
            bench_profile(name, profile, report_pdf, located, pages, all_rows, work)
            for name, profile in profiles
        ]
    digit_sheets = bench_digit_sheets(1 if args.quick else DIGIT_SHEET_SEEDS)
    with tempfile.TemporaryDirectory(prefix="thaireport-batch-") as tmp:
        batch = bench_batch_jobs(Path(tmp), args.quick)
    results = {
        "digit_sheets": digit_sheets,
        "batch": batch,
        "quick": args.quick,
        "variant": VARIANT,
        "report_pages": len(page_texts),
        "machine": machine(),
        "profiles": entries,
    }
    print_table(entries)
    for name, sheet in digit_sheets.items():
        print(
            f"digit sheet {name}: Thai digits right {sheet['tesseract']:.2%} with Tesseract "
            f"alone, {sheet['corrected']:.2%} re-read ({sheet['printed']} digits, "
            f"{sheet['seconds_per_page']:.3f} s/page for the re-reading)"
        )
    print(
        f"batch of {batch['files']} scanned files ({batch['pages']} pages): --jobs 1 "
        f"{batch['seconds_jobs_1']:.1f} s, --jobs 2 {batch['seconds_jobs_2']:.1f} s, "
        f"speed-up {batch['speedup']:.2f}x, same records: {batch['same_records']}"
    )
    mach = results["machine"]
    print(
        f"machine: {mach['nproc']} CPU(s) {mach['cpu_model']}, {mach['ram_gib']} GiB, "
        f"{mach['tesseract']}, OMP_THREAD_LIMIT={mach['omp_thread_limit']}"
    )
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
