"""Born-digital PDFs: pdfplumber characters and ruling lines into `PageLayout`s.

Words are built from characters in content-stream order rather than pdfplumber's
`extract_words`, which sorts by x: Thai marks are often drawn left of their base
character, and sorting would scramble them. The text is repaired (`repair_thai`) before
anything else reads it.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFStream
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges
from thaireport.extract.layer_repair import (
    HOLE,
    RepairKind,
    damaged_families,
    join_pieces,
    merge_kinds,
    moved_back,
    repair_phrase,
)
from thaireport.extract.pdfium_chars import PageChars, PdfiumReader
from thaireport.extract.textlayer import (
    PUA_TO_THAI,
    SARA_AM,
    TextQuality,
    repair_thai,
    score_bound,
    text_quality,
)

from thaireport.errors import EncryptedPdfError, InputError, TooLargeInputError
from thaireport.model import Box, PageLayout, Rule, TextSource, Word

_CID = re.compile(r"^\(cid:\d+\)$")
RULE_MAX_THICKNESS = 3.0  # points; thicker filled rectangles are shading, not rules
MIN_RULE_LENGTH = 6.0


def _open_error(path: Path, exc: BaseException, password: str | None) -> InputError:
    # pdfplumber wraps pdfminer's errors; look at the original one.
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        if password:
            return EncryptedPdfError(
                "the PDF is password-protected, and the password given (--password) does not"
                " open it",
                path=path,
                hint="give the password it was saved with: --password=...",
            )
        return EncryptedPdfError(
            "the PDF is password-protected",
            path=path,
            hint="give its password: --password=... (or decrypt it first, e.g."
            f" `qpdf --decrypt --password=... {path} decrypted.pdf`)",
        )
    detail = cause if isinstance(cause, BaseException) else exc
    return InputError(f"not a readable PDF ({type(detail).__name__}: {detail})", path=path)


@contextmanager
def open_pdf(path: Path, password: str | None = None) -> Iterator[Any]:
    """Open a PDF with errors that say what is wrong with the file."""
    try:
        pdf = pdfplumber.open(path, password=password or "")
        pdf.pages  # noqa: B018 - reading the page tree is where damaged files fail
    except Exception as exc:
        raise _open_error(path, exc, password) from exc
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


@lru_cache(maxsize=4096)  # called for every character; a page has a few dozen distinct ones
def _in_cluster(text: str | None) -> bool:
    """True for glyphs that continue a Thai cluster: marks, sara am, unmapped glyphs."""
    if text is None or text == HOLE:
        return True  # a glyph already dropped as part of a sara am, or a lost mark
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
        if text == " " and _is_hole(chars, i):
            texts[i] = HOLE
            continue
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


def _is_hole(chars: Sequence[dict[str, Any]], i: int) -> bool:
    """A space drawn with no width between Thai letters: a mark's glyph mapped to a space
    (Word 2010 and THSarabunIT๙ layers: "ด าเนิน" for ดำเนิน, "เชื อ" for เชื้อ)."""
    if float(chars[i]["x1"]) - float(chars[i]["x0"]) > 0.01:
        return False
    before = chars[i - 1].get("text", "") if i else ""
    after = chars[i + 1].get("text", "") if i + 1 < len(chars) else ""
    return _is_thai(before) and _is_thai(after)


def _is_thai(text: str) -> bool:
    return len(text) == 1 and "\u0e01" <= text <= "\u0e4e"


def _words(
    chars: Sequence[dict[str, Any]], texts: Sequence[str | None], page: int
) -> tuple[list[Word], list[str]]:
    """Words in content order, and the font of each word's first character."""
    words: list[Word] = []
    fonts: list[str] = []
    font = ""
    cur_text: list[str] = []
    cur_right: list[float] = []
    # The current word's box as four floats (`open_word` says whether there is one): this
    # loop runs once a character, and a `Box` built and united per character cost more
    # than the rest of it.
    open_word = False
    bx0 = btop = bx1 = bbottom = 0.0
    last_x1 = 0.0
    size = 12.0

    def flush() -> None:
        nonlocal open_word
        text = "".join(cur_text)
        rights = [r for t, r in zip(cur_text, cur_right, strict=True) for _ in t]
        lead = len(text) - len(text.lstrip())
        if open_word and text.strip():
            box = Box(bx0, btop, bx1, bbottom)
            words.append(Word(text[lead:], box, page, char_right=tuple(rights[lead:])))
            fonts.append(font)
        cur_text.clear()
        cur_right.clear()
        open_word = False

    for char, text in zip(chars, texts, strict=True):
        if not char.get("upright", True):
            continue
        x0, top = float(char["x0"]), float(char["top"])
        x1, bottom = float(char["x1"]), float(char["bottom"])
        if text is None or (open_word and _in_cluster(text)):
            # Part of the cluster before it, wherever the glyph is drawn.
            if open_word:
                # The dropped half of a sara am (its width belongs to the char before), or
                # sara am drawn as one spacing glyph: the box takes it in.
                if text is None or x1 - x0 > 0.5:
                    bx0, btop = min(bx0, x0), min(btop, top)
                    bx1, bbottom = max(bx1, x1), max(bbottom, bottom)
                    last_x1 = max(last_x1, x1)
                if text is None:
                    cur_right[-1] = last_x1
                else:
                    cur_text.append(text)
                    cur_right.append(last_x1)
            continue
        if not text:
            continue
        size = float(char.get("size") or size)
        if open_word and text.isspace() and x1 <= bx0 + 0.1 * size:
            # A space drawn left of the word being read was drawn out of content order
            # (LibreOffice draws spaces in a font of their own, and pdfium may give one
            # between a letter and its mark: "ให ้"): it separates nothing in this word.
            continue
        if open_word:
            same_line = abs((top + bottom) / 2 - (btop + bbottom) / 2) < 0.4 * size
            gap = x0 - last_x1
            if not same_line or gap > 0.2 * size or gap < -0.3 * size:
                flush()
        if not open_word and text.isspace():
            continue
        if open_word:
            bx0, btop = min(bx0, x0), min(btop, top)
            bx1, bbottom = max(bx1, x1), max(bbottom, bottom)
        else:
            font = str(char.get("fontname", ""))
            bx0, btop, bx1, bbottom = x0, top, x1, bottom
            open_word = True
        cur_text.append(text)
        cur_right.append(x1)
        last_x1 = x1
    flush()
    return words, fonts


