"""The review page: written by `thaireport review`, opened in headless Chromium.

The scanned case is real end to end: a page of the example report rendered with Thai fonts,
"scanned" at 200 DPI, one cell smudged so that Tesseract is unsure of it, read by the CLI;
Chromium (Debian's, driven by Playwright) must show it without console errors, with the
right number of rows, and that cell — only that cell of its row — highlighted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.extract.sources import PageView
from thaireport.output.review import ReviewDocument, read_review, review_html
from thaireport.pipeline.document import process_document

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES
from tests.fixtures.scan import rasterize

DIGITAL = EXAMPLES / "ita-report-2567-thahin.pdf"
SCAN_DPI = 200
LOW_RED = "rgb(255, 201, 194)"  # .cell.conf-low in output/review.py


def review(document: Path, target: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "thaireport", "review", str(document), "-o", str(target)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is needed (make system installs it)"
    with playwright.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield instance
        instance.close()


def open_page(browser: Any, html: Path) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in (
        "error", "warning") else None)  # fmt: skip
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def _damaged(folder: Path, how: str) -> tuple[Path, MeasureRecord]:
    """Page 1 of the example as a 200 DPI scan, the first row's `responsible` cell damaged:
    "smudged" (blur 2.8, then gaussian noise σ 40) or "torn" (the upper 45 % of its
    letters gone)."""
    digital = process_document(DIGITAL)
    first = next(r for r in digital.records if r.page_first == 1)
    page = rasterize(DIGITAL, SCAN_DPI)[0]
    scale = SCAN_DPI / 72
    x0, top, x1, bottom = (round(v * scale) for v in first.locations["responsible"][0].bbox)
    box = (x0 - 3, top - 3, x1 + 3, bottom + 3)
    if how == "torn":
        ImageDraw.Draw(page).rectangle((*box[:3], top + round((bottom - top) * 0.45)), fill=255)
    else:
        region = page.crop(box).filter(ImageFilter.GaussianBlur(2.8))
        noisy = np.asarray(region, dtype=np.float64) + np.random.default_rng(1).normal(
            0, 40, (region.height, region.width)
        )
        page.paste(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)), box[:2])
    path = folder / "page-1.png"
    page.save(path, dpi=(SCAN_DPI, SCAN_DPI))
    return path, first


@pytest.fixture(scope="module")
def smudged_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MeasureRecord]:
    # Read as junk at OCR confidence 40 ("เ ๗๒๗๗ ๗,๙%๗๒๗ื2๐0" for สำนักปลัด).
    return _damaged(tmp_path_factory.mktemp("scan"), "torn")


@pytest.mark.tesseract
def test_a_cell_smudged_past_reading_is_said(tmp_path: Path) -> None:
    """Read in its own cell, a cell smudged this badly gives Tesseract no text line at all
    (read across the page's line it came out as garbage at confidence 59). The page says so
    on the row's records instead of leaving the cell quietly empty."""
    path, _ = _damaged(tmp_path, "smudged")
    first = process_document(path).records[0]
    assert first.cells.responsible == ""
    said = [w.message for w in first.warnings if w.code == "page-warning"]
    assert any("OCR read nothing in a table cell that holds print" in m for m in said), said


@pytest.mark.tesseract
@pytest.mark.slow
def test_scanned_page_review_in_chromium(
    browser: Any, smudged_scan: tuple[Path, MeasureRecord], tmp_path: Path
) -> None:
    scan, digital_first = smudged_scan
    target = tmp_path / "review.html"
    result = review(scan, target)
    assert result.returncode == 0, result.stderr
    records = process_document(scan).records
    expected_rows = sum(1 for r in process_document(DIGITAL).records if r.page_first == 1)
    assert len(records) == expected_rows

    page, problems = open_page(browser, target)
    assert problems == []
    assert page.locator("tr.record").count() == expected_rows
    assert page.locator("svg.scan").count() == 1
    assert page.locator("svg.scan image").bounding_box()["width"] > 500  # the image is drawn

    first = records[0]
    assert first.section.number_inferred == digital_first.section.number_inferred
    smudged = page.locator(f'td[data-cell="{first.record_id}:responsible"]')
    assert "conf-low" in (smudged.get_attribute("class") or "")
    assert smudged.evaluate("e => getComputedStyle(e).backgroundColor") == LOW_RED
    for key in COLUMN_KEYS:
        if key != "responsible":
            cell = page.locator(f'td[data-cell="{first.record_id}:{key}"]')
            assert "conf-low" not in (cell.get_attribute("class") or ""), key
    box = page.locator(f'rect[data-cell="{first.record_id}:responsible"]')
    assert "conf-low" in (box.first.get_attribute("class") or "")
    # the page's own count of cells to check includes it
    assert int(page.locator("dt:text('cells to check') + dd").inner_text()) >= 1
    page.screenshot(path=str(tmp_path / "review.png"), full_page=False)
    assert (tmp_path / "review.png").stat().st_size > 50_000


def test_text_export_review_shows_the_table_values_and_warnings(
    browser: Any, tmp_path: Path
) -> None:
    target = tmp_path / "export.review.html"
    assert review(EXAMPLE_EXPORT, target).returncode == 0
    page, problems = open_page(browser, target)
    assert problems == []
    assert page.locator("svg.scan").count() == 0  # a text export has no pages to show
    assert page.locator("tr.record").count() == 11
    assert page.locator("tr.section").count() == 7
    warnings = page.locator("nav.warnings li").all_inner_texts()
    assert any("section numbered ๒ where ๖ (6) was expected" in w for w in warnings)
    period = page.locator("td[data-cell$=':period']").first.inner_text()
    assert "2023-10-01 – 2024-09-30" in period
    assert page.locator("td.conf-low").count() == 0
    # the cells with a warning (the two periods of section 7 lack a dash) are amber, never
    # plain; the rest of the text export's cells have no OCR score
    warned = page.locator("td.warned")
    assert warned.count() == 2
    assert page.locator("td.warned.conf-warn").count() == 2
    assert page.locator("td.conf-none").count() == 66 - 2


def test_digital_pdf_review_draws_every_cell_on_its_page(browser: Any, tmp_path: Path) -> None:
    target = tmp_path / "pdf.review.html"
    assert review(DIGITAL, target).returncode == 0
    page, problems = open_page(browser, target)
    assert problems == []
    records = process_document(DIGITAL).records
    assert page.locator("svg.scan").count() == 9
    assert page.locator("tr.record").count() == len(records) == 11
    expected_boxes = sum(len(locs) for r in records for locs in r.locations.values())
    assert page.locator("rect.box").count() == expected_boxes
    # hovering a box lights up its cell
    rect = page.locator("rect.box").first
    key = rect.get_attribute("data-cell")
    rect.hover()
    assert "hover" in (page.locator(f'td[data-cell="{key}"]').get_attribute("class") or "")


def test_a_review_page_gives_back_its_images(tmp_path: Path) -> None:
    records = process_document(DIGITAL).records
    image = Image.new("L", (300, 200), 255)
    views = [PageView(1, 595.28, 841.89, image), PageView(2, 595.28, 841.89, image)]
    document = ReviewDocument("a </script> name.pdf", "ab" * 32, "pdf", 2)
    html = review_html(document, records, views, low_confidence_below=70)
    again, pages = read_review(html)
    assert again == document
    assert [(p.number, p.width, p.height, p.image.size) for p in pages] == [
        (1, 595.28, 841.89, (300, 200)),
        (2, 595.28, 841.89, (300, 200)),
    ]


PUA_WORD = EXAMPLES / "ita-report-2567-thahin-word-pua.pdf"


def _ink_at_box_tops(pdf: Path) -> list[float]:
    """For each cell box: ink in the 1.5 pt just above its top edge over ink in the 1.5 pt
    just below it, on the page rendered by pdfium. An edge above the letters has paper (or
    at most the marks over them) above and letters below: well under 1. An edge through
    the letters has the same ink on both sides: about 1."""
    import pypdfium2 as pdfium

    scale, band = 2.0, 3  # pixels a point; 1.5 pt
    document = pdfium.PdfDocument(pdf)
    pages: dict[int, Any] = {}
    ratios = []
    for record in process_document(pdf).records:
        for locations in record.locations.values():
            for location in locations:
                if location.page not in pages:
                    image = document[location.page - 1].render(scale=scale).to_pil()
                    pages[location.page] = np.asarray(image.convert("L")) < 128
                ink = pages[location.page]
                x0, top, x1, _ = (round(v * scale) for v in location.bbox)
                above = ink[top - band : top, x0 + 1 : x1 - 1].mean()
                below = ink[top : top + band, x0 + 1 : x1 - 1].mean()
                ratios.append(float(above / max(below, 1e-9)))
    document.close()
    return ratios


@pytest.mark.parametrize("pdf", [PUA_WORD, DIGITAL], ids=["word-pua-laksaman", "chromium-noto"])
def test_cell_boxes_sit_on_their_letters(pdf: Path) -> None:
    """Regression: on the Word PDF in Laksaman (ascent 1.27, descent −0.687 em) pdfminer's
    one-em boxes hung from the descent, and each box's top edge ran through the first
    line's letters (median ratio 1.05). Placed by the font's own ascent and descent, the
    edge sits above them, for that font as for Noto Sans Thai."""
    ratios = _ink_at_box_tops(pdf)
    assert len(ratios) > 50
    assert float(np.median(ratios)) < 0.5
