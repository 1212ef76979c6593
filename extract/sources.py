"""Where pages come from: a PDF's text layer, OCR of a PDF page, or OCR of an image file.

The decision is per page: a page whose text layer is empty, mostly private-use code
points or mojibake after repair is rasterized and read by OCR instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageSequence, UnidentifiedImageError
from thaireport.extract.textlayer import private_use_share, thai_word_share

from thaireport.errors import (
    InputError,
    MissingDependencyError,
    ThaiReportError,
    TooLargeInputError,
)
from thaireport.model import PageLayout, TextSource
from thaireport.settings import OcrSettings

MAX_PRIVATE_USE = 0.05  # share of letters left in the private-use area after repair
MAX_UNMAPPED = 0.05  # share of U+FFFD (glyphs without Unicode)
MIN_LAYER_WORD_SHARE = 0.6  # Thai letters in dictionary words; real layers score ~0.9
DEFAULT_IMAGE_DPI = 300
# Pillow's guard against decompression bombs, in pixels: an A3 page at 600 DPI is 70 MP.
# The same limit holds for every page image the pipeline makes or takes: PDF pages rendered
# at --dpi, images embedded in PDFs, every frame of a multi-page TIFF.
MAX_PAGE_PIXELS = 200_000_000
Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS


SCAN = "scan"  # the kind of a PDF with no usable text layer: every page read by OCR


def document_kind(file_kind: str, page_sources: Iterable[TextSource | str]) -> str:
    """The document's kind as people name it (documents.jsonl, the review page, `serve`):
    a PDF whose every page was read by OCR is a scan; any other file keeps its own kind."""
    sources = list(page_sources)
    if file_kind == "pdf" and sources and all(s == TextSource.OCR for s in sources):
        return SCAN
    return file_kind


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return b"%PDF-" in handle.read(1024)  # as pipeline.document.detect_kind decides


def page_images(
    path: Path, numbers: Iterable[int], dpi: int, password: str | None = None
) -> Iterator[Image.Image]:
    """The images OCR read for these pages (1-based), taken again from the file."""
    wanted = set(numbers)
    if _is_pdf(path):
        for number in sorted(wanted):
            yield _pdf_page_image(path, number - 1, dpi, password)[0]
        return
    with Image.open(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number in wanted:
                yield frame.convert("L")


def _pdfium_document(path: Path, password: str | None = None) -> pdfium.PdfDocument:
    """The PDF opened for rendering; pdfminer may have read a file that PDFium refuses."""
    try:
        return pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as exc:
        raise InputError(f"not a readable PDF ({exc})", path=path) from exc


def as_read(image: Image.Image, page: PageLayout) -> Image.Image:
    """The image as OCR read it: turned upright and deskewed, so the words' boxes fit it."""
    from thaireport.ocr.preprocess import rotate, to_gray, turn

    upright = turn(image, page.turned)
    if page.skew:
        upright = Image.fromarray(rotate(to_gray(upright), page.skew))
    return upright


@dataclass(frozen=True)
class PageView:
    """A page as a person sees it, in the coordinates (points) of the words and cells on it."""

    number: int
    width: float
    height: float
    image: Image.Image


def page_views(
    path: Path,
    ocr_pages: Sequence[PageLayout],
    dpi: int,
    *,
    preview_dpi: int = 96,
    password: str | None = None,
) -> Iterator[PageView]:
    """Every page of a PDF or an image file: pages read by OCR as OCR read them, the rest
    rendered at `preview_dpi`. Text exports have no pages to show."""
    read = {page.number: page for page in ocr_pages}
    if not _is_pdf(path):
        for page, image in zip(ocr_pages, page_images(path, read, dpi), strict=True):
            yield PageView(page.number, page.width, page.height, as_read(image, page))
        return
    document = _pdfium_document(path, password)
    try:
        for index in range(len(document)):
            number = index + 1
            if number in read:  # a scan: opened alone, as for OCR, so memory stays flat
                image = _pdf_page_image(path, index, dpi, password)[0]
                page = read[number]
                yield PageView(number, page.width, page.height, as_read(image, page))
                continue
            pdf_page = document[index]
            try:
                width, height = pdf_page.get_size()
                scale = preview_dpi / 72
                _check_pixels(width * scale, height * scale, page=number, what="the page")
                bitmap = pdf_page.render(scale=scale)
                yield PageView(number, width, height, bitmap.to_pil())
            finally:
                pdf_page.close()
    finally:
        document.close()


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
                _check_pixels(*images[0].get_px_size(), page=index + 1, what="the page's image")
                native: Image.Image = images[0].get_bitmap(render=False).to_pil()
                native_dpi = round(native.width / ((right - left) / 72))
                if 100 <= native_dpi <= 600:
                    # Colour kept: stamps and pen are told from print by it (ocr.preprocess);
                    # bilevel kept: OCR averages it down to its working resolution.
                    if native.mode not in ("L", "RGB", "1"):
                        native = native.convert("RGB")
                    return native, native_dpi
        _check_pixels(
            width * dpi / 72,
            height * dpi / 72,
            page=index + 1,
            what=f"the page ({width / 72 * 2.54:.0f} × {height / 72 * 2.54:.0f} cm) at {dpi} DPI",
            hint="pages this large are not scans of a report; a lower --dpi renders it smaller",
        )
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        rendered: Image.Image = bitmap.to_pil()
        return rendered, dpi
    finally:
        page.close()


