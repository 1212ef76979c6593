"""Which pages of a PDF are read from their text layer and which by OCR."""

from __future__ import annotations

from pathlib import Path

import pytest
from thaireport.extract.sources import layer_problem

from thaireport.model import Box, PageLayout, TextSource, Word
from thaireport.settings import OcrSettings

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


def test_an_image_of_more_frames_than_allowed_is_refused(tmp_path: Path) -> None:
    from PIL import Image
    from thaireport.extract.sources import image_pages

    from thaireport.errors import TooLargeInputError

    path = tmp_path / "three.tif"
    frames = [Image.new("L", (40, 30), 255) for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(TooLargeInputError) as caught:
        list(image_pages(path, OcrSettings(jobs=1), max_pages=2))
    assert caught.value.message == "3 pages, more than the limit of 2 pages for one report"


@pytest.mark.parametrize("jobs", [1, 2])
def test_meanwhile_is_called_once_while_the_first_page_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """One page after another, it is handed to the first page's reading (which calls it
    while Tesseract runs); with workers, it is called here once the first page is sent."""
    from PIL import Image
    from thaireport.extract import ocr_layout, sources
    from thaireport.extract.sources import image_pages

    handed: list[tuple[int, bool]] = []

    def read(image: Image.Image, *, number: int, dpi: int, settings: OcrSettings,
             meanwhile: object = None) -> PageLayout:  # fmt: skip
        handed.append((number, meanwhile is not None))
        if callable(meanwhile):
            meanwhile()
        return PageLayout(number, 10, 10, (), (), TextSource.OCR)

    monkeypatch.setattr(ocr_layout, "ocr_page_layout", read)
    monkeypatch.setattr(sources, "load_shared_data", lambda: None)  # no Tesseract here
    path = tmp_path / "three.tif"
    frames = [Image.new("L", (40, 30), 255) for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    calls: list[str] = []
    pages = list(image_pages(path, OcrSettings(jobs=jobs), meanwhile=lambda: calls.append("x")))
    assert [p.number for p in pages] == [1, 2, 3]
    assert calls == ["x"]
    if jobs == 1:  # the workers' own lists are not seen from here
        assert handed == [(1, True), (2, False), (3, False)]
