"""How the wrapper runs the program: the arguments, its outputs, its failures and time-outs.

A stand-in `tesseract` on PATH records its arguments and answers as the real one would,
so these run without Tesseract and in no time.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from PIL import Image
from thaireport.ocr import tesseract
from thaireport.ocr.tesseract import OcrError, detect_orientation, recognize

from thaireport.errors import MissingDependencyError
from thaireport.settings import OcrSettings

TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "5\t1\t1\t1\t1\t1\t10\t20\t8\t12\t91.5\tก\n"
    "5\t1\t1\t1\t1\t2\t19\t20\t8\t12\t88.0\tา\n"
    "5\t1\t1\t1\t1\t3\t40\t20\t8\t12\t70.0\tร\n"
)


def fake(folder: Path, body: str) -> Path:
    """A `tesseract` that writes its arguments and its image's size (a PNM header) to
    args.json next to itself, then runs `body`."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "tesseract"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, pathlib, sys, time\n"
        "args = sys.argv[1:]\n"
        "size = [int(v) for v in open(args[0], 'rb').read(64).split()[1:3]]\n"
        f"pathlib.Path({str(folder / 'args.json')!r}).write_text(json.dumps([args, size]))\n"
        "base = pathlib.Path(args[1])\n" + body,
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture
def page() -> Image.Image:
    return Image.new("L", (120, 60), 255)


@pytest.fixture(autouse=True)
def _no_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract, "cached_probe", lambda: None)


def on_path(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("PATH", str(folder))


def test_one_run_writes_tsv_and_text_and_gives_glyphs_with_spaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    folder = fake(
        tmp_path / "bin",
        f"base.with_suffix('.tsv').write_text({TSV!r}, encoding='utf-8')\n"
        "base.with_suffix('.txt').write_text('กา ร\\n', encoding='utf-8')\n",
    )
    on_path(monkeypatch, folder)
    ocr = recognize(page, OcrSettings(languages="tha+eng", psm=6), dpi=200)
    args, size = json.loads((folder / "args.json").read_text())
    assert size == [120, 60]
    assert args[0].endswith("page.pnm") and args[1].endswith("out")
    assert args[2:] == [
        *("-l", "tha+eng", "--psm", "6", "--dpi", "200"),
        *("-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=1"),
    ]
    (line,) = ocr.lines
    assert [(g.text, g.left, g.confidence, g.space_before) for g in line.glyphs] == [
        ("ก", 10, 91.5, False),
        ("า", 19, 88.0, False),
        ("ร", 40, 70.0, True),
    ]
    assert (ocr.width, ocr.height) == (120, 60)


def test_a_failing_run_is_an_ocr_error_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    folder = fake(
        tmp_path / "bin", "sys.stderr.write('Error opening data file\\nfor tha\\n')\nsys.exit(1)\n"
    )
    on_path(monkeypatch, folder)
    with pytest.raises(OcrError) as caught:
        recognize(page, OcrSettings(), dpi=200)
    assert caught.value.message == "tesseract failed: Error opening data file for tha"


def test_a_run_past_the_timeout_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    on_path(monkeypatch, fake(tmp_path / "bin", "time.sleep(60)\n"))
    with pytest.raises(OcrError) as caught:
        recognize(page, OcrSettings(timeout=1), dpi=200)
    assert caught.value.message == "tesseract took longer than 1 s"


def test_no_tsv_is_an_ocr_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    on_path(monkeypatch, fake(tmp_path / "bin", "pass\n"))
    with pytest.raises(OcrError, match="without writing its output"):
        recognize(page, OcrSettings(), dpi=200)


def test_orientation_is_read_from_the_osd_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    osd = "Page number: 0\nOrientation in degrees: 90\nRotate: 270\nOrientation confidence: 9.1\n"
    folder = fake(tmp_path / "bin", f"base.with_suffix('.osd').write_text({osd!r})\n")
    on_path(monkeypatch, folder)
    assert detect_orientation(Image.new("L", (600, 400), 255), dpi=300) == 270
    args, size = json.loads((folder / "args.json").read_text())
    assert args[2:] == ["-l", "osd", "--psm", "0", "--dpi", "150"]
    assert size == [300, 200]  # reduced to 150 DPI before OSD


def test_orientation_is_upright_when_osd_cannot_tell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "sys.stderr.write('Too few characters. Skipping this page\\n')\nsys.exit(1)\n"
    on_path(monkeypatch, fake(tmp_path / "bin", body))
    assert detect_orientation(Image.new("L", (600, 400), 255), dpi=200) == 0


def test_meanwhile_runs_while_tesseract_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    """The stand-in writes its output only once `meanwhile` has left a file: so the two
    ran at the same time, and the reading is still taken."""
    flag = tmp_path / "loaded"
    body = (
        f"while not pathlib.Path({str(flag)!r}).exists():\n"
        "    time.sleep(0.01)\n"
        f"base.with_suffix('.tsv').write_text({TSV!r}, encoding='utf-8')\n"
    )
    on_path(monkeypatch, fake(tmp_path / "bin", body))
    ocr = recognize(page, OcrSettings(timeout=60), dpi=200, meanwhile=flag.touch)
    assert "".join(g.text for g in ocr.lines[0].glyphs) == "การ"


def test_a_failure_meanwhile_is_raised_once_the_run_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    on_path(monkeypatch, fake(tmp_path / "bin", "time.sleep(1)\n"))

    def fail() -> None:
        raise MemoryError("no room for the dictionary")

    with pytest.raises(MemoryError, match="no room"):
        recognize(page, OcrSettings(timeout=120), dpi=200, meanwhile=fail)


def test_the_probe_runs_with_the_reading_and_its_error_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    """Missing language data: the error names the package (the page's run, which fails at
    once with real Tesseract, is waited for)."""
    on_path(monkeypatch, fake(tmp_path / "bin", "time.sleep(1)\n"))
    calls: list[str] = []

    def probe() -> None:
        calls.append("probe")
        raise MissingDependencyError(
            "tesseract has no language data for tha",
            hint="install it: apt-get install tesseract-ocr-tha",
        )

    monkeypatch.setattr(tesseract, "cached_probe", probe)
    with pytest.raises(MissingDependencyError, match="no language data for tha"):
        recognize(page, OcrSettings(timeout=120), dpi=200, meanwhile=lambda: calls.append("x"))
    assert calls == ["probe"]  # nothing else is loaded for a page that cannot be read


def test_a_missing_program_is_the_probes_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: Image.Image
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract there
    monkeypatch.setattr(tesseract, "cached_probe", tesseract.probe)
    with pytest.raises(MissingDependencyError, match="tesseract is not installed"):
        recognize(page, OcrSettings(), dpi=200)
