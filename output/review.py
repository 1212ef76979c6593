"""The review page: one self-contained HTML file per document for the person who checks it.

Each page image with the cells found on it drawn over it, the extracted rows beside it,
every cell coloured by how sure the reading is, the normalized values under the printed
text and every warning listed. Images are embedded (JPEG, base64), so the file can be
mailed or archived alone; no server and nothing fetched. `read_page_views` takes the
images back out of a page written here, so that a corrected page can be written again
without the source file.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from thaireport.extract.header import COLUMN_KEYS, HEADER_VARIANTS
from thaireport.extract.records import CellValues, MeasureRecord
from thaireport.extract.sources import SCAN, PageView, document_kind

_SHOWN_AS_VALUES = frozenset({"DATE", "PERCENT", "CARDINAL"})
HIGH_CONFIDENCE = 85.0  # at or above: green; between the threshold and this: amber
MAX_IMAGE_WIDTH = 1400  # pixels: enough to read a cell, small enough to mail
JPEG_QUALITY = 70
HEAD_BYTES = 16_384  # the review page's data comes before its styles, script and images


def confidence_class(confidence: float | None, *, low_below: float, verified: bool) -> str:
    """The colour of a cell: verified by a person, from a text layer (no score), or by score."""
    if verified:
        return "verified"
    if confidence is None:
        return "conf-none"
    if confidence < low_below:
        return "conf-low"
    return "conf-mid" if confidence < HIGH_CONFIDENCE else "conf-high"


def cell_confidence(record: MeasureRecord, key: str) -> float | None:
    """The weakest OCR confidence of the cell's regions; None when nothing was read by OCR."""
    scores = [loc.confidence for loc in record.locations.get(key, []) if loc.confidence is not None]
    return min(scores) if scores else None


def needs_check(record: MeasureRecord, key: str, low_below: float) -> bool:
    """A cell nobody verified yet that OCR was unsure of or that has a warning."""
    if key in record.verified:
        return False
    confidence = cell_confidence(record, key)
    low = confidence is not None and confidence < low_below
    return low or any(w.cell == key for w in record.warnings)


def kind_label(kind: str, records: Sequence[MeasureRecord]) -> str:
    """What a person calls the document: a PDF whose pages were all read by OCR is a scan
    (`document_kind`, the rule documents.jsonl follows)."""
    sources = [how for r in records for how in r.page_sources.values()]
    if document_kind(kind, sources) == SCAN:
        return "scan (image-only PDF)"
    if kind != "pdf":
        return kind
    if "ocr" in sources:
        scanned = len({p for r in records for p, how in r.page_sources.items() if how == "ocr"})
        return f"PDF with a text layer ({scanned} scanned pages)"
    return "PDF with a text layer"


@dataclass(frozen=True)
class ReviewDocument:
    """What the header of the page says about the document."""

    name: str
    document_id: str
    kind: str
    pages: int
    # Said only where there is something to say, so pages without them stay as they were:
    keep_work: str = ""  # the document's work folder (`--keep-work`), for later rebuilds
    turned: tuple[tuple[int, int], ...] = ()  # (page, clockwise degrees) of pages OCR turned

    def as_data(self) -> dict[str, object]:
        data: dict[str, object] = {
            "name": self.name, "document_id": self.document_id, "kind": self.kind,
            "pages": self.pages,
        }  # fmt: skip
        if self.keep_work:
            data["keep_work"] = self.keep_work
        if self.turned:
            data["turned"] = {str(page): degrees for page, degrees in self.turned}
        return data


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _image_data(image: Image.Image) -> str:
    if image.width > MAX_IMAGE_WIDTH:
        height = round(image.height * MAX_IMAGE_WIDTH / image.width)
        image = image.resize((MAX_IMAGE_WIDTH, height), Image.Resampling.LANCZOS)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _values_html(values: CellValues | None) -> list[str]:
    if values is None:
        return []
    items = []
    for date in values.dates:
        span = date.start.isoformat()
        if date.end != date.start:
            span += f" – {date.end.isoformat()}"
        items.append(f"{_esc(date.text)} → <b>{span}</b>")
    for percent in values.percentages:
        items.append(f"{_esc(percent.text)} → <b>{percent.value:g} %</b>")
    for count in values.counts:
        items.append(f"{_esc(count.text)} → <b>{count.value} {_esc(count.unit)}</b>")
    if len(values.steps) > 1:
        items.append(f"<b>{len(values.steps)} steps</b>")
    return items


