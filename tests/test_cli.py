"""`thaireport` as a user runs it: the installed console script on real files."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from fpdf import FPDF
from PIL import Image

from tests.fixtures.content import EXAMPLE_EXPORT

SARABUN = Path(__import__("fontpkg_sarabun").ROOT) / "files" / "Sarabun-Regular.ttf"


def thaireport(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("thaireport", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "thaireport"]
    return subprocess.run(
        [*command, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage\n%%EOF\n")
    no_table = folder / "letter.pdf"
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("S", "", str(SARABUN))
    pdf.set_font("S", size=16)
    pdf.set_text_shaping(True)
    pdf.cell(text="หนังสือเวียน เรื่อง การประชุมประจำเดือน")
    pdf.output(str(no_table))
    encrypted = folder / "encrypted.pdf"
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret report")
    pdf.output(str(encrypted))
    image = folder / "scan.png"
    Image.new("L", (200, 100), 255).save(image)
    return {
        "empty": empty,
        "corrupt": corrupt,
        "no-table": no_table,
        "encrypted": encrypted,
        "image": image,
    }


def test_extract_writes_jsonl_and_csv(tmp_path: Path, render: Callable[[str], Path]) -> None:
    pdf = render("portrait")
    result = thaireport(
        "extract", EXAMPLE_EXPORT, pdf, "-o", tmp_path / "out", "--format", "jsonl,csv"
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 22
    schema = json.loads(thaireport("schema").stdout)
    assert schema["version"] == "1.3"
    for record in records:
        jsonschema.validate(record, schema)
    assert {r["source_kind"] for r in records} == {"text-export", "text-layer"}
    from tests.conftest import fold

    by_kind: dict[str, list[dict[str, str]]] = {}
    for r in records:
        by_kind.setdefault(r["source_kind"], []).append({k: fold(v) for k, v in r["cells"].items()})
    assert by_kind["text-layer"] == by_kind["text-export"]
    with (tmp_path / "out" / "records.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 22
    assert rows[0]["cells.responsible"] == "สำนักปลัด"
    assert rows[0]["normalized.period_start"] == "2023-10-01"
    assert rows[0]["fiscal_year.be"] == "2567"
    assert "records" in result.stderr and str(tmp_path / "out" / "records.jsonl") in result.stderr


def test_out_dash_streams_json_lines(render: Callable[[str], Path]) -> None:
    result = thaireport("extract", EXAMPLE_EXPORT, "--out", "-")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 11
    assert records[7]["section"]["number_printed"] == "๒"
    assert records[7]["section"]["number_inferred"] == 6


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", tmp_path, "--format", "xml").returncode == 2
    assert thaireport("extract", EXAMPLE_EXPORT).returncode == 2  # no --out
    assert thaireport("frobnicate").returncode == 2
    assert thaireport("extract", EXAMPLE_EXPORT, "-o", tmp_path, "--jobs", "0").returncode == 2


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("empty", "the file is empty"),
        ("corrupt", "not a readable PDF"),
        ("encrypted", "encrypted"),
    ],
)
def test_bad_input_gives_one_line_naming_the_file(
    kind: str, message: str, bad_inputs: dict[str, Path], tmp_path: Path
) -> None:
    path = bad_inputs[kind]
    result = thaireport("extract", path, "-o", tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert str(path) in errors[0]
    assert message in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["no-table", pytest.param("image", marks=pytest.mark.tesseract)])
def test_a_document_without_a_measure_table_is_said_and_fails_only_with_strict(
    kind: str, bad_inputs: dict[str, Path], tmp_path: Path
) -> None:
    path = bad_inputs[kind]
    result = thaireport("extract", path, "-o", tmp_path, "--format", "jsonl,text")
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("thaireport: no-table")]
    assert len(said) == 1 and str(path) in said[0] and "no measure table found" in said[0]
    assert "error:" not in result.stderr and "Traceback" not in result.stderr
    strict = thaireport("extract", path, "-o", tmp_path / "strict", "--strict")
    assert strict.returncode == 1
    assert "1 of 1 inputs failed" in strict.stderr


def test_bad_inputs_do_not_stop_the_good_ones(
    bad_inputs: dict[str, Path], tmp_path: Path, render: Callable[[str], Path]
) -> None:
    out = tmp_path / "out"
    result = thaireport(
        "extract", bad_inputs["empty"], EXAMPLE_EXPORT, bad_inputs["corrupt"], render("unruled"),
        bad_inputs["encrypted"], bad_inputs["image"], bad_inputs["no-table"], "-o", out,
    )  # fmt: skip
    assert result.returncode == 1
    # the letter without a table is no failure; the image is (no Tesseract in this test)
    assert "4 of 7 inputs failed" in result.stderr, result.stderr
    records = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 22
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files
