"""A report read from its DOCX against the same report read from its PDF's text layer.

Both in this process, after a warm-up of each (the libraries imported, the dictionary built),
alternately so that a drift in the machine's speed falls on both; the ratio is taken pair by
pair (median of PDF seconds / DOCX seconds). What is timed is the reading (file → sections,
rows and cells: `ExtractedReport`); building records from it is the same work for both.
The PDF is the DOCX printed by LibreOffice when it is installed, else the example report's
own born-digital PDF (the same content). Target: the DOCX at least 20× faster.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

TARGET_RATIO = 20.0


def _docx_and_pdf(work: Path) -> tuple[Path, Path, str]:
    from tests.fixtures.content import EXAMPLES, example_content
    from tests.fixtures.docx_report import write_docx

    docx = write_docx(example_content(), work / "report.docx", font="Noto Sans Thai")
    soffice = shutil.which("soffice")
    if soffice is not None:
        profile = work / "lo-profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
             "pdf", "--outdir", str(work), str(docx)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        return docx, work / "report.pdf", "LibreOffice PDF of the DOCX"
    return docx, EXAMPLES / "ita-report-2567-thahin.pdf", "the example's born-digital PDF"


def bench_docx(work: Path, quick: bool) -> dict[str, Any]:
    from thaireport.extract.docx_source import read_docx
    from thaireport.extract.report import report_from_pages
    from thaireport.extract.sources import pdf_pages

    from thaireport.settings import OcrSettings

    work.mkdir(parents=True, exist_ok=True)
    docx, pdf, pdf_kind = _docx_and_pdf(work)
    ocr = OcrSettings(jobs=1)

    def read_pdf() -> Any:
        return report_from_pages(list(pdf_pages(pdf, ocr)), pdf)

    def timed(read: Any) -> float:
        started = time.perf_counter()
        read()
        return time.perf_counter() - started

    timed(lambda: read_docx(docx)), timed(read_pdf)
    runs = 3 if quick else 7
    docx_s, pdf_s = [], []
    for _ in range(runs):
        docx_s.append(timed(lambda: read_docx(docx)))
        pdf_s.append(timed(read_pdf))
    ratio = statistics.median(p / d for p, d in zip(pdf_s, docx_s, strict=True))
    return {
        "runs": runs,
        "docx_seconds": statistics.median(docx_s),
        "pdf_seconds": statistics.median(pdf_s),
        "pdf": pdf_kind,
        "sections": len(read_docx(docx).sections),
        "ratio": ratio,
        "target": TARGET_RATIO,
        "met": ratio >= TARGET_RATIO,
    }


def markdown_lines(entry: dict[str, Any] | None) -> list[str]:
    if not entry:
        return []
    return [
        "",
        "## DOCX against its PDF (bench/office.py)",
        "",
        f"The example report read from DOCX: {entry['docx_seconds'] * 1000:.1f} ms; from"
        f" {entry['pdf']} through the text layer: {entry['pdf_seconds'] * 1000:.0f} ms"
        f" (medians of {entry['runs']} alternating runs): **{entry['ratio']:.0f}×** faster"
        f" (target ≥ {entry['target']:.0f}×: {'met' if entry['met'] else 'NOT met'}).",
    ]


if __name__ == "__main__":
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="thaireport-office-") as folder:
        print(json.dumps(bench_docx(Path(folder), quick=True), indent=2))