def _check_pixels(
    width: float, height: float, *, page: int, what: str, hint: str | None = None
) -> None:
    """Refuse a page image beyond `MAX_PAGE_PIXELS` before any memory is taken for it."""
    if width * height > MAX_PAGE_PIXELS:
        raise TooLargeInputError(
            f"{what} would be {width:.0f} × {height:.0f} pixels"
            f" ({width * height / 1e6:.0f} MP), more than the {MAX_PAGE_PIXELS / 1e6:.0f} MP"
            " limit for a page (a decompression bomb?)",
            page=page,
            hint=hint,
        )


def _pdf_page_image(
    path: Path, index: int, dpi: int, password: str | None = None
) -> tuple[Image.Image, int]:
    """:func:`_page_image` with the document opened for this page alone.

    pdfium keeps every stream it has read (a scanned page's JPEG) until the document is
    closed: opened page by page, memory stays flat over long scans (measured: 0.4 MiB a
    page otherwise). Opening costs about a millisecond.
    """
    document = _pdfium_document(path, password)
    try:
        return _page_image(document, index, dpi)
    finally:
        document.close()


@dataclass(frozen=True)
class _OcrJob:
    """A page waiting for OCR, with what to say about it once read."""

    image: Image.Image
    number: int
    dpi: int
    note: str | None = None
    warning: str | None = None


def failed_page(number: int, width: float, height: float, failure: str) -> PageLayout:
    """A page that could not be read: empty, saying why, so the others are kept."""
    return PageLayout(number, width, height, (), (), TextSource.OCR, failure=failure)


def _run_job(
    job: _OcrJob, settings: OcrSettings, meanwhile: Callable[[], object] | None = None
) -> PageLayout:
    # The OCR stack (OpenCV, the digit model, Tesseract) is imported by the pages that need it.
    from thaireport.extract.ocr_layout import ocr_page_layout

    try:
        layout = ocr_page_layout(
            job.image, number=job.number, dpi=job.dpi, settings=settings, meanwhile=meanwhile
        )
    except MissingDependencyError:
        raise  # no Tesseract at all: no page can be read, the document fails
    except (ThaiReportError, OSError) as exc:  # a timeout or a crash of Tesseract on this page
        scale = 72 / job.dpi
        failure = f"OCR failed: {getattr(exc, 'message', None) or exc}"
        return failed_page(job.number, job.image.width * scale, job.image.height * scale, failure)
    if job.note:
        layout = replace(layout, notes=(job.note, *layout.notes))
    if job.warning:
        layout = replace(layout, warnings=(*layout.warnings, job.warning))
    return layout


def load_shared_data() -> None:
    """Load what every page needs, once, before OCR workers are forked from this process.

    Each worker would otherwise build the Thai dictionary (extract.thai_words),
    read the digit model and probe Tesseract for itself, and this process would build the
    trie once more for the tables; forked workers share what is loaded here.
    """
    import thaireport.extract.ocr_layout  # noqa: F401  (imported before the fork, once)
    from thaireport.extract import thai_words
    from thaireport.ocr.digits import load_model
    from thaireport.ocr.tesseract import cached_probe

    thai_words.load()
    load_model()
    cached_probe()


