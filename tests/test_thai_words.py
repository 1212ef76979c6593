"""The project's newmm segmentation is pythainlp's own, word for word, on real text."""

from __future__ import annotations

from pathlib import Path

import pytest
from pythainlp.tokenize import word_tokenize
from thaireport.extract.thai_words import dictionary_words, words

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"


def _lines_of_examples() -> list[str]:
    lines = []
    for path in sorted((ROOT / "examples").glob("*.txt")):
        lines.extend(line for line in path.read_text(encoding="utf-8").splitlines() if line)
    return lines


def test_segmentation_is_pythainlps_on_the_example_export() -> None:
    lines = _lines_of_examples()
    assert len(lines) > 30
    differ = [
        line
        for line in lines
        if words(line) != word_tokenize(line, engine="newmm", keep_whitespace=True)
    ]
    assert differ == []


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is absent")
def test_segmentation_is_pythainlps_on_real_word_reports() -> None:
    import pdfplumber

    lines: list[str] = []
    for path in sorted(REAL.glob("*.pdf")):
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages[:6]:
                lines.extend(x for x in (page.extract_text() or "").splitlines() if x.strip())
    assert len(lines) > 100
    for line in lines:
        assert words(line, keep_whitespace=False) == word_tokenize(
            line, engine="newmm", keep_whitespace=False
        ), line


def test_words_known_and_unknown() -> None:
    assert words("สวัสดีครับ ท่าน") == ["สวัสดี", "ครับ", " ", "ท่าน"]
    assert "สวัสดี" in dictionary_words()
    # A string newmm has no word for still comes back whole, letter for letter.
    assert "".join(words("กขฃคฅ")) == "กขฃคฅ"
