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

What a glyph stands for is sometimes said by the producer in an /ActualText span around it,
not by the font's ToUnicode map: Chromium (Skia) puts a Thai cluster it drew with a glyph
that has no code point of its own (the narrow sara ii of "ปี", a tone mark shifted left
or down) in a span and maps the glyph to U+0000; LibreOffice maps a glyph to the first
character that used it and puts each later use that means another character (its mai tho
glyph also drawn for sara uu, its sara am drawn as nikhahit + sara aa) in a span. pdfium
reads a span's text, but gives it once per text object of the span, or after the next
object ("ส่งส่", "หนาที่ทราบ้"); pdfminer does not read spans at all ("ที\ufffd", "จูา",
"ดำา"). So a span's text is given here once, where its glyphs are drawn
(`_with_actual_text`).
"""

from __future__ import annotations

import ctypes
import math
import unicodedata
from dataclasses import dataclass, field
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
_SPAN_SEARCH = 200  # characters past the last span where another reader's next span may be


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
    spans: tuple[_Span, ...] = ()  # /ActualText spans, in content order

    def with_actual_text(self, chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Another reader's characters (in content order, pdfminer's) with the glyphs of
        each /ActualText span given as the span's text (see the module doc).

        A span's glyphs are found by their origins (pdfminer's box starts at a glyph's
        origin): each of the span's text objects starts at a character, next in content
        order, on the object's baseline; the last one's glyphs run to the next object's
        origin. A span whose objects are not all found is left as it is.
        """
        if not self.spans:
            return chars
        out: list[dict[str, Any]] = []
        position = 0
        for span in self.spans:
            run = _span_run(chars, position, span)
            if run is None:
                continue
            start, end = run
            glyphs = chars[start:end]
            if not any(c["x1"] - c["x0"] >= 0.01 for c in glyphs) and any(
                unicodedata.category(c) != "Mn" for c in span.text
            ):
                # Letters are drawn by glyphs that advance: marks alone are not the span's
                # text (Chromium repeats a cluster's span over a mark it draws on the next
                # line, s1019: "กี่" over a lone mai ek)
                continue
            out.extend(chars[position:start])
            boxes = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in glyphs]
            out.extend(_span_chars(_Span(span.text, 0, boxes), glyphs[0]))
            position = end
        out.extend(chars[position:])
        return out

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


ORIGIN_TOLERANCE = 0.05  # points: two readers' arithmetic of one glyph's origin
SAME_BASELINE = 2.0  # points: origins this close vertically are on one line


def _on(char: dict[str, Any], baseline: float) -> bool:
    return bool(char["top"] - ORIGIN_TOLERANCE <= baseline <= char["bottom"] + ORIGIN_TOLERANCE)


def _span_run(chars: list[dict[str, Any]], position: int, span: _Span) -> tuple[int, int] | None:
    """Where the span's glyphs are in `chars` (from `position`): start and end, or None."""
    found: list[int] = []
    at = position
    for x, baseline in span.origins:
        hit = next(
            (
                i
                for i in range(at, min(len(chars), at + _SPAN_SEARCH))
                if abs(chars[i]["x0"] - x) < ORIGIN_TOLERANCE and _on(chars[i], baseline)
            ),
            None,
        )
        if hit is None:
            return None
        found.append(hit)
        at = hit + 1
    end = found[-1] + 1
    last_x, baseline = span.origins[-1]
    while end < len(chars) and _on(chars[end], baseline):
        char = chars[end]
        if (
            span.end < math.inf  # a line's last span: no next origin bounds it
            and last_x - ORIGIN_TOLERANCE <= char["x0"] < span.end - ORIGIN_TOLERANCE
        ):
            end += 1  # drawn before the next object's origin: the last object's
            continue
        # A glyph without advance at the last object's origin or where the next object
        # begins is the span's or the next object's (LibreOffice draws a sara uu and a
        # tone mark as two spans at one pen position): the span's while it has fewer
        # glyphs than characters (Chromium's "ป" + a narrow sara ii in one object).
        at_pen = abs(char["x0"] - last_x) < ORIGIN_TOLERANCE or (
            abs(char["x0"] - span.end) < ORIGIN_TOLERANCE
        )
        if char["x1"] - char["x0"] < 0.01 and at_pen and end - found[0] < len(span.text):
            end += 1
            continue
        break
    return found[0], end


