"""Tests of the fixture PDF generator (tests/fixtures/pdfgen.py) and its PUA shaping."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from tests.fixtures.content import ReportContent, SectionContent
from tests.fixtures.pdfgen import VARIANTS, Variant, column_bounds, render_report, wrap_text
from tests.fixtures.pua import PUA_TO_UNICODE, to_word_pua

EXAMPLE = Path("/work/shared/examples/ita-report-2567-thahin.txt")
if not EXAMPLE.exists():  # the repo copy, if the lead adds one
    EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ita-report-2567-thahin.txt"

CID = re.compile(r"\(cid:\d+\)")
MEASURE, METHOD, RESPONSIBLE, PERIOD, RESULT, OUTCOME = range(6)


# --------------------------------------------------------------------------- content


def _clean_cell(cell: str) -> str:
    cell = re.sub(r"</p>\s*<p>", "\n", cell)  # paragraphs are real line ends
    cell = re.sub(r"<[^>]+>", "", cell)
    return "\n".join(line.strip() for line in cell.strip().split("\n"))


def _load_sections() -> tuple[tuple[str, ...], list[SectionContent]]:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    title = tuple(line.strip() for line in lines[:12] if line.strip())
    sections: list[tuple[str, list[tuple[str, ...]]]] = []
    for line in lines[12:]:
        if line.startswith("ประเด็นที่"):
            sections.append((line.strip(), []))
        elif "\t" in line and sections:
            sections[-1][1].append(tuple(_clean_cell(c) for c in line.split("\t")))
    return title, [SectionContent(h, rows[0], tuple(rows[1:])) for h, rows in sections if rows]


@pytest.fixture(scope="module")
def content() -> ReportContent:
    title, sections = _load_sections()
    by_number = {s.heading.split()[1]: s for s in sections}
    s1 = by_number["๑"]
    picked = (
        s1,  # three rows, the first one long
        by_number["๓"],
        by_number["๕"],  # cells made of <p> paragraphs
        by_number["๗"],  # "No Gift Policy", a very long result cell
    )
    return ReportContent(title_lines=title, sections=picked)


@pytest.fixture(scope="module")
def rendered(content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdfgen")
    return {name: render_report(content, out / f"{name}.pdf", v) for name, v in VARIANTS.items()}


# --------------------------------------------------------------------------- helpers


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", CID.sub("", text))


def _stream_text(page: pdfplumber.page.Page) -> str:
    """The page's chars in content-stream order (pdfplumber's extract_text sorts by x)."""
    return "".join(c["text"] for c in page.chars)


def _column_texts(path: Path, variant: Variant) -> list[list[str]]:
    """[page][column] -> compact stream-order text of that column's strip."""
    cols = column_bounds(variant)
    out: list[list[str]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            texts = []
            for x0, x1 in cols:
                strip = page.crop((x0 + 0.5, 0, x1 - 0.5, page.height), strict=False)
                texts.append(_compact(_stream_text(strip)))
            out.append(texts)
    return out


def _split_cells(
    path: Path, variant: Variant, content: ReportContent
) -> list[tuple[int, int, int]]:
    """(section index, page index, column) of every body cell whose text runs onto the next page."""
    pages = _column_texts(path, variant)
    found = []
    for si, section in enumerate(content.sections):
        for row in section.rows:
            for col in (MEASURE, METHOD, RESULT, OUTCOME):
                text = _compact(row[col]) if col < len(row) else ""
                if len(text) < 40:
                    continue
                for pi in range(len(pages) - 1):
                    here, there = pages[pi][col], pages[pi + 1][col]
                    if (
                        text not in here
                        and text not in there
                        and text[:15] in here
                        and text[-15:] in there
                    ):
                        found.append((si, pi, col))
    return found


# --------------------------------------------------------------------------- the generator


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_page_geometry(name: str, rendered: dict[str, Path]) -> None:
    v = VARIANTS[name]
    with pdfplumber.open(rendered[name]) as pdf:
        assert len(pdf.pages) >= 2
        w, h = pdf.pages[0].width, pdf.pages[0].height
    short, long_ = sorted((w, h))
    if v.page_format == "A4":
        assert (round(short), round(long_)) == (595, 842)
    else:
        assert isinstance(v.page_format, tuple)
        assert (round(short), round(long_)) == tuple(round(d * 72 / 25.4) for d in v.page_format)
        assert (round(short), round(long_)) == (420, 595)
    assert (w > h) == (v.orientation == "L")


@pytest.mark.parametrize("name", sorted(n for n, v in VARIANTS.items() if not v.pua))
def test_text_layer_has_the_words(name: str, rendered: dict[str, Path]) -> None:
    with pdfplumber.open(rendered[name]) as pdf:
        stream = "".join(_stream_text(p) for p in pdf.pages)
    text = CID.sub("", stream)
    assert "ประเด็นที่ ๑" in text
    assert "สำนักปลัด" in text
    assert "No Gift Policy" in text
    assert "www.thahin.go.th" in text
    assert not any(0xF700 <= ord(c) <= 0xF8FF for c in text)


def test_fpdf2_sarabun_text_layer_facts(rendered: dict[str, Path]) -> None:
    """What fpdf2 + HarfBuzz + Sarabun put in the text layer (the extractor must cope).

    * no U+0000 at all, neither in pdfminer's (pdfplumber's) chars nor in pdfium's text;
    * HarfBuzz decomposes ำ into nikhahit + sara aa glyphs; fpdf2 maps the first glyph to ำ
      and gives the second no ToUnicode entry, so pdfminer yields a literal "(cid:N)" after
      every ำ and pdfium a control character (the raw CID);
    * marks are zero-width glyphs whose origin is at (or just right of) the base's right
      edge, so sorting chars by x (pdfplumber's extract_text) can move a mark after the next
      consonant; content-stream order is right.
    """
    path = rendered["portrait"]
    with pdfplumber.open(path) as pdf:
        chars = [c["text"] for p in pdf.pages for c in p.chars]
    stream = "".join(chars)
    doc = pdfium.PdfDocument(path)
    try:
        pdfium_text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    assert stream.count("\x00") == 0
    assert pdfium_text.count("\x00") == 0
    n_am = stream.count("ำ")
    assert n_am > 50
    assert len(re.findall(r"ำ\(cid:\d+\)", stream)) == n_am
    assert sum(1 for c in pdfium_text if c < " " and c not in "\r\n\t") >= n_am


def test_break_variants_split_rows_across_pages(
    rendered: dict[str, Path], content: ReportContent
) -> None:
    n_sections = len(content.sections)
    for name, repeat in (("break_repeat", True), ("break_norepeat", False)):
        v = VARIANTS[name]
        splits = _split_cells(rendered[name], v, content)
        assert len({si for si, _, _ in splits}) >= 2, (name, splits)
        pages = _column_texts(rendered[name], v)
        headers = sum(p[OUTCOME].count("ผลลัพธ์หรือความสำเร็จ") for p in pages)
        if repeat:
            assert headers > n_sections
        else:
            assert headers == n_sections


def test_continuation_row_starts_with_empty_left_cells(
    rendered: dict[str, Path], content: ReportContent
) -> None:
    """Some continuation page has its first table lines only in the right-hand columns."""
    v = VARIANTS["break_norepeat"]
    cols = column_bounds(v)
    top_margin = v.margins[1] / 25.4 * 72
    seen = False
    with pdfplumber.open(rendered["break_norepeat"]) as pdf:
        for page in pdf.pages[1:]:
            chars = [c for c in page.chars if c["text"].strip()]
            first_top = min(c["top"] for c in chars)
            if first_top > top_margin + 20:
                continue
            first_line = [c for c in chars if abs(c["top"] - first_top) < 3]
            left_cols = {
                i for i, (x0, x1) in enumerate(cols) if any(x0 <= c["x0"] < x1 for c in first_line)
            }
            if MEASURE not in left_cols and (RESULT in left_cols or OUTCOME in left_cols):
                seen = True
    assert seen


def test_keep_rows_never_splits_a_row(rendered: dict[str, Path], content: ReportContent) -> None:
    assert _split_cells(rendered["keep_rows"], VARIANTS["keep_rows"], content) == []


def _inner_vertical_edges(page: pdfplumber.page.Page, variant: Variant) -> list[float]:
    cols = column_bounds(variant)
    left, right = cols[0][0], cols[-1][1]
    return [
        e["x0"] for e in page.edges if e["orientation"] == "v" and left + 2 < e["x0"] < right - 2
    ]


def test_unruled_has_frame_and_header_rule_only(rendered: dict[str, Path]) -> None:
    v = VARIANTS["unruled"]
    with pdfplumber.open(rendered["unruled"]) as pdf:
        for page in pdf.pages:
            assert _inner_vertical_edges(page, v) == []
            assert any(e["orientation"] == "v" for e in page.edges)  # the frame
            hs = {round(e["top"]) for e in page.edges if e["orientation"] == "h"}
            # frame top + bottom and a header rule per table part: never a rule per row
            assert len(hs) <= 3 * 3
    with pdfplumber.open(rendered["portrait"]) as pdf:
        xs = {round(x) for x in _inner_vertical_edges(pdf.pages[0], VARIANTS["portrait"])}
    inner = {round(x0) for x0, _ in column_bounds(VARIANTS["portrait"])[1:]}
    assert inner <= xs


def test_pua_variant_text_layer(rendered: dict[str, Path]) -> None:
    with pdfplumber.open(rendered["pua"]) as pdf:
        stream = "".join(_stream_text(p) for p in pdf.pages)
    doc = pdfium.PdfDocument(rendered["pua"])
    try:
        pdfium_text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    pua = {c for c in stream if 0xF700 <= ord(c) <= 0xF71A}
    assert {"\uf70a", "\uf70b", "\uf702"} <= pua  # low mai ek, low mai tho, left sara ii
    assert any(0xF700 <= ord(c) <= 0xF71A for c in pdfium_text)
    assert pua <= set(PUA_TO_UNICODE)
    assert "\u0e4d\uf70a\u0e32" not in stream  # nikhahit goes before the (high) tone mark
    assert "ม\u0e4d\u0e48\u0e32" in stream  # สม่ำเสมอ, sara am split
    assert "เเผน" in stream
    assert "(cid:" not in stream  # no shaping, no decomposed glyphs


def test_deterministic(content: ReportContent, tmp_path: Path) -> None:
    small = ReportContent(content.title_lines, content.sections[:1])
    a = render_report(small, tmp_path / "a.pdf", VARIANTS["portrait"]).read_bytes()
    b = render_report(small, tmp_path / "b.pdf", VARIANTS["portrait"]).read_bytes()
    assert a == b


# --------------------------------------------------------------------------- wrapping


def _w(text: str) -> float:
    return float(sum(0 if c in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e48\u0e49" else 1 for c in text))


def test_wrap_breaks_between_words_and_hangs_spaces() -> None:
    lines = wrap_text("จัดทำคู่มือ ประชาสัมพันธ์ให้บุคลากร", 12, _w)
    assert all(not line.startswith(" ") for line in lines)
    assert lines[0].endswith(" ")  # the space at the break stays on the first line
    assert "".join(lines) == "จัดทำคู่มือ ประชาสัมพันธ์ให้บุคลากร"
    assert all(_w(line.rstrip()) <= 12 for line in lines)


def test_wrap_newline_and_long_word() -> None:
    lines = wrap_text("๑. ก\n๒. ข", 50, _w)
    assert lines == ["๑. ก", "๒. ข"]
    lines = wrap_text("www.thahin.go.th", 5, _w)
    assert "".join(lines) == "www.thahin.go.th"
    assert all(_w(line) <= 5 for line in lines)
    split = wrap_text("ที่ที่ที่ที่", 2, _w)  # never separates a mark from its base
    assert all(not ("\u0e31" <= line[0] <= "\u0e4e") for line in split if line)


# --------------------------------------------------------------------------- PUA shaping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ก่", "ก\uf70a"),  # tone on a plain consonant -> low
        ("ที่", "ที่"),  # tone above an upper vowel stays
        ("ป่า", "ป\uf705า"),  # tone on ป -> down-left
        ("ปี่", "ป\uf702\uf713"),  # upper vowel and tone after ป -> left
        ("ฟัน", "ฟ\uf710น"),
        ("ญุ", "\uf70fุ"),  # ญ loses its descender before a below vowel
        ("ฐุ", "\uf700ุ"),
        ("ฎุ", "ฎ\uf718"),  # below vowel under ฎ -> lower
        ("ฤๅ", "ฤๅ"),
        ("สำนัก", "สำนัก"),
        ("น้ำ", "น\u0e4d\u0e49\u0e32"),  # sara am after a tone mark: decomposed, reordered
        ("แผน และ", "เเผน และ"),
    ],
)
def test_to_word_pua(text: str, expected: str) -> None:
    assert to_word_pua(text) == expected


def test_to_word_pua_is_word_local() -> None:
    words = ["ประชาสัมพันธ์", " ", "น้ำ", "ประปา", "แผนการ", "ปฏิบัติ", "ผู้รับผิดชอบ"]
    assert to_word_pua("".join(words)) == "".join(to_word_pua(w) for w in words)
