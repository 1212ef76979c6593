"""The Tesseract wrapper's probe against the real program and its language data."""

from __future__ import annotations

import pytest
from thaireport.ocr.tesseract import probe

from thaireport.errors import ExitCode, MissingDependencyError

pytestmark = pytest.mark.tesseract


def test_real_tesseract_has_thai_and_english() -> None:
    info = probe()
    assert info.version >= (4, 1, 0)
    assert {"tha", "eng"} <= info.languages


def test_missing_language_data_names_the_package(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(MissingDependencyError) as caught:
        probe()
    assert "tesseract-ocr-tha" in str(caught.value)
    assert caught.value.exit_code is ExitCode.MISSING_DEPENDENCY


def test_missing_program_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr"):
        probe()
