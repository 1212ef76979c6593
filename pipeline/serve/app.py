"""The review workspace: a Starlette app over an `extract` or `batch` output folder.

Documents and cells are addressed by record id and column key only; no part of a request
becomes a path. Every save goes through `pipeline.corrections.apply_cell_corrections` (the
`apply-corrections` path) under an exclusive lock on a file in the folder, after checking
that the cell still reads on disk as it did when the page was loaded (409 otherwise), so two
people on one folder never overwrite each other. POSTs carry a CSRF token; with `--token`,
every request carries the token as well (a query parameter once, then a cookie).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hmac
import io
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from PIL import Image
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from thaireport.extract.header import COLUMN_KEYS, HEADER_VARIANTS
from thaireport.extract.records import MeasureRecord, normalize_cells
from thaireport.output.keep_work import (
    MANIFEST,
    KeptDocument,
    KeptPage,
    find_keep_work,
    read_keep_work,
)
from thaireport.output.review import (
    HEAD_BYTES,
    ReviewDocument,
    cell_confidence,
    review_document,
)
from thaireport.pipeline.corrections import (
    Correction,
    apply_cell_corrections,
    load_records,
    review_pages,
)
from thaireport.pipeline.serve.labels import LABELS
from thaireport.pipeline.serve.queue import QueueItem, build_queue

from thaireport.settings import OcrSettings

LOCK_FILE = ".serve.lock"
CROP_MARGIN = 40.0  # points around the cell: the lines above and below, for context
RENDER_DPI = 200  # born-digital pages have no resolution of their own
SOURCE = "thaireport serve"


@contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """One writer at a time on this folder, across processes (two `serve`s on one folder)."""
    with (out_dir / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class PageTurn:
    """How OCR put a page upright: the turn (clockwise degrees) and the deskew angle, None
    where it is not known (measured again on the page, as OCR measured it)."""

    turned: int = 0
    skew: float | None = None


@functools.lru_cache(maxsize=8)
def _page_image(
    source: str, page: int, scanned: bool, turn: PageTurn = PageTurn()
) -> tuple[Image.Image, float]:
    """The page at its own resolution, and pixels per point of the cell boxes. A page read
    by OCR is turned and deskewed as OCR turned and deskewed it, so the cells' boxes (in
    OCR's coordinates) fit."""
    from thaireport.extract.sources import DEFAULT_IMAGE_DPI, page_images

    path = Path(source)
    with path.open("rb") as handle:
        is_pdf = b"%PDF-" in handle.read(1024)
    if is_pdf:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(path)
        try:
            width = document[page - 1].get_size()[0]
        finally:
            document.close()
        # a scan's embedded image at its own resolution; a born-digital page rendered
        image = next(page_images(path, [page], RENDER_DPI))
        scale = image.width / width
    else:
        image = next(page_images(path, [page], DEFAULT_IMAGE_DPI))
        with Image.open(path) as original:
            dpi = float(original.info.get("dpi", (DEFAULT_IMAGE_DPI,))[0] or DEFAULT_IMAGE_DPI)
        scale = dpi / 72
    if scanned:
        image = _as_ocr_read(image, round(scale * 72), turn)
    return image, scale


def _as_ocr_read(image: Image.Image, dpi: int, how: PageTurn = PageTurn()) -> Image.Image:
    """The page turned as OCR turned it, then deskewed by the angle OCR found (kept in the
    work folder) or, not known, by the angle OCR's preparation finds on it again
    (`ocr.preprocess`, with the default settings; the skew is measured on a fixed-width
    copy, so at any resolution the same). Kept at the scan's resolution, not OCR's
    working one."""
    from thaireport.ocr.preprocess import prepare, rotate, to_gray, turn

    image = turn(image, how.turned)
    settings = OcrSettings()
    skew = how.skew
    if skew is None:
        if not settings.deskew:
            return image
        skew = prepare(image, dpi, flatten=settings.flatten, median=settings.median).skew_degrees
    return Image.fromarray(rotate(to_gray(image), skew)) if skew else image