def _text_string(raw: bytes) -> str:
    """A PDF text string: UTF-16BE after its byte order mark (UTF-8 after its own, PDF 2.0),
    else PDFDocEncoding, which agrees with Latin-1 on every letter."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")


_ACTUAL_TEXT = b"ActualText"


def _actual_text(text_object: Any) -> tuple[bytes, str] | None:
    """The /ActualText of the outermost span around the object, with the span's identity:
    the address of its mark, which every object drawn inside the span shares."""
    size = ctypes.c_ulong()
    for index in range(pdfium_raw.FPDFPageObj_CountMarks(text_object)):  # outermost first
        mark = pdfium_raw.FPDFPageObj_GetMark(text_object, index)
        if not mark or not pdfium_raw.FPDFPageObjMark_GetParamBlobValue(
            mark, _ACTUAL_TEXT, None, 0, size
        ):
            continue
        buffer = (ctypes.c_ubyte * max(size.value, 1))()
        pdfium_raw.FPDFPageObjMark_GetParamBlobValue(mark, _ACTUAL_TEXT, buffer, size.value, size)
        text = _text_string(bytes(buffer)[: size.value])
        # An empty span says its glyphs are no text; they are kept all the same, since
        # text is never dropped on a producer's word alone.
        if text.strip("\x00"):
            return _address(mark), text.strip("\x00")
    return None


def _text_objects(page: Any) -> list[Any]:
    """The page's text objects in content order, form XObjects' ones where they are drawn."""
    found: list[Any] = []

    def walk(count: int, get: Any) -> None:
        for index in range(count):
            obj = get(index)
            kind = pdfium_raw.FPDFPageObj_GetType(obj)
            if kind == pdfium_raw.FPDF_PAGEOBJ_TEXT:
                found.append(obj)
            elif kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
                walk(
                    pdfium_raw.FPDFFormObj_CountObjects(obj),
                    lambda i, form=obj: pdfium_raw.FPDFFormObj_GetObject(form, i),
                )

    walk(
        pdfium_raw.FPDFPage_CountObjects(page),
        lambda i: pdfium_raw.FPDFPage_GetObject(page, i),
    )
    return found


@dataclass
class _Span:
    """The text objects of one /ActualText span, and its text."""

    text: str
    first: int  # content-order index of its first object
    boxes: list[Area]
    origins: list[tuple[float, float]] = field(default_factory=list)  # x, baseline from top
    end: float = math.inf  # x of the next text object's origin on the same baseline


def _bounds(text_object: Any, page_height: float) -> Area:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_raw.FPDFPageObj_GetBounds(text_object, left, bottom, right, top)
    return left.value, page_height - top.value, right.value, page_height - bottom.value


def _spans(page: Any, page_height: float) -> tuple[dict[bytes, int], dict[bytes, int], list[_Span]]:
    """Each text object's content-order index, the span each object in a span belongs to,
    and the spans: consecutive objects with one /ActualText mark are one span."""
    order: dict[bytes, int] = {}
    span_of: dict[bytes, int] = {}
    spans: list[_Span] = []
    last_key: bytes | None = None
    matrix = pdfium_raw.FS_MATRIX()
    for index, obj in enumerate(_text_objects(page)):
        address = _address(obj)
        order[address] = index
        pdfium_raw.FPDFPageObj_GetMatrix(obj, matrix)
        origin = (matrix.e, page_height - matrix.f)
        actual = _actual_text(obj)
        span_ended = last_key is not None and (actual is None or actual[0] != last_key)
        # on the span's line (a shifted mark's own origin may sit a little off it)
        if span_ended and abs(origin[1] - spans[-1].origins[0][1]) < SAME_BASELINE:
            spans[-1].end = origin[0]  # the span's glyphs end where the next begins
        if actual is None:
            last_key = None
            continue
        key, text = actual
        if key != last_key:
            spans.append(_Span(text, index, []))
            last_key = key
        spans[-1].boxes.append(_bounds(obj, page_height))
        spans[-1].origins.append(origin)
        span_of[address] = len(spans) - 1
    return order, span_of, spans


def _span_chars(span: _Span, like: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The span's text as characters over its glyphs: letters share the glyphs' width
    evenly, marks (no width of their own) stand at the end of the letter before them; the
    height is the widest glyph's (a consonant or a sara aa, not a mark above it)."""
    x0 = min(b[0] for b in span.boxes)
    x1 = max(b[2] for b in span.boxes)
    widest = max(span.boxes, key=lambda b: b[2] - b[0])
    letters = [c for c in span.text if unicodedata.category(c) != "Mn"]
    step = (x1 - x0) / len(letters) if letters else 0.0
    chars: list[dict[str, Any]] = []
    x = x0
    for char in span.text:
        width = 0.0 if unicodedata.category(char) == "Mn" else step
        chars.append(
            {
                "text": char,
                "x0": x,
                "x1": x + width,
                "top": widest[1],
                "bottom": widest[3],
                "size": like["size"] if like else 0.0,
                "fontname": like["fontname"] if like else "",
                "upright": like["upright"] if like else True,
            }
        )
        x += width
    return chars


