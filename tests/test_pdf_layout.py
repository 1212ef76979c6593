"""pdf_layout's own reading of pdfminer's layout: the same characters and edges as pdfplumber."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, cast

import pdfplumber
import pytest
from thaireport.extract.layer_repair import RepairKind
from thaireport.extract.pdf_layout import (
    Reading,
    _chars_and_edges,
    _families,
    _page_layout,
    _words,
    best_reading,
    beyond_reach,
    read_pdf_layout,
)
from thaireport.extract.pdfium_chars import PageChars, PdfiumReader
from thaireport.extract.textlayer import score_bound, text_quality

from thaireport.model import Box, Word

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ita-report-2567-thahin.pdf"
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "size", "fontname", "upright")


def _tiny_pdf(mediabox: str, content: bytes) -> bytes:
    """One page, Helvetica as /F1, the given content stream; a valid cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [" + mediabox.encode() + b"] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pdfplumber_view(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    chars = [{k: c[k] for k in CHAR_KEYS} for c in page.chars]
    edges = page.edges
    page.close()  # forget pdfplumber's objects, so that the page is parsed again
    return chars, edges


def _ours(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    chars, edges = _chars_and_edges(page)
    return [{k: c[k] for k in CHAR_KEYS} for c in chars], edges


def test_chars_and_edges_of_a_page_whose_media_box_is_offset(tmp_path: Path) -> None:
    # pdfminer moves objects by the media box's corner and pdfplumber moves x0/x1 back:
    # the offset is where a shortcut would go wrong.
    path = tmp_path / "offset.pdf"
    path.write_bytes(
        _tiny_pdf(
            "50 100 350 400",
            b"BT /F1 10 Tf 100 300 Td (AB) Tj ET 60 150 200 0.5 re f 70 120 m 70 380 l S",
        )
    )
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        expected = _pdfplumber_view(page)
        chars, edges = _ours(page)
    assert (chars, edges) == expected
    assert [c["text"] for c in chars] == ["A", "B"]
    assert chars[0]["x0"] == 100.0 and chars[0]["x1"] == pytest.approx(106.67)
    assert chars[0]["top"] == pytest.approx(-7.93) and chars[0]["bottom"] == pytest.approx(2.07)
    assert chars[0]["size"] == 10.0 and chars[0]["fontname"] == "Helvetica"
    # the stroked line first, then the filled rect's four sides (pdfplumber's order)
    assert [(e["object_type"], e["orientation"]) for e in edges] == [
        ("line", "v"),
        ("rect_edge", "h"),
        ("rect_edge", "h"),
        ("rect_edge", "v"),
        ("rect_edge", "v"),
    ]
    assert (edges[0]["x0"], edges[0]["top"], edges[0]["bottom"]) == (70.0, -80.0, 180.0)


def test_chars_and_edges_of_the_example_report_are_pdfplumbers() -> None:
    with pdfplumber.open(EXAMPLE) as pdf:
        for page in pdf.pages:
            expected = _pdfplumber_view(page)
            chars, edges = _ours(page)
            assert (chars, edges) == expected
            assert len(chars) > 100 and edges


def _char(
    text: str, x0: float, x1: float, top: float = 0.0, bottom: float = 12.0
) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": 12.0,
            "fontname": "ABCDEE+TH SarabunPSK", "upright": True}  # fmt: skip


def test_words_take_in_a_dropped_half_of_sara_am_but_not_a_narrow_mark() -> None:
    chars = [
        _char("ก", 10.0, 16.0),
        _char("(cid:3)", 16.0, 19.0),  # dropped (None): its width is the letter's
        _char("\u0e48", 14.0, 14.2, top=-2.0, bottom=3.0),  # a tone mark: no width of its own
        _char(" ", 19.0, 22.0),
        _char("ข", 30.0, 36.0),  # 8 pt past the space: a new word
        _char("ค", 36.5, 42.0, top=1.0, bottom=13.0),
    ]
    words, fonts = _words(chars, ["ก", None, "\u0e48", " ", "ข", "ค"], page=4)
    assert [(w.text, w.box, w.char_right, w.page) for w in words] == [
        ("ก\u0e48 ", Box(10.0, 0.0, 22.0, 12.0), (19.0, 19.0, 22.0), 4),
        ("ขค", Box(30.0, 0.0, 42.0, 13.0), (36.0, 42.0), 4),
    ]
    assert fonts == ["ABCDEE+TH SarabunPSK"] * 2


def test_families_of_a_bold_style_take_its_face_s_lost_sara_am() -> None:
    # 300 Thai letters with sara aa and no sara am in the regular style; the bold style has
    # too few letters to show it, and takes it from its face.
    regular = [_char(c, 0.0, 1.0) for c in "กา" * 150]
    for c in regular:
        c["fontname"] = "ABCDEE+THSarabunNew"
    bold = [_char("ดา", 0.0, 1.0)]
    bold[0]["fontname"] = "ABCDEF+THSarabunNew,Bold"
    lost = {RepairKind.SARA_AM_LOST, RepairKind.SARA_AM_AS_MAI_THO}
    assert _families([*regular, *bold]) == {
        "ABCDEE+THSarabunNew": lost,
        "ABCDEF+THSarabunNew,Bold": lost,
    }


def test_pdfium_chars_carry_each_characters_own_font_and_size() -> None:
    # Font, size and angle are asked for once a text object: the same as asking per character.
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw

    page = PdfiumReader(EXAMPLE).chars(0)
    chars = page.chars
    assert len(chars) == 1614 and page.hidden == []
    assert chars[0]["text"] == "ร" and chars[0]["size"] == 16.0
    assert chars[0]["fontname"] == "MPDFAA+NotoSansThaiBold"
    assert Counter(c["fontname"] for c in chars) == {
        "MPDFAA+NotoSansThai": 1283,
        "MPDFAA+NotoSansThaiBold": 308,
        "MPDFAA+Sarabun": 23,
    }
    document = pdfium.PdfDocument(EXAMPLE)
    try:
        textpage = document[0].get_textpage()
        raw, expected = textpage.raw, []
        for index in range(textpage.count_chars()):
            if pdfium_raw.FPDFText_IsGenerated(raw, index) == 1:
                continue
            if chr(pdfium_raw.FPDFText_GetUnicode(raw, index)) in "\r\n":
                continue
            font = pdfium_raw.FPDFTextObj_GetFont(pdfium_raw.FPDFText_GetTextObject(raw, index))
            name = ctypes.create_string_buffer(256)
            pdfium_raw.FPDFFont_GetBaseFontName(font, name, 256)
            expected.append(
                (name.value.decode(), pdfium_raw.FPDFText_GetFontSize(raw, index),
                 pdfium_raw.FPDFText_GetCharAngle(raw, index) < 0.01)
            )  # fmt: skip
    finally:
        document.close()
    assert [(c["fontname"], c["size"], c["upright"]) for c in chars] == expected


def _reading(reader: str, text: str) -> Reading:
    words = tuple(Word(t, Box(0.0, 0.0, 10.0, 12.0), 1) for t in text.split())
    return Reading(reader, words, (), (), 0, ())


def test_score_bound_is_the_cluster_share() -> None:
    assert score_bound("ดำเนินการ") == 1.0
    assert score_bound("hello") == 1.0  # no Thai: as text_quality scores it
    # a mark without its base: 9 of 10 letters in valid clusters, 6 in words
    assert score_bound("ปฏิบตั ิงาน") == 0.9
    assert text_quality("ปฏิบตั ิงาน").score == pytest.approx(0.54)


def test_a_reading_that_cannot_win_is_not_segmented_into_words() -> None:
    clean, damaged = _reading("pdfminer", "ดำเนินการ"), _reading("pdfium", "ดำาเนินการ")
    assert best_reading([clean, damaged]) is clean
    assert "quality" not in damaged.__dict__  # its bound (0.9) settled it
    assert damaged.score_text() == "at most 0.900" and clean.score_text() == "1.000"
    assert beyond_reach(clean) and not beyond_reach(damaged)
    # the other way round the bound (1.0) is not enough: the score is measured, and wins
    fresh_clean, fresh_damaged = _reading("pdfium", "ดำเนินการ"), _reading("pdfminer", "ดำาเนินการ")
    assert best_reading([fresh_damaged, fresh_clean]) is fresh_clean
    assert fresh_clean.score_text() == "1.000"


def test_pdfium_s_words_are_read_only_where_pdfminer_s_reading_can_be_beaten() -> None:
    notes = {page.number: page.notes for page in read_pdf_layout(EXAMPLE)}
    # page 2 scores 0.999 (1159 of 1160 letters in valid clusters): within the margin
    assert notes[2][0] == (
        "text layer read by pdfminer (pdfminer 0.999; pdfium's words not read: no reading could"
        " be better by 0.002; text quality 0.999 (words 1.000, clusters 0.999))"
    )
    # page 1 scores 0.997: pdfium is read, and its clusters alone rule it out
    assert notes[1][0].startswith(
        "text layer read by pdfminer (pdfminer 0.997, pdfium at most 0.946;"
    )


class _CountingReader:
    """A second reader that records which pages it was asked for, and finds nothing."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    def chars(self, index: int) -> PageChars:
        self.asked.append(index)
        return PageChars([], [])


def test_pdfium_is_not_asked_for_a_page_without_characters(tmp_path: Path) -> None:
    # A scan's page: pdfium would keep its image until the document closes (test_memory).
    blank, text = tmp_path / "blank.pdf", tmp_path / "text.pdf"
    blank.write_bytes(_tiny_pdf("0 0 300 300", b"70 120 m 70 280 l S"))
    text.write_bytes(_tiny_pdf("0 0 300 300", b"BT /F1 10 Tf 100 200 Td (AB) Tj ET"))
    reader = _CountingReader()
    with pdfplumber.open(blank) as pdf:
        layout = _page_layout(blank, pdf.pages[0], 1, cast(PdfiumReader, reader))
    assert reader.asked == [] and layout.notes == ("no text layer",)
    assert len(layout.rules) == 1
    with pdfplumber.open(text) as pdf:
        layout = _page_layout(text, pdf.pages[0], 1, cast(PdfiumReader, reader))
    assert reader.asked == [0] and [w.text for w in layout.words] == ["AB"]
