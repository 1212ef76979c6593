"""A searchable PDF of a scanned document: each page image with an invisible Thai text layer.

The words are the pipeline's phrases, written unshaped with a TLWG font so that every code
point maps to one glyph: extraction gives back the Unicode text as read (shaped text would
come out with sara am split and marks reordered), which search and copy-paste find.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from thaireport.errors import MissingDependencyError
from thaireport.model import PageLayout

THAI_FONTS = (
    Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf"),
    Path("/usr/share/fonts/truetype/tlwg/Loma.ttf"),
    Path("/usr/share/fonts/truetype/tlwg/Norasi.ttf"),
)


def thai_font() -> Path:
    for path in THAI_FONTS:
        if path.exists():
            return path
    raise MissingDependencyError(
        "no Thai font for the searchable PDF's text layer",
        hint="install one: apt-get install fonts-thai-tlwg-ttf",
    )


def searchable_pdf(pages: Sequence[PageLayout], images: Iterable[Image.Image]) -> bytes:
    """`pages` (read by OCR) over `images` (the same pages as OCR read them), in order."""
    pdf = FPDF(unit="pt")
    pdf.set_creator("thaireport")
    pdf.set_image_filter("DCTDecode")  # JPEG, as scans come: a tenth of the size of Flate
    pdf.add_font("thai", "", str(thai_font()))
    pdf.set_auto_page_break(False)
    for page, upright in zip(pages, images, strict=True):
        pdf.add_page(format=(page.width, page.height))
        pdf.image(upright, x=0, y=0, w=page.width, h=page.height)
        pdf.text_mode = 3  # invisible: neither fill nor stroke
        for word in page.words:
            text = word.text.strip()
            box = word.box
            if not text or box.width <= 0 or box.height <= 0:
                continue
            pdf.set_font("thai", size=max(4.0, box.height * 0.8))
            natural = pdf.get_string_width(text)
            if natural <= 0:
                continue
            pdf.set_stretching(100 * box.width / natural)
            pdf.set_xy(box.x0, box.top)
            pdf.cell(w=box.width, h=box.height, text=text)
        pdf.set_stretching(100)
    return bytes(pdf.output())
