"""The benchmark: ``python -m bench.run [--quick] [--parts ...] [--out bench/results.json]``
writes the results as JSON and as markdown beside it (``results.md``), with the machine.

Parts (``--parts``, all by default):

- ``digital``: the example report rendered in every layout variant of
  ``tests.fixtures.pdfgen``, read by ours, pdfplumber's ``extract_tables`` and camelot
  (lattice); see :mod:`bench.digital`;
- ``scans``: for each scan profile of ``tests.fixtures.scan`` the example report (rendered
  with the "landscape" variant) "scanned" to page images and read by the engines below;
- ``memory``: peak memory of ours over long documents (:mod:`bench.memory`);
- ``digits``: Thai-digit accuracy on digit sheets; ``batch``: ``batch --jobs 1`` and ``2``;
- ``layer-repair``: text-layer damage repair per family over the seeded corpus, and the
  cost of reading born-digital pages against pdfplumber's parse (:mod:`bench.layer_repair`);
- ``startup``: whole-process timings of short runs against their baselines
  (:mod:`bench.startup`).

Engines of the scan part (all in :mod:`bench.engines`, each run in a fresh process with
its peak memory and CPU seconds, :mod:`bench.isolate`):

- ``ours``: ``pipeline.document.process_document`` on an image-only PDF of the scanned
  pages, one page after another (``ours``) and with pages read in parallel, the command's
  default (``ours-parallel``);
- ``tesseract``: one plain ``tesseract page.png - -l tha`` pass per page. Its text has no
  table structure, so it gets no row scores, only seconds per page and the character
  accuracy of each page's text against the expected page text (see below);
- ``img2table``: img2table 2.0 with its Tesseract OCR, ruled tables, implicit rows (the
  configuration asked for); ``img2table-ruled``: the same with ``implicit_rows=False``,
  which keeps a ruled row whole instead of cutting it at every text line.

Expected rows are the rows of ``example_content()``; expected periods are those the
text-export path gives for the same rows (``process_document`` on the bundled export).
Scores: row F1, mean cell accuracy, period accuracy and TEDS / TEDS-S
(:mod:`bench.metrics`). Expected *page* text is approximated as
the expected cell texts present on that page, row by row, cell by cell, each cell cut to the
part printed on that page (title, section headings and table headers are left out, so an
engine's page text has some extra characters that count as insertions). Where each part of a
cell is printed is found by locating its phrases in the rendered PDF's text layer; that
layer's Thai is in glyph order (marks and vowels misplaced), so phrases are compared by
their consonant/digit/Latin skeleton only. Page character accuracy (1 - CER) is order
sensitive: Tesseract reads a ruled table line by line across all columns, the expectation
goes cell by cell, so it is reported beside ``page_char_recall_unordered`` (the share of
expected characters found anywhere on the page), which measures recognition alone.
``--quick`` (two profiles, first 2 pages; two digital variants; shorter long documents)
scores the table engines against the rows cut the same way to those pages, and their
periods as the project's normalizer reads the cut period cells.

Rows split by a page break are expected whole (full run); engines that read page by page
return two partial rows for them, which costs them cell accuracy and precision. That is
the honest score of a per-page reader: a record must hold the whole row.

Every engine runs with ``OMP_THREAD_LIMIT=1`` (set here for the whole process and passed to
every subprocess): one thread each, so seconds per page compare engines, not thread luck.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.digital import bench_digital
from bench.engines import (
    Row,
    evaluate,
    image_only_pdf,
    measured,
    periods_of_cells,
    seconds_ratios,
)
from bench.layer_repair import bench_layer_repair
from bench.memory import bench_memory
from bench.metrics import PeriodValue
from bench.office import bench_docx
from bench.producers import bench_producers
from bench.report import machine, markdown
from bench.scan_producers import bench_scan_producers
from bench.startup import bench_startup

QUICK_PAGES = 2
VARIANT = "landscape"


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


def scan_profiles() -> list[tuple[str, Any]]:
    """(name, profile) of every scan profile of the scanner simulation."""
    from tests.fixtures import augraphy_scans
    from tests.fixtures.scan import SCAN_PROFILES

    # The second producer, where augraphy is installed (a dev dependency).
    second = list(augraphy_scans.PROFILES.items()) if augraphy_scans.available() else []
    return [*SCAN_PROFILES.items(), *second]


def scan(pdf: Path, out_dir: Path, profile: Any) -> list[Path]:
    """The report scanned with `profile`: one PNG per page, the DPI in each file."""
    from tests.fixtures.augraphy_scans import AugraphyProfile, save_pages
    from tests.fixtures.scan import scan_pdf

    if isinstance(profile, AugraphyProfile):
        return save_pages(pdf, out_dir, profile.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    return list(scan_pdf(pdf, out_dir, profile))


CLEAN_PROFILES = ("clean300", "clean200", "upside_down")
QUICK_PROFILES = ("clean300", "office200", "aug-office300", "aug-photocopy200")
SCAN_PEERS = ("tesseract", "img2table", "img2table-ruled")


def bench_profile(
    name: str,
    profile: Any,
    report_pdf: Path,
    located: Any,
    pages: int,
    expected: Expected,
    work: Path,
) -> dict[str, Any]:
    scanned = scan(report_pdf, work / name, profile)
    images = scanned[:pages]
    whole = len(images) == len(scanned)
    if whole:
        expected_rows, expected_periods = expected.rows, expected.periods
    else:  # cut to the pages read: periods as the project's normalizer reads the cut cells
        expected_rows = rows_on_pages(located, set(range(len(images))))
        expected_periods = periods_of_cells(expected_rows, expected.fiscal_year_be)
    expected_pages = [page_text_expected(located, page) for page in range(len(images))]
    print(f"[{name}] {len(images)} page(s), {len(expected_rows)} expected row(s)", flush=True)
    n = len(images)
    pdf = image_only_pdf(images, work / name / f"scan-{n}.pdf")
    cores = os.cpu_count() or 1
    runs = [
        measured("run_ours_document", "ours", n, pdf, n),
        measured("run_ours_document", "ours-parallel", n, pdf, n, jobs=cores,
                 engine="ours-parallel"),
        measured("run_tesseract", "tesseract", n, images),
        measured("run_img2table", "img2table", n, images),
        measured("run_img2table", "img2table-ruled", n, images, implicit_rows=False),
    ]  # fmt: skip
    results = []
    for run in runs:
        print(f"[{name}] {run.engine}: {run.note} ({run.seconds:.1f} s)", flush=True)
        results.append(
            evaluate(run, expected_rows, expected_pages, expected_periods, expected.fiscal_year_be)
        )
    return {
        "profile": name,
        "kind": "scanned-clean" if name in CLEAN_PROFILES else "scanned-degraded",
        "description": profile.description,
        "pages": len(images),
        "pages_scanned": len(scanned),
        "engines": results,
        "seconds_ratios": seconds_ratios(results, ("ours", "ours-parallel"), SCAN_PEERS),
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
            [sys.executable, "-m", "thaireport", "batch", str(folder), "-o", str(out),
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


TIMEOUT_LIMIT = 10  # seconds: `--timeout` for the hung document of `bench_timeout_stop`


def bench_timeout_stop(work: Path) -> dict[str, Any]:
    """How long `batch --timeout N` takes to stop a document that hangs, against N.

    A worker made to hang on one file (the fault hook the tests use) must be stopped at the
    limit, not long after: the ratio of the state's recorded seconds to the limit is the
    figure (1.0 is exact; the rest is the time to notice and replace the worker). The test
    suite checks only that it is stopped, and why: a wall time there fails for load.
    """
    from thaireport.pipeline.runners import FAULTS_VARIABLE

    folder = work / "timeout-input"
    folder.mkdir(parents=True, exist_ok=True)
    export = Path(__file__).resolve().parents[1] / "examples" / "ita-report-2567-thahin.txt"
    (folder / "hang.txt").write_bytes(export.read_bytes())
    out = work / "timeout-out"
    done = subprocess.run(
        [sys.executable, "-m", "thaireport", "batch", str(folder), "-o", str(out),
         "--document-jobs", "1", "--timeout", str(TIMEOUT_LIMIT)],
        capture_output=True, text=True, check=False,
        env={**os.environ, FAULTS_VARIABLE: "hang:hang.txt"},
    )  # fmt: skip
    db = sqlite3.connect(out / "state.sqlite")
    try:
        seconds, kind = db.execute(
            "SELECT seconds, error_kind FROM documents WHERE path = 'hang.txt'"
        ).fetchone()
    finally:
        db.close()
    print(f"[batch] hung document stopped after {seconds:.1f} s (--timeout {TIMEOUT_LIMIT})")
    return {
        "limit": TIMEOUT_LIMIT,
        "seconds": seconds,
        "ratio": seconds / TIMEOUT_LIMIT,
        "error_kind": kind,
        "exit": done.returncode,
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


@dataclass(frozen=True)
class Expected:
    """What every engine should return for the whole example report."""

    rows: list[Row]
    periods: list[PeriodValue]
    fiscal_year_be: int


def expected_from_export() -> Expected:
    """The example's rows (fixture content) and their periods as the text-export path
    normalizes them (``process_document`` on the bundled OCR export)."""
    from thaireport.pipeline.document import Status, process_document

    from tests.fixtures.content import EXAMPLE_EXPORT, example_content

    content = example_content()
    rows = [list(row) for section in content.sections for row in section.rows]
    result = process_document(EXAMPLE_EXPORT)
    if result.status is not Status.DONE or len(result.records) != len(rows):
        raise RuntimeError(f"the example export gives no expectation: {result.error}")
    periods = [(r.normalized.period_start, r.normalized.period_end) for r in result.records]
    fiscal = result.records[0].fiscal_year
    if fiscal is None:
        raise RuntimeError("the example export has no fiscal year")
    return Expected(rows, periods, fiscal.be)


PARTS = (
    "startup", "docx", "digital", "producers", "scan-producers", "scans", "memory", "digits",
    "batch", "layer-repair",
)  # fmt: skip


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a subset of every part")
    parser.add_argument("--out", type=Path, default=Path("bench/results.json"))
    parser.add_argument("--markdown", type=Path, help="default: --out with the suffix .md")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}"
    )
    parser.add_argument("--keep", type=Path, help="keep rendered and scanned files here")
    parser.add_argument("--profiles", help="comma-separated scan profiles (default: all)")
    parser.add_argument(
        "--scan-layouts", type=int, help="layouts of the scan-producers part (default: 16)"
    )
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(parts - set(PARTS)))}")

    os.environ["OMP_THREAD_LIMIT"] = "1"  # inherited by every engine's process
    from tests.fixtures.pdfgen import VARIANTS, render_report

    started = _now()
    expected = expected_from_export()
    results: dict[str, Any] = {
        "started": started,
        "load_start": os.getloadavg()[0],
        "quick": args.quick,
        "variant": VARIANT,
    }
    with tempfile.TemporaryDirectory(prefix="thaireport-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        from tests.fixtures.content import example_content

        results["startup"] = bench_startup(work, args.quick) if "startup" in parts else []
        results["docx"] = bench_docx(work / "docx", args.quick) if "docx" in parts else None
        report_pdf = render_report(example_content(), work / "report.pdf", VARIANTS[VARIANT])
        page_texts = pdf_page_texts(report_pdf)
        results["report_pages"] = len(page_texts)
        results["digital"] = (
            bench_digital(work, args.quick, expected.rows, expected.periods,
                          expected.fiscal_year_be)
            if "digital" in parts else []
        )  # fmt: skip
        results["producers"] = bench_producers(work, args.quick) if "producers" in parts else []
        results["scan_producers"] = (
            bench_scan_producers(work, args.quick, args.scan_layouts)
            if "scan-producers" in parts
            else []
        )
        entries = []
        if "scans" in parts:
            located = locate_cells(expected.rows, page_texts)
            profiles = scan_profiles()
            if args.profiles:
                profiles = [(n, p) for n, p in profiles if n in args.profiles.split(",")]
            elif args.quick:
                profiles = [(n, p) for n, p in profiles if n in QUICK_PROFILES]
            pages = QUICK_PAGES if args.quick else len(page_texts)
            entries = [
                bench_profile(name, profile, report_pdf, located, pages, expected, work)
                for name, profile in profiles
            ]
        results["profiles"] = entries
        results["memory"] = (
            bench_memory(work, args.quick, report_pdf) if "memory" in parts else None
        )
    if "digits" in parts:
        results["digit_sheets"] = bench_digit_sheets(1 if args.quick else DIGIT_SHEET_SEEDS)
    if "layer-repair" in parts:
        real = Path(__file__).resolve().parents[1].parent / "shared" / "real"
        results["layer_repair"] = bench_layer_repair(
            args.quick,
            [Path("examples/ita-report-2567-thahin.pdf"), *sorted(real.glob("*.pdf"))],
        )
    if "batch" in parts:
        with tempfile.TemporaryDirectory(prefix="thaireport-batch-") as tmp:
            results["batch"] = bench_batch_jobs(Path(tmp), args.quick)
            results["batch"]["timeout_stop"] = bench_timeout_stop(Path(tmp))
    results["finished"] = _now()
    results["machine"] = machine()
    results["corpus"] = corpus_summary(results, len(expected.rows))
    text = markdown(results)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n",
                        encoding="utf-8")  # fmt: skip
    target = args.markdown or args.out.with_suffix(".md")
    target.write_text(text, encoding="utf-8")
    print(f"written: {args.out}, {target}")
    return 0


def corpus_summary(results: Mapping[str, Any], rows_expected: int) -> dict[str, Any]:
    digital = sum(e["pages"] for e in results["digital"])
    clean = sum(e["pages"] for e in results["profiles"] if e["kind"] == "scanned-clean")
    degraded = sum(e["pages"] for e in results["profiles"] if e["kind"] == "scanned-degraded")
    return {
        "pages": digital + clean + degraded,
        "digital_pages": digital,
        "digital_documents": len(results["digital"]),
        "scanned_clean_pages": clean,
        "scanned_degraded_pages": degraded,
        "scan_profiles": len(results["profiles"]),
        "rows_expected": rows_expected,
    }


if __name__ == "__main__":
    sys.exit(main())
