"""The born-digital part: the example report rendered by ``tests.fixtures.pdfgen`` in every
layout variant (fonts Sarabun, Noto Sans Thai, Garuda, Laksaman with a Word-style
private-use text layer; portrait, landscape, A5 with rows broken across pages with and
without a repeated header, unruled, the title on every page, rows kept whole), read by
ours, pdfplumber's ``extract_tables`` and camelot (lattice).

Each engine reads each PDF twice in its process: seconds per page are the second reading
(one-time start-up, such as building pythainlp's dictionary trie, paid once as in a
batch) and, beside them, the first. Every engine is scored against the whole report's
rows: a per-page reader returns a row
broken by a page break as two partial rows, which costs it precision and cell accuracy —
the honest score, since a record must hold the whole row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.engines import evaluate, measured, seconds_ratios
from bench.metrics import PeriodValue

QUICK_VARIANTS = ("portrait", "break_norepeat")
PEERS = ("pdfplumber", "camelot")


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def bench_digital(
    work: Path,
    quick: bool,
    expected_rows: list[list[str]],
    expected_periods: list[PeriodValue],
    fiscal_year_be: int,
) -> list[dict[str, Any]]:
    from tests.fixtures.content import example_content
    from tests.fixtures.pdfgen import VARIANTS, render_report

    content = example_content()
    names = QUICK_VARIANTS if quick else tuple(VARIANTS)
    entries = []
    for name in names:
        variant = VARIANTS[name]
        pdf = render_report(content, work / "digital" / f"{name}.pdf", variant)
        pages = page_count(pdf)
        runs = [
            measured("run_ours_document", "ours", pages, pdf, pages, jobs=1, warm=True),
            measured("run_pdfplumber", "pdfplumber", pages, pdf, pages, warm=True),
            measured("run_camelot", "camelot", pages, pdf, pages, warm=True),
        ]
        results = []
        for run in runs:
            print(f"[digital {name}] {run.engine}: {run.note} ({run.seconds:.2f} s)", flush=True)
            results.append(evaluate(run, expected_rows, [], expected_periods, fiscal_year_be))
        entries.append(
            {
                "variant": name,
                "kind": "digital",
                "description": variant.description,
                "pages": pages,
                "engines": results,
                "seconds_ratios": seconds_ratios(results, ("ours",), PEERS),
            }
        )
    return entries
