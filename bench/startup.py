"""Whole-process timings of short runs, each against its baseline in the same run.

Start-up dominates a short run: the interpreter, the libraries a command imports, the
dictionary it builds. Each pair below runs A, B, A, B … (after one warm-up of each) so that a
drift in the machine's speed falls on both; the figure quoted is the median, and the ratio
is taken pair by pair (the median of A_i / B_i), as in the issue that set the targets:

- ``thaireport --help`` against a bare ``python -c pass`` (target: ≤ 0.3 s);
- the example text export (``extract … -o -``) against ``python -c pass`` (target: ≤ 1 s);
- the example PDF against pdfplumber's bare ``extract_tables`` over its pages, each in a
  process of its own (target: ≤ 2×);
- one scanned page (200 DPI, from the bundled office scan) against one plain
  ``tesseract page.png - -l tha`` pass (target: ≤ 1.5×), with ``--jobs 1``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
THAIREPORT = [sys.executable, "-m", "thaireport"]
PYTHON_START = [sys.executable, "-c", "pass"]


def _seconds(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=900
    )
    return time.perf_counter() - started


def pair(name: str, ours: Sequence[str], baseline: Sequence[str], runs: int) -> dict[str, Any]:
    """`runs` alternating runs of each after a warm-up: medians, and the pairwise ratio."""
    _seconds(ours), _seconds(baseline)
    a, b = [], []
    for _ in range(runs):
        a.append(_seconds(ours))
        b.append(_seconds(baseline))
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return {
        "name": name,
        "runs": runs,
        "seconds": statistics.median(a),
        "seconds_min": min(a),
        "seconds_max": max(a),
        "baseline_seconds": statistics.median(b),
        "ratio": statistics.median(ratios),
        "ours": " ".join(ours[2:] if ours[:2] == THAIREPORT[:2] else ours),
        "baseline": " ".join(
            Path(baseline[0]).name if i == 0 else p for i, p in enumerate(baseline)
        ),
    }


def _scanned_page(work: Path) -> Path:
    import pypdfium2 as pdfium

    target = work / "scanned-page-1.png"
    pdf = pdfium.PdfDocument(EXAMPLES / "ita-report-2567-thahin-scan.pdf")
    try:
        page = pdf[0]
        # The scan's own resolution (200 DPI): its single embedded image, as it was scanned.
        page.render(scale=200 / 72).to_pil().convert("L").save(target)
    finally:
        pdf.close()
    return target


PDFPLUMBER_TABLES = (
    "import sys, pdfplumber\n"
    "with pdfplumber.open(sys.argv[1]) as pdf:\n"
    "    for page in pdf.pages:\n"
    "        page.extract_tables()\n"
)


def bench_startup(work: Path, quick: bool) -> list[dict[str, Any]]:
    runs = 3 if quick else 7
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    export = EXAMPLES / "ita-report-2567-thahin.txt"
    pdf = EXAMPLES / "ita-report-2567-thahin.pdf"
    page = _scanned_page(work)
    return [
        pair("help", [*THAIREPORT, "--help"], PYTHON_START, runs),
        pair("text export", [*THAIREPORT, "extract", str(export), "-o", "-"], PYTHON_START, runs),
        pair(
            "born-digital PDF (9 pages)",
            [*THAIREPORT, "extract", str(pdf), "-o", "-"],
            [sys.executable, "-c", PDFPLUMBER_TABLES, str(pdf)],
            runs,
        ),
        pair(
            "one scanned page (200 DPI)",
            [*THAIREPORT, "extract", str(page), "-o", "-", "--jobs", "1"],
            ["tesseract", str(page), "-", "-l", "tha"],
            max(3, runs // 2),
        ),
    ]