def _cell_html(record: MeasureRecord, key: str, low_below: float) -> str:
    text = getattr(record.cells, key)
    confidence = cell_confidence(record, key)
    verified = record.verified.get(key)
    css = confidence_class(confidence, low_below=low_below, verified=verified is not None)
    warnings = [w for w in record.warnings if w.cell == key]
    notes = _values_html(record.normalized.cells.get(key))
    if key == "period":
        notes[:0] = _period_notes(record)
    # who, where and through what; dates and quantities are among the notes already
    for entity in record.entities:
        if entity.cell == key and entity.label not in _SHOWN_AS_VALUES:
            value = "" if entity.value in (None, entity.text) else f" → {_esc(entity.value)}"
            notes.append(
                f'<span class="ent" data-label="{entity.label}">{entity.label}</span>'
                f" {_esc(entity.text)}{value}"
            )
    parts = [f'<div class="printed">{_esc(text) or "<i>(empty)</i>"}</div>']
    if notes:
        parts.append('<ul class="norm">' + "".join(f"<li>{n}</li>" for n in notes) + "</ul>")
    if verified is not None and verified.read != text:
        parts.append(f'<div class="was">read as: {_esc(verified.read)}</div>')
    if warnings:
        if css in ("conf-high", "conf-none"):  # never green (nor plain) with a warning on it
            css = "conf-warn"
        parts.append(
            '<ul class="cell-warnings">'
            + "".join(f"<li>{_esc(w.message)}</li>" for w in warnings)
            + "</ul>"
        )
        css += " warned"
    title = (
        "verified by a person"
        if verified is not None
        else ("from the text layer" if confidence is None else f"OCR confidence {confidence:.0f}")
    )
    score = "" if confidence is None else f' data-confidence="{confidence:.1f}"'
    return (
        f'<td class="cell {css}" data-cell="{_esc(record.record_id)}:{key}"{score}'
        f' title="{_esc(title)}">{"".join(parts)}</td>'
    )


def _table_html(records: Sequence[MeasureRecord], low_below: float) -> str:
    head = "".join(f"<th>{_esc(HEADER_VARIANTS[key][0])}</th>" for key in COLUMN_KEYS)
    rows = []
    section = None
    for record in records:
        if record.section.number_inferred != section:
            section = record.section.number_inferred
            rows.append(
                f'<tr class="section"><th colspan="{len(COLUMN_KEYS) + 1}">'
                f"{_esc(record.section.heading)}</th></tr>"
            )
        cells = "".join(_cell_html(record, key, low_below) for key in COLUMN_KEYS)
        rows.append(
            f'<tr class="record" id="rec-{_esc(record.record_id)}"'
            f' data-record="{_esc(record.record_id)}"><th class="rid">'
            f"{record.section.number_inferred}.{record.row_index}</th>{cells}</tr>"
        )
    return (
        '<table class="measures"><thead><tr><th>#</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _page_html(
    view: PageView, records: Sequence[MeasureRecord], shown: Sequence[MeasureRecord],
    low_below: float,
) -> str:  # fmt: skip
    boxes = []
    for record in records:
        for key, locations in record.locations.items():
            verified = key in record.verified
            for location in locations:
                if location.page != view.number:
                    continue
                x0, top, x1, bottom = location.bbox
                css = confidence_class(location.confidence, low_below=low_below, verified=verified)
                if css in ("conf-high", "conf-none") and any(
                    w.cell == key for w in record.warnings
                ):
                    css = "conf-warn"
                label = f"{record.record_id} {key}"
                if location.confidence is not None:
                    label += f": OCR confidence {location.confidence:.0f}"
                boxes.append(
                    f'<rect class="box {css}" data-cell="{_esc(record.record_id)}:{key}"'
                    f' x="{x0:.1f}" y="{top:.1f}" width="{max(x1 - x0, 1):.1f}"'
                    f' height="{max(bottom - top, 1):.1f}"><title>{_esc(label)}</title></rect>'
                )
    svg = (
        f'<svg class="scan" data-page="{view.number}" data-width="{view.width:.2f}"'
        f' data-height="{view.height:.2f}" viewBox="0 0 {view.width:.2f} {view.height:.2f}"'
        ' xmlns="http://www.w3.org/2000/svg">'
        f'<image href="data:image/jpeg;base64,{_image_data(view.image)}" x="0" y="0"'
        f' width="{view.width:.2f}" height="{view.height:.2f}"/>{"".join(boxes)}</svg>'
    )
    table = _table_html(shown, low_below) if shown else '<p class="none">no rows start here</p>'
    return (
        f'<section class="page" id="page-{view.number}"><figure>{svg}'
        f'<figcaption>page {view.number} <button type="button" class="zoom" data-step="1.5"'
        ' title="zoom in">+</button><button type="button" class="zoom" data-step="0.6667"'
        ' title="zoom out">−</button></figcaption></figure>'
        f'<div class="rows">{table}</div></section>'
    )