def _with_actual_text(
    read: list[tuple[dict[str, Any], bytes, bool]],
    order: dict[bytes, int],
    span_of: dict[bytes, int],
    spans: list[_Span],
) -> list[tuple[dict[str, Any], bool]]:
    """pdfium's characters with each /ActualText span's text given once, where the span's
    first glyph is drawn in content order (see the module doc), instead of what pdfium
    made of the span's objects. A span's characters are hidden where its first ones were."""
    like: dict[int, tuple[dict[str, Any], bool]] = {}
    for entry, address, hidden in read:
        span = span_of.get(address)
        if span is not None and span not in like:
            like[span] = (entry, hidden)
    out: list[tuple[dict[str, Any], bool]] = []
    pending = 0  # spans before this one are given

    def give(upto: int) -> None:
        nonlocal pending
        while pending < len(spans) and spans[pending].first < upto:
            model, hidden = like.get(pending, (out[-1][0] if out else None, False))
            out.extend((c, hidden) for c in _span_chars(spans[pending], model))
            pending += 1

    for entry, address, hidden in read:
        if address in span_of:
            continue
        position = order.get(address)
        if position is not None:
            give(position)
        out.append((entry, hidden))
    give(len(order))
    return out


def page_chars(textpage: pdfium.PdfTextPage, page_height: float) -> PageChars:
    """The page's characters as pdfplumber gives them (the keys the word builder reads)."""
    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    by_index = len(text) == count  # no surrogate pairs: one code unit a character
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    read: list[tuple[dict[str, Any], bytes, bool]] = []  # entry, its text object, hidden
    # A text object has one font, size, matrix and clipping path: pdfium gives each of its
    # characters the object's font size and angle, so they are asked for once an object
    # (Word draws a few characters an object; the name of each font is read once a page).
    last_object = b""
    font_names: dict[bytes, str] = {}
    font = ""
    size = 0.0
    upright = True
    clip: Area | None = None
    spanned = False  # some object is drawn inside an /ActualText span
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
                spanned = spanned or _actual_text(text_object) is not None
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
        read.append((entry, address, clip is not None and _outside(entry, clip)))
    spans: list[_Span] = []
    if spanned:
        order, span_of, spans = _spans(textpage.parent.raw, page_height)
    if spans:
        shown = _with_actual_text(read, order, span_of, spans)
    else:
        shown = [(entry, hidden) for entry, _, hidden in read]
    return PageChars(
        [e for e, h in shown if not h],
        [e for e, h in shown if h],
        tuple(spans),
    )


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