def _read_in_order(
    items: Iterable[PageLayout | _OcrJob],
    settings: OcrSettings,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[PageLayout]:
    """Pages in order; OCR jobs run on `settings.jobs` processes, a few pages ahead.

    The window keeps memory bounded for long documents: at most twice as many page images
    as workers are held at once. `meanwhile` is called once in this process while the first
    page is read by OCR (never for a document that needs none): one page after another,
    while its Tesseract runs; with workers, once the first page is handed to them.
    """
    pending_call = [meanwhile] if meanwhile is not None else []
    if settings.jobs <= 1:
        for item in items:
            if isinstance(item, PageLayout):
                yield item
            else:
                yield _run_job(item, settings, pending_call.pop() if pending_call else None)
        return
    window = 2 * settings.jobs
    pending: deque[Future[PageLayout] | PageLayout] = deque()
    # The pool (and the data its workers share) only once a page needs OCR: a born-digital
    # PDF reads without Tesseract, and without its probe.
    pool: ProcessPoolExecutor | None = None
    try:
        for item in items:
            if isinstance(item, PageLayout):
                pending.append(item)
            else:
                if pool is None:
                    load_shared_data()
                    pool = ProcessPoolExecutor(max_workers=settings.jobs)
                pending.append(pool.submit(_run_job, item, settings))
                if pending_call:
                    pending_call.pop()()
            while len(pending) > window:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _result(item: Future[PageLayout] | PageLayout) -> PageLayout:
    return item if isinstance(item, PageLayout) else item.result()


def pdf_pages(
    path: Path,
    settings: OcrSettings,
    *,
    max_pages: int | None = None,
    meanwhile: Callable[[], object] | None = None,
    password: str | None = None,
) -> Iterator[PageLayout]:
    """Each page from its text layer when that is usable, else by OCR; a PDF of more than
    `max_pages` pages is refused before any page is read. `meanwhile`: see `_read_in_order`."""
    # Here, not at the top: pdfplumber costs 0.1 s to import, and an image needs none of it.
    from thaireport.extract.pdf_layout import read_pdf_layout

    def items() -> Iterator[PageLayout | _OcrJob]:
        for page in read_pdf_layout(path, max_pages=max_pages, password=password):
            problem = layer_problem(page)
            if problem is None:
                yield page
                continue
            try:
                image, dpi = _pdf_page_image(path, page.number - 1, settings.dpi, password)
            except (pdfium.PdfiumError, InputError) as exc:
                if isinstance(exc, TooLargeInputError):
                    raise  # a decompression bomb is refused whole, not skipped
                reason = getattr(exc, "message", None) or str(exc)
                yield failed_page(page.number, page.width, page.height, f"render failed: {reason}")
                continue
            yield _OcrJob(image, page.number, dpi, note=f"read by OCR: {problem}")

    yield from _read_in_order(items(), settings, meanwhile)


def image_pages(
    path: Path,
    settings: OcrSettings,
    *,
    max_pages: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[PageLayout]:
    """Every frame of an image file (multi-page TIFF too), read by OCR. `meanwhile`: see
    `_read_in_order`."""
    try:
        image = Image.open(path)
    except UnidentifiedImageError as exc:
        raise InputError("not a readable image", path=path) from exc
    except Image.DecompressionBombError as exc:
        raise TooLargeInputError(f"image too large to be a page scan ({exc})", path=path) from exc
    count = getattr(image, "n_frames", 1)
    if max_pages is not None and count > max_pages:
        # Imported only to refuse the file: it loads the PDF stack, which an image needs not.
        from thaireport.extract.pdf_layout import check_page_count

        try:
            check_page_count(count, max_pages, path)
        except TooLargeInputError:
            image.close()
            raise

    def items() -> Iterator[PageLayout | _OcrJob]:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            # Pillow checks the first frame when the file is opened, not the ones after it.
            _check_pixels(*frame.size, page=number, what="the image")
            try:
                frame.load()
            except (OSError, SyntaxError) as exc:
                if number == 1:  # nothing of the file can be read
                    raise InputError(f"damaged image data ({exc})", path=path, page=number) from exc
                width, height = (v * 72 / DEFAULT_IMAGE_DPI for v in frame.size)
                yield failed_page(number, width, height, f"image decoding failed: {exc}")
                continue
            dpi_info = frame.info.get("dpi")
            dpi = round(dpi_info[0]) if dpi_info and dpi_info[0] > 30 else DEFAULT_IMAGE_DPI
            warning = None if dpi_info else f"no resolution in the file; assumed {dpi} DPI"
            yield _OcrJob(frame.copy(), number, dpi, warning=warning)

    with image:
        yield from _read_in_order(items(), settings, meanwhile)
