"""The work folder (`--keep-work DIR`): what the stages saw, kept for later steps.

Per document a folder (named as the document's own output files are), holding per page:
- `page-NNN.png`: the page image as OCR read it (turned upright, deskewed), at OCR's
  working resolution; for a page read from its text layer, the page rendered at the review
  page's preview resolution (`PREVIEW_DPI`; measured on the example: 0.16 MB and 0.07 s a
  page, 0.02 s of it the render, cheap enough to keep, and it is the image the review page
  shows);
- `page-NNN.tsv` (OCR pages): the words OCR gave, in Tesseract's TSV columns, in pixels of
  that image;
- `page-NNN.tables.json`: the table reader's intermediates (merged ruling lines, grids and
  their cells, header cells, column bounds and rows as the records place them), and
  `page-NNN.tables.png`, the same drawn over the page (`extract.tables.draw`);
- `manifest.json`: schema version, the source file and its sha256, the settings used, and
  per page its source, size in points, image, DPI, turn and deskew angle.

`apply-corrections`, `review` and `serve` take their page images and page geometry from
here instead of from an old review page or from measuring the page again. A folder of
another source file is refused (`KeepWorkMismatchError`), naming both.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import MeasureRecord
from thaireport.extract.sources import PageView, as_read, page_images, page_views

from thaireport.errors import InputError
from thaireport.model import PageLayout

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
PREVIEW_DPI = 96  # extract.sources.page_views' default: the review page's own images


class KeepWorkError(InputError):
    """A work folder that cannot be used: missing, damaged, or of another source file."""


@dataclass(frozen=True)
class KeptPage:
    """One page of a work folder: where its image is and how it was turned."""

    number: int
    source: str  # "ocr" or "text-layer"
    width: float  # points, the coordinates of the words and cells
    height: float
    dpi: float  # of the kept image
    turned: int  # clockwise degrees the page was turned before OCR
    skew: float  # degrees (counter-clockwise) the turned page was deskewed by
    image: Path


@dataclass(frozen=True)
class KeptDocument:
    folder: Path
    source: str
    sha256: str
    pages: tuple[KeptPage, ...]

    def page(self, number: int) -> KeptPage | None:
        return next((p for p in self.pages if p.number == number), None)

    def views(self) -> list[PageView]:
        """The kept pages as the review page shows them."""
        views = []
        for page in self.pages:
            with Image.open(page.image) as image:
                image.load()
                views.append(PageView(page.number, page.width, page.height, image.copy()))
        return views


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=None)
    return buffer.getvalue()


def working_image(image: Image.Image, page: PageLayout) -> Image.Image:
    """The page image (as the file holds it) as OCR read it: reduced to OCR's working
    resolution as `extract.ocr_layout` reduces it (area averaging), turned, deskewed."""
    dpi = page.dpi or 72
    width, height = round(page.width * dpi / 72), round(page.height * dpi / 72)
    if page.turned % 180:
        width, height = height, width  # the size before the turn
    if (image.width, image.height) != (width, height):
        mode = "RGB" if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr") else "L"
        image = image.convert(mode).resize((width, height), Image.Resampling.BOX)
    return as_read(image, page)


def words_tsv(page: PageLayout) -> str:
    """The page's OCR words in Tesseract's TSV columns (level 5 rows, one line number per
    line of words as read), in pixels of the kept image."""
    scale = (page.dpi or 72) / 72
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num"
            "\tleft\ttop\twidth\theight\tconf\ttext"]  # fmt: skip
    line, number = 0, 0
    last = None
    for word in page.words:
        box = word.box
        # a new line where the word does not follow the last one: left of it, or beside
        # its height (cells are read one by one, so lines come cell by cell)
        if last is None or box.x0 < last.x0 or not last.top <= box.middle_y <= last.bottom:
            line, number = line + 1, 0
        last = box
        number += 1
        x, y = round(box.x0 * scale), round(box.top * scale)
        w, h = round(box.width * scale), round(box.height * scale)
        conf = -1 if word.confidence is None else word.confidence
        text = word.text.replace("\t", " ").replace("\n", " ")
        rows.append(
            f"5\t{page.number}\t1\t1\t{line}\t{number}\t{x}\t{y}\t{w}\t{h}\t{conf:g}\t{text}"
        )
    return "\n".join(rows) + "\n"


def _box(box: Any) -> list[float]:
    return [round(box.x0, 2), round(box.top, 2), round(box.x1, 2), round(box.bottom, 2)]


def table_intermediates(page: PageLayout, records: Sequence[MeasureRecord]) -> dict[str, Any]:
    """What the table reader found on the page, as data (what `draw_tables` draws)."""
    from thaireport.extract.tables.grid import find_grids, merge_segments
    from thaireport.extract.tables.ruled import cell_texts, header_of, read_cells

    rules = [
        {"horizontal": horizontal, "at": round(s.at, 2), "start": round(s.start, 2),
         "end": round(s.end, 2)}
        for horizontal in (True, False)
        for s in merge_segments(page.rules, horizontal)
    ]  # fmt: skip
    grids = []
    for grid in find_grids(page.rules):
        header = header_of(grid, cell_texts(grid, read_cells(grid, page.words)))
        grids.append({
            "xs": [round(x, 2) for x in grid.xs],
            "ys": [round(y, 2) for y in grid.ys],
            "cells": [{"row": c.row, "row_end": c.row_end, "col": c.col, "col_end": c.col_end,
                       "box": _box(c.box),
                       "header": header is not None and c.row_end <= header.rows}
                      for c in grid.cells],
            "header": None if header is None else {"rows": header.rows,
                                                   "labels": list(header.labels)},
        })  # fmt: skip
    rows: list[dict[str, Any]] = []
    bounds: dict[str, list[float]] = {}
    for record in records:
        cells = {}
        for key in COLUMN_KEYS:
            for location in record.locations.get(key, []):
                if location.page != page.number:
                    continue
                x0, top, x1, bottom = location.bbox
                cells[key] = [round(v, 2) for v in (x0, top, x1, bottom)]
                low, high = bounds.get(key, [x0, x1])
                bounds[key] = [round(min(low, x0), 2), round(max(high, x1), 2)]
        if cells:
            rows.append({"record_id": record.record_id, "cells": cells})
    return {"page": page.number, "rules": rules, "grids": grids, "columns": bounds, "rows": rows}


def keep_work_files(
    source: Path,
    *,
    sha256: str,
    pages: Sequence[PageLayout],
    page_count: int,
    records: Sequence[MeasureRecord],
    kind: str,
    settings: dict[str, Any],
    dpi: int,
    password: str | None = None,
    source_name: str | None = None,
) -> Iterator[tuple[str, bytes]]:
    """(name inside the document's work folder, content) of every file; the manifest last,
    so that a folder with a manifest is whole. `source_name`: the file as the manifest
    names it, where `source` is a copy (a batch on a cluster)."""
    from thaireport.extract.tables.draw import draw_tables

    ocr = {p.number: p for p in pages}
    entries = []
    if kind in ("pdf", "image"):
        rendered = {
            view.number: view
            for view in page_views(source, (), dpi, preview_dpi=PREVIEW_DPI, password=password)
        } if kind == "pdf" else {}  # fmt: skip
        images = dict(
            zip(sorted(ocr), page_images(source, sorted(ocr), dpi, password), strict=True)
        )
        numbers = sorted(set(rendered) | set(ocr)) if kind == "pdf" else sorted(ocr)
        for number in numbers:
            stem = f"page-{number:03d}"
            page = ocr.get(number)
            if page is not None and page.failure is None:
                image = working_image(images[number], page)
                width, height, image_dpi = page.width, page.height, float(page.dpi or 72)
                yield f"{stem}.tsv", words_tsv(page).encode("utf-8")
                layout = page
            else:
                view = rendered.get(number)
                if view is None:
                    continue  # a page that failed in an image file: nothing to keep
                image, width, height = view.image, view.width, view.height
                image_dpi = float(PREVIEW_DPI)
                layout = None
            yield f"{stem}.png", _png(image)
            entry: dict[str, Any] = {
                "number": number,
                "source": "text-layer" if page is None else (page.failure and "failed") or "ocr",
                "width": round(width, 4), "height": round(height, 4),
                "image": f"{stem}.png", "dpi": image_dpi,
                "turned": page.turned if page is not None else 0,
                "skew": round(page.skew, 4) if page is not None else 0.0,
            }  # fmt: skip
            if page is not None:
                entry["tsv"] = f"{stem}.tsv"
            if layout is not None:
                on_page = [r for r in records if r.page_first <= number <= r.page_last]
                data = table_intermediates(layout, on_page)
                yield f"{stem}.tables.json", _json(data)
                yield f"{stem}.tables.png", _png(draw_tables(image, layout))
                entry["tables"] = f"{stem}.tables.json"
            entries.append(entry)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "source": source_name or str(source),
        "sha256": sha256,
        "kind": kind,
        "pages": page_count,
        "settings": settings,
        "page_files": entries,
    }
    yield MANIFEST, _json(manifest)


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_keep_work(folder: Path, sha256: str | None = None) -> KeptDocument:
    """The work folder of one document; with `sha256`, refused unless it is that file's."""
    manifest_path = folder / MANIFEST
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KeepWorkError("not a work folder (no manifest.json)", path=folder) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeepWorkError(f"a damaged manifest ({exc})", path=manifest_path) from exc
    if data.get("schema_version") != SCHEMA_VERSION:
        raise KeepWorkError(
            f"work folder schema {data.get('schema_version')!r}, this version reads"
            f" {SCHEMA_VERSION}",
            path=manifest_path,
            hint="run `extract --keep-work` again",
        )
    if sha256 is not None and data["sha256"] != sha256:
        raise KeepWorkError(
            f"the work folder is of another source file: {data['source']} (sha256"
            f" {data['sha256'][:12]}…), not the document {sha256[:12]}… these outputs are of",
            path=folder,
            hint="give the work folder that `extract --keep-work` wrote for this document,"
            " or none (the page images are then taken from the review page)",
        )
    pages = tuple(
        KeptPage(
            number=int(p["number"]), source=str(p["source"]), width=float(p["width"]),
            height=float(p["height"]), dpi=float(p["dpi"]), turned=int(p["turned"]),
            skew=float(p["skew"]), image=folder / str(p["image"]),
        )
        for p in data.get("page_files", [])
    )  # fmt: skip
    return KeptDocument(folder, str(data["source"]), str(data["sha256"]), pages)


def find_keep_work(root: Path, sha256: str) -> KeptDocument | None:
    """The work folder of this document: `root` itself (a document's folder, which must be
    of this document) or one of its subfolders (the DIR given to `--keep-work`)."""
    if (root / MANIFEST).is_file():
        return read_keep_work(root, sha256)
    for manifest in sorted(root.glob(f"*/{MANIFEST}")):
        try:
            kept = read_keep_work(manifest.parent)
        except KeepWorkError:
            continue
        if kept.sha256 == sha256:
            return kept
    return None


def settings_used(settings: Any) -> dict[str, Any]:
    """The run's settings as the manifest keeps them (never the password)."""
    import dataclasses

    ocr = {k: v for k, v in dataclasses.asdict(settings.ocr).items() if k != "jobs"}
    return {"ocr": ocr, "tables": str(settings.tables.value), "max_pages": settings.max_pages}
