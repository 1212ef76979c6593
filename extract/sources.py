"""Where pages come from: a PDF's text layer, OCR of a PDF page, or OCR of an image file.

The decision is per page: a page whose text layer is empty, mostly private-use code
points or mojibake after repair is rasterized and read by OCR instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageSequence, UnidentifiedImageError

from extract.model import PageLayout
from extract.ocr_layout import ocr_page_layout
from extract.pdf_layout import read_pdf_layout
from extract.textlayer import private_use_share, thai_word_share
from ocr.tesseract import OcrSettings
from pipeline.errors import InputError

MAX_PRIVATE_USE = 0.05  # share of letters left in the private-use area after repair
MAX_UNMAPPED = 0.05  # share of U+FFFD (glyphs without Unicode)
MIN_LAYER_WORD_SHARE = 0.6  # Thai letters in dictionary words; real layers score ~0.9
DEFAULT_IMAGE_DPI = 300
# Pillow's guard against decompression bombs, in pixels: an A3 page at 600 DPI is 70 MP.
Image.MAX_IMAGE_PIXELS = 200_000_000


def layer_problem(page: PageLayout) -> str | None:
    """Why a page's text layer cannot be used, or None when it can."""
    text = " ".join(w.text for w in page.words)
    letters = sum(1 for c in text if not c.isspace())
    if letters == 0:
        return "empty text layer"
    if private_use_share(text) > MAX_PRIVATE_USE:
        return "text layer mostly in private-use code points"
    if text.count("\ufffd") / letters > MAX_UNMAPPED:
        return "text layer has glyphs without Unicode"
    if letters >= 200 and thai_word_share(text) < MIN_LAYER_WORD_SHARE:
        return "text layer is mojibake (its letters form no Thai words)"
    return None


def _page_image(document: pdfium.PdfDocument, index: int, dpi: int) -> tuple[Image.Image, int]:
    """The page as an image for OCR, and its resolution.

    A scanned page is one image covering the page: its own pixels are taken as they are,
    since resampling them (to `dpi`) costs time and blurs the letters. Anything else is
    rendered at `dpi`.
    """
    page = document[index]
    try:
        width, height = page.get_size()
        images = list(page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
        if len(images) == 1:
            left, bottom, right, top = images[0].get_bounds()
            if right - left >= 0.95 * width and top - bottom >= 0.95 * height:
                native: Image.Image = images[0].get_bitmap(render=False).to_pil()
                native_dpi = round(native.width / ((right - left) / 72))
                if 100 <= native_dpi <= 600:
                    return native.convert("L"), native_dpi
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        rendered: Image.Image = bitmap.to_pil()
        return rendered, dpi
    finally:
        page.close()


def pdf_pages(path: Path, settings: OcrSettings) -> Iterator[PageLayout]:
    document: pdfium.PdfDocument | None = None
    try:
        for page in read_pdf_layout(path):
            problem = layer_problem(page)
            if problem is None:
                yield page
                continue
            if document is None:
                document = pdfium.PdfDocument(path)
            image, dpi = _page_image(document, page.number - 1, settings.dpi)
            layout = ocr_page_layout(image, number=page.number, dpi=dpi, settings=settings)
            yield _with_note(layout, f"read by OCR: {problem}")
    finally:
        if document is not None:
            document.close()


def _with_note(page: PageLayout, note: str) -> PageLayout:
    return replace(page, notes=(note, *page.notes))


def image_pages(path: Path, settings: OcrSettings) -> Iterator[PageLayout]:
    """Every frame of an image file (multi-page TIFF too), read by OCR."""
    try:
        image = Image.open(path)
    except UnidentifiedImageError as exc:
        raise InputError("not a readable image", path=path) from exc
    except Image.DecompressionBombError as exc:
        raise InputError(f"image too large to be a page scan ({exc})", path=path) from exc
    with image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            try:
                frame.load()
            except (OSError, SyntaxError) as exc:
                raise InputError(f"damaged image data ({exc})", path=path, page=number) from exc
            dpi_info = frame.info.get("dpi")
            dpi = round(dpi_info[0]) if dpi_info and dpi_info[0] > 30 else DEFAULT_IMAGE_DPI
            layout = ocr_page_layout(frame.copy(), number=number, dpi=dpi, settings=settings)
            if not dpi_info:
                warning = f"no resolution in the file; assumed {dpi} DPI"
                layout = replace(layout, warnings=(*layout.warnings, warning))
            yield layout
