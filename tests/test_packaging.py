"""The installed package: one import name, a small public API, and a light start-up.

The wheel is built from this checkout and installed into a folder of its own; Python is then
started in another directory with only that folder before site-packages, so what is imported
is what a user's `pip install .` gives, not the editable checkout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "examples" / "ita-report-2567-thahin.txt"
STAGES = ("pipeline", "ocr", "extract", "output")


def _python(code: str, *, cwd: Path, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"}
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapping = config["package-dir"]
    assert mapping == {"thaireport": "thaireport", **{f"thaireport.{s}": s for s in STAGES}}
    found = {"thaireport"}
    for stage in STAGES:
        for init in (ROOT / stage).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            found.add(".".join(("thaireport", *parts)))
    assert set(config["packages"]) == found


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         str(ROOT), "-w", str(wheels)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = wheels.glob("thaireport-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_the_wheel_installs_one_import_name(installed: Path) -> None:
    top = {p.name for p in installed.iterdir() if not p.name.endswith(".dist-info")}
    assert top == {"thaireport"}
    (info,) = installed.glob("thaireport-*.dist-info")
    assert (info / "top_level.txt").read_text().split() == ["thaireport"]
    package = installed / "thaireport"
    assert {p.name for p in package.iterdir() if p.is_dir()} >= set(STAGES)
    assert (package / "ocr" / "data" / "digits-model.npz").stat().st_size > 100_000
    assert not list(installed.rglob("train_digits.py"))  # a developer tool, not installed
    assert (package / "py.typed").exists()
    entry = (info / "entry_points.txt").read_text()
    assert "thaireport = thaireport.pipeline.cli:main" in entry


def test_read_from_the_installed_package_in_another_directory(
    installed: Path, tmp_path: Path
) -> None:
    code = (
        f"import json, thaireport; r = thaireport.read({str(EXPORT)!r});"
        "print(json.dumps({'file': thaireport.__file__, 'status': str(r.status),"
        " 'records': len(r.records), 'measure': r.records[0].cells.measure,"
        " 'version': thaireport.__version__}))"
    )
    result = _python(code, cwd=tmp_path, path=installed)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["file"].startswith(str(installed))
    assert out["status"] == "done" and out["records"] == 11
    assert out["measure"].startswith("จัดทำคู่มือ/แนวทางการปฏิบัติงาน")
    from thaireport import __version__

    assert out["version"] == __version__


def test_public_api_names() -> None:
    import thaireport

    for name in ("read", "read_many", "Settings", "MeasureRecord", "ThaiReportError", "Status"):
        assert name in thaireport.__all__ and getattr(thaireport, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = thaireport.nothing  # type: ignore[attr-defined]


def test_read_many_keeps_order_and_a_bad_file_fails_alone(tmp_path: Path) -> None:
    import thaireport

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")
    results = list(thaireport.read_many([EXPORT, bad, EXPORT], jobs=2))
    assert [r.path for r in results] == [EXPORT, bad, EXPORT]
    assert [r.status for r in results] == [
        thaireport.Status.DONE, thaireport.Status.FAILED, thaireport.Status.DONE,
    ]  # fmt: skip
    assert results[1].error is not None and str(bad) in str(results[1].error)
    assert results[0].records[0].record_id == results[2].records[0].record_id
    with pytest.raises(ValueError, match="unknown setting"):
        thaireport.read(EXPORT, {"colour": "red"})


HEAVY = ("spacy", "cv2", "pyarrow", "pdfplumber", "pypdfium2", "pytesseract", "fpdf", "pandas")


def _loaded_after(statement: str) -> list[str]:
    names = "sorted({m.split('.')[0] for m in sys.modules})"
    code = f"import sys\n{statement}\nprint(' '.join({names}))"
    result = _python(code, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return [m for m in HEAVY if m in result.stdout.split()]


def test_start_up_loads_no_heavy_library() -> None:
    assert _loaded_after("import thaireport") == []
    assert _loaded_after("import thaireport.pipeline.cli") == []
    # A text export needs spaCy (entities) and nothing for PDFs, images, OCR or Parquet.
    read = f"import thaireport; thaireport.read({str(EXPORT)!r})"
    assert _loaded_after(read) == ["spacy"]


@pytest.mark.tesseract
def test_reading_an_image_loads_no_pdf_text_library_nor_pandas(tmp_path: Path) -> None:
    """OCR of an image file needs neither pdfplumber (text layers) nor the pandas (and
    pyarrow) pytesseract would import: pytesseract runs Tesseract, without them."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 400), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 700, 300), outline=0, width=3)
    path = tmp_path / "page.png"
    image.save(path, dpi=(200, 200))
    settings = "thaireport.Settings(ocr=thaireport.OcrSettings(jobs=1))"
    read = f"import thaireport; r = thaireport.read({str(path)!r}, {settings}); assert r.pages == 1"
    loaded = _loaded_after(read)
    assert "cv2" in loaded  # it did read the page
    assert "pytesseract" in loaded
    assert not {"pdfplumber", "pandas", "pyarrow"} & set(loaded), loaded


def test_version_option() -> None:
    from thaireport import __version__

    result = subprocess.run(
        [sys.executable, "-m", "thaireport", "--version"], capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.strip() == f"thaireport {__version__}"


def test_the_readmes_python_example_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Use from Python") :]
    start = section.index("```python\n") + len("```python\n")
    code = section[start : section.index("\n```", start)]
    result = _python(code, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # status, pages, records, warnings (a notice naming no cell counted once) of the example
    assert lines[0] == "done 1 11 3"
    assert lines[1].startswith("๑ จัดทำคู่มือ")
    assert lines[2].endswith("2023-10-01 2024-09-30")
    assert "a.pdf: no such file" in lines[3] and "b.pdf: no such file" in lines[4]
