"""Shared fixtures: the user's example report and PDFs rendered from it with real Thai fonts."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fixtures.content import EXAMPLE_EXPORT, ReportContent, example_content
from tests.fixtures.pdfgen import VARIANTS, render_report

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Whitespace folding used to compare cell texts across sources."""
    return _SPACE.sub(" ", text).strip()


def raw_export_rows() -> list[list[str]]:
    """The example's table rows straight from the file: tags removed, whitespace folded.

    Written independently of the project's parser so that it checks the parser.
    """
    rows = []
    for line in EXAMPLE_EXPORT.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        cells = [fold(_TAG.sub(" ", cell)) for cell in line.split("\t")]
        if cells[0].startswith("มาตรการ/กิจกรรม"):
            continue  # a header row
        rows.append(cells)
    return rows


@pytest.fixture(scope="session")
def content() -> ReportContent:
    return example_content()


@pytest.fixture(scope="session")
def render(
    tmp_path_factory: pytest.TempPathFactory, content: ReportContent
) -> Callable[[str], Path]:
    """Render the example content in a named variant (once per session)."""
    cache: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("rendered")

    def _render(name: str) -> Path:
        if name not in cache:
            cache[name] = render_report(content, folder / f"{name}.pdf", VARIANTS[name])
        return cache[name]

    return _render


# Property tests: the same examples on every run (CI must not turn red by chance), no
# per-example deadline (a cold regex cache or a busy machine is not a failure), and a
# moderate number of examples so the whole property suite stays within a minute.
settings.register_profile(
    "thaireport", max_examples=150, deadline=None, derandomize=True, print_blob=True
)
# `make fuzz`: many more examples, a new random choice every run.
settings.register_profile("thorough", max_examples=3000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "thaireport"))


# --------------------------------------------------------------------------- Tesseract
# A test that runs Tesseract says so with the `tesseract` marker. Where the program is not
# installed those tests are skipped, said as such (the binary is looked for on PATH; the
# Python wrapper is always importable). Every other test runs with a `tesseract` on PATH that
# fails loudly, so a test that needs the program but lacks the marker cannot pass unnoticed.
TESSERACT = shutil.which("tesseract")
_UNMARKED = "#!/bin/sh\necho 'this test ran tesseract without the tesseract marker' >&2\nexit 97\n"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TESSERACT is not None:
        return
    skip = pytest.mark.skip(reason="the tesseract program is not installed (tesseract-ocr)")
    for item in items:
        if item.get_closest_marker("tesseract") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _refusing_tesseract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("no-tesseract")
    program = folder / "tesseract"
    program.write_text(_UNMARKED)
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture(autouse=True)
def _tesseract_only_where_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if request.node.get_closest_marker("tesseract") is None:
        folder = request.getfixturevalue("_refusing_tesseract")
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
