"""The work folder (`--keep-work DIR`), end to end: real Tesseract on the bundled scan, the
bundled born-digital PDF, and a page of the scan turned by 90 and 180 degrees.

What is asserted: the folder's files and values; a review page rebuilt after corrections
from the work folder against one rebuilt from the old page's own images (today's way); a
work folder of another file refused, naming both; the cell crop of `serve` on a turned page
showing the cell (read back by Tesseract).
"""

from __future__ import annotations

import difflib
import io
import json
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image
from thaireport.ocr.tesseract import recognize
from thaireport.output.keep_work import MANIFEST, SCHEMA_VERSION, read_keep_work
from thaireport.pipeline.cli import main
from thaireport.pipeline.corrections import load_records
from thaireport.pipeline.document import sha256_of
from thaireport.pipeline.serve.app import Workspace

from tests.fixtures.content import EXAMPLES

SCAN = EXAMPLES / "ita-report-2567-thahin-scan.pdf"
DIGITAL = EXAMPLES / "ita-report-2567-thahin.pdf"
TSV_COLUMNS = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)
_IMAGES = re.compile(r"base64,([A-Za-z0-9+/=]+)")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The scan and the born-digital example read with --keep-work: (outputs, work)."""
    root = tmp_path_factory.mktemp("keep-work")
    out, work = root / "out", root / "work"
    code = main(["extract", str(SCAN), str(DIGITAL), "-o", str(out),
                 "--format", "jsonl,csv,review", "--keep-work", str(work)])  # fmt: skip
    assert code == 0
    return out, work


def _manifest(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return data


@pytest.mark.tesseract
def test_the_scans_work_folder(made: tuple[Path, Path]) -> None:
    out, work = made
    folder = work / SCAN.name  # named as the document's own files are
    manifest = _manifest(folder)
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["sha256"] == sha256_of(SCAN)
    assert manifest["source"] == str(SCAN)
    assert manifest["pages"] == 9
    settings = manifest["settings"]
    assert isinstance(settings, dict)
    assert settings["ocr"]["work_dpi"] == 200 and settings["ocr"]["dpi"] == 300
    pages = manifest["page_files"]
    assert isinstance(pages, list) and [p["number"] for p in pages] == list(range(1, 10))
    records = [r for r in load_records(out).values() if r.source_path == str(SCAN)]
    for page in pages:
        assert page["source"] == "ocr" and page["dpi"] == 200.0 and page["turned"] == 0
        assert abs(page["skew"]) < 3  # the simulated office scan is skewed by a degree or two
        with Image.open(folder / page["image"]) as image:  # as OCR read it, at 200 DPI
            assert image.size == (round(page["width"] * 200 / 72), round(page["height"] * 200 / 72))
        assert (folder / f"page-{page['number']:03d}.tables.png").is_file()
    assert any(p["skew"] != 0 for p in pages)
    # Page 2: its words in Tesseract's columns, and the table reader's steps on it.
    tsv = (folder / "page-002.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0] == TSV_COLUMNS
    texts = {row.split("\t")[11] for row in tsv[1:]}
    assert "E-Service" in texts
    tables = json.loads((folder / "page-002.tables.json").read_text(encoding="utf-8"))
    on_page = {r.record_id for r in records if r.page_first <= 2 <= r.page_last
               and any(loc.page == 2 for locs in r.locations.values() for loc in locs)}  # fmt: skip
    assert {row["record_id"] for row in tables["rows"]} == on_page and on_page
    assert set(tables["columns"]) == {"measure", "method", "responsible", "period", "result",
                                      "outcome"}  # fmt: skip
    low, high = tables["columns"]["measure"]
    assert low < high < tables["columns"]["method"][0]  # measure left of method
    assert tables["grids"] and tables["rules"]
    # The review page names its work folder, so later steps find it.
    review = (out / f"{SCAN.name}.review.html").read_text(encoding="utf-8")
    assert f'"keep_work": "{folder.resolve()}"' in review


@pytest.mark.tesseract
def test_the_born_digital_work_folder(made: tuple[Path, Path]) -> None:
    _, work = made
    folder = work / DIGITAL.name
    kept = read_keep_work(folder, sha256_of(DIGITAL))
    assert len(kept.pages) == 9
    for page in kept.pages:
        # the review page's own render, 96 DPI: no OCR, so no words file or table steps here
        assert page.source == "text-layer" and page.dpi == 96.0 and page.turned == 0
        with Image.open(page.image) as image:
            assert image.width == round(page.width * 96 / 72)
    assert not list(folder.glob("*.tsv"))


def _split(review: Path) -> tuple[list[str], str]:
    text = review.read_text(encoding="utf-8")
    return _IMAGES.findall(text), _IMAGES.sub("base64,IMAGE", text)


@pytest.mark.tesseract
def test_a_review_rebuilt_from_the_work_folder(made: tuple[Path, Path], tmp_path: Path) -> None:
    """After corrections, the page rebuilt from the work folder holds the page images the
    first review page was written with, byte for byte; rebuilt from the old page (today,
    or when the folder is gone) each image is a JPEG of a JPEG. The rest is the same."""
    out, work = made
    kept_out, html_out = tmp_path / "kept", tmp_path / "html"
    shutil.copytree(out, kept_out)
    shutil.copytree(out, html_out)
    record = next(r for r in load_records(out).values() if r.source_path == str(SCAN))
    fixes = tmp_path / "fixes.json"
    text = "ต.ค. ๒๕๖๖ – ก.ย. ๒๕๖๗"
    fixes.write_text(json.dumps([{"record_id": record.record_id, "cell": "period",
                                  "text": text}]), encoding="utf-8")  # fmt: skip
    assert main(["apply-corrections", str(fixes), "-o", str(kept_out),
                 "--keep-work", str(work)]) == 0  # fmt: skip
    moved = tmp_path / "moved"
    (work / SCAN.name).rename(moved)  # the folder its review page names is gone
    try:
        assert main(["apply-corrections", str(fixes), "-o", str(html_out)]) == 0
    finally:
        moved.rename(work / SCAN.name)
    name = f"{SCAN.name}.review.html"
    first, _ = _split(out / name)
    from_work, kept_rest = _split(kept_out / name)
    from_html, html_rest = _split(html_out / name)
    assert len(first) == len(from_work) == len(from_html) == 9
    assert from_work == first
    assert all(a != b for a, b in zip(from_html, first, strict=True))
    assert kept_rest == html_rest
    assert text in kept_rest


@pytest.mark.tesseract
def test_a_work_folder_of_another_file_is_refused(
    made: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, work = made
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = (copy / "records.jsonl").read_bytes()
    record = next(r for r in load_records(out).values() if r.source_path == str(SCAN))
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps([{"record_id": record.record_id, "cell": "measure"}]))
    capsys.readouterr()
    code = main(["apply-corrections", str(fixes), "-o", str(copy),
                 "--keep-work", str(work / DIGITAL.name)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "the work folder is of another source file" in err
    assert str(DIGITAL) in err and str(work / DIGITAL.name) in err  # the folder and its file
    assert sha256_of(SCAN)[:12] in err  # and the document the outputs are of
    assert (copy / "records.jsonl").read_bytes() == before  # nothing written


def _turned_scan(tmp_path: Path, degrees: int) -> Path:
    """Page 2 of the bundled scan (its own 200 DPI image), turned clockwise."""
    document = pdfium.PdfDocument(SCAN)
    try:
        page = document[1]
        (image_object,) = page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1)
        image = image_object.get_bitmap(render=False).to_pil()
    finally:
        document.close()
    target = tmp_path / f"scan-turned-{degrees}.pdf"
    image.rotate(-degrees, expand=True).save(target, "PDF", resolution=200)
    return target


def _crop_text(out: Path, keep_work: Path | None = None) -> tuple[str, str]:
    """What Tesseract reads in serve's crop of the first measure cell, and the cell's text."""
    records = sorted(load_records(out).values(), key=lambda r: r.record_index)
    record = next(r for r in records if r.locations.get("measure"))
    data = Workspace(out, 70.0, keep_work).crop(record, "measure")
    assert data is not None
    crop = Image.open(io.BytesIO(data))
    read = recognize(crop.convert("L"), dpi=200)
    return "".join(g.text for line in read.lines for g in line.glyphs), record.cells.measure


def _shows(read: str, cell: str) -> int:
    """The longest stretch of the cell's letters found in the crop's reading."""
    cell = re.sub(r"\s", "", cell)
    return difflib.SequenceMatcher(None, cell, read, autojunk=False).find_longest_match().size


@pytest.mark.tesseract
@pytest.mark.parametrize("degrees", [90, 180])
def test_a_turned_pages_crop_shows_its_cell(tmp_path: Path, degrees: int) -> None:
    source = _turned_scan(tmp_path, degrees)
    out, work = tmp_path / "out", tmp_path / "work"
    assert main(["extract", str(source), "-o", str(out), "--format", "jsonl,review",
                 "--keep-work", str(work)]) == 0  # fmt: skip
    undo = (360 - degrees) % 360  # clockwise degrees that put it upright again
    review = (out / f"{source.name}.review.html").read_text(encoding="utf-8")
    assert f'"turned": {{"1": {undo}}}' in review  # kept in what review and serve read
    (page,) = read_keep_work(work / source.name).pages
    assert page.turned == undo
    read, cell = _crop_text(out)
    assert _shows(read, cell) >= 15, read
    # the same from the work folder alone, the source file moved away
    source.rename(tmp_path / "elsewhere.pdf")
    read, cell = _crop_text(out, work)
    assert _shows(read, cell) >= 15, read


def test_a_batchs_work_folders_by_content(tmp_path: Path) -> None:
    """`batch --keep-work DIR`: DIR/<sha256>/ per document, as its other files are named;
    apply-corrections finds it from the review page and rebuilds from its images."""
    tree = tmp_path / "in" / "province"
    tree.mkdir(parents=True)
    shutil.copy(DIGITAL, tree / DIGITAL.name)
    out, work = tmp_path / "out", tmp_path / "work"
    assert main(["batch", str(tmp_path / "in"), "-o", str(out), "--keep-work", str(work),
                 "--document-jobs", "1"]) == 0  # fmt: skip
    sha = sha256_of(DIGITAL)
    kept = read_keep_work(work / sha, sha)
    assert kept.source.endswith(f"province/{DIGITAL.name}")
    assert [p.number for p in kept.pages] == list(range(1, 10))
    review = out / "docs" / f"{sha}.review.html"
    first, _ = _split(review)
    record = next(iter(load_records(out).values()))
    fixes = tmp_path / "fixes.json"
    fixes.write_text(json.dumps([{"record_id": record.record_id, "cell": "measure",
                                  "text": "แก้ไขแล้ว"}]), encoding="utf-8")  # fmt: skip
    assert main(["apply-corrections", str(fixes), "-o", str(out)]) == 0
    images, rest = _split(review)
    assert images == first and "แก้ไขแล้ว" in rest
