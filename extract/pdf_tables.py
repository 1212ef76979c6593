"""Ruled tables of a PDF's text layer that are not measure tables (ผด. 02 action plans,
score tables), found by pdfplumber's ruling-line table finder.

A stopgap until the table reader (extract/table.py) hands over every table it finds: only
pages with ruling lines and no measure table are searched, so no table is reported twice.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from thaireport.extract.generic_tables import generic_table, header_rows

from thaireport.model import Box, Cell, CellRegion, GenericTable

MIN_FILLED = 3  # cells with text: fewer is a frame around a block of text, not a table


def pdf_generic_tables(
    path: Path, *, pages: Collection[int], first_index: int = 1, password: str | None = None
) -> list[GenericTable]:
    """The ruled tables on these pages (1-based), in page order."""
    import pdfplumber

    tables: list[GenericTable] = []
    with pdfplumber.open(path, password=password or "") as pdf:
        for number in sorted(pages):
            page = pdf.pages[number - 1]
            try:
                found = page.find_tables()
            finally:
                page.flush_cache()
            for table in found:
                texts = [[(c or "").strip() for c in row] for row in table.extract()]
                if sum(1 for row in texts for c in row if c) < MIN_FILLED or len(texts) < 2:
                    continue
                x0, top, x1, bottom = table.bbox
                box = Box(x0, top, x1, bottom)
                region = (CellRegion(page.page_number, box),)
                cells = [[Cell(c, region if c else ()) for c in row] for row in texts]
                tables.append(
                    generic_table(
                        first_index + len(tables),
                        cells,
                        header_count=header_rows(texts),
                        pages=(page.page_number,),
                        box=box,
                    )
                )
    return tables
