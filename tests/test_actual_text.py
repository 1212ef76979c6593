"""/ActualText spans of real producers' PDFs: the text the producer says its glyphs stand for.

Chromium puts a Thai cluster drawn with a glyph that has no code point (the narrow sara ii of
"ปี", a shifted tone mark) in a span and maps the glyph to U+0000; LibreOffice puts each use
of a glyph that its ToUnicode map gives another character (its mai tho glyph mapped to sara
uu) in a span. Both readers now take the span's text (extract/pdfium_chars.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from thaireport.extract.pdf_layout import _chars_and_edges, read_chars, read_pdf_layout
from thaireport.extract.pdfium_chars import PdfiumReader
from thaireport.pipeline.document import Status, process_document

from tests.fixtures.content import example_content
from tests.fixtures.docx_report import write_docx
from tests.fixtures.producers.contents import CONTENTS
from tests.fixtures.producers.corpus import build, cache_dir
from tests.fixtures.producers.styles import random_style

needs_producers = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("chromium") is None,
    reason="needs LibreOffice and Chromium (make system)",
)
ACTION_PLAN = (
    Path(__file__).resolve().parents[1].parent / "shared/real/phitsanulok-action-plan-2567.pdf"
)


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def chromium_s1001(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = cache_dir(tmp_path_factory.mktemp("chromium-corpus"))
    return build(random_style(1001, "chromium"), CONTENTS["council"](), cache).pdf


@needs_producers
def test_chromium_glyphs_without_unicode_read_from_their_span(chromium_s1001: Path) -> None:
    """Sarabun's narrow sara ii and shifted tone marks: U+0000 in ToUnicode, the cluster in
    /ActualText. pdfium's own reading gave a span's text once per glyph ("ส่งส่"); pdfminer
    gave U+FFFD ("ประจำป\ufffdงบประมาณ")."""
    page = PdfiumReader(chromium_s1001).chars(0)
    assert len(page.spans) > 100
    pdfium_text = read_chars("pdfium", page.chars, 1).text
    assert "ประจำปีงบประมาณ" in pdfium_text and "ส่งเสริม" in pdfium_text
    assert "\x00" not in "".join(c["text"] for c in page.chars)
    with pdfplumber.open(chromium_s1001) as pdf:
        chars, _ = _chars_and_edges(pdf.pages[0])
    before = read_chars("pdfminer", chars, 1)
    after = read_chars("pdfminer", page.with_actual_text(chars), 1)
    assert "ประจำป\ufffdงบประมาณ" in before.text and before.unmapped >= 20
    assert "ประจำปีงบประมาณ" in after.text and "ขั้นตอน" in after.text
    # one glyph stays U+FFFD, visibly: a lone mark Chromium drew at the next line's start
    # inside a span repeating its cluster ("กี่" of "เกี่ยว"); its letters are not there
    assert after.unmapped == 1


@needs_producers
def test_chromium_records_carry_no_replacement_characters(chromium_s1001: Path) -> None:
    result = process_document(chromium_s1001)
    assert result.status is Status.DONE and len(result.records) == 11
    cells = [v or "" for r in result.records for v in r.cells.model_dump().values()]
    # 159 before spans were read. The ones left are lone marks Chromium draws at a line's
    # start in a span that repeats the cluster printed whole after it ("ใดๆ \ufffd
    # เกี่ยวกับ"): kept visible, not given the span's letters a second time
    assert sum(c.count("\ufffd") for c in cells) == 4
    assert "ใดๆ\n\ufffd\nเกี่ยวกับการปฏิบัติงาน" in "\n".join(cells)
    text = " ".join(cells)
    assert "ขั้นตอน" in text and "เจ้าหน้าที่" in text and "ที่" in text


@needs_producers
def test_libreoffice_moved_tone_mark_is_where_its_span_is(tmp_path: Path) -> None:
    """LibreOffice's mai tho glyph in Waree is mapped to sara uu, its right use put in a span:
    pdfminer read "หนูาที่", pdfium "หนาที่ทราบ้" (the span's text after the next object)."""
    docx = write_docx(example_content(), tmp_path / "report.docx", font="Noto Sans Thai")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            str(shutil.which("soffice")), f"-env:UserInstallation={profile}", "--headless",
            "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx),
        ],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    from_pdf = process_document(pdf).records
    from_docx = process_document(docx).records
    assert len(from_pdf) == len(from_docx) == 11
    text = " ".join(_squash(r.cells.measure) for r in from_pdf)
    assert "เจ้าหน้าที่ทราบ" in text and "ทราบ้" not in text
    # every letter as the DOCX has it (line ends may put spaces elsewhere)
    for got, want in zip(from_pdf, from_docx, strict=True):
        for key, value in want.cells.model_dump().items():
            assert _squash(getattr(got.cells, key)) == _squash(value), key


@pytest.mark.skipif(not ACTION_PLAN.is_file(), reason="../shared/real is absent")
def test_real_canva_cover_tone_marks_read_from_their_spans() -> None:
    """The real action plan's cover (Canva, drawn by Skia as Chromium is): its title's tone
    marks were U+FFFD ("เพิ\ufffdมเติม ครั\ufffdงที\ufffd 1")."""
    cover = next(iter(read_pdf_layout(ACTION_PLAN)))
    text = " ".join(w.text for w in cover.words)
    assert "เพิ่มเติม ครั้งที่ 1" in text
    assert "\ufffd" not in text and not cover.warnings
