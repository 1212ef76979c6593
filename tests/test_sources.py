"""Which pages of a PDF are read from their text layer and which by OCR."""

from __future__ import annotations

from thaireport.extract.sources import layer_problem

from thaireport.model import Box, PageLayout, TextSource, Word

REAL = "ประชาชนในพื้นที่มีการรับรู้เกี่ยวกับข้อมูลข่าวสารต่างๆ เพิ่มขึ้น เช่น ข้อมูลการรับบริการ "


def page(text: str) -> PageLayout:
    words = tuple(Word(t, Box(0, i * 20, 100, i * 20 + 12), 1) for i, t in enumerate(text.split()))
    return PageLayout(1, 595, 842, words, (), TextSource.TEXT_LAYER)


def test_a_real_text_layer_is_used() -> None:
    assert layer_problem(page(REAL * 5)) is None


def test_an_empty_layer_goes_to_ocr() -> None:
    assert layer_problem(page("")) == "empty text layer"


def test_private_use_left_after_repair_goes_to_ocr() -> None:
    assert "private-use" in (layer_problem(page("\ue100\ue101\ue102 ก " * 20)) or "")


def test_unmapped_glyphs_go_to_ocr() -> None:
    assert "without Unicode" in (layer_problem(page("\ufffd\ufffd ก ข ค " * 20)) or "")


def test_mojibake_goes_to_ocr() -> None:
    # Thai letters in no order, as a broken font encoding gives them
    shuffled = "".join(sorted(REAL * 5, key=lambda c: (ord(c) * 7919) % 104729))
    assert "mojibake" in (layer_problem(page(shuffled)) or "")