def _warnings_html(records: Sequence[MeasureRecord]) -> str:
    items = []
    for record in records:
        for warning in record.warnings:
            where = f"{record.section.number_inferred}.{record.row_index}"
            cell = f" · {_esc(warning.cell)}" if warning.cell else ""
            items.append(
                f'<li data-code="{_esc(warning.code)}"><a href="#rec-{_esc(record.record_id)}">'
                f"{where}{cell}</a> <code>{_esc(warning.code)}</code> {_esc(warning.message)}</li>"
            )
    if not items:
        return '<nav class="warnings"><h2>Warnings</h2><p>none</p></nav>'
    return f'<nav class="warnings"><h2>Warnings ({len(items)})</h2><ol>{"".join(items)}</ol></nav>'


def review_html(
    document: ReviewDocument,
    records: Sequence[MeasureRecord],
    views: Iterable[PageView],
    *,
    low_confidence_below: float,
) -> str:
    """The whole page. Rows are shown beside the page they start on; a document without
    page images (a text export) gets its table alone."""
    records = sorted(records, key=lambda r: r.record_index)
    sections = []
    shown_pages = set()
    for view in views:
        shown = [r for r in records if r.page_first == view.number]
        on_page = [r for r in records if r.page_first <= view.number <= r.page_last]
        sections.append(_page_html(view, on_page, shown, low_confidence_below))
        shown_pages.add(view.number)
    unplaced = [r for r in records if r.page_first not in shown_pages]
    if unplaced:
        sections.append(
            '<section class="page no-image"><div class="rows">'
            f"{_table_html(unplaced, low_confidence_below)}</div></section>"
        )
    first = records[0] if records else None
    fiscal = first.fiscal_year if first else None
    to_check = sum(
        needs_check(r, key, low_confidence_below) for r in records for key in COLUMN_KEYS
    )
    facts = {
        "document": document.document_id,
        "kind": kind_label(document.kind, records),
        "pages": document.pages,
        "organization": (first.organization if first else None) or "—",
        "fiscal year": (
            f"{fiscal.be} ({fiscal.start.isoformat()} – {fiscal.end.isoformat()})"
            if fiscal
            else "—"
        ),
        "rows": len(records),
        "cells to check": to_check,
        "cells verified": sum(len(r.verified) for r in records),
    }
    facts_html = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in facts.items())
    data = json.dumps(
        {**document.as_data(), "rows": len(records), "to_check": to_check},
        ensure_ascii=False,
    ).replace("</", "<\\/")  # never ends the script element early
    return (
        '<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Review — {_esc(document.name)}</title>"
        # first in the file, so that finding a document's page reads a few bytes of each
        f'<script type="application/json" id="review-data">{data}</script>'
        f"<style>{_CSS}</style></head>\n"
        f"<body><header><h1>{_esc(document.name)}</h1><dl>{facts_html}</dl>"
        f"<p class=legend>{_LEGEND}</p></header>\n"
        f"{_warnings_html(records)}\n<main>{''.join(sections)}</main>\n"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


_VIEW = re.compile(
    r'<svg class="scan" data-page="(\d+)" data-width="([\d.]+)" data-height="([\d.]+)"'
    r'[^>]*><image href="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"'
)


_DATA = re.compile(r'<script type="application/json" id="review-data">(.*?)</script>', re.S)


def revise_review(
    text: str,
    records: Sequence[MeasureRecord],
    *,
    low_confidence_below: float,
    views: Sequence[PageView] | None = None,
) -> str:
    """A review page written by `review_html`, again with these records: with the page
    images it holds, or with `views` (a work folder's, lossless) where given."""
    if views is None:
        document, held = read_review(text)
    else:
        document, held = review_document(text), list(views)
    return review_html(document, records, held, low_confidence_below=low_confidence_below)


def review_document(text: str) -> ReviewDocument:
    """What a review page written by `review_html` is about (its head is enough)."""
    found = _DATA.search(text)
    if found is None:
        raise ValueError("not a review page written by thaireport")
    data = json.loads(found.group(1))
    turned = tuple((int(page), int(degrees)) for page, degrees in data.get("turned", {}).items())
    return ReviewDocument(
        data["name"], data["document_id"], data["kind"], data["pages"],
        keep_work=str(data.get("keep_work", "")), turned=turned,
    )  # fmt: skip


def find_reviews(folder: Path, document_ids: set[str]) -> dict[str, Path]:
    """The review pages in `folder` of these documents, by document id."""
    found = {}
    for path in sorted(folder.glob("*.review.html")):
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(HEAD_BYTES)
        try:
            document = review_document(head)
        except ValueError:
            continue
        if document.document_id in document_ids:
            found[document.document_id] = path
    return found


def read_review(text: str) -> tuple[ReviewDocument, list[PageView]]:
    """The document and page images of a review page written by `review_html`."""
    document = review_document(text)
    views = []
    for number, width, height, data in _VIEW.findall(text):
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        image.load()
        views.append(PageView(int(number), float(width), float(height), image))
    return document, views


_LEGEND = (
    '<span class="cell conf-high">OCR sure</span> <span class="cell conf-mid">OCR unsure</span>'
    ' <span class="cell conf-low">check: low OCR confidence</span>'
    ' <span class="cell conf-none">text layer</span>'
    ' <span class="cell verified">verified by a person</span>'
    ' <span class="cell conf-warn warned">has a warning</span>'
)

_CSS = """
body{font-family:"Sarabun","Noto Sans Thai","Garuda","Loma",sans-serif;margin:0;
 background:#f4f4f2;color:#222}
header,nav.warnings{padding:.6em 1.2em;background:#fff;border-bottom:1px solid #ccc}
h1{font-size:1.3em;margin:.2em 0}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.4em 0}
dt{font-weight:bold}dd{margin:0}
nav.warnings h2{font-size:1.1em;margin:.3em 0}
nav.warnings ol{max-height:14em;overflow:auto;margin:0;font-size:.9em}
.legend span{display:inline-block;padding:.1em .5em;margin-right:.3em}
section.page{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.1fr);gap:1em;
 padding:1em;border-bottom:2px solid #bbb}
section.page.no-image{grid-template-columns:minmax(0,1fr)}
figure{margin:0;overflow:auto;max-height:95vh}
figure svg{width:100%;height:auto;background:#fff;box-shadow:0 0 3px #999}
figcaption{position:sticky;left:0}button.zoom{margin-left:.4em;min-width:2em}
figcaption{text-align:center;font-size:.85em;color:#555}
.rows{overflow:auto;max-height:95vh}
table.measures{border-collapse:collapse;background:#fff;font-size:.82em}
table.measures th,table.measures td{border:1px solid #aaa;padding:.25em .35em;vertical-align:top}
table.measures thead th{position:sticky;top:0;background:#e8e8e8}
tr.section th{background:#dde6f0;text-align:left}
.printed{white-space:pre-wrap}
ul.norm,ul.cell-warnings{margin:.2em 0 0;padding-left:1em;font-size:.9em}
ul.norm{color:#135}
.ent{font-size:.75em;font-family:monospace;background:#eef;border:1px solid #99b;
 padding:0 .2em;border-radius:3px}
ul.cell-warnings{color:#8a1c00}
.was{font-size:.85em;color:#555;text-decoration:line-through}
.cell.conf-high{background:#e3f4e1}.cell.conf-mid{background:#fff2c6}
.cell.conf-low{background:#ffc9c2;outline:2px solid #d0021b}
.cell.conf-none{background:#fff}.cell.verified{background:#d9e8ff}
.cell.conf-warn{background:#ffdcae}
.cell.warned{box-shadow:inset 4px 0 0 #e07b00}
rect.box{fill-opacity:.18;stroke-width:1.2}
rect.conf-high{fill:#2e9b2e;stroke:#2e9b2e}rect.conf-mid{fill:#e0a800;stroke:#e0a800}
rect.conf-low{fill:#d0021b;stroke:#d0021b;fill-opacity:.3;stroke-width:2}
rect.conf-none{fill:#3366cc;stroke:#3366cc;fill-opacity:.08}
rect.verified{fill:#1f5fd6;stroke:#1f5fd6}
rect.conf-warn{fill:#e07b00;stroke:#e07b00;fill-opacity:.25;stroke-width:2}
.hover{outline:3px solid #000!important}rect.hover{stroke:#000;stroke-width:3;fill-opacity:.35}
"""

# Hovering a box lights up its cell and the other way round; clicking a box scrolls to it.
_SCRIPT = """
(function(){
  document.querySelectorAll('button.zoom').forEach(function(b){
    b.addEventListener('click',function(){
      var svg=b.closest('figure').querySelector('svg');
      var z=Math.min(Math.max((parseFloat(svg.dataset.zoom||'1'))*parseFloat(b.dataset.step),1),6);
      svg.dataset.zoom=z;svg.style.width=(100*z)+'%';
    });
  });
  function same(key){return document.querySelectorAll('[data-cell="'+CSS.escape(key)+'"]');}
  document.querySelectorAll('[data-cell]').forEach(function(el){
    var key=el.getAttribute('data-cell');
    el.addEventListener('mouseenter',function(){same(key).forEach(function(o){o.classList.add('hover');});});
    el.addEventListener('mouseleave',function(){same(key).forEach(function(o){o.classList.remove('hover');});});
    if(el.tagName.toLowerCase()==='rect'){
      el.addEventListener('click',function(){
        var cell=document.querySelector('td[data-cell="'+CSS.escape(key)+'"]');
        if(cell){cell.scrollIntoView({block:'center'});}
      });
    }
  });
})();
"""


def _period_notes(record: MeasureRecord) -> list[str]:
    """The period and how it was derived (printed, completed, inferred, or not at all)."""
    n = record.normalized
    notes = []
    if n.period_start and n.period_end:
        notes.append(f"period <b>{n.period_start.isoformat()} – {n.period_end.isoformat()}</b>")
    notes.append(f"basis: {_esc(n.period_basis)}")
    if n.period_year_from:
        notes.append(f"year completed: {_esc(n.period_year_from)}")
    if n.period_inferred_start and n.period_inferred_end:
        notes.append(
            f"inferred {n.period_inferred_start.isoformat()} – {n.period_inferred_end.isoformat()}"
            f" from {_esc(n.period_inferred_from or '')}"
        )
    return notes
