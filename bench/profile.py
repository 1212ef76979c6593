"""Profile one scanned document and one born-digital PDF with pyinstrument:
``python -m bench.profile [--out DIR]`` writes ``scan.txt``, ``digital.txt`` (call trees)
and ``scan.html``, ``digital.html`` there.

The documents are the example report (landscape layout) rendered to a PDF, and the same
report scanned with the ``clean300`` profile into an image-only PDF. Each is read twice
in this process and the second reading is profiled, so one-time start-up (imports,
pythainlp's dictionary trie) does not hide the per-page costs; ``--jobs 1`` keeps every
page in this process, where the profiler sees it. Tesseract's own time shows as waiting
for its process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

INTERVAL = 0.002  # seconds between samples


def _profile(pdf: Path, out: Path, name: str) -> None:
    from pyinstrument import Profiler
    from thaireport.pipeline.document import process_document

    from thaireport.settings import OcrSettings, Settings

    settings = Settings(ocr=OcrSettings(jobs=1))
    process_document(pdf, settings)  # start-up paid here
    profiler = Profiler(interval=INTERVAL)
    profiler.start()
    result = process_document(pdf, settings)
    profiler.stop()
    (out / f"{name}.txt").write_text(profiler.output_text(unicode=True), encoding="utf-8")
    (out / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    print(f"{name}: {pdf.name}, {result.pages} pages, {len(result.records)} records")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("profile"))
    args = parser.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from tests.fixtures.content import example_content
    from tests.fixtures.pdfgen import VARIANTS, render_report
    from tests.fixtures.scan import image_only_pdf, scan_pages

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="thaireport-profile-") as tmp:
        digital = render_report(example_content(), Path(tmp) / "report.pdf", VARIANTS["landscape"])
        pages = scan_pages(digital, "clean300")
        scanned = Path(
            image_only_pdf([p.image for p in pages], Path(tmp) / "scan.pdf", [p.dpi for p in pages])
        )
        _profile(digital, args.out, "digital")
        _profile(scanned, args.out, "scan")
    print(f"written: {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
