"""A second reading of a page's text layer: pdfium's characters with their boxes.

pdfminer and pdfium map glyphs to text in their own ways, and each reads some producers'
files where the other does not (LibreOffice's sara am and Garuda's marks come out of
pdfminer as "ดำาเนิน" and "ผ้่", and Word's moved marks as "ใหส้ อด"; pdfium reads them
clean). The characters come out in pdfplumber's shape (text, box from the top, size, font),
so the same word builder and repairs read both.
"""

from __future__ import annotations

import ctypes
import math
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw


def _font_name(text_object: Any) -> str:
    font = pdfium_raw.FPDFTextObj_GetFont(text_object)
    if not font:
        return ""
    size = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


def _upright(angle: float) -> bool:
    # radians in [0, 2π); -1 when pdfium cannot tell
    return angle < 0.01 or angle > 2 * math.pi - 0.01


def page_chars(textpage: pdfium.PdfTextPage, page_height: float) -> list[dict[str, Any]]:
    """The page's characters as pdfplumber gives them (the keys the word builder reads)."""
    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    by_index = len(text) == count  # no surrogate pairs: one code unit a character
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    chars: list[dict[str, Any]] = []
    last_object: Any = None
    font = ""
    for index in range(count):
        if pdfium_raw.FPDFText_IsGenerated(raw, index) == 1:
            continue  # spaces and line ends pdfium inferred; the word builder uses gaps
        char = text[index] if by_index else chr(pdfium_raw.FPDFText_GetUnicode(raw, index))
        if char in "\r\n":
            continue
        if not pdfium_raw.FPDFText_GetCharBox(raw, index, left, right, bottom, top):
            continue
        text_object = pdfium_raw.FPDFText_GetTextObject(raw, index)
        if text_object != last_object:
            last_object = text_object
            font = _font_name(text_object) if text_object else ""
        if pdfium_raw.FPDFText_HasUnicodeMapError(raw, index) == 1:
            char = "\x00"  # a glyph without a mapping: the word builder marks it
        chars.append(
            {
                "text": char,
                "x0": left.value,
                "x1": right.value,
                "top": page_height - top.value,
                "bottom": page_height - bottom.value,
                "size": pdfium_raw.FPDFText_GetFontSize(raw, index),
                "fontname": font,
                "upright": _upright(pdfium_raw.FPDFText_GetCharAngle(raw, index)),
            }
        )
    return chars


class PdfiumReader:
    """The document opened once for pdfium's reading of each page."""

    def __init__(self, path: Path) -> None:
        self._document = pdfium.PdfDocument(path)

    def chars(self, index: int) -> list[dict[str, Any]]:
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