def _chars_and_edges(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The page's characters and ruling edges, as `page.chars` and `page.edges` give them.

    pdfplumber turns every layout object into a dict of some twenty resolved attributes
    (colours, matrix, marked content), which cost about as much as pdfminer's parse of the
    page itself; the word builder reads seven of them. Characters are built here with just
    those, by pdfplumber's own arithmetic; the few lines, rects and curves still go through
    pdfplumber, so the edges are its own.
    """
    if page.pdf.laparams is not None or page.pdf.unicode_norm is not None:
        return page.chars, page.edges  # pdfplumber's text boxes or normalized text: its way
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    chars: list[dict[str, Any]] = []
    objects: dict[str, list[dict[str, Any]]] = {}

    def walk(layout_objects: Iterable[Any]) -> None:
        for obj in layout_objects:
            if isinstance(obj, LTChar):
                fontname = obj.fontname
                if isinstance(fontname, bytes):  # rare byte-encoded names, as pdfplumber
                    fontname = fix_fontname_bytes(fontname)
                chars.append(
                    {
                        "text": obj.get_text(),
                        "x0": obj.x0 + mb_x0 if mb_x0 != 0 else obj.x0,
                        "x1": obj.x1 + mb_x0 if mb_x0 != 0 else obj.x1,
                        "top": (height - obj.y1) + mb_top,
                        "bottom": (height - obj.y0) + mb_top,
                        "size": obj.size,
                        "fontname": fontname,
                        "upright": obj.upright,
                    }
                )
            elif isinstance(obj, LTContainer):  # a form XObject: its contents, in order
                walk(obj._objs)
            elif isinstance(obj, LTCurve):  # lines and rects too (its subclasses)
                attr = page.process_object(obj)
                objects.setdefault(attr["object_type"], []).append(attr)

    walk(page.layout._objs)
    # In pdfplumber's order (`Container.edges`): lines, then rects, then curves.
    edges = [line_to_edge(line) for line in objects.get("line", [])]
    edges.extend(e for rect in objects.get("rect", []) for e in rect_to_edges(rect))
    edges.extend(e for curve in objects.get("curve", []) for e in curve_to_edges(curve))
    return chars, edges


def _em_raises(resources: Any) -> dict[str, float]:
    """How far up (in ems) each font's characters are drawn from where pdfminer boxes them.

    pdfminer makes a character one em tall from the font's descent up, as if ascent minus
    descent were one em. Thai fonts declare much more, for their stacked marks (Laksaman
    1.27 and −0.687, Noto Sans Thai 1.061 and −0.45), so the box sat low: on a Word PDF in
    Laksaman its top was 0.31 em above the baseline, through the letters (which reach
    0.63 em). The em is kept, split above and below the baseline as the font splits its
    ascent and descent; a font that declares neither keeps pdfminer's box.
    """
    raises: dict[str, float] = {}
    # the fonts pdfminer has loaded for the pages laid out so far (its cache, by object)
    for font in getattr(resources, "_cached_fonts", {}).values():
        try:
            ascent, descent = float(font.get_ascent()), float(font.get_descent())
            vertical = bool(font.is_vertical())
        except (AttributeError, TypeError, ValueError):
            continue
        if vertical or not ascent > 0 > descent:
            continue
        name = font.fontname
        if isinstance(name, bytes):
            name = fix_fontname_bytes(name)
        raises.setdefault(str(name), descent / (ascent - descent) - descent)
    return raises


def _on_their_glyphs(chars: list[dict[str, Any]], resources: Any) -> list[dict[str, Any]]:
    """pdfminer's characters, each box moved up to where its font draws (`_em_raises`)."""
    raises = _em_raises(resources)
    if not raises:
        return chars
    placed = []
    for char in chars:
        lift = raises.get(str(char.get("fontname", "")), 0.0) * float(char.get("size") or 0)
        if lift and char.get("upright", True):
            char = {**char, "top": char["top"] - lift, "bottom": char["bottom"] - lift}
        placed.append(char)
    return placed


def _rules(edges: Iterable[dict[str, Any]]) -> list[Rule]:
    rules = []
    for edge in edges:
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


@dataclass(frozen=True)
class Reading:
    """One reader's words for a page, repaired, with what the repairs did."""

    reader: str  # "pdfminer" or "pdfium"
    words: tuple[Word, ...]
    kinds: tuple[tuple[str, int], ...]  # repairs by kind
    warnings: tuple[str, ...]
    unmapped: int  # glyphs without Unicode, kept as U+FFFD
    fonts: tuple[str, ...]  # fonts of the page's text

    @property
    def repairs(self) -> int:
        return sum(n for _, n in self.kinds)

    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def quality(self) -> TextQuality:
        return text_quality(self.text)

    @cached_property
    def score_bound(self) -> float:
        """At least `quality.score`, at a fraction of its cost (no word segmentation)."""
        return score_bound(self.text)

    def score_text(self) -> str:
        """The score for a note: the bound where the score was not needed (see best_reading)."""
        if "quality" in self.__dict__:  # cached_property's own slot: measured already
            return f"{self.quality.score:.3f}"
        return f"at most {self.score_bound:.3f}"


def _repaired_word(
    word: Word, families: frozenset[RepairKind], kinds: Counter[str]
) -> tuple[Word, tuple[str, ...]]:
    fixed = repair_thai(word.text)
    kinds.update(dict(fixed.kinds))
    text = fixed.text
    warnings: tuple[str, ...] = ()
    if HOLE in text or families:
        phrase = repair_phrase(text, families)
        kinds.update(dict(phrase.kinds))
        text, warnings = phrase.text, phrase.warnings
    elif SARA_AM + "\u0e32" in text:
        phrase = repair_phrase(text)
        kinds.update(dict(phrase.kinds))
        text = phrase.text
    if text == word.text:
        return word, warnings
    # Repairs that change the length lose the per-character edges.
    rights = word.char_right if len(text) == len(word.text) else None
    return Word(text, word.box, word.page, char_right=rights, raw_text=word.layer_text), warnings


def _joinable(left: Word, right: Word) -> bool:
    """Neighbours in content order on one line, close enough to be letters of one word."""
    size = max(left.box.height, right.box.height)
    same_line = abs(left.box.middle_y - right.box.middle_y) < 0.4 * size
    gap = right.box.x0 - left.box.x1
    return same_line and -0.3 * size < gap < 1.0 * size


def _joined_runs(words: list[Word], kinds: Counter[str]) -> list[Word]:
    """Letter-spaced lines and marks moved behind a gap: pieces the dictionary joins."""
    out: list[Word] = []
    run: list[Word] = []

    def flush() -> None:
        if len(run) > 1:
            out.extend(_join_run(run, kinds))
        else:
            out.extend(run)
        run.clear()

    for word in words:
        if run and not _joinable(run[-1], word):
            flush()
        run.append(word)
    flush()
    return out


def _join_run(run: list[Word], kinds: Counter[str]) -> list[Word]:
    joins, counts = join_pieces([w.text for w in run])
    if not any(joins):
        return run
    kinds.update(counts)
    out = [run[0]]
    for word, join in zip(run[1:], joins, strict=True):
        last = out[-1]
        if join == 0:
            out.append(word)
            continue
        left = (moved_back(last.text) or last.text) if join in (2, 3) else last.text
        raw = last.layer_text
        if join == 3:
            out[-1] = Word(left, last.box, last.page, raw_text=raw)
            out.append(word)
            continue
        out[-1] = Word(
            left + word.text,
            last.box.union(word.box),
            last.page,
            raw_text=raw + " " + word.layer_text,
        )
    return out


_FONT_STYLE = re.compile(r"^[A-Z]{6}\+|[,-](Bold|Italic|BoldItalic|Regular|Oblique)$")


def _font_family(fontname: str) -> str:
    """'ABCDEE+TH SarabunPSK,Bold' -> 'TH SarabunPSK': the styles of a face share its map."""
    return _FONT_STYLE.sub("", _FONT_STYLE.sub("", fontname))


def _families(chars: Sequence[dict[str, Any]]) -> dict[str, frozenset[RepairKind]]:
    """The letter families each font of the page shows, by font name."""
    by_family: dict[str, list[str]] = {}
    by_font: dict[str, list[str]] = {}
    family_of: dict[str, str] = {}  # a page has a few fonts: each name's family once
    for char in chars:
        font = str(char.get("fontname", ""))
        family = family_of.get(font)
        if family is None:
            family = family_of[font] = _font_family(font)
        text = char.get("text", "")
        by_family.setdefault(family, []).append(text)
        by_font.setdefault(font, []).append(text)
    # A style short of letters (a bold heading) takes a lost sara am from its face.
    lost = {RepairKind.SARA_AM_LOST, RepairKind.SARA_AM_AS_MAI_THO}
    damaged = {family: damaged_families("".join(t)) & lost for family, t in by_family.items()}
    return {
        font: damaged_families("".join(t)) | damaged[family_of[font]] for font, t in by_font.items()
    }


def read_chars(reader: str, chars: Sequence[dict[str, Any]], page: int) -> Reading:
    """Words of one page from one reader's characters, with every repair applied."""
    texts, cid_repairs, unmapped = _char_texts(chars)
    raw_words, fonts = _words(chars, texts, page)
    families = _families(chars)
    kinds: Counter[str] = Counter()
    if cid_repairs:
        kinds["dropped-half-of-sara-am"] += cid_repairs
    words: list[Word] = []
    warnings: list[str] = []
    for raw, font in zip(raw_words, fonts, strict=True):
        word, said = _repaired_word(raw, families.get(font, frozenset()), kinds)
        words.append(word)
        warnings.extend(said)
    words = _joined_runs(words, kinds)
    return Reading(
        reader,
        tuple(words),
        merge_kinds([tuple(kinds.items())]),
        tuple(dict.fromkeys(warnings)),
        unmapped,
        tuple(sorted(set(fonts))),
    )


READING_MARGIN = 0.002  # a second reader must be this much better to replace pdfminer's


def best_reading(readings: Sequence[Reading]) -> Reading:
    """The reading whose Thai reads best (`TextQuality.score`); the first on a near tie."""
    best = readings[0]
    for other in readings[1:]:
        # Segmenting a page into words is most of a reading's cost: a reading whose bound
        # cannot beat the best one loses without it (damaged text, most of all).
        if other.score_bound <= best.quality.score + READING_MARGIN:
            continue
        if other.quality.score > best.quality.score + READING_MARGIN:
            best = other
    return best


def beyond_reach(reading: Reading) -> bool:
    """No other reading can replace this one: no score is above 1."""
    return reading.quality.score + READING_MARGIN >= 1.0


# Fonts made for Thai government documents (TH SarabunIT๙, TH Niramit AS IT๙, ...) draw the
# Arabic digit code points with Thai digit glyphs: the page shows ๒๕๖๗, the layer has 2567.
_THAI_DIGIT_FONT = re.compile(r"IT[๙9]")


def _notes(
    chosen: Reading,
    readings: Sequence[Reading],
    chars: Sequence[dict[str, Any]],
    not_read: Sequence[str] = (),
) -> list[str]:
    notes = []
    if len(readings) > 1 or not_read:
        scores = ", ".join(f"{r.reader} {r.score_text()}" for r in readings)
        scores += "".join(
            f"; {name}'s words not read: no reading could be better by {READING_MARGIN}"
            for name in not_read
        )
        notes.append(f"text layer read by {chosen.reader} ({scores}; {chosen.quality.describe()})")
    if chosen.kinds:
        notes.append("text repairs: " + ", ".join(f"{k} {n}" for k, n in chosen.kinds))
    digit_fonts = sorted(
        {
            str(c.get("fontname", "")).split("+")[-1]
            for c in chars
            if c.get("text", "").isascii()
            and c.get("text", "").isdigit()
            and _THAI_DIGIT_FONT.search(str(c.get("fontname", "")))
        }
    )
    if digit_fonts:
        notes.append(
            f"font {', '.join(digit_fonts)} draws Arabic digits as Thai digits: the page shows"
            " Thai digits where the text keeps the layer's Arabic ones"
        )
    return notes


def _hidden_note(hidden: Sequence[dict[str, Any]]) -> str:
    """What a page's clipping paths hide, said (it is in the file, if not on the page)."""
    text = "".join(str(c["text"]) for c in hidden).replace("\x00", "\ufffd")
    shown = text if len(text) <= 60 else text[:57] + "..."
    return (
        f"{len(hidden)} character(s) of the text layer lie outside their clipping path, so"
        f" are not printed, and were left out: {shown!r}"
    )


def read_pdf_layout(
    path: Path, *, max_pages: int | None = None, password: str | None = None
) -> Iterator[PageLayout]:
    """Yield each page's words (repaired) and ruling lines; a PDF of more than `max_pages`
    pages is refused before any page is read.

    Each page with text is read by pdfminer and, unless pdfminer's reading scores within
    `READING_MARGIN` of perfect, by pdfium too (pdfium's characters are always read, for
    what clipping paths hide); the reading whose Thai segments best into dictionary words
    and valid clusters is kept (the page notes say which, and with what scores: a reading
    that could not win is given its bound).
    """
    with open_pdf(path, password) as pdf:
        check_page_count(len(pdf.pages), max_pages, path)
        second = _second_reader(path, password)
        try:
            for index, page in enumerate(pdf.pages, start=1):
                yield _page_layout(path, page, index, second)
                # pdfplumber keeps every parsed page's objects, and pdfminer every stream it
                # has read (a scan's page image: its JPEG), until the document closes
                # (measured: 2.7 MiB a page of text, 0.4 MiB a scanned page); released
                # here, memory stays flat over long files.
                page.close()
                _forget_streams(pdf.doc)
        finally:
            if second is not None:
                second.close()


def _second_reader(path: Path, password: str | None) -> PdfiumReader | None:
    try:
        return PdfiumReader(path, password)
    except Exception:  # pdfminer may read a file pdfium refuses: one reading then
        return None


def _page_layout(path: Path, page: Any, index: int, second: PdfiumReader | None) -> PageLayout:
    try:
        chars, edges = _chars_and_edges(page)
    except Exception as exc:  # pdfminer raises many kinds on damaged content streams
        raise InputError(
            f"cannot read page content ({type(exc).__name__}: {exc})", path=path, page=index
        ) from exc
    printed: PageChars | None = None
    # A page pdfminer finds no character on (a scan) has nothing to clip and no reading to
    # compare; pdfium, made to load it, would keep its image until the document is closed.
    if second is not None and chars:
        with contextlib.suppress(Exception):  # pdfminer's reading stands alone
            printed = second.chars(index - 1)
    try:
        if printed is not None and printed.hidden:
            # pdfminer does not know clipping paths: what pdfium finds hidden is taken out
            chars = [c for c in chars if not printed.hides(c)]
        if printed is not None:
            # pdfminer does not read /ActualText spans: their text as pdfium finds them
            chars = printed.with_actual_text(chars)
        readings = [read_chars("pdfminer", _on_their_glyphs(chars, page.pdf.rsrcmgr), index)]
        rules = _rules(edges)
    except Exception as exc:  # pdfminer raises many kinds on damaged content streams
        raise InputError(
            f"cannot read page content ({type(exc).__name__}: {exc})", path=path, page=index
        ) from exc
    not_read: list[str] = []
    if printed is not None and readings[0].words:
        if beyond_reach(readings[0]):
            # pdfium's characters are read for their clipping paths all the same; its words,
            # their repairs and their score could not change the choice.
            not_read.append("pdfium")
        else:
            with contextlib.suppress(Exception):
                readings.append(read_chars("pdfium", printed.chars, index))
    chosen = best_reading(readings)
    notes = _notes(chosen, readings, chars, not_read) if chosen.words else ["no text layer"]
    if printed is not None and printed.hidden:
        notes.append(_hidden_note(printed.hidden))
    warnings = list(chosen.warnings)
    if chosen.unmapped:
        warnings.append(f"{chosen.unmapped} glyphs without a Unicode mapping kept as U+FFFD")
    return PageLayout(
        number=index,
        width=float(page.width),
        height=float(page.height),
        words=chosen.words,
        rules=tuple(rules),
        source=TextSource.TEXT_LAYER,
        repairs=chosen.repairs,
        notes=tuple(notes),
        warnings=tuple(warnings),
        repair_kinds=chosen.kinds,
    )
