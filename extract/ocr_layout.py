"""A page image into a `PageLayout`: preprocessing, ruling lines, OCR, phrases.

Tesseract's TSV gives Thai character by character; the phrases (runs without a space)
are rebuilt from where its own text output puts spaces and from the gaps between boxes,
so the table code gets the same kind of words a PDF text layer gives.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image
from thaireport.extract.image_rules import Gray, erase, find_rules
from thaireport.extract.tables.grid import find_grids
from thaireport.extract.textlayer import repair_thai, thai_word_share
from thaireport.ocr.digits import is_number_cue, is_year_cut, load_model, reread_numbers
from thaireport.ocr.preprocess import prepare, turn
from thaireport.ocr.tesseract import Box as PixelBox
from thaireport.ocr.tesseract import (
    OcrGlyph,
    OcrLine,
    OcrPage,
    detect_orientation,
    recognize,
)

from thaireport.model import Box, PageLayout, Rule, TextSource, Word
from thaireport.settings import OcrSettings

MIN_WORD_SHARE = 0.7  # measured: 0.94 on an upright page, 0.48 on the same page upside down
MIN_TEXT_FOR_CHECK = 200  # characters; less text cannot be judged
_WORDLIKE = re.compile("[A-Za-z\u0e01-\u0e2e]{3}")
# A mark stands shorter than a consonant's body, which is about two thirds of the page's typical
# glyph box (a consonant with what stands over or under it).
MARK_HEIGHT = 0.65
PHRASE_GAP = 0.8  # a gap wider than this share of the line's glyph height splits phrases


def _phrases(glyphs: Sequence[OcrGlyph], walls: Sequence[Rule], dpi: int) -> list[list[OcrGlyph]]:
    """Runs of glyphs without a space, never across a vertical rule (a cell border)."""
    heights = [g.height for g in glyphs if g.height > 0]
    limit = PHRASE_GAP * (statistics.median(heights) if heights else 20)
    scale = dpi / 72.0

    def wall_between(a: OcrGlyph, b: OcrGlyph) -> bool:
        middle = (a.top + a.bottom) / 2 / scale
        return any(
            a.right / scale - 1 <= w.box.middle_x <= b.left / scale + 1
            and w.box.top <= middle <= w.box.bottom
            for w in walls
        )

    phrases: list[list[OcrGlyph]] = []
    for glyph in glyphs:
        if (
            phrases
            and not glyph.space_before
            and glyph.left - phrases[-1][-1].right <= limit
            and not wall_between(phrases[-1][-1], glyph)
        ):
            phrases[-1].append(glyph)
        else:
            phrases.append([glyph])
    return phrases


def _load_while_tesseract_reads() -> None:
    """What a page needs once Tesseract has read it, loaded while it reads (once a process).

    The process only waits for Tesseract: the Thai dictionary (phrase and orientation
    checks), the digit model and pythainlp (`normalize`) are loaded in that time instead of
    after it. Measured on one 200 DPI page: about 0.2 s less of a one-page run.
    """
    from pythainlp.util import normalize  # noqa: F401
    from thaireport.extract import thai_words

    thai_words.load()
    load_model()


def _word(glyphs: Sequence[OcrGlyph], page: int, scale: float) -> tuple[Word, int]:
    from pythainlp.util import normalize  # imported by _load_while_tesseract_reads

    raw = "".join(g.text for g in glyphs)
    rights = tuple(g.right * scale for g in glyphs for _ in g.text)
    repaired = repair_thai(raw)
    text = normalize(repaired.text)
    repairs = repaired.repairs + (text != repaired.text)
    box = Box(
        min(g.left for g in glyphs) * scale,
        min(g.top for g in glyphs) * scale,
        max(g.right for g in glyphs) * scale,
        max(g.bottom for g in glyphs) * scale,
    )
    confidence = sum(g.confidence for g in glyphs) / len(glyphs)
    char_right = rights if len(text) == len(raw) else None
    return Word(text, box, page, confidence=confidence, char_right=char_right), repairs


def _words(ocr: OcrPage, page: int, dpi: int, rules: Sequence[Rule]) -> tuple[list[Word], int]:
    scale = 72.0 / dpi
    walls = [r for r in rules if not r.horizontal]
    words: list[Word] = []
    repairs = 0
    for line in ocr.lines:
        for phrase in _phrases(line.glyphs, walls, dpi):
            word, fixed = _word(phrase, page, scale)
            if word.text.strip():
                words.append(word)
                repairs += fixed
    return words, repairs


# the reading, the rules, the deskew angle, coloured marks and cells whose print read as nothing
Read = tuple[OcrPage, list[Rule], float, list[Box], list[Box]]
MIN_INK_MARK_INCHES = 0.08  # coloured marks smaller than this square are dust, not ink


def coloured_regions(mask: Gray | None, dpi: int) -> list[Box]:
    """Boxes (points) of the coloured ink painted out before OCR: stamps, pen strokes."""
    if mask is None:
        return []
    # Strokes of one signature or stamp are joined by a closing a few points wide.
    size = max(3, dpi // 24)
    joined = cv2.morphologyEx(
        (mask > 127).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((size, size), np.uint8)
    )
    contours, _ = cv2.findContours(joined, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    least = MIN_INK_MARK_INCHES * dpi
    scale = 72.0 / dpi
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if max(w, h) >= least:
            boxes.append(Box(x * scale, y * scale, (x + w) * scale, (y + h) * scale))
    return sorted(boxes, key=lambda b: (b.top, b.x0))


def _ink_warnings(regions: Sequence[Box], words: Sequence[Word]) -> list[str]:
    """One warning per coloured mark, naming the printed words it lies over."""
    out = []
    for region in regions:
        under = [
            w.text.strip()
            for w in words
            if w.box.x0 < region.x1 and w.box.x1 > region.x0
            and w.box.top < region.bottom and w.box.bottom > region.top
        ]  # fmt: skip
        where = f"at x {region.x0:.0f}-{region.x1:.0f}, y {region.top:.0f}-{region.bottom:.0f} pt"
        if under:
            shown = " ".join(under[:8]) + (" …" if len(under) > 8 else "")
            out.append(
                f"coloured ink (stamp or handwriting) {where} over printed text, left out of "
                f"the text; the print beneath was read: {shown}"
            )
        else:
            out.append(f"coloured ink (stamp or handwriting) {where} left out of the text")
    return out


def _read(
    image: Image.Image,
    dpi: int,
    settings: OcrSettings,
    meanwhile: Callable[[], object] | None = None,
) -> Read:
    def load() -> None:
        _load_while_tesseract_reads()
        if meanwhile is not None:
            meanwhile()

    prepared = prepare(
        image, dpi, flatten=settings.flatten, deskew=settings.deskew, median=settings.median
    )
    rules, mask = find_rules(prepared.binary, dpi)
    source = prepared.gray if settings.image == "gray" else prepared.binary
    if settings.erase_rules:
        source = erase(source, mask)
    regions: list[PixelBox] = []
    tables: list[PixelBox] = []
    rest = True
    if settings.cells_apart:
        regions, tables, rest = cell_regions(rules, erase(prepared.binary, mask), dpi)
    ocr = recognize(
        Image.fromarray(source), settings, dpi=dpi, meanwhile=load,
        regions=regions, rest=rest, hidden=tables,
    )  # fmt: skip
    ocr = _rejoin_detached_marks(ocr, source, settings, dpi)
    if settings.reread_latin and "+" in settings.languages:
        ocr = _reread_latin(ocr, source, settings, dpi)
    if settings.reread_digits:
        # Debian's Thai model cannot write ๔ ๖ ๗ ๘ ๙: numbers are read again by ocr.digits.
        ocr = _reread_digits(ocr, source, dpi, [r for r in rules if not r.horizontal])
    unread = [_points(box, dpi) for box in regions if not _read_in(ocr, box)]
    return ocr, rules, prepared.skew_degrees, coloured_regions(prepared.coloured, dpi), unread


def _read_in(ocr: OcrPage, box: PixelBox) -> bool:
    x0, y0, x1, y1 = box
    return any(
        x0 <= (g.left + g.right) / 2 < x1 and y0 <= (g.top + g.bottom) / 2 < y1
        for line in ocr.lines
        for g in line.glyphs
    )


def _points(box: PixelBox, dpi: int) -> Box:
    scale = 72.0 / dpi
    return Box(box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale)


def _unread_warnings(cells: Sequence[Box]) -> list[str]:
    """A cell that holds print OCR could not read is said, not left quietly empty."""
    return [
        f"OCR read nothing in a table cell that holds print (x {c.x0:.0f}-{c.x1:.0f}, "
        f"y {c.top:.0f}-{c.bottom:.0f} pt): read it on the page image"
        for c in cells
    ]


MIN_CELL_PIXELS = 6  # a grid cell narrower or lower than this holds no text
# Ink smaller than this is a speck, not print (a dash at 13 pt is 0.06 in wide).
MIN_PRINT_INCHES = 0.04


def _holds_print(binary: Gray, dpi: int) -> bool:
    count, _, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    least = dpi * MIN_PRINT_INCHES
    return any(
        max(stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT]) >= least
        for i in range(1, count)
    )


def _paper(image: Gray, boxes: Sequence[PixelBox]) -> Gray:
    out = image.copy()
    for x0, y0, x1, y1 in boxes:
        out[y0:y1, x0:x1] = 255
    return out


def _pixels(box: Box, scale: float, width: int, height: int) -> PixelBox:
    return (
        max(0, round(box.x0 * scale)), max(0, round(box.top * scale)),
        min(width, round(box.x1 * scale)), min(height, round(box.bottom * scale)),
    )  # fmt: skip


def cell_regions(
    rules: Sequence[Rule], binary: Gray, dpi: int
) -> tuple[list[PixelBox], list[PixelBox], bool]:
    """The cells of the page's ruled tables that hold print, in pixels: the parts OCR
    reads apart; the tables' frames; and whether the page around the tables holds print.

    Each cell's box runs to the middle of its rules (erased from `binary` by then), so
    nothing printed inside it is cut; a merged cell is one box, read whole. Tesseract
    binarizes each image it is given on its own: a blank cell, or a page that is all
    table, would have the scanner's noise taken for text, so those are not read at all.
    """
    scale = dpi / 72.0
    height, width = binary.shape[:2]
    inked: list[PixelBox] = []
    frames: list[PixelBox] = []
    for grid in find_grids(rules):
        frames.append(_pixels(grid.box, scale, width, height))
        for cell in grid.cells:
            x0, y0, x1, y1 = _pixels(cell.box, scale, width, height)
            if x1 - x0 < MIN_CELL_PIXELS or y1 - y0 < MIN_CELL_PIXELS:
                continue
            if _holds_print(binary[y0:y1, x0:x1], dpi):
                inked.append((x0, y0, x1, y1))
    rest = not frames or _holds_print(_paper(binary, frames), dpi)
    return inked, frames, rest


def _just_above(upper: Sequence[OcrGlyph], lower: Sequence[OcrGlyph]) -> bool:
    """`upper` is on the text line right above `lower` and over it.

    Thai lines stand about two digit heights apart (a digit is half the font size, the
    line pitch 1.5-1.7 of it); three leave room for a line of marks, not for a paragraph.
    """
    height = 3 * statistics.median(g.height for g in upper)
    gap = min(g.top for g in lower) - max(g.bottom for g in upper)
    left, right = min(g.left for g in lower), max(g.right for g in lower)
    over = min(g.left for g in upper) < right and left < max(g.right for g in upper)
    return -height / 6 <= gap <= height and over


def _reread_digits(ocr: OcrPage, source: Gray, dpi: int, walls: Sequence[Rule]) -> OcrPage:
    """Numbers re-read cell by cell, with the cell's previous line as context.

    Tesseract's lines run across the table; a year wrapped to the next line of a period
    cell ("๓๐ กันยายน" / "๒๕๖๗") has its month on the line above, in the same column. That
    month is put in front of the line's part in this column, so the classifier sees the
    cue, and taken off again afterwards.
    """
    scale = dpi / 72.0
    edges = sorted(w.box.middle_x * scale for w in walls)
    cue_above: dict[int, list[OcrGlyph]] = {}
    year_cut_above: dict[int, list[OcrGlyph]] = {}  # a year cut short ends the column's line
    lines = []
    for line in ocr.lines:
        out: list[OcrGlyph] = []
        for column, part in itertools.groupby(
            line.glyphs, key=lambda g: bisect.bisect(edges, (g.left + g.right) / 2)
        ):
            glyphs = list(part)
            context = cue_above.get(column, [])
            if context and not _just_above(context, glyphs):
                context = []  # the previous line of this column is another cell's
            if context:
                glyphs[0] = replace(glyphs[0], space_before=True)
            cell = (
                round(edges[column - 1]) if column > 0 else 0,
                round(edges[column]) if column < len(edges) else source.shape[1],
            )
            cut = year_cut_above.get(column, [])
            continues = bool(cut) and not context and _just_above(cut, glyphs)
            both = reread_numbers(
                source, [*context, *glyphs], dpi=dpi, limits=cell, continues_year=continues
            )
            # The cue is taken off again by where it stands, not by count: a run across it
            # may come back as more or fewer characters ("๒๕๖" / "าว" is ๒๕๖ / ๖).
            read = both
            if context:
                split = (max(g.bottom for g in context) + min(g.top for g in glyphs)) / 2
                read = [g for g in both if (g.top + g.bottom) / 2 > split]
            out.extend(read)
            last = _phrases(read, (), dpi)[-1] if read else []
            text = "".join(g.text for g in last)
            cue_above[column] = (
                [replace(g, space_before=i == 0) for i, g in enumerate(last)]
                if is_number_cue(text)
                else []
            )
            year_cut_above[column] = last if is_year_cut(text) else []
        lines.append(OcrLine(tuple(out)))
    return replace(ocr, lines=tuple(lines))


_LATIN = re.compile("[A-Za-z]")
_THAI = re.compile("[\u0e01-\u0e5b]")
_URLISH = re.compile(r"www|https?|\.(?:go|or|ac|co|in)\.|\.(?:th|com|net|org)\b|@", re.I)
SURE_LATIN = 85.0  # a Latin reading at or above this mean confidence is left alone ...
# ... unless it is a short lower-case "word" that Thai letters often come out as ("ms", "dvd")
SHORT_ENGLISH = frozenset(
    ("a", "an", "as", "at", "be", "by", "do", "go", "if", "in", "is", "it", "me", "my", "no",
     "of", "on", "or", "so", "to", "up", "us", "we", "e", "th", "www", "com")
)  # fmt: skip
MIN_THAI_WORD_SHARE = 0.5  # of the re-read letters in dictionary words


def _suspect_latin(glyphs: Sequence[OcrGlyph]) -> bool:
    """A phrase the English model read that is probably Thai: unsure, or a short non-word."""
    text = "".join(g.text for g in glyphs)
    if not _LATIN.search(text) or _THAI.search(text) or _URLISH.search(text):
        return False
    letters = "".join(c for c in text if c.isalpha())
    confidence = sum(g.confidence for g in glyphs) / len(glyphs)
    if confidence < SURE_LATIN:
        return True
    return len(letters) <= 3 and letters.islower() and letters not in SHORT_ENGLISH


def _better_thai(old: Sequence[OcrGlyph], new: Sequence[OcrGlyph]) -> bool:
    """Take the Thai-only reading when it is Thai, surer, and made of Thai words."""
    text = "".join(g.text for g in new)
    if not new or not _THAI.search(text) or _LATIN.search(text):
        return False
    old_confidence = sum(g.confidence for g in old) / len(old)
    new_confidence = sum(g.confidence for g in new) / len(new)
    if new_confidence <= old_confidence:
        return False
    letters = sum(1 for c in text if "\u0e01" <= c <= "\u0e2e")
    return letters < 3 or thai_word_share(text) >= MIN_THAI_WORD_SHARE


def _reread_latin(ocr: OcrPage, image: Gray, settings: OcrSettings, dpi: int) -> OcrPage:
    """Read again with the Thai model alone the phrases the English model took.

    With `tha+eng`, short Thai words often come out as English letters ("ดังนี้" as "dvd",
    "ต.ค." as "GA."). The suspects of a page are cut out, stacked into one strip and read
    in one run of `tha` (one process a page, not one a phrase); each reading goes back to
    its phrase if it is surer and Thai.
    """
    suspects: list[tuple[int, int, list[OcrGlyph]]] = []  # line, first glyph index, glyphs
    for number, line in enumerate(ocr.lines):
        index = 0
        for phrase in _phrases(line.glyphs, (), dpi):
            if _suspect_latin(phrase):
                suspects.append((number, index, phrase))
            index += len(phrase)
    if not suspects:
        return ocr
    heights = [g.height for line in ocr.lines for g in line.glyphs]
    pad = max(4, int(statistics.median(heights) * 0.6))
    crops: list[Crop] = []
    for _, _, phrase in suspects:
        x0 = max(0, min(g.left for g in phrase) - pad)
        y0 = max(0, min(g.top for g in phrase) - pad)
        x1 = max(g.right for g in phrase) + pad
        y1 = max(g.bottom for g in phrase) + pad
        crops.append((x0, y0, image[y0:y1, x0:x1]))
    found: list[list[OcrGlyph]] = []
    for chunk in _strips(crops, pad):
        found.extend(_read_stacked(chunk, pad, settings, dpi))
    lines = [list(line.glyphs) for line in ocr.lines]
    # back to front, so that earlier indices in a line stay valid
    for (number, index, phrase), new in reversed(list(zip(suspects, found, strict=True))):
        if _better_thai(phrase, new):
            new = [replace(g, space_before=False) for g in new]
            new[0] = replace(new[0], space_before=phrase[0].space_before)
            lines[number][index : index + len(phrase)] = new
    return replace(ocr, lines=tuple(OcrLine(tuple(glyphs)) for glyphs in lines))


# Tesseract refuses an image over 32767 pixels either way ("Image too large"): a page read
# as noise (an augraphy drum photocopy) had suspects enough for a strip 34139 pixels high.
MAX_STRIP_PIXELS = 30000
Crop = tuple[int, int, Gray]  # left, top (page pixels) and the pixels


def _strips(crops: Sequence[Crop], pad: int) -> list[list[Crop]]:
    """The crops in order, in groups whose stack stays under MAX_STRIP_PIXELS high."""
    groups: list[list[Crop]] = []
    height = MAX_STRIP_PIXELS
    for crop in crops:
        grown = crop[2].shape[0] + pad
        if height + grown > MAX_STRIP_PIXELS:
            groups.append([])
            height = pad
        groups[-1].append(crop)
        height += grown
    return groups


def _read_stacked(
    crops: Sequence[Crop], pad: int, settings: OcrSettings, dpi: int
) -> list[list[OcrGlyph]]:
    """The crops stacked into one strip and read in one `tha` run: each crop's glyphs, in
    page pixels."""
    width = max(c.shape[1] for _, _, c in crops) + 2 * pad
    bands, top = [], pad
    for _, _, crop in crops:
        bands.append(top)
        top += crop.shape[0] + pad
    strip = Image.new("L", (width, top), 255)
    for (_, _, crop), band in zip(crops, bands, strict=True):
        strip.paste(Image.fromarray(crop), (pad, band))
    thai = recognize(strip, replace(settings, languages="tha", psm=6), dpi=dpi)
    found: list[list[OcrGlyph]] = [[] for _ in crops]
    for glyph in (g for line in thai.lines for g in line.glyphs):
        middle = (glyph.top + glyph.bottom) / 2
        slot = bisect.bisect(bands, middle) - 1
        if 0 <= slot < len(crops) and middle <= bands[slot] + crops[slot][2].shape[0]:
            x0, y0, _ = crops[slot]
            found[slot].append(
                replace(glyph, left=glyph.left - pad + x0, top=glyph.top - bands[slot] + y0)
            )
    return found


def _detached(line: OcrLine, typical_height: float) -> bool:
    """A "line" of stray marks: another line's upper marks, read apart as punctuation.

    No run of three letters, and every glyph well short of a letter: a short line of
    letters or digits is a line too (a narrow cell's "๑", "น" or "ทราบ", whose vowels are
    outside the letter run), and joining it to the next one lost it.
    """
    text = " ".join("".join(g.text for g in p) for p in _phrases(line.glyphs, (), 300))
    if _WORDLIKE.search(text):
        return False
    return max(g.height for g in line.glyphs) < MARK_HEIGHT * typical_height


def _rejoin_detached_marks(ocr: OcrPage, image: Gray, settings: OcrSettings, dpi: int) -> OcrPage:
    """Read again, as one line, a line whose upper marks Tesseract split off.

    Big bold title lines (the organization, the fiscal year) come out as a line of stray
    marks over a line of bare consonants. The two are cropped together and read with
    `--psm 7`; measured cost: one small extra run for such a line, none otherwise.
    """
    heights = [g.height for line in ocr.lines for g in line.glyphs]
    if not heights:
        return ocr
    typical = statistics.median(heights)
    lines = list(ocr.lines)
    index = 0
    while index + 1 < len(lines):
        marks, body = lines[index], lines[index + 1]
        if not (_detached(marks, typical) and not _detached(body, typical)):
            index += 1
            continue
        top = min(g.top for g in marks.glyphs)
        gap = min(g.top for g in body.glyphs) - max(g.bottom for g in marks.glyphs)
        # The marks sit just above the body and over it: the next line in reading order
        # may be another cell's (read apart, see cell_regions), beside or above this one.
        over = min(g.left for g in marks.glyphs) < max(g.right for g in body.glyphs) and min(
            g.left for g in body.glyphs
        ) < max(g.right for g in marks.glyphs)
        if not -typical <= gap <= typical or not over:
            index += 1
            continue
        left = min(g.left for g in (*marks.glyphs, *body.glyphs))
        right = max(g.right for g in (*marks.glyphs, *body.glyphs))
        bottom = max(g.bottom for g in body.glyphs)
        pad = int(typical * 0.5)
        y0, x0 = max(0, top - pad), max(0, left - pad)
        crop = image[y0 : bottom + pad, x0 : right + pad]
        single = recognize(Image.fromarray(crop), replace(settings, psm=7), dpi=dpi)
        glyphs = tuple(
            replace(g, left=g.left + x0, top=g.top + y0) for ln in single.lines for g in ln.glyphs
        )
        if glyphs:
            lines[index : index + 2] = [OcrLine(glyphs)]
        index += 1
    return replace(ocr, lines=tuple(lines))


def _implausible(ocr: OcrPage, settings: OcrSettings) -> bool:
    """A reading that is not Thai text: low confidence, or letters that form no words.

    Tesseract reports high confidence for an upside-down page, so the dictionary check
    is what catches it.
    """
    if ocr.mean_confidence < settings.retry_below:
        return True
    text = " ".join("".join(g.text for g in line.glyphs) for line in ocr.lines)
    return len(text) >= MIN_TEXT_FOR_CHECK and thai_word_share(text) < MIN_WORD_SHARE


def ocr_page_layout(
    image: Image.Image,
    *,
    number: int,
    dpi: int,
    settings: OcrSettings | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> PageLayout:
    """Read one page image. Upside-down and sideways pages are turned first.

    Orientation detection (OSD) costs a third of a recognition, so it runs only when the
    first reading is poor — as it is for a page that is not upright. `meanwhile` is called
    once, while Tesseract reads the page (the caller's own loading, see extract.sources).
    """
    settings = settings or OcrSettings()
    if settings.work_dpi and dpi > settings.work_dpi * 1.05:
        # Measured: the same accuracy at 200 as at 300 DPI, at 60 % of the time. Area
        # averaging (BOX), into gray: a bilevel 600 DPI page keeps its one-pixel strokes as
        # gray instead of losing them, as nearest-neighbour sampling would. Colour is kept
        # so stamps and pen can still be told from print.
        scale = settings.work_dpi / dpi
        size = (round(image.width * scale), round(image.height * scale))
        mode = "RGB" if image.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr") else "L"
        image = image.convert(mode).resize(size, Image.Resampling.BOX)
        dpi = settings.work_dpi
    ocr, rules, skew, inked, unread = _read(image, dpi, settings, meanwhile)
    rotation = 0
    if _implausible(ocr, settings):
        rotation = detect_orientation(image, dpi=dpi)
        if rotation:
            turned = turn(image, rotation)
            second = _read(turned, dpi, settings)
            if second[0].mean_confidence > ocr.mean_confidence:
                image = turned
                ocr, rules, skew, inked, unread = second
            else:
                rotation = 0
    words, repairs = _words(ocr, number, dpi, rules)
    notes = [
        f"OCR: {ocr.seconds:.1f} s, mean confidence {ocr.mean_confidence:.0f}, "
        f"deskewed {skew:+.2f}°" + (f", turned {rotation}°" if rotation else "")
    ]
    warnings = (
        *_ink_warnings(inked, words),
        *_unread_warnings(unread),
        *(() if words else ("OCR found no text",)),
    )
    return PageLayout(
        number=number,
        width=image.width * 72.0 / dpi,
        height=image.height * 72.0 / dpi,
        words=tuple(words),
        rules=tuple(rules),
        source=TextSource.OCR,
        repairs=repairs,
        notes=tuple(notes),
        warnings=warnings,
        dpi=dpi,
        turned=rotation,
        skew=skew,
    )