class Workspace:
    """The folder's records, read again from disk whenever asked (another person may save)."""

    def __init__(self, out_dir: Path, low_below: float, keep_work: Path | None = None) -> None:
        self.out_dir = out_dir
        self.low_below = low_below
        self.keep_work = keep_work

    def kept(self, document_id: str) -> tuple[KeptDocument | None, ReviewDocument | None]:
        """The document's work folder (from `--keep-work`, or the one its review page
        names) and what its review page says about it (the pages OCR turned)."""
        review = None
        path = review_pages(self.out_dir, {document_id}).get(document_id)
        if path is not None:
            with path.open(encoding="utf-8", errors="replace") as handle:
                review = review_document(handle.read(HEAD_BYTES))
        if self.keep_work is not None:
            return find_keep_work(self.keep_work, document_id), review
        if (
            review is not None
            and review.keep_work
            and (Path(review.keep_work) / MANIFEST).is_file()
        ):
            return read_keep_work(Path(review.keep_work), document_id), review
        return None, review

    def page_turn(self, document_id: str, number: int) -> tuple[PageTurn, KeptPage | None]:
        kept, review = self.kept(document_id)
        page = kept.page(number) if kept is not None else None
        if page is not None:
            return PageTurn(page.turned, page.skew), page
        turned = dict(review.turned) if review is not None else {}
        return PageTurn(turned.get(number, 0)), None

    def records(self) -> dict[str, MeasureRecord]:
        return load_records(self.out_dir)

    def queue(self, records: dict[str, MeasureRecord]) -> list[QueueItem]:
        return build_queue(records.values(), self.low_below)

    def crop(self, record: MeasureRecord, key: str) -> bytes | None:
        locations = record.locations.get(key) or []
        if not locations:
            return None
        first = locations[0]
        boxes = [loc.bbox for loc in locations if loc.page == first.page]
        source = Path(record.source_path)
        if not source.is_absolute():
            source = (self.out_dir / source).resolve()
        scanned = record.page_sources.get(str(first.page)) == "ocr"
        turn, kept = self.page_turn(record.document_id, first.page)
        if source.is_file():
            image, scale = _page_image(str(source), first.page, scanned, turn)
        elif kept is not None:  # the source moved: the work folder's image, as OCR read it
            image, scale = _kept_image(str(kept.image)), kept.dpi / 72
        else:
            return None
        x0 = min(b[0] for b in boxes) - CROP_MARGIN
        top = min(b[1] for b in boxes) - CROP_MARGIN
        x1 = max(b[2] for b in boxes) + CROP_MARGIN
        bottom = max(b[3] for b in boxes) + CROP_MARGIN
        box = tuple(round(v * scale) for v in (max(x0, 0), max(top, 0), x1, bottom))
        crop = image.convert("RGB").crop(box)  # type: ignore[arg-type]
        # the cell itself outlined, so the eye finds it among its neighbours
        from PIL import ImageDraw

        draw = ImageDraw.Draw(crop)
        for b in boxes:
            x, y = box[0], box[1]
            outline = [
                b[0] * scale - x - 3,
                b[1] * scale - y - 3,
                b[2] * scale - x + 3,
                b[3] * scale - y + 3,
            ]
            draw.rectangle(outline, outline=(31, 95, 214), width=3)
        buffer = io.BytesIO()
        crop.save(buffer, format="PNG")
        return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def _kept_image(path: str) -> Image.Image:
    with Image.open(path) as image:
        image.load()
        return image.copy()


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("thaireport.pipeline.serve", "templates"),
        autoescape=select_autoescape(["html"], default=True),
    )


def normalized_view(record: MeasureRecord, key: str, text: str) -> dict[str, Any]:
    """What the project's normalizers make of this text in this cell of this record."""
    texts = {**record.cells.model_dump(), key: text}
    fiscal = record.fiscal_year.be if record.fiscal_year else None
    normalized, warnings = normalize_cells(texts, fiscal)
    values = normalized.cells.get(key)
    result: dict[str, Any] = {
        "dates": [
            {"text": d.text, "start": d.start.isoformat(), "end": d.end.isoformat()}
            for d in (values.dates if values else [])
        ],
        "percentages": [
            {"text": p.text, "value": p.value} for p in (values.percentages if values else [])
        ],
        "counts": [
            {"text": c.text, "value": c.value, "unit": c.unit}
            for c in (values.counts if values else [])
        ],
        "warnings": [w.message for w in warnings if w.cell == key],
    }
    if key == "period":
        result["period"] = (
            [normalized.period_start.isoformat(), normalized.period_end.isoformat()]
            if normalized.period_start and normalized.period_end
            else None
        )
    return result


