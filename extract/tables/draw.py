"""The reader's intermediate steps drawn over a page image (as pdfplumber's
`debug_tablefinder` does): ruling lines, grid cells, header cells, words."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw
from thaireport.extract.tables.grid import find_grids, merge_segments
from thaireport.extract.tables.ruled import cell_texts, header_of, read_cells

from thaireport.model import Box, PageLayout

RULE = (220, 0, 0)
CELL = (0, 90, 220)
HEADER = (0, 160, 60)
WORD = (150, 150, 150)


def draw_tables(image: Image.Image, page: PageLayout) -> Image.Image:
    """A copy of the page image with what the table reader found on it."""
    out = image.convert("RGB")
    scale = out.width / page.width
    draw = ImageDraw.Draw(out)

    def rect(box: Box, colour: tuple[int, int, int], width: int) -> None:
        draw.rectangle(
            [box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale],
            outline=colour,
            width=width,
        )

    for word in page.words:
        rect(word.box, WORD, 1)
    for horizontal in (True, False):
        for seg in merge_segments(page.rules, horizontal):
            xy = (
                [seg.start, seg.at, seg.end, seg.at]
                if horizontal
                else [seg.at, seg.start, seg.at, seg.end]
            )
            draw.line([v * scale for v in xy], fill=RULE, width=3)
    for grid in find_grids(page.rules):
        header = header_of(grid, cell_texts(grid, read_cells(grid, page.words)))
        for cell in grid.cells:
            in_header = header is not None and cell.row_end <= header.rows
            inset = Box(cell.box.x0 + 2, cell.box.top + 2, cell.box.x1 - 2, cell.box.bottom - 2)
            rect(inset, HEADER if in_header else CELL, 2)
    return out


def write_debug_image(path: Path, page_number: int, out: Path, dpi: int = 100) -> Path:
    """Draw the tables of one page of a born-digital PDF into a PNG."""
    from thaireport.extract.pdf_layout import read_pdf_layout
    from thaireport.extract.sources import page_images

    from thaireport.errors import InputError

    page = next((p for p in read_pdf_layout(path) if p.number == page_number), None)
    if page is None:
        raise InputError(f"no page {page_number}", path=path)
    image = next(iter(page_images(path, [page_number], dpi)))
    draw_tables(image, page).save(out)
    return out
