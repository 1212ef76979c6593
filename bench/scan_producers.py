"""The scan corpus of issue 15: pages of the multi-producer corpus (tests/fixtures/producers:
HTML printed by headless Chromium, DOCX converted by LibreOffice) through two producers of
page images — the project's scanner simulation (tests/fixtures/scan.py) and augraphy
(tests/fixtures/augraphy_scans.py) — read by ours, img2table and plain Tesseract in the same
run, each scored against the layout's own expected records.

Layouts, profiles and pages are seeded: layout i is ``random_style(FIRST_SEED + i, producer)``
of the corpus contents in turn, with producers alternating, and profile ``PROFILES[i %
len(PROFILES)]``, so every profile meets both producers. Only the first ``PAGES`` pages of a
layout are scanned (augraphy takes 10-60 s a page), cut at a page break no row crosses;
the expected rows are the records the same PDF's text layer reads on those pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.digital import page_count
from bench.engines import evaluate, image_only_pdf, measured, periods_of_cells, seconds_ratios
from bench.producers import fiscal_year_be

FIRST_SEED = 1000
LAYOUTS = 16  # 16 layouts x 4 pages: 64 pages
QUICK_LAYOUTS = 2
PAGES = 4
QUICK_PAGES = 2
PROFILES = ("clean300", "office200", "aug-office300", "aug-photocopy200", "phone", "aug-fax200")
PEERS = ("tesseract", "img2table")


def _expected_rows(pdf: Path, pages: int) -> tuple[int, list[list[str]]]:
    """Where to cut the scan, at most `pages` pages in, at a page break no row crosses; and
    the rows the PDF's text layer reads on the pages before it."""
    from thaireport.extract.header import COLUMN_KEYS
    from thaireport.pipeline.document import process_document

    records = process_document(pdf).records
    cut = next(
        (
            k
            for k in range(pages, 0, -1)
            if all(r.page_last <= k for r in records if r.page_first <= k)
            and any(r.page_first <= k for r in records)
        ),
        max((r.page_last for r in records), default=pages),
    )
    rows = [
        [getattr(r.cells, key) or "" for key in COLUMN_KEYS] for r in records if r.page_last <= cut
    ]
    return cut, rows


def bench_scan_producers(
    work: Path, quick: bool, layouts: int | None = None
) -> list[dict[str, Any]]:
    from bench.run import pdf_page_texts, scan, scan_profiles
    from tests.fixtures.producers.contents import CONTENTS
    from tests.fixtures.producers.corpus import build, cache_dir
    from tests.fixtures.producers.styles import random_style

    count = layouts or (QUICK_LAYOUTS if quick else LAYOUTS)
    pages_read = QUICK_PAGES if quick else PAGES
    cache = cache_dir(work / "producers")
    profiles = dict(scan_profiles())
    names = list(CONTENTS)
    entries = []
    for i in range(count):
        producer = ("libreoffice", "chromium")[i % 2]
        seed = FIRST_SEED + i // 2
        profile = PROFILES[i % len(PROFILES)]
        if profile not in profiles:  # augraphy is a dev dependency
            profile = "office200"
        content = CONTENTS[names[(seed - FIRST_SEED) % len(names)]]()
        produced = build(random_style(seed, producer), content, cache)
        pages, expected = _expected_rows(produced.pdf, min(pages_read, page_count(produced.pdf)))
        year = fiscal_year_be(content.title_lines)
        folder = work / "scan-producers" / f"{producer}-{seed}-{profile}"
        images = scan(produced.pdf, folder, profiles[profile])[:pages]
        pdf = image_only_pdf(images, folder / "scan.pdf")
        # plain Tesseract gives page text only: scored against the text layer's pages
        page_texts = pdf_page_texts(produced.pdf)[:pages]
        runs = [
            measured("run_ours_document", "ours", pages, pdf, pages),
            measured("run_tesseract", "tesseract", pages, images),
            measured("run_img2table", "img2table", pages, images),
        ]
        results = []
        for run in runs:
            print(f"[scan-producers {producer} s{seed} {profile}] {run.engine}: {run.note} "
                  f"({run.seconds:.1f} s)", flush=True)  # fmt: skip
            periods = periods_of_cells(expected, year)
            results.append(evaluate(run, expected, page_texts, periods, year))
        entries.append(
            {
                "variant": f"{producer} s{seed} {profile}",
                "kind": "scanned-clean" if profile == "clean300" else "scanned-degraded",
                "profile": profile,
                "producer": producer,
                "seed": seed,
                "pages": pages,
                "engines": results,
                "seconds_ratios": seconds_ratios(results, ("ours",), PEERS),
            }
        )
    return entries
