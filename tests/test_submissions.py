"""Whole submissions (issue 16): DOCX/ODT/.doc input, documents without a measure table,
every table kept, partial results when a page cannot be read."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from thaireport.extract.header import COLUMN_KEYS
from thaireport.pipeline.document import Status, process_document

from tests.conftest import fold
from tests.fixtures.content import EXAMPLES, ReportContent
from tests.fixtures.docx_report import MONTHS, write_docx
from tests.fixtures.letter import LETTER_PAGES, letter_images, render_letter
from tests.fixtures.pdfgen import VARIANTS, render_report
from tests.fixtures.scan import image_only_pdf, scan_pages
from thaireport.settings import OcrSettings, Settings

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
EXAMPLE_PDF = EXAMPLES / "ita-report-2567-thahin.pdf"
SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is absent")


def thaireport(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("thaireport", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "thaireport"]
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def libreoffice(source: Path, target: str, folder: Path) -> Path:
    """`source` converted by LibreOffice (a real producer) to `target` ("pdf", "doc", "odt")."""
    profile = folder / f"profile-{target}"
    subprocess.run(
        [
            str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--convert-to", target, "--outdir", str(folder), str(source),
        ],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return folder / f"{source.stem}.{target}"


def cells_of(records: list[Any]) -> list[tuple[str, dict[str, str]]]:
    """Section heading and cells of each record, whitespace folded: a DOCX holds the
    paragraphs its typist made, a PDF reader infers line ends from the layout."""
    return [
        (r.section.heading, {k: fold(v) for k, v in r.cells.model_dump().items()}) for r in records
    ]


@pytest.fixture(scope="module")
def docx_report(tmp_path_factory: pytest.TempPathFactory, content: ReportContent) -> Path:
    folder = tmp_path_factory.mktemp("docx")
    return write_docx(content, folder / "report.docx", font="Noto Sans Thai", month_grid=True)


# --------------------------------------------------------------------------- DOCX input


def test_docx_gives_the_records_of_the_same_report_as_a_pdf(docx_report: Path) -> None:
    docx = process_document(docx_report)
    pdf = process_document(EXAMPLE_PDF)
    assert docx.status is Status.DONE and docx.kind is not None and docx.kind.value == "docx"
    assert len(docx.records) == len(pdf.records) == 11
    assert cells_of(docx.records) == cells_of(pdf.records)
    for a, b in zip(docx.records, pdf.records, strict=True):
        assert a.normalized.period_start == b.normalized.period_start
        assert a.normalized.period_end == b.normalized.period_end
        assert a.section.number_printed_value == b.section.number_printed_value
        assert a.fiscal_year == b.fiscal_year
    assert {r.source_kind for r in docx.records} == {"document-file"}
    assert docx.records[0].section.heading.startswith("ประเด็นที่")
    assert docx.metadata is not None
    assert docx.metadata.organization == "องค์การบริหารส่วนตำบลท่าหิน"


def test_docx_month_grid_is_kept_as_a_generic_table(docx_report: Path) -> None:
    result = process_document(docx_report)
    (grid,) = result.tables
    assert grid.kind == "month-grid"
    assert grid.heading == "แผนปฏิบัติการป้องกันการทุจริต (แบบ ผด. ๐๒)"
    assert len(grid.header) == 2 and grid.header[1][3:] == MONTHS  # months under "พ.ศ. ๒๕๖๗"
    assert grid.header[0][:4] == ("ที่", "โครงการ", "งบประมาณ", "พ.ศ. ๒๕๖๗")
    assert [row.cells[1].text for row in grid.rows] == [
        "โครงการอบรมคุณธรรมจริยธรรม",
        "โครงการเผยแพร่ข้อมูลข่าวสาร",
    ]
    assert [row.cells[3 + n].text for n, row in enumerate(grid.rows, start=2)] == ["✓", "✓"]


def test_docx_cells_merged_down_are_filled_down(tmp_path: Path, content: ReportContent) -> None:
    path = write_docx(content, tmp_path / "merged.docx", merge_unit=True)
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "<w:vMerge/>" in body or 'w:vMerge w:val="continue"' in body  # really merged
    result = process_document(path)
    assert result.status is Status.DONE
    by_section: dict[str, list[str]] = {}
    for record in result.records:
        by_section.setdefault(record.section.heading, []).append(record.cells.responsible)
    merged = [units for units in by_section.values() if len(units) > 1]
    assert merged, "the fixture merges a unit over at least one section's rows"
    unit = COLUMN_KEYS.index("responsible")
    expected = {s.heading: s.rows[0][unit] for s in content.sections}
    for heading, units in by_section.items():
        assert units == [expected[heading]] * len(units), heading


@needs_libreoffice
@pytest.mark.slow
def test_odt_and_word97_through_libreoffice_give_the_docx_records(
    docx_report: Path, tmp_path: Path
) -> None:
    expected = cells_of(process_document(docx_report).records)
    for target in ("odt", "doc"):
        converted = libreoffice(docx_report, target, tmp_path)
        result = process_document(converted)
        assert result.status is Status.DONE, result.error
        assert result.kind is not None and result.kind.value == target
        assert cells_of(result.records) == expected, target
        if target == "odt":  # LibreOffice's Word 97 filter writes the merged grid as a paragraph
            assert [t.kind for t in result.tables] == ["month-grid"]


def test_word97_without_libreoffice_is_a_named_missing_dependency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 header
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = process_document(doc)
    assert result.status is Status.FAILED and result.error is not None
    assert result.error.kind == "missing-dependency"
    assert "LibreOffice" in result.error.message and str(doc) in str(result.error)
    assert "libreoffice-writer-nogui" in (result.error.hint or "")


def test_a_misnamed_docx_fails_alone_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "minutes.docx"
    path.write_text("บันทึกการประชุม", encoding="utf-8")
    result = process_document(path)
    assert result.status is Status.FAILED and result.error is not None
    assert "not a DOCX document" in result.error.message and str(path) in str(result.error)


_THAI_SPACE = re.compile(r"(?<=[\u0e00-\u0e7f]) (?=[\u0e00-\u0e7f])")


def thai_cells_of(records: list[Any]) -> list[tuple[str, dict[str, str]]]:
    """`cells_of`, with a space between two Thai characters taken out: where LibreOffice
    wraps a line at a space between Thai words it draws no glyph for it (measured: no space
    character at any wrapped line's end), and a line end inside a Thai run looks the same,
    so the PDF does not hold those spaces; everywhere else it does."""
    return [
        (_THAI_SPACE.sub("", heading), {k: _THAI_SPACE.sub("", v) for k, v in cells.items()})
        for heading, cells in cells_of(records)
    ]


@needs_libreoffice
@pytest.mark.slow
def test_docx_gives_the_records_of_its_libreoffice_pdf(docx_report: Path, tmp_path: Path) -> None:
    pdf = libreoffice(docx_report, "pdf", tmp_path)
    got, expected = (
        thai_cells_of(process_document(pdf).records),
        thai_cells_of(process_document(docx_report).records),
    )
    headings = [h for h, _ in got]
    assert len(headings) == 11 and any("การใช้อำนาจ" in h for h in headings)  # a mark kept
    flat = [(k, a[k], b[k]) for (_, a), (_, b) in zip(got, expected, strict=True) for k in a]
    differ = [(k, a, b) for k, a, b in flat if a != b]
    # Spaces dropped where a line was wrapped are back: "(Do's Don'ts)", "No Gift Policy",
    # "พ.ศ. ๒๕๖๗", "ต่างๆ เพื่อ", and a word cut over two lines is whole ("Facebook").
    joined = " ".join(a for _, a, _ in flat)
    for text in ("(Do's Don'ts)", "(No Gift Policy)", "พ.ศ. ๒๕๖๗", "Line, Facebook)"):
        assert text in joined, text
    # What is left (4 of 66 cells and "E - Service" in a heading), said here so a change
    # shows: a hyphen LibreOffice draws after the word it is in ("e - service"), a URL cut
    # before the next word, a line ended after "/" that the wrap test takes for a real
    # line end ("ขณะ/ ก่อน").
    assert len(flat) == 66 and len(differ) <= 4, differ


@needs_libreoffice
@pytest.mark.slow
@pytest.mark.xfail(
    reason="measured (issue 14, against the DOCX's own cells): Laksaman 9 of 66 differ"
    " (a space LibreOffice sets in"
    " 'อบต. ท่าหิน' inside a line; lines ended after an attached '/' taken for real line ends),"
    " Garuda 37 and Sarabun 22 (rows cut apart and merged: the table reader's, not the text"
    " layer's)",
    strict=False,
)
@pytest.mark.parametrize("font", ["Garuda", "Laksaman", "Sarabun"])
def test_libreoffice_pdf_in_each_thai_face_gives_the_text_exports_cells(
    font: str, content: ReportContent, tmp_path: Path
) -> None:
    docx = write_docx(content, tmp_path / f"report-{font}.docx", font=font)
    pdf = libreoffice(docx, "pdf", tmp_path)
    export = process_document(EXAMPLES / "ita-report-2567-thahin.txt")
    assert thai_cells_of(process_document(pdf).records) == thai_cells_of(export.records)


# --------------------------------------------------------------------------- a whole folder


@pytest.fixture(scope="module")
def submission(
    tmp_path_factory: pytest.TempPathFactory, docx_report: Path
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("submission") / "in"
    (root / "letters").mkdir(parents=True)
    render_letter(root / "letters" / "cover-letter.pdf")
    (root / "reports").mkdir()
    shutil.copy(EXAMPLE_PDF, root / "reports" / "report.pdf")
    shutil.copy(docx_report, root / "reports" / "report.docx")
    if REAL.is_dir():
        (root / "real").mkdir()
        for name in ("hospital-policy-word2010.pdf", "phitsanulok-action-plan-2567.pdf"):
            shutil.copy(REAL / name, root / "real" / name)
    out = root.parent / "out"
    result = thaireport(
        "batch", root, "-o", out, "--jobs", "2", "--format", "jsonl,sqlite,alto,pdf,text"
    )
    return root, out, result


def documents(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["path"]: d for d in map(json.loads, lines)}


@pytest.mark.tesseract
def test_a_submission_folder_reads_everything_readable(
    submission: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, out, result = submission
    assert result.returncode == 0, result.stderr  # the only non-done files are no-table
    index = documents(out)
    assert index["reports/report.pdf"]["status"] == "done"
    assert index["reports/report.docx"]["status"] == "done"
    assert index["reports/report.docx"]["records"] == index["reports/report.pdf"]["records"] == 11
    letter = index["letters/cover-letter.pdf"]
    assert letter["status"] == "no-table" and letter["error"]["kind"] == "no-table"
    assert letter["metadata"]["reference"] == "ชพ ๗๕๓๐๑/๑๒๓"
    assert letter["metadata"]["date"] == "2024-01-15"
    assert letter["metadata"]["organization"] == "องค์การบริหารส่วนตำบลท่าหิน"
    assert "ส่งรายงานผลการดำเนินการ" in (letter["metadata"]["title"] or "")
    assert "without a measure table" in result.stderr
    assert not [d for d in index.values() if d["status"] == "failed"]


@pytest.mark.tesseract
def test_a_letter_gets_alto_for_every_page_a_searchable_pdf_and_its_text(
    submission: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, out, _ = submission
    letter = documents(out)["letters/cover-letter.pdf"]
    base = out / "docs" / letter["sha256"]
    assert sorted(p.name for p in base.glob("page-*.alto.xml")) == [
        "page-001.alto.xml",
        "page-002.alto.xml",
    ]
    assert "ขอแสดงความนับถือ" in (base / "page-002.alto.xml").read_text(encoding="utf-8")
    import pdfplumber

    with pdfplumber.open(base.with_suffix(".searchable.pdf")) as pdf:
        assert len(pdf.pages) == 2
        assert "องค์การบริหารส่วนตำบลท่าหิน" in (pdf.pages[0].extract_text() or "")
    text = base.with_suffix(".txt").read_text(encoding="utf-8")
    pages = text.split("\f")
    assert len(pages) == 2
    assert pages[0].lstrip().startswith("ที่ ชพ ๗๕๓๐๑/๑๒๓")
    assert "สิ่งที่ส่งมาด้วย" in pages[0] and "ขอแสดงความนับถือ" in pages[1]


@pytest.mark.tesseract
def test_tables_that_are_not_measure_tables_are_in_tables_jsonl_and_sqlite(
    submission: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    root, out, _ = submission
    index = documents(out)
    lines = [json.loads(t) for t in (out / "tables.jsonl").read_text("utf-8").splitlines()]
    # source_path as the records have it: INPUT_DIR as given, and the path below it
    docx = [t for t in lines if t["source_path"] == str(root / "reports" / "report.docx")]
    assert [t["kind"] for t in docx] == ["month-grid"]
    assert docx[0]["document_id"] == index["reports/report.docx"]["sha256"]
    assert not [t for t in lines if t["source_path"] == str(root / "reports" / "report.pdf")]
    db = sqlite3.connect(out / "records.sqlite")
    try:
        stored = db.execute("SELECT table_id, kind FROM tables ORDER BY table_id").fetchall()
    finally:
        db.close()
    assert sorted((t["table_id"], t["kind"]) for t in lines) == sorted(stored)
    if REAL.is_dir():
        plan_path = str(root / "real" / "phitsanulok-action-plan-2567.pdf")
        plan = [t for t in lines if t["source_path"] == plan_path]
        grids = [t for t in plan if t["kind"] == "month-grid"]
        assert len(grids) >= 8  # the ผด. 02 pages, one table a page
        assert all(t["box"] and len(t["pages"]) == 1 and len(t["header"]) == 2 for t in grids)
        assert all(t["header"][0][0] == "ที่" and t["header"][0][1] == "โครงการ" for t in grids)
        assert index["real/phitsanulok-action-plan-2567.pdf"]["status"] == "no-table"
        notice = index["real/hospital-policy-word2010.pdf"]
        assert notice["status"] == "no-table"
        assert "นโยบายความปลอดภัย" in notice["metadata"]["title"]


@pytest.mark.tesseract
def test_strict_makes_documents_without_a_table_fail_the_exit_status(
    submission: tuple[Path, Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    root, out, _ = submission
    again = tmp_path / "out"
    shutil.copytree(out, again)
    result = thaireport("batch", root, "-o", again, "--strict")
    assert result.returncode == 1, result.stderr
    assert "0 read in this run" in result.stderr  # settled: not read again


# --------------------------------------------------------------------------- partial results


def fake_tesseract(folder: Path, mode: str) -> Path:
    """A `tesseract` that fails on a landscape page ("crash": dies as a segfault does;
    "hang": sleeps) and hands every other call to the real program: the portrait pages, and
    the strips of phrases OCR reads again (wide, but a few lines high)."""
    real = shutil.which("tesseract")
    assert real is not None
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "tesseract"
    script.write_text(
        f"""#!{sys.executable}
import os, sys, time
args = sys.argv[1:]
if args and args[0].endswith(".pnm"):
    with open(args[0], "rb") as handle:
        width, height = (int(v) for v in handle.read(64).split()[1:3])
    if width > height > 1000:
        if {mode!r} == "hang":
            time.sleep(600)
        sys.stderr.write("Segmentation fault (core dumped)\\n")
        sys.exit(139)
os.execv({real!r}, ["tesseract", *args])
""",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture(scope="module")
def scan_with_annex(tmp_path_factory: pytest.TempPathFactory, content: ReportContent) -> Path:
    """A scanned one-section report (page 1) with a landscape annex (page 2)."""
    folder = tmp_path_factory.mktemp("partial")
    one = ReportContent(content.title_lines, content.sections[1:2])
    small = render_report(one, folder / "one.pdf", VARIANTS["portrait"])
    (page,) = scan_pages(small, "clean200")[:1]
    annex = letter_images((LETTER_PAGES[1],), dpi=page.dpi, landscape={1})[0]
    return image_only_pdf([page.image, annex], folder / "scan-with-annex.pdf", page.dpi)


@pytest.mark.tesseract
def test_a_page_that_crashes_tesseract_leaves_the_document_partial(
    scan_with_annex: Path, tmp_path: Path
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(scan_with_annex, root / "scan.pdf")
    path = f"{fake_tesseract(tmp_path / 'bin', 'crash')}{os.pathsep}{os.environ['PATH']}"
    out = tmp_path / "out"
    result = thaireport("batch", root, "-o", out, "--format", "jsonl,alto", env={"PATH": path})
    assert result.returncode == 1, result.stderr  # partial: not everything was read
    assert "partial: scan.pdf" in result.stderr and "page 2" in result.stderr
    row = documents(out)["scan.pdf"]
    assert row["status"] == "partial" and row["error"]["kind"] == "partial"
    assert "page 2" in row["error"]["message"] and "OCR failed" in row["error"]["message"]
    records = [json.loads(r) for r in (out / "records.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == row["records"] >= 1  # page 1's rows are written
    assert {r["page_first"] for r in records} == {1}
    failed = [w for w in records[0]["warnings"] if w["code"] == "page-failed"]
    assert len(failed) == 1 and failed[0]["message"].startswith("page 2: OCR failed")
    alto = sorted(p.name for p in (out / "docs" / row["sha256"]).glob("*.alto.xml"))
    assert alto == ["page-001.alto.xml"]

    strict = tmp_path / "strict"
    aborted = thaireport("batch", root, "-o", strict, "--abort-on-error", env={"PATH": path})
    assert aborted.returncode == 1
    row = documents(strict)["scan.pdf"]
    assert row["status"] == "failed" and "page 2" in row["error"]["message"]
    assert (strict / "records.jsonl").read_text() == ""


@pytest.mark.tesseract
def test_a_page_that_hangs_tesseract_times_out_alone(
    scan_with_annex: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = fake_tesseract(tmp_path / "bin", "hang")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # long enough for the real pages on a loaded machine; the hung one is stopped at it
    settings = Settings(ocr=OcrSettings(jobs=1, timeout=40))
    result = process_document(scan_with_annex, settings)
    assert result.status is Status.PARTIAL, result.error
    assert result.failed_pages == {2: "OCR failed: tesseract took longer than 40 s"}
    assert result.records and all(r.page_first == 1 for r in result.records)
    assert [p.number for p in result.ocr_pages] == [1]
