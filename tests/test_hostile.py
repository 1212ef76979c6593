"""Hostile inputs: decompression bombs (images, TIFF frames, PDF pages rendered at high DPI,
images embedded in PDFs), PDFs of thousands of pages or objects, tables of hundreds of
columns or rows, file names with Thai and shell characters, and output names that try to
leave the output directory.

Whatever comes in, the outcome is specific: records, or an error naming the file (and page)
that fails that input alone; memory and time stay bounded (measured in a child process, whose
peak memory is its own), and nothing is written outside `-o DIR`.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image, PngImagePlugin
from thaireport.extract.sources import MAX_PAGE_PIXELS
from thaireport.output.atomic import MAX_NAME_BYTES, safe_name

from tests.fixtures.content import EXAMPLE_EXPORT, ReportContent, SectionContent, example_content
from tests.fixtures.pdfgen import DEFAULT_FRACTIONS, VARIANTS, render_report
from tests.test_batch import png_bomb
from tests.test_cli import thaireport

MB = 1024 * 1024


def measured(code: str, timeout: float = 600) -> dict[str, Any]:
    """Run `code` (which sets `result`, a dict) in a fresh Python; add its time and peak
    memory. A child of its own, so the peak is this input's, not the test run's."""
    script = "\n".join(
        [
            "import json, sys, time",
            "from pathlib import Path",
            f"sys.path.insert(0, {str(Path(__file__).parents[1])!r})",
            "started = time.perf_counter()",
            code,
            'result["seconds"] = time.perf_counter() - started',
            # VmHWM, not ru_maxrss: that one keeps the parent's peak across fork and exec
            "status = Path('/proc/self/status').read_text()",
            "peak = next(ln for ln in status.splitlines() if ln.startswith('VmHWM:'))",
            'result["peak_mb"] = int(peak.split()[1]) / 1024',
            "print(json.dumps(result, ensure_ascii=False))",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


PROCESS = """
from thaireport.settings import Settings
from thaireport.pipeline.document import process_document
r = process_document(Path({path!r}), Settings(**{settings!r}))
result = {{
    "status": r.status.value, "records": len(r.records), "pages": r.pages,
    "kind": r.error.kind if r.error else None, "error": str(r.error) if r.error else None,
    "page": r.error.page if r.error else None,
    "extra": [len(x.extra_cells) for x in r.records],
    "measures": [x.cells.measure for x in r.records],
    "warnings": sum(len(x.warnings) for x in r.records),
}}
"""


def process_measured(path: Path, timeout: float = 600, **settings: Any) -> dict[str, Any]:
    return measured(PROCESS.format(path=str(path), settings=settings), timeout=timeout)


# --------------------------------------------------------------------------- bombs


def test_pillow_limit_is_kept() -> None:
    assert Image.MAX_IMAGE_PIXELS == MAX_PAGE_PIXELS
    assert MAX_PAGE_PIXELS is not None and MAX_PAGE_PIXELS >= 100_000_000  # A3 at 600 DPI fits


@pytest.mark.parametrize(
    "side",
    [
        15_000,  # 225 MP: above the limit, below twice it (where Pillow only warns)
        30_000,  # 900 MP: Pillow refuses it when the file is opened
    ],
)
def test_image_bomb_fails_with_file_named(tmp_path: Path, side: int) -> None:
    path = png_bomb(tmp_path / f"ภาพ สแกน {side}.png", side=side)
    result = process_measured(path)
    assert result["status"] == "failed"
    assert result["kind"] == "too-large"
    assert str(path) in result["error"]
    assert result["peak_mb"] < 400, result  # 225 MP of grey would be 225 MB more


def tiff_with_huge_second_frame(path: Path) -> Path:
    """A two-page TIFF: a small first page, a second whose header claims 60000 × 60000."""
    small = Image.new("L", (64, 64), 255)
    small.save(path, save_all=True, append_images=[Image.new("L", (64, 64), 0)])
    data = bytearray(path.read_bytes())
    assert data[:4] == b"II*\x00"
    first = struct.unpack_from("<I", data, 4)[0]
    count = struct.unpack_from("<H", data, first)[0]
    second = struct.unpack_from("<I", data, first + 2 + 12 * count)[0]
    entries = struct.unpack_from("<H", data, second)[0]
    for n in range(entries):
        at = second + 2 + 12 * n
        tag, kind = struct.unpack_from("<HH", data, at)
        if tag in (256, 257):  # ImageWidth, ImageLength
            if kind == 3:  # SHORT
                struct.pack_into("<H", data, at + 8, 60_000)
            else:
                struct.pack_into("<I", data, at + 8, 60_000)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.tesseract  # the small first frame is read by OCR
def test_tiff_bomb_in_a_later_frame(tmp_path: Path) -> None:
    """Pillow checks only the first frame of a multi-page TIFF when it opens the file."""
    path = tiff_with_huge_second_frame(tmp_path / "รายงาน 2 หน้า.tif")
    with Image.open(path) as image:
        image.seek(1)
        assert image.size == (60_000, 60_000)
    result = process_measured(path)
    assert result["kind"] == "too-large", result
    assert result["page"] == 2
    assert f"{path} (page 2)" in result["error"]
    assert "3600 MP" in result["error"]
    assert result["peak_mb"] < 400, result


def blank_pdf(path: Path, width_mm: float, height_mm: float, pages: int = 1) -> Path:
    pdf = FPDF(unit="mm", format=(width_mm, height_mm))
    for _ in range(pages):
        pdf.add_page()
    pdf.output(str(path))
    return path


def test_huge_pdf_page_is_not_rendered(tmp_path: Path) -> None:
    """A 5 m × 5 m page without text would go to OCR: at 300 DPI, 3500 MP."""
    path = blank_pdf(tmp_path / "แผ่นใหญ่.pdf", 5000, 5000)
    result = process_measured(path)
    assert result["status"] == "failed"
    assert result["kind"] == "too-large"
    assert result["page"] == 1
    assert f"{path} (page 1)" in result["error"]
    assert "500 × 500 cm" in result["error"] and "300 DPI" in result["error"]
    assert result["peak_mb"] < 400, result


@pytest.mark.tesseract
def test_high_dpi_on_a0_fails_that_file_only(tmp_path: Path) -> None:
    """`--dpi 1200` on an A0 page (2200 MP) fails that input; the other is still read."""
    a0 = blank_pdf(tmp_path / "A0 poster.pdf", 841, 1189)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from thaireport.pipeline.cli import main;"
            " code = main(sys.argv[1:]); status = Path('/proc/self/status').read_text();"
            " print([ln for ln in status.splitlines() if ln.startswith('VmHWM:')][0],"
            " file=sys.stderr); sys.exit(code)",
            "extract",
            str(a0),
            str(EXAMPLE_EXPORT),
            "-o",
            str(out),
            "--dpi",
            "1200",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert f"{a0} (page 1)" in done.stderr
    assert "1200 DPI" in done.stderr and "MP" in done.stderr
    assert len((out / "records.jsonl").read_text(encoding="utf-8").splitlines()) == 11
    peak_kb = int(done.stderr.strip().splitlines()[-1].split()[1])
    assert peak_kb * 1024 < 500 * MB  # 2200 MP of grey would be 2.2 GB


def pdf_with_image(path: Path, width: int, height: int) -> Path:
    """A one-page PDF drawing one image whose dictionary claims `width` × `height` pixels,
    over a few hundred bytes of compressed data."""
    data = zlib.compress(b"\xff" * 4096)
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(data), data),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    path.write_bytes(out.getvalue())
    return path


def test_pdf_with_a_bomb_image(tmp_path: Path) -> None:
    path = pdf_with_image(tmp_path / "สแกน.pdf", 60_000, 60_000)
    with pdfium.PdfDocument(path) as document:  # the file is well-formed: the bomb is the size
        image = next(document[0].get_objects())
        assert image.get_px_size() == (60_000, 60_000)
    result = process_measured(path)
    assert result["kind"] == "too-large", result
    assert f"{path} (page 1)" in result["error"]
    assert "the page's image" in result["error"]
    assert result["peak_mb"] < 400, result


# --------------------------------------------------------------------------- big documents


def one_line_pages(path: Path, pages: int) -> Path:
    pdf = FPDF(format=(148, 210))
    pdf.set_font("helvetica", size=10)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"page {number}")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def thousands_of_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_line_pages(tmp_path_factory.mktemp("pages") / "ทั้งจังหวัด.pdf", 3000)


def test_thousands_of_pages_are_refused_at_once(thousands_of_pages: Path) -> None:
    result = process_measured(thousands_of_pages)
    assert result["kind"] == "too-large"
    assert result["error"].startswith(f"{thousands_of_pages}: 3000 pages, more than the limit")
    assert "--max-pages" in result["error"]
    assert result["peak_mb"] < 500, result


@pytest.mark.slow
def test_thousands_of_pages_within_a_raised_limit_are_read_page_by_page(
    thousands_of_pages: Path,
) -> None:
    result = process_measured(thousands_of_pages, max_pages=5000)
    assert result["kind"] == "no-table"  # every page was read: none holds a table
    assert result["peak_mb"] < 1000, result


@pytest.mark.slow
def test_page_with_many_objects(tmp_path: Path) -> None:
    """20,000 line segments on one page: read in linear time, a clear outcome."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.cell(text="a page of many drawn objects")
    pdf.set_line_width(0.1)
    for n in range(20_000):
        x, y = 10 + n % 190, 20 + (n // 190) % 260 + (n % 7) / 10
        pdf.line(x, y, x + 0.5, y)
    path = tmp_path / "objects.pdf"
    pdf.output(str(path))
    result = process_measured(path, timeout=300)
    assert result["kind"] == "no-table"
    assert str(path) in result["error"]
    assert result["peak_mb"] < 1000, result


def test_max_pages_from_the_command_line(tmp_path: Path) -> None:
    path = one_line_pages(tmp_path / "สามหน้า.pdf", 3)
    done = thaireport("extract", path, "-o", tmp_path / "out", "--max-pages", "2")
    assert done.returncode == 1
    assert f"{path}: 3 pages, more than the limit of 2 pages" in done.stderr


# --------------------------------------------------------------------------- tables


def wide_and_long(tmp_path: Path, columns: int, rows: int) -> Path:
    """A report whose one table has six canonical columns plus `columns` more, and `rows`
    one-line rows."""
    content = example_content()
    section = content.sections[0]
    # real words in the extra columns, or the text layer would look like mojibake
    header = (*section.header, *(f"งบประมาณ {n}" for n in range(columns)))
    body = tuple(
        (
            f"มาตรการที่{n}",
            f"วิธีที่{n}",
            "สำนักปลัด",
            "ต.ค. ๖๖",
            f"ผล{n}",
            f"ร้อยละ {n % 100}",
            *(f"{c} บาท" for c in range(columns)),
        )
        for n in range(rows)
    )
    variant = VARIANTS["landscape"]
    if columns:
        width = 40 * 6 + 12 * columns
        fractions = (*DEFAULT_FRACTIONS, *(0.04,) * columns)
        variant = replace(
            variant,
            page_format=(width, 420),
            orientation="P",
            col_fractions=fractions,
            font_size=8,
        )
    section = SectionContent(section.heading, header, body)
    return render_report(
        ReportContent(content.title_lines, (section,)), tmp_path / "table.pdf", variant
    )


@pytest.mark.slow
def test_table_of_hundreds_of_columns(tmp_path: Path) -> None:
    path = wide_and_long(tmp_path, columns=300, rows=2)
    result = process_measured(path, timeout=300)
    assert result["status"] == "done", result
    assert result["records"] == 2
    assert result["extra"] == [300, 300]  # every column kept, none dropped


@pytest.mark.slow
def test_table_of_hundreds_of_rows(tmp_path: Path) -> None:
    path = wide_and_long(tmp_path, columns=0, rows=400)
    result = process_measured(path, timeout=300)
    assert result["status"] == "done", result
    assert result["measures"] == [f"มาตรการที่{n}" for n in range(400)]
    assert result["pages"] > 10


# --------------------------------------------------------------------------- names

HOSTILE_NAMES = (
    "อบต.ท่าหิน รายงาน ๒๕๖๗.txt",
    'it\'s "quoted".txt',
    "$(touch PWNED) `touch PWNED2`; rm -rf x.txt",
    "-leading dash.txt",
    "semi;colon & pipe | star*.txt",
)


def test_hostile_file_names_with_extract(tmp_path: Path) -> None:
    folder = tmp_path / "ส่ง มา"
    folder.mkdir()
    inputs = [folder / name for name in HOSTILE_NAMES]
    for i, path in enumerate(inputs):
        # each its own content (identical content is read once, with every path in found_at)
        path.write_bytes(EXAMPLE_EXPORT.read_bytes() + b"\n" * i)
    out = tmp_path / "out dir"
    done = thaireport("extract", "-o", out, "--format", "jsonl,csv", "--", *inputs, cwd=folder)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert {r["source_path"] for r in records} == {str(p) for p in inputs}
    assert len(records) == 11 * len(inputs)
    assert sorted(p.name for p in out.iterdir()) == ["records.csv", "records.jsonl"]
    assert not list(tmp_path.rglob("PWNED*"))  # no name was ever given to a shell


def test_hostile_file_names_with_batch(tmp_path: Path) -> None:
    tree = tmp_path / "จังหวัด $x"
    for n, name in enumerate(HOSTILE_NAMES):
        path = tree / f"อำเภอ {n} ;`" / name
        path.parent.mkdir(parents=True)
        # distinct bytes, so no file is a duplicate of another
        path.write_bytes(EXAMPLE_EXPORT.read_bytes() + b"\n" * n)
    out = tmp_path / "out"
    done = thaireport("batch", tree, "-o", out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    index = [json.loads(line) for line in (out / "documents.jsonl").read_text().splitlines()]
    assert sorted(d["path"] for d in index) == sorted(
        f"อำเภอ {n} ;`/{name}" for n, name in enumerate(HOSTILE_NAMES)
    )
    assert {d["status"] for d in index} == {"done"}
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert {r["source_path"] for r in records} == {
        str(tree / f"อำเภอ {n} ;`" / name) for n, name in enumerate(HOSTILE_NAMES)
    }
    assert not list(tmp_path.rglob("PWNED*"))


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..", "__"),
        (".", "_"),
        (".hidden", "_hidden"),
        ("a/../../b", "a_.._.._b"),
        ("c:\\windows", "c__windows"),
        ("bell\x07new\nline", "bell_new_line"),
        ("-x", "-x"),
        ("อบต. ท่าหิน $(x)", "อบต. ท่าหิน $(x)"),
        ("", "_"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_safe_name_cuts_long_thai_names_between_characters() -> None:
    name = safe_name("รายงาน" * 40)  # 240 characters, 720 bytes
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert "รายงาน".startswith(name[-1]) or name.endswith("รายงาน"[: len(name) % 6])


def mini_scan(path: Path) -> Path:
    """One table row, scanned: a small image OCR reads in a few seconds."""
    content = example_content()
    section = content.sections[0]
    row = ("จัดทำคู่มือ", "แจกเวียนคู่มือ", "สำนักปลัด", "ต.ค. ๖๖", "ดำเนินการแล้ว", "ร้อยละ ๑๐๐")
    pdf = render_report(
        ReportContent(
            content.title_lines, (SectionContent(section.heading, section.header, (row,)),)
        ),
        path.with_suffix(".source.pdf"),
        VARIANTS["portrait"],
    )
    with pdfium.PdfDocument(pdf) as document:
        image = document[0].render(scale=150 / 72, grayscale=True).to_pil()
    image.crop((0, 0, image.width, image.height // 2)).save(path, dpi=(150, 150))
    return path


def files_below(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


@pytest.mark.slow
@pytest.mark.tesseract
def test_archival_outputs_stay_inside_the_output_directory(tmp_path: Path) -> None:
    """Archival outputs are named after the input: "...png", "..png" (leading dots),
    a name too long for a file system, a path through "..", two inputs of the same name, and
    a name whose folder is a symbolic link out of the output directory all write inside it,
    each in a folder of its own, or fail that input alone."""
    work = tmp_path / "work"
    inputs = work / "inputs"
    inputs.mkdir(parents=True)
    scan = mini_scan(inputs / "scan.png")
    names = ["...png", "..png", "รายงานผลการดำเนินการ" * 4 + ".png", "linked.png", "scan2.png"]

    # Each file its own content (identical content is read once): the same page, a text
    # chunk apart.
    def copy(target: Path, n: int) -> None:
        info = PngImagePlugin.PngInfo()
        info.add_text("copy", str(n))
        with Image.open(scan) as image:
            image.save(target, "PNG", pnginfo=info, dpi=image.info.get("dpi", (200, 200)))

    for n, name in enumerate(names):
        copy(inputs / name, n)
    (inputs / "sub").mkdir()
    (inputs / "other").mkdir()
    copy(inputs / "other" / "scan2.png", len(names))  # the same name again
    out = work / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "linked.png").symlink_to(elsewhere, target_is_directory=True)
    before = files_below(tmp_path)
    # one given as "../scan2.png" from a folder inside: the name is what counts
    arguments = [
        *(str(inputs / n) for n in names[:-1]),
        f"../{names[-1]}",
        str(inputs / "other" / "scan2.png"),
    ]
    done = thaireport(
        "extract",
        *arguments,
        "-o",
        out,
        "--format",
        "jsonl,hocr,alto",
        "--jobs",
        "2",
        cwd=inputs / "sub",
    )
    assert done.returncode == 1, done.stderr  # the symbolic link out of DIR is refused
    assert f"{out / 'linked.png'}" in done.stderr and "outside the output directory" in done.stderr
    new = files_below(tmp_path) - before
    assert all(p.is_relative_to(out) for p in new), sorted(map(str, new))
    assert not list(elsewhere.iterdir())
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    long_name = safe_name("รายงานผลการดำเนินการ" * 4 + ".png")
    again = "other-scan2.png"  # the same name again: its folder says which one it is
    assert folders == sorted(["___png", "__png", long_name, "scan2.png", again]), done.stderr
    for folder in folders:
        assert {p.name for p in (out / folder).iterdir()} == {"page-001.hocr", "page-001.alto.xml"}
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    # every input's records are kept, the refused one's too
    assert sorted(r["source_path"] for r in records) == sorted(arguments)  # verbatim


def test_batch_with_symbolic_links_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "report.txt").write_bytes(EXAMPLE_EXPORT.read_bytes())
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "own.txt").write_bytes(EXAMPLE_EXPORT.read_bytes() + b"\n")
    (tree / "link.txt").symlink_to(outside / "report.txt")
    (tree / "linked-folder").symlink_to(outside, target_is_directory=True)
    before = {p: p.stat().st_mtime_ns for p in outside.rglob("*")}
    out = tmp_path / "out"
    done = thaireport("batch", tree, "-o", out, "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert {p: p.stat().st_mtime_ns for p in outside.rglob("*")} == before
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    index = {
        d["path"]: d for d in map(json.loads, (out / "documents.jsonl").read_text().splitlines())
    }
    assert index["link.txt"]["status"] == "done"  # a linked file is read where it points
    # a linked folder is not followed, and says so (nothing is dropped silently)
    assert index["linked-folder"]["status"] == "skipped"
    assert "symbolic link to a folder" in index["linked-folder"]["error"]["message"]
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert str(tree / "link.txt") in {r["source_path"] for r in records}
