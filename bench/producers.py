"""The multi-producer part: seeded layouts (tests/fixtures/producers) of three report
contents, printed by headless Chromium and converted by LibreOffice, read by ours,
pdfplumber's ``extract_tables`` and camelot (lattice), each scored against the layout's
own expected records (a merged cell filled into every row it spans).

Each engine reads each PDF once, in a process of its own (:func:`bench.engines.measured`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.digital import page_count
from bench.engines import evaluate, measured, periods_of_cells, seconds_ratios

LAYOUTS = 40  # per producer
QUICK_LAYOUTS = 2  # per producer
FIRST_SEED = 1000
PEERS = ("pdfplumber", "camelot")
_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def fiscal_year_be(title_lines: tuple[str, ...]) -> int:
    for line in title_lines:
        match = re.search(r"พ\.ศ\.\s*([๐-๙0-9]{4})", line)
        if match:
            return int(match.group(1).translate(_THAI_TO_ARABIC))
    raise ValueError(f"no fiscal year in the title {title_lines!r}")


def _describe(style: Any) -> str:
    parts = [
        style.font, f"{style.size_pt} pt", "landscape" if style.landscape else "portrait",
        f"ruling {style.ruling}", f"valign {style.valign}",
        f"merge {style.merge} x{style.merge_span}" if style.merge else "",
        "two-level header" if style.two_level else "", "ที่" if style.leading_no else "",
        style.trailing or "", "header repeated" if style.repeat_header else "no repeated header",
        "page numbers" if style.page_number else "", "running title" if style.running_title else "",
        "signature" if style.signature else "",
    ]  # fmt: skip
    return ", ".join(p for p in parts if p)


def bench_producers(work: Path, quick: bool, layouts: int | None = None) -> list[dict[str, Any]]:
    from tests.fixtures.producers.contents import CONTENTS
    from tests.fixtures.producers.corpus import build, cache_dir
    from tests.fixtures.producers.styles import random_style

    count = layouts or (QUICK_LAYOUTS if quick else LAYOUTS)
    cache = cache_dir(work / "producers")
    contents = {name: make() for name, make in CONTENTS.items()}
    names = list(contents)
    entries = []
    for producer in ("chromium", "libreoffice"):
        for i in range(count):
            seed = FIRST_SEED + i
            style = random_style(seed, producer)
            content_name = names[i % len(names)]
            content = contents[content_name]
            produced = build(style, content, cache)
            expected_rows = produced.expected.rows()
            year = fiscal_year_be(content.title_lines)
            expected_periods = periods_of_cells(expected_rows, year)
            pdf = produced.pdf
            pages = page_count(pdf)
            runs = [
                measured("run_ours_document", "ours", pages, pdf, pages, jobs=1),
                measured("run_pdfplumber", "pdfplumber", pages, pdf, pages),
                measured("run_camelot", "camelot", pages, pdf, pages),
            ]
            results = []
            for run in runs:
                print(f"[producers {style.name}] {run.engine}: {run.note} ({run.seconds:.2f} s)",
                      flush=True)  # fmt: skip
                results.append(evaluate(run, expected_rows, [], expected_periods, year))
            entries.append(
                {
                    "variant": f"{style.name} ({content_name})",
                    "kind": producer,
                    "description": _describe(style),
                    "content": content_name,
                    "seed": seed,
                    "pages": pages,
                    "engines": results,
                    "seconds_ratios": seconds_ratios(results, ("ours",), PEERS),
                }
            )
    return entries
