"""A second reading of a page's text layer: pdfium's characters with their boxes.

pdfminer and pdfium map glyphs to text in their own ways, and each reads some producers'
files where the other does not (LibreOffice's sara am and Garuda's marks come out of
pdfminer as "ดำาเนิน" and "ผ้่", and Word's moved marks as "ใหส้ อด"; pdfium reads them
clean). The characters come out in pdfplumber's shape (text, box from the top, size, font),
so the same word builder and repairs read both.

pdfium also tells what is not printed: a character drawn outside its text object's clipping
path is in the text layer but not on the page. LibreOffice writes the whole label of a header
cell it repeats on the next page with a shorter row, clipped to the row; the cut-off words
("ผิด" of "ผู้รับผิดชอบ") sit below the header, over the first body row, where a reader of the
layer would put them into a cell (`PageChars.hidden`).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw


def _font_name(font: Any) -> str:
    size = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


def _upright(angle: float) -> bool:
    # radians in [0, 2π); -1 when pdfium cannot tell
    return angle < 0.01 or angle > 2 * math.pi - 0.01


Area = tuple[float, float, float, float]  # x0, top, x1, bottom (points from the page top)
CLIP_TOLERANCE = 0.5  # points: a glyph's box may overhang its clip by rounding


def _clip_area(text_object: Any, page_height: float) -> Area | None:
    """The bounding box of the object's clipping path (page coordinates), or None."""
    clip = pdfium_raw.FPDFPageObj_GetClipPath(text_object)
    if not clip:
        return None
    xs: list[float] = []
    ys: list[float] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for path in range(pdfium_raw.FPDFClipPath_CountPaths(clip)):
        for index in range(pdfium_raw.FPDFClipPath_CountPathSegments(clip, path)):
            segment = pdfium_raw.FPDFClipPath_GetPathSegment(clip, path, index)
            if segment and pdfium_raw.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
    if not xs:
        return None
    # several paths clip by their intersection: their joint bounding box is a superset of
    # what is shown, so a glyph outside it is surely hidden
    return min(xs), page_height - max(ys), max(xs), page_height - min(ys)


def _outside(char: dict[str, Any], area: Area) -> bool:
    middle_x = (char["x0"] + char["x1"]) / 2
    middle_y = (char["top"] + char["bottom"]) / 2
    x0, top, x1, bottom = area
    return not (
        x0 - CLIP_TOLERANCE <= middle_x <= x1 + CLIP_TOLERANCE
        and top - CLIP_TOLERANCE <= middle_y <= bottom + CLIP_TOLERANCE
    )


@dataclass(frozen=True)
class PageChars:
    """A page's printed characters, and the ones its clipping paths hide."""

    chars: list[dict[str, Any]]
    hidden: list[dict[str, Any]]

    def hides(self, char: dict[str, Any]) -> bool:
        """Whether another reader's character stands where a hidden one is."""
        return any(
            not _outside(char, (h["x0"], h["top"], h["x1"], h["bottom"])) for h in self.hidden
        )


_NULL = bytes(ctypes.sizeof(ctypes.c_void_p))


def _address(pointer: Any) -> bytes:
    """A pdfium handle's address, as the pointer's bytes (all zero for NULL): ctypes makes
    a new object for each returned pointer, so handles compare by address, never as
    objects; the bytes are ten times cheaper to get than `ctypes.cast(...).value`."""
    return bytes(pointer)


def page_chars(textpage: pdfium.PdfTextPage, page_height: float) -> PageChars:
    """The page's characters as pdfplumber gives them (the keys the word builder reads)."""
    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    by_index = len(text) == count  # no surrogate pairs: one code unit a character
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    chars: list[dict[str, Any]] = []
    hidden: list[dict[str, Any]] = []
    # A text object has one font, size, matrix and clipping path: pdfium gives each of its
    # characters the object's font size and angle, so they are asked for once an object
    # (Word draws a few characters an object; the name of each font is read once a page).
    last_object = b""
    font_names: dict[bytes, str] = {}
    font = ""
    size = 0.0
    upright = True
    clip: Area | None = None
    for index in range(count):
        if pdfium_raw.FPDFText_IsGenerated(raw, index) == 1:
            continue  # spaces and line ends pdfium inferred; the word builder uses gaps
        char = text[index] if by_index else chr(pdfium_raw.FPDFText_GetUnicode(raw, index))
        if char in "\r\n":
            continue
        if char == "\ufffe":
            # pdfium's mark for a hyphen it takes as a line-end hyphen ("E-|Service"): the
            # page prints a hyphen, and the layer holds one
            char = "-"
        if not pdfium_raw.FPDFText_GetCharBox(raw, index, left, right, bottom, top):
            continue
        text_object = pdfium_raw.FPDFText_GetTextObject(raw, index)
        address = _address(text_object)
        if address == _NULL or address != last_object:
            last_object = address
            font = ""
            clip = None
            if address != _NULL:
                font_handle = pdfium_raw.FPDFTextObj_GetFont(text_object)
                key = _address(font_handle)
                if key not in font_names:
                    font_names[key] = _font_name(font_handle) if key != _NULL else ""
                font = font_names[key]
                clip = _clip_area(text_object, page_height)
            size = pdfium_raw.FPDFText_GetFontSize(raw, index)
            upright = _upright(pdfium_raw.FPDFText_GetCharAngle(raw, index))
        if pdfium_raw.FPDFText_HasUnicodeMapError(raw, index) == 1:
            char = "\x00"  # a glyph without a mapping: the word builder marks it
        entry = {
            "text": char,
            "x0": left.value,
            "x1": right.value,
            "top": page_height - top.value,
            "bottom": page_height - bottom.value,
            "size": size,
            "fontname": font,
            "upright": upright,
        }
        (hidden if clip is not None and _outside(entry, clip) else chars).append(entry)
    return PageChars(chars, hidden)


class PdfiumReader:
    """The document opened once for pdfium's reading of each page."""

    def __init__(self, path: Path, password: str | None = None) -> None:
        self._document = pdfium.PdfDocument(path, password=password)

    def chars(self, index: int) -> PageChars:
        page = self._document[index]
        try:
            textpage = page.get_textpage()
            try:
                return page_chars(textpage, page.get_height())
            finally:
                textpage.close()
        finally:
            page.close()

    def close(self) -> None:
        self._document.close()
