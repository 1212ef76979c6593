"""Tables of seeded layouts of the multi-producer corpus (tests/fixtures/producers): DOCX
reports converted by LibreOffice and HTML printed by headless Chromium, producers the
project does not control.

Each seed below is a named regression fixture: a layout that failed, kept for the general
cause it showed (said per test). The expected cells are the corpus plan's.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein
from thaireport.extract.pdf_layout import read_pdf_layout
from thaireport.extract.sources import pdf_pages
from thaireport.extract.table import TablePart, read_page_items
from thaireport.extract.tables.grid import find_grids
from thaireport.pipeline.document import DocumentResult, Status, process_document

from tests.fixtures.producers.contents import CONTENTS
from tests.fixtures.producers.corpus import ProducedReport, build, cache_dir
from tests.fixtures.producers.styles import random_style
from thaireport.settings import OcrSettings

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("chromium") is None,
    reason="needs LibreOffice and Chromium (make system)",
)

KEYS = ("measure", "method", "responsible", "period", "result", "outcome")
_CONTENT_OF_SEED = {
    1000: "example",
    1001: "council",
    1002: "regrouped",
    1003: "example",
    1008: "regrouped",
    1009: "example",
    1011: "regrouped",
    1017: "regrouped",
    1019: "council",
    1032: "regrouped",
}


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="session")
def corpus_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cache_dir(tmp_path_factory.mktemp("libreoffice-corpus"))


_read: dict[tuple[int, str], tuple[ProducedReport, DocumentResult]] = {}


def _layout(
    seed: int, cache: Path, producer: str = "libreoffice"
) -> tuple[ProducedReport, DocumentResult]:
    if (seed, producer) not in _read:
        content = CONTENTS[_CONTENT_OF_SEED[seed]]()
        produced = build(random_style(seed, producer), content, cache)
        _read[seed, producer] = produced, process_document(produced.pdf)
    return _read[seed, producer]


def _assert_exact(produced: ProducedReport, result: DocumentResult) -> None:
    expected = produced.expected.records
    assert result.status is Status.DONE
    assert len(result.records) == len(expected)
    for want, got in zip(expected, result.records, strict=True):
        for key in KEYS:
            assert _squash(getattr(got.cells, key)) == _squash(want.cells[key]), (
                want.section,
                want.index,
                key,
            )


def test_repeated_header_clipped_by_libreoffice_is_not_read_into_rows(corpus_cache: Path) -> None:
    """s1000 (Norasi 15 pt, portrait, two-level header repeated on every page). LibreOffice
    repeats the header with shorter rows and clips each label to its row: the cut-off
    "ผิด" of "ผู้รับผิดชอบ" and "นการ" of "ดำเนินการ" are in the text layer, below the
    header, over the first body row, but not on the page."""
    produced, result = _layout(1000, corpus_cache)
    _assert_exact(produced, result)
    assert not any(r.cells.responsible[-3:] == "ผิด" for r in result.records)
    notes = result.page_notes[2]
    assert any("outside their clipping path" in n and "'ผิดนการ'" in n for n in notes)


def test_header_row_broken_across_a_page_break_is_joined(corpus_cache: Path) -> None:
    """s1001 (Sarabun 14 pt, header not repeated): section 7's header row starts at the foot
    of page 6 ("มาตรการ/", "หน่วย", "ผลการดำเนินงาน") and ends at the top of page 7."""
    produced, result = _layout(1001, corpus_cache)
    _assert_exact(produced, result)
    seventh = [r for r in result.records if r.section.number_inferred == 7]
    assert seventh and all(r.cells.responsible == "สำนักปลัด" for r in seventh)
    assert all(not r.extra_cells for r in seventh)


def test_merged_cell_cut_by_a_page_break_goes_on_in_its_cell(corpus_cache: Path) -> None:
    """s1002 (Garuda, merged measure and responsible cells, a "ที่" column): the first
    merged measure cell runs from page 1 onto page 2, where its rest stands above the next
    row. LibreOffice prints the rest only as far as the merged cell's rows reach on page 2
    and drops the last words ("หน้าที่ทราบและยึดถือปฏิบัติ" is in no text of the PDF), so the
    cell is compared with what is printed."""
    produced, result = _layout(1002, corpus_cache)
    assert len(result.records) == len(produced.expected.records) == 16
    first, second = result.records[0], result.records[1]
    printed = "จัดทำคู่มือ/แนวทางการปฏิบัติงานหรือการให้บริการที่กำหนดผู้รับผิดชอบขั้นตอนและ"
    assert _squash(first.cells.measure).startswith(printed)
    assert _squash(first.cells.measure).endswith("ให้ข้าราชการและเจ้า")
    assert second.cells.measure == first.cells.measure
    assert second.filled_from == {"measure": 1, "responsible": 1}
    assert [r.extra_cells["ที่"] for r in result.records[:3]] == ["๑", "๒", "๓"]
    # the hyphen pdfium marks as a line-end hyphen (U+FFFE) is read as printed
    assert any("ข้อมูล e-service" in r.cells.measure for r in result.records)
    assert any("ผ่านช่องทาง E-Service" in r.cells.outcome for r in result.records)


def test_unruled_header_of_centred_wrapped_labels_is_found(corpus_cache: Path) -> None:
    """s1003 (Garuda 18 pt, landscape, no rules, labels centred in their cells): no line
    holds four labels; the header is found from the cells its lines make, on the first page
    and where it is repeated under a running title."""
    produced, _ = _layout(1003, corpus_cache)
    headers = []
    for page in pdf_pages(produced.pdf, OcrSettings()):
        if page.number > 2:
            break
        parts = [i for i in read_page_items(page, None) if isinstance(i, TablePart)]
        headers.extend(p.header for p in parts)
    assert (
        headers
        == [
            [
                "มาตรการ",
                "วิธีการดำเนินการ",
                "หน่วยงานที่รับผิดชอบ",
                "ระยะเวลาดำเนินการ",
                "สรุปผลการดำเนินการ",
                "ผลลัพธ์หรือความสำเร็จของการดำเนินการ",
            ]
        ]
        * 2
    )


def test_rows_cut_open_by_a_page_break_in_chromium(corpus_cache: Path) -> None:
    """Chromium s1001 (Sarabun 14 pt, portrait, fully ruled, header not repeated): Chromium
    draws no border where a page break cuts a row, so the cut row's cells run to the page's
    foot, and its rest starts at the next page's top, between the column rules alone. The
    grid closes them where the column rules end; before, 7 of the 11 records were lost."""
    produced, result = _layout(1001, corpus_cache, "chromium")
    page_two = next(p for p in read_pdf_layout(produced.pdf) if p.number == 2)
    grids = find_grids(page_two.rules)
    assert [(g.rows, g.columns) for g in grids] == [(2, 6), (3, 6)]
    assert grids[0].box.top < 60  # the rest of page 1's last row, closed at the page's top
    expected = produced.expected.records
    assert len(result.records) == len(expected) == 11
    # Chromium writes sara am as nikhahit + sara aa: the font keeps its sara am, so no
    # "lost sara am" is put back into "บ้านนา" (it read "บ้านนำ")
    results = " ".join(r.cells.result + r.cells.outcome for r in result.records)
    assert "บ้านนา" in results and "บ้านนำ" not in results
    # Chromium's text layer of Sarabun has glyphs without Unicode (the tone mark of "ที่",
    # issue 14): cells are compared with that damage allowed for.
    for want, got in zip(expected, result.records, strict=True):
        for key in KEYS:
            similarity = Levenshtein.normalized_similarity(
                _squash(want.cells[key]), _squash(getattr(got.cells, key))
            )
            assert similarity >= 0.95, (want.section, want.index, key)


@pytest.mark.parametrize("producer", ["libreoffice", "chromium"])
def test_unruled_two_level_header_keeps_its_columns_apart(
    corpus_cache: Path, producer: str
) -> None:
    """s1011 (Norasi 14 pt, landscape, no rules, two-level header): "ผลการดำเนินงาน" stands
    over สรุปผล… and ผลลัพธ์…, and overlapping both it merged them into one column; and the
    header's first line names four columns alone, so the line below it was read as a
    second header."""
    produced, result = _layout(1011, corpus_cache, producer)
    first = next(pdf_pages(produced.pdf, OcrSettings()))
    headers = [i.header for i in read_page_items(first, None) if isinstance(i, TablePart)]
    assert headers == [
        [
            "โครงการ/กิจกรรม/มาตรการ",
            "แนวทางการดำเนินการ",
            "หน่วยงานที่รับผิดชอบ",
            "ระยะเวลา",
            "ผลการดำเนินงาน / สรุปผลการดำเนินการ",
            "ผลการดำเนินงาน / ผลลัพธ์/ความสำเร็จ",
        ]
    ]
    record = result.records[0]
    assert record.cells.responsible == "สำนักปลัด"
    assert _squash(record.cells.period) == _squash(produced.expected.records[0].cells["period"])


@pytest.mark.parametrize("producer", ["libreoffice", "chromium"])
def test_merged_cell_across_a_page_break_fills_the_rows_below_it(
    corpus_cache: Path, producer: str
) -> None:
    """s1008 (Loma 13 pt, portrait, fully ruled, merged measure and responsible cells, no
    repeated header, page numbers). A merged cell printed on page 2 spans its row's rest on
    page 3 and the row below: that row is filled from the cell printed on page 2 (it was
    filled from the empty part on page 3). Chromium draws the merged cell's column rules
    from above the page's top, round the page number "- 8 -", and leaves the rules of the
    other columns apart: the number stays out of the cells, and the row rules still join."""
    produced, result = _layout(1008, corpus_cache, producer)
    expected = produced.expected.records
    assert len(result.records) == len(expected) == 16
    for want, got in zip(expected, result.records, strict=True):
        assert _squash(got.cells.measure) == _squash(want.cells["measure"])
        assert got.cells.responsible == want.cells["responsible"]
        # the record counts a section's rows from 1, the plan from 0
        assert {k: v - 1 for k, v in got.filled_from.items()} == dict(want.filled_from)
    assert not any(re.search(r"-\s*\d+\s*-", r.cells.method) for r in result.records)


def _similar(want: str, got: str | None) -> float:
    return Levenshtein.normalized_similarity(_squash(want), _squash(got))


@pytest.mark.parametrize("producer", ["libreoffice", "chromium"])
def test_partly_ruled_merged_cells_and_a_frame_open_at_the_page_top(
    corpus_cache: Path, producer: str
) -> None:
    """s1032 (Sarabun 14 pt, landscape, outer frame and header rule only, cells set at the
    top, merged measure and responsible cells over two rows, no repeated header). Three
    general causes lost 10 of the 16 records: a merged measure's lines running on past the
    next row's top were split into that row; a row with no measure of its own (it shares
    the merged one) was taken for the rest of the row above; and on a page the break left
    with only the frame's side rules (Chromium draws no rule across the cut), the table's
    rest was not read at all."""
    produced, result = _layout(1032, corpus_cache, producer)
    expected = produced.expected.records
    assert result.status is Status.DONE
    assert len(result.records) == len(expected) == 16
    # Chromium's text layer of Sarabun loses tone marks (issue 14): structure is asserted
    # exactly, text with that damage allowed for.
    floor = 1.0 if producer == "libreoffice" else 0.94
    for want, got in zip(expected, result.records, strict=True):
        for key in KEYS:
            assert _similar(want.cells[key], getattr(got.cells, key)) >= floor, (
                want.section,
                want.index,
                key,
            )
        assert {k: v - 1 for k, v in got.filled_from.items()} == dict(want.filled_from)
    second = result.records[1]  # "๓. เผยแพร่คู่มือ/…", the merged measure's second row
    assert second.filled_from == {"measure": 1, "responsible": 1}
    assert second.cells.responsible == "สำนักปลัด"
    assert _squash(second.cells.method).startswith("๓.เผยแพร่คู่มือ/แนวทางการ")
    assert second.cells.measure == result.records[0].cells.measure


def test_a_label_wrapped_to_a_line_of_its_own_stays_in_the_header(corpus_cache: Path) -> None:
    """Chromium s1009 (Laksaman 18 pt, landscape, no rules, a two-level header and a narrow
    "งบประมาณ (บาท)" column wrapped letter by letter): the ")" alone under the header names
    no column, so matching left it out of the header, and it was read as a body row on
    every page (38 records for 25)."""
    produced, result = _layout(1009, corpus_cache, "chromium")
    headers = []
    for page in pdf_pages(produced.pdf, OcrSettings()):
        if page.number > 2:
            break
        parts = [i for i in read_page_items(page, None) if isinstance(i, TablePart)]
        headers.extend(p.header for p in parts if p.header)
        for part in parts:
            assert not any("".join(ln.text for ln in row[-1].lines) == ")" for row in part.rows), (
                page.number
            )
    assert len(headers) == 2
    # the label closes; its first lines ("งบ", "ประม"), beside the group label above the
    # band, are still left out with it (a known limit)
    assert all(_squash(h[-1]).endswith("าณ(บาท)") for h in headers)
    assert [h[:6] for h in headers] == [
        [
            "มาตรการ/กิจกรรม",
            "แนวทางการดำเนินการ",
            "หน่วยงานที่รับผิดชอบ",
            "ระยะเวลาดำเนินการ",
            "สรุปผลการดำเนินการ",
            "ผลลัพธ์/ความสำเร็จ",
        ]
    ] * 2
    assert len(result.records) == len(produced.expected.records) + 1 == 26


def test_running_title_above_an_open_unruled_table_is_not_a_row(corpus_cache: Path) -> None:
    """Chromium s1019 (Laksaman 14 pt, landscape, no rules, no repeated header, running
    title): the table goes on at the top of page 2 under the running title "รายงานผลการ
    ดำเนินการ ITA", which stands apart in the page's top band; it was read into the cut
    row's outcome (and, once a row with no measure of its own is a new row, became one)."""
    produced, result = _layout(1019, corpus_cache, "chromium")
    assert not any(
        "รายงานผลการดำเนินการ" in (getattr(r.cells, key) or "")
        for r in result.records
        for key in KEYS
    )
    first = result.records[0]
    want = produced.expected.records[0]
    assert _similar(want.cells["outcome"], first.cells.outcome) >= 0.95
    assert _squash(first.cells.outcome).endswith(_squash(want.cells["outcome"])[-12:])