def create_app(
    out_dir: Path,
    *,
    token: str | None = None,
    low_below: float | None = None,
    keep_work: Path | None = None,
) -> Starlette:
    low = OcrSettings().min_confidence if low_below is None else low_below
    workspace = Workspace(out_dir, low, keep_work)
    templates = _environment()
    csrf = secrets.token_urlsafe(32)

    def lang(request: Request) -> str:
        return "en" if request.query_params.get("lang") == "en" else "th"

    def page(name: str, request: Request, **context: Any) -> HTMLResponse:
        language = lang(request)
        html = templates.get_template(name).render(
            t=LABELS[language],
            lang=language,
            csrf=csrf,
            columns=COLUMN_KEYS,
            headers={k: HEADER_VARIANTS[k][0] for k in COLUMN_KEYS},
            **context,
        )
        return HTMLResponse(html)

    async def index(request: Request) -> Response:
        records = workspace.records()
        queue = workspace.queue(records)
        documents: dict[str, dict[str, Any]] = {}
        for item in queue:
            doc = documents.setdefault(
                item.document_id,
                {
                    "name": Path(records[item.record_id].source_path).name,
                    "cells": 0,
                    "to_check": 0,
                    "done": 0,
                },
            )
            doc["cells"] += 1
            # the review page's rule: a warning or low OCR confidence, not yet verified
            doc["to_check"] += int(bool(item.reasons) and not item.done)
            doc["done"] += int(item.done)
        first = next((i for i in queue if not i.done), None)
        return page(
            "index.html", request, queue=queue, documents=documents, records=records, first=first
        )

    def _find(request: Request) -> tuple[dict[str, MeasureRecord], MeasureRecord, str]:
        records = workspace.records()
        record = records.get(request.path_params["record_id"])
        key = request.path_params["cell"]
        if record is None or key not in COLUMN_KEYS:
            raise _NotFound
        return records, record, key

    async def cell(request: Request) -> Response:
        records, record, key = _find(request)
        queue = [i for i in workspace.queue(records) if not i.done]
        keys = [i.key for i in queue]
        here = f"{record.record_id}/{key}"
        if here in keys:
            at = keys.index(here)
            previous = keys[at - 1] if at > 0 else None
            following = keys[at + 1] if at + 1 < len(keys) else None
        else:
            previous, following = None, (keys[0] if keys else None)
        text = getattr(record.cells, key)
        return page(
            "cell.html",
            request,
            record=record,
            key=key,
            text=text,
            document_name=Path(record.source_path).name,
            confidence=cell_confidence(record, key),
            warnings=[w for w in record.warnings if w.cell == key],
            verified=record.verified.get(key),
            has_crop=bool(record.locations.get(key)),
            previous=previous,
            following=following,
            remaining=len(keys),
            normalized=normalized_view(record, key, text),
        )

    async def crop(request: Request) -> Response:
        _, record, key = _find(request)
        data = workspace.crop(record, key)
        if data is None:
            raise _NotFound
        return Response(data, media_type="image/png")

    async def normalize(request: Request) -> Response:
        _, record, key = _find(request)
        return JSONResponse(normalized_view(record, key, request.query_params.get("text", "")))

    async def save(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get("x-csrf-token", ""), csrf):
            return JSONResponse({"error": "bad CSRF token"}, status_code=403)
        body = await request.json()
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected an object"}, status_code=400)
        rid, key = str(body.get("record_id", "")), str(body.get("cell", ""))
        text, expected = body.get("text"), body.get("expected")
        if not isinstance(text, str) or not isinstance(expected, str) or key not in COLUMN_KEYS:
            return JSONResponse({"error": "needs record_id, cell, text, expected"}, 400)
        with folder_lock(out_dir):
            record = workspace.records().get(rid)
            if record is None:
                raise _NotFound
            now = getattr(record.cells, key)
            if now != expected:  # someone saved this cell since the page was loaded
                return JSONResponse({"error": "conflict", "text": now}, status_code=409)
            summary = apply_cell_corrections(
                [Correction(rid, key, text, "serve")],
                out_dir,
                source=SOURCE,
                at=dt.datetime.now(dt.UTC),
            )
        return JSONResponse({"changed": summary.changed, "confirmed": summary.confirmed})

    async def not_found(request: Request, exc: Exception) -> Response:
        return HTMLResponse("not found", status_code=404)

    routes = [
        Route("/", index),
        Route("/cell/{record_id}/{cell}", cell),
        Route("/crop/{record_id}/{cell}.png", crop),
        Route("/api/normalize/{record_id}/{cell}", normalize),
        Route("/api/save", save, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("thaireport.pipeline.serve", "static")])),
    ]
    middleware = [Middleware(_TokenMiddleware, token=token)] if token else []
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={_NotFound: not_found, 404: not_found},
    )


class _NotFound(Exception):
    pass


class _TokenMiddleware(BaseHTTPMiddleware):
    """Every request carries the token: `?token=` once (it becomes a cookie), or the cookie."""

    def __init__(self, app: Any, token: str) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        given = request.query_params.get("token") or request.cookies.get("thaireport_token", "")
        if not hmac.compare_digest(given, self.token):
            return Response("a token is needed", status_code=401)
        response = await call_next(request)
        if request.query_params.get("token"):
            response.set_cookie("thaireport_token", self.token, httponly=True, samesite="strict")
        return response


def serve(
    out_dir: Path, *, host: str, port: int, token: str | None, keep_work: Path | None = None
) -> None:
    import uvicorn

    app = create_app(out_dir, token=token, keep_work=keep_work)
    uvicorn.run(app, host=host, port=port, log_level="warning")
