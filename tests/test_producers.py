"""The multi-producer corpus itself: real PDFs from headless Chromium and LibreOffice,
whose text holds the planned cells, whose merged cells are real merges, reproducibly."""

from __future__ import annotations

import dataclasses
import re
import shutil
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from tests.fixtures.producers.contents import CONTENTS
from tests.fixtures.producers.corpus import ProducedReport, build, cache_dir
from tests.fixtures.producers.expected import COLUMN_KEYS
from tests.fixtures.producers.styles import FONTS, LayoutStyle, random_style, random_styles

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("soffice") is None,
    reason="needs Debian's chromium and LibreOffice (make system)",
)


def _merged_style(producer: str, seed: int = 100) -> LayoutStyle:
    base = random_style(seed, producer)
    return dataclasses.replace(base, merge="measure+responsible", merge_span=2, two_level=True,
                               trailing="หมายเหตุ", leading_no=True)  # fmt: skip


@pytest.fixture(scope="session")
def corpus_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cache_dir(tmp_path_factory.mktemp("producers"))


@pytest.fixture(scope="session", params=["chromium", "libreoffice"])
def produced(request: pytest.FixtureRequest, corpus_cache: Path) -> ProducedReport:
    return build(_merged_style(request.param), CONTENTS["council"](), corpus_cache)


def _chars(text: str) -> Counter[str]:
    """The characters of `text`, as a multiset, without whitespace.

    A table's page text interleaves its columns line by line, and these producers' text
    layers reorder Thai marks and split ำ (issue 14): what must hold is that every
    character the plan put in a cell is on the page, not that a cell is contiguous."""
    return Counter(re.sub(r"[\s\x00]+", "", unicodedata.normalize("NFKC", text)))


def _pdf_text(pdf: Path) -> tuple[str, str]:
    """pdfium's text of the whole PDF, and pdfplumber's /Producer.

    pdfium, not pdfminer: pdfminer drops tone marks from these producers' text layers
    (Chromium: 76-395 of 8825 characters of a report; LibreOffice with Garuda: ู),
    the damage of issue 14, which this corpus must not hide but is not what it tests."""
    import pypdfium2 as pdfium

    with pdfplumber.open(pdf) as plumbed:
        producer = str(plumbed.metadata.get("Producer", ""))
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    return "".join(pages), producer


def test_styles_are_seeded_and_use_installed_fonts() -> None:
    assert random_styles(7, 5) == random_styles(7, 5)
    assert random_styles(7, 5) != random_styles(8, 5)
    styles = random_styles(0, 60)
    assert {s.font for s in styles} <= set(FONTS)
    assert {s.producer for s in styles} == {"chromium", "libreoffice"}
    assert all(13 <= s.size_pt <= 18 for s in styles)
    assert {s.ruling for s in styles} == {"full", "partial", "none"}


def test_pdf_holds_the_planned_cells_and_labels(produced: ProducedReport) -> None:
    text, producer = _pdf_text(produced.pdf)
    expected = produced.expected
    assert expected.records and expected.records[0].cells["measure"]
    # a merged cell is printed once, in the row that carries its rowspan
    planned = [r.cells[k] for r in expected.records for k in COLUMN_KEYS if k not in r.filled_from]
    planned += [v for r in expected.records for v in r.extra.values()]
    planned += [*expected.header_labels(), *expected.title_lines]
    want = _chars("".join(planned))
    missing = want - _chars(text)
    # LibreOffice with Sarabun loses one ๆ of 8825 characters (left for issue 14); a
    # lost cell, row or label (20+ characters) fails
    assert sum(missing.values()) <= sum(want.values()) // 1000, missing
    assert "๒๕๖๘" in text and "Gift" in text
    if produced.style.producer == "chromium":
        assert "Skia" in producer
    else:
        assert "LibreOffice" in producer


def test_merged_cells_are_real_merges(produced: ProducedReport) -> None:
    records = produced.expected.records
    spanning = [r for r in records if r.rowspan]
    filled = [r for r in records if r.filled_from]
    assert spanning and len(filled) == len(spanning)  # span 2: one filled row each
    first = spanning[0]
    follower = records[records.index(first) + 1]
    assert follower.filled_from == {"measure": first.index, "responsible": first.index}
    assert follower.cells["measure"] == first.cells["measure"]
    assert follower.cells["method"] != first.cells["method"]
    if produced.docx is not None:
        with zipfile.ZipFile(produced.docx) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        assert xml.count('<w:vMerge w:val="restart"/>') >= 2 * len(spanning)
        assert "<w:gridSpan " in xml  # the group label over result + outcome
        # the rows a merged cell covers hold an empty continuation cell
        assert xml.count("<w:vMerge/>") >= 2 * len(spanning)
    else:
        assert produced.html is not None
        page = produced.html.read_text(encoding="utf-8")
        assert page.count('rowspan="2"') >= 2 * len(spanning)
        assert 'colspan="2">ผลการดำเนินงาน' in page


@pytest.mark.parametrize("producer", ["chromium", "libreoffice"])
def test_same_seed_same_pdf_text(producer: str, tmp_path: Path) -> None:
    style = random_style(3, producer)
    assert random_style(3, producer) == style
    content = CONTENTS["example"]()
    first = build(style, content, tmp_path / "a")
    second = build(random_style(3, producer), content, tmp_path / "b")
    assert first.expected == second.expected
    assert _pdf_text(first.pdf)[0] == _pdf_text(second.pdf)[0]