def test_cells_set_in_the_middle_of_unruled_rows_under_merged_cells(corpus_cache: Path) -> None:
    """Chromium s1017 (Garuda 13 pt, landscape, outer frame and header rule only, cells set
    in the middle of their rows, measure and responsible merged over three rows). No cell
    starts at a row top, and the blank bands between rows are closed: the merged measure,
    centred on the rows it spans, runs across them, and the tall method cell of one row
    ends where the tall result cell of the next begins. The three rows were read as one
    (10 of 21 records). A row's cells are centred on one height: rows are found there, and
    the merged measure is filled into the rows it reaches."""
    produced, result = _layout(1017, corpus_cache, "chromium")
    expected = produced.expected.records
    assert result.status is Status.DONE
    for want, got in zip(expected[:4], result.records[:4], strict=True):
        for key in ("measure", "method", "period", "result", "outcome"):
            assert _squash(getattr(got.cells, key)) == _squash(want.cells[key]), (want.index, key)
    first, second, third = result.records[:3]
    assert _squash(second.cells.method).startswith("๒.แจกเวียนให้บุคลากร")
    assert _squash(third.cells.method).startswith("เผยแพร่คู่มือ/แนวทาง")
    assert second.cells.measure == third.cells.measure == first.cells.measure
    assert second.filled_from.get("measure") == third.filled_from.get("measure") == 1
    # The merged responsible unit, one line centred on the middle row, is printed there:
    # the geometry does not say that the first row shares it (a known limit).
    assert second.cells.responsible == "สำนักปลัด"
