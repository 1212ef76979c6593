"""Archival outputs for pages read by OCR: ALTO (what libraries ingest) and hOCR.

Written from the pipeline's own words — Thai phrases with their boxes and confidences —
not from Tesseract's renderers, which make every Thai character a word ("ร า ย ง า น")
that no search finds.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import quoteattr

from thaireport.extract.lines import group_lines

from thaireport.model import PageLayout

MM10_PER_POINT = 254 / 72  # ALTO's mm10 unit: tenths of a millimetre


def page_file(folder: str, page: PageLayout, suffix: str) -> str:
    return f"{folder}/page-{page.number:03d}.{suffix}"


def _mm10(value: float) -> int:
    return round(value * MM10_PER_POINT)


def alto_xml(page: PageLayout, *, source: str) -> str:
    """One page as ALTO 4, in mm10 units (independent of the scan's resolution)."""
    lines = []
    for index, line in enumerate(group_lines(page.words), start=1):
        box = line.box
        strings = []
        for number, word in enumerate(line.words, start=1):
            w = word.box
            confidence = (word.confidence or 0) / 100
            strings.append(
                f'<String ID="p{page.number}_l{index}_w{number}" HPOS="{_mm10(w.x0)}"'
                f' VPOS="{_mm10(w.top)}" WIDTH="{_mm10(w.width)}" HEIGHT="{_mm10(w.height)}"'
                f' WC="{confidence:.2f}" CONTENT={quoteattr(word.text.strip())}/>'
            )
        joined = "<SP/>".join(strings)
        lines.append(
            f'<TextLine ID="p{page.number}_l{index}" HPOS="{_mm10(box.x0)}"'
            f' VPOS="{_mm10(box.top)}" WIDTH="{_mm10(box.width)}"'
            f' HEIGHT="{_mm10(box.height)}">{joined}</TextLine>'
        )
    body = "\n".join(lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">\n'
        "<Description><MeasurementUnit>mm10</MeasurementUnit>"
        f"<sourceImageInformation><fileName>{html.escape(source)}</fileName>"
        "</sourceImageInformation>"
        '<OCRProcessing ID="ocr"><ocrProcessingStep><processingSoftware>'
        "<softwareName>thaireport (Tesseract tha+eng)</softwareName></processingSoftware>"
        "</ocrProcessingStep></OCRProcessing></Description>\n"
        f'<Layout><Page ID="p{page.number}" PHYSICAL_IMG_NR="{page.number}"'
        f' WIDTH="{_mm10(page.width)}" HEIGHT="{_mm10(page.height)}">'
        f'<PrintSpace><TextBlock ID="p{page.number}_b1">\n{body}\n'
        "</TextBlock></PrintSpace></Page></Layout>\n</alto>\n"
    )


def hocr_html(page: PageLayout, *, source: str) -> str:
    """One page as hOCR, boxes in pixels of the image that was read."""
    scale = (page.dpi or 72) / 72

    def bbox(x0: float, top: float, x1: float, bottom: float) -> str:
        return "bbox " + " ".join(str(round(v * scale)) for v in (x0, top, x1, bottom))

    lines = []
    for index, line in enumerate(group_lines(page.words), start=1):
        box = line.box
        words = " ".join(
            f"<span class='ocrx_word' id='word_{page.number}_{index}_{n}'"
            f" title='{bbox(w.box.x0, w.box.top, w.box.x1, w.box.bottom)};"
            f" x_wconf {round(w.confidence or 0)}'>{html.escape(w.text.strip())}</span>"
            for n, w in enumerate(line.words, start=1)
        )
        lines.append(
            f"<span class='ocr_line' id='line_{page.number}_{index}'"
            f" title='{bbox(box.x0, box.top, box.x1, box.bottom)}'>{words}</span>"
        )
    content = "\n".join(lines)
    return (
        "<!DOCTYPE html>\n<html xmlns='http://www.w3.org/1999/xhtml' lang='th'>\n<head>"
        "<meta charset='utf-8'/><title>thaireport hOCR</title>"
        "<meta name='ocr-system' content='thaireport (Tesseract tha+eng)'/>"
        "<meta name='ocr-capabilities' content='ocr_page ocr_line ocrx_word'/></head>\n"
        f"<body><div class='ocr_page' id='page_{page.number}'"
        f" title='image {html.escape(source)}; "
        f"{bbox(0, 0, page.width, page.height)}; ppageno {page.number - 1}'>\n"
        f"{content}\n</div></body></html>\n"
    )


def archival_files(
    pages: Sequence[PageLayout], folder: str, formats: Sequence[str], *, source: str
) -> Iterator[tuple[str, str]]:
    """(`folder/page-NNN.alto.xml` or `.hocr`, its text) for each page read by OCR."""
    for page in pages:
        if "alto" in formats:
            yield page_file(folder, page, "alto.xml"), alto_xml(page, source=source)
        if "hocr" in formats:
            yield page_file(folder, page, "hocr"), hocr_html(page, source=source)
