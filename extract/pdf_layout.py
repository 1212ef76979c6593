"""Born-digital PDFs: pdfplumber characters and ruling lines into `PageLayout`s.

Words are built from characters in content-stream order rather than pdfplumber's
`extract_words`, which sorts by x: Thai marks are often drawn left of their base
character, and sorting would scramble them. The text is repaired (`repair_thai`) before
anything else reads it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream
from pdfplumber.utils.exceptions import PdfminerException
from thaireport.extract.textlayer import PUA_TO_THAI, SARA_AM, repair_thai

from thaireport.errors import EncryptedPdfError, InputError, TooLargeInputError
from thaireport.model import Box, PageLayout, Rule, TextSource, Word

_CID = re.compile(r"^\(cid:\d+\)$")
RULE_MAX_THICKNESS = 3.0  # points; thicker filled rectangles are shading, not rules
MIN_RULE_LENGTH = 6.0


def _open_error(path: Path, exc: BaseException) -> InputError:
    # pdfplumber wraps pdfminer's errors; look at the original one.
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return EncryptedPdfError(
            "the PDF is encrypted",
            path=path,
            hint=f"decrypt it first, e.g. `qpdf --decrypt {path} decrypted.pdf`",
        )
    detail = cause if isinstance(cause, BaseException) else exc
    return InputError(f"not a readable PDF ({type(detail).__name__}: {detail})", path=path)


@contextmanager
def open_pdf(path: Path) -> Iterator[Any]:
    """Open a PDF with errors that say what is wrong with the file."""
    try:
        pdf = pdfplumber.open(path)
        pdf.pages  # noqa: B018 - reading the page tree is where damaged files fail
    except Exception as exc:
        raise _open_error(path, exc) from exc
    try:
        yield pdf
    finally:
        pdf.close()


def check_page_count(count: int, max_pages: int | None, path: Path) -> None:
    """Refuse a document of more pages than any one report has (each may need OCR)."""
    if max_pages is not None and count > max_pages:
        raise TooLargeInputError(
            f"{count} pages, more than the limit of {max_pages} pages for one report",
            path=path,
            hint="split the file into reports, or raise the limit with --max-pages",
        )


def _is_mark(text: str) -> bool:
    return len(text) == 1 and (
        unicodedata.category(text) == "Mn"
        or unicodedata.category(PUA_TO_THAI.get(ord(text), "a")) == "Mn"
    )


def _in_cluster(text: str | None) -> bool:
    """True for glyphs that continue a Thai cluster: marks, sara am, unmapped glyphs."""
    if text is None:
        return True  # a glyph already dropped as part of a sara am
    if not text:
        return False
    return bool(_CID.match(text)) or all(_is_mark(c) or c == SARA_AM for c in text)


def _char_texts(chars: Sequence[dict[str, Any]]) -> tuple[list[str | None], int, int]:
    """Each char's text, with unmapped glyphs resolved (None: dropped, position kept).

    A shaping engine draws sara am as two glyphs (nikhahit and sara aa); producers that
    map only one of them to U+0E33 leave the other as `(cid:N)`. Such glyphs inside a
    cluster that already carries sara am are dropped (and counted as repairs); any other
    unmapped glyph becomes U+FFFD so the loss is visible, never silent.
    """
    texts: list[str | None] = [c.get("text", "") for c in chars]
    repairs = unmapped = 0
    for i, text in enumerate(texts):
        if text is None or not (_CID.match(text) or text == "\x00"):
            continue
        start = i
        while start > 0 and _in_cluster(texts[start - 1]):
            start -= 1
        end = i
        while end + 1 < len(texts) and _in_cluster(texts[end + 1]):
            end += 1
        if any(t is None or SARA_AM in (t or "") for t in texts[start : end + 1]):
            texts[i] = None
            repairs += 1
        else:
            texts[i] = "\ufffd"
            unmapped += 1
    return texts, repairs, unmapped


def _words(chars: Sequence[dict[str, Any]], texts: Sequence[str | None], page: int) -> list[Word]:
    words: list[Word] = []
    cur_text: list[str] = []
    cur_right: list[float] = []
    cur_box: Box | None = None
    last_x1 = 0.0
    size = 12.0

    def flush() -> None:
        nonlocal cur_box
        text = "".join(cur_text)
        rights = [r for t, r in zip(cur_text, cur_right, strict=True) for _ in t]
        lead = len(text) - len(text.lstrip())
        if cur_box is not None and text.strip():
            words.append(Word(text[lead:], cur_box, page, char_right=tuple(rights[lead:])))
        cur_text.clear()
        cur_right.clear()
        cur_box = None

    for char, text in zip(chars, texts, strict=True):
        if not char.get("upright", True):
            continue
        box = Box(float(char["x0"]), float(char["top"]), float(char["x1"]), float(char["bottom"]))
        if text is None or (_in_cluster(text) and cur_box is not None):
            # Part of the cluster before it, wherever the glyph is drawn.
            if cur_box is not None:
                if text is None:
                    # The dropped half of a sara am: its width belongs to the char before.
                    cur_box = cur_box.union(box)
                    last_x1 = max(last_x1, box.x1)
                    cur_right[-1] = last_x1
                else:
                    if box.width > 0.5:  # sara am drawn as one spacing glyph
                        cur_box = cur_box.union(box)
                        last_x1 = max(last_x1, box.x1)
                    cur_text.append(text)
                    cur_right.append(last_x1)
            continue
        if not text:
            continue
        size = float(char.get("size") or size)
        if cur_box is not None:
            same_line = abs(box.middle_y - cur_box.middle_y) < 0.4 * size
            gap = box.x0 - last_x1
            if not same_line or gap > 0.2 * size or gap < -0.3 * size:
                flush()
        if cur_box is None and text.isspace():
            continue
        cur_text.append(text)
        cur_right.append(box.x1)
        cur_box = box if cur_box is None else cur_box.union(box)
        last_x1 = box.x1
    flush()
    return words


def _rules(page: Any) -> list[Rule]:
    rules = []
    for edge in page.edges:
        box = Box(float(edge["x0"]), float(edge["top"]), float(edge["x1"]), float(edge["bottom"]))
        thickness = min(box.width, box.height)
        length = max(box.width, box.height)
        if thickness <= RULE_MAX_THICKNESS and length >= MIN_RULE_LENGTH:
            rules.append(Rule(box))
    return rules


def _forget_streams(document: Any) -> None:
    """Drop the streams (content, images) pdfminer has cached in `document`.

    Its object cache is not public; fonts are cached apart (by the resource manager), and a
    dropped stream is only read again from the file if it is needed again.
    """
    cache = getattr(document, "_cached_objs", None)
    if isinstance(cache, dict):
        for objid in [k for k, (obj, _) in cache.items() if isinstance(obj, PDFStream)]:
            del cache[objid]


def read_pdf_layout(path: Path, *, max_pages: int | None = None) -> Iterator[PageLayout]:
    """Yield each page's words (repaired) and ruling lines; a PDF of more than `max_pages`
    pages is refused before any page is read."""
    with open_pdf(path) as pdf:
        check_page_count(len(pdf.pages), max_pages, path)
        for index, page in enumerate(pdf.pages, start=1):
            try:
                chars = page.chars
                texts, cid_repairs, unmapped = _char_texts(chars)
                raw_words = _words(chars, texts, index)
                rules = _rules(page)
            except Exception as exc:  # pdfminer raises many kinds on damaged content streams
                raise InputError(
                    f"cannot read page content ({type(exc).__name__}: {exc})", path=path, page=index
                ) from exc
            repairs = cid_repairs
            words = []
            for word in raw_words:
                fixed = repair_thai(word.text)
                repairs += fixed.repairs
                # Repairs that change the length lose the per-character edges.
                same = len(fixed.text) == len(word.text)
                rights = word.char_right if same else None
                words.append(Word(fixed.text, word.box, word.page, char_right=rights))
            notes = [] if words else ["no text layer"]
            warnings = []
            if unmapped:
                warnings.append(f"{unmapped} glyphs without a Unicode mapping kept as U+FFFD")
            layout = PageLayout(
                number=index,
                width=float(page.width),
                height=float(page.height),
                words=tuple(words),
                rules=tuple(rules),
                source=TextSource.TEXT_LAYER,
                repairs=repairs,
                notes=tuple(notes),
                warnings=tuple(warnings),
            )
            # pdfplumber keeps every parsed page's objects, and pdfminer every stream it has
            # read (a scan's page image: its JPEG), until the document closes (measured:
            # 2.7 MiB a page of text, 0.4 MiB a scanned page); released here, memory stays
            # flat over long files.
            page.close()
            _forget_streams(pdf.doc)
            yield layout
