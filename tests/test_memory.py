"""Memory stays flat over long documents: pages are read and released one at a time.

Peak RSS (``VmHWM``, see ``bench.isolate.own_peak_mib``) is measured in a fresh
interpreter per document; no timing is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.long_report import repeat_pages

ROOT = Path(__file__).resolve().parents[1]

_PEAK_RSS = """
import json, sys
from pathlib import Path
from bench.isolate import own_peak_mib
from thaireport.settings import OcrSettings
from thaireport.settings import Settings
from thaireport.pipeline.document import process_document
result = process_document(Path(sys.argv[1]), Settings(ocr=OcrSettings(jobs=1)))
peak = own_peak_mib()
print(json.dumps({"status": str(result.status), "pages": result.pages,
                  "records": len(result.records), "peak_mib": peak}))
"""


_PEAK_RSS_SCAN_PAGES = """
import json, sys
from pathlib import Path
from bench.isolate import own_peak_mib
from thaireport.extract.pdf_layout import read_pdf_layout
from thaireport.extract.sources import _pdf_page_image, layer_problem
pages = 0
for page in read_pdf_layout(Path(sys.argv[1])):
    assert layer_problem(page) == "empty text layer"
    image, dpi = _pdf_page_image(Path(sys.argv[1]), page.number - 1, 300)
    pages += 1
print(json.dumps({"pages": pages, "peak_mib": own_peak_mib()}))
"""


def _peak(pdf: Path, script: str = _PEAK_RSS) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, str(pdf)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    out: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return out


@pytest.mark.slow
def test_digital_pdf_memory_does_not_grow_with_pages(
    render: Callable[[str], Path], tmp_path: Path
) -> None:
    source = render("landscape")
    short = _peak(repeat_pages(source, 10, tmp_path / "short.pdf"))
    long = _peak(repeat_pages(source, 60, tmp_path / "long.pdf"))
    assert (short["pages"], long["pages"]) == (10, 60)
    assert long["records"] > 5 * short["records"] / 2
    # Measured: +5 MiB for the 50 more pages (records and page words); pdfplumber's page
    # cache, when pages were not released, added 2.7 MiB a page (+135 MiB here).
    assert long["peak_mib"] - short["peak_mib"] < 40, (short, long)


@pytest.mark.slow
def test_scanned_pdf_pages_are_released(render: Callable[[str], Path], tmp_path: Path) -> None:
    """What a scanned PDF's pages go through before OCR (text layer check, page image),
    page by page: pdfminer and pdfium must not keep each page's JPEG."""
    from tests.fixtures.scan import image_only_pdf, scan_pages

    scanned = scan_pages(render("landscape"), "clean200")[:2]
    source = image_only_pdf([p.image for p in scanned], tmp_path / "scan.pdf", 200)
    short = _peak(repeat_pages(source, 10, tmp_path / "short.pdf"), _PEAK_RSS_SCAN_PAGES)
    long = _peak(repeat_pages(source, 60, tmp_path / "long.pdf"), _PEAK_RSS_SCAN_PAGES)
    assert (short["pages"], long["pages"]) == (10, 60)
    # Measured: +1 MiB; keeping the streams cost 0.85 MiB a page (+42 MiB here).
    assert long["peak_mib"] - short["peak_mib"] < 15, (short, long)
