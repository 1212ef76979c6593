"""Thai digits re-read after Tesseract (ocr.digits): a rendered digit sheet, run for real.

The sheet (tests/fixtures/digit_sheet.py) holds every Thai digit in dates, years,
percentages, counts and times, in each of the report fonts; the full-size version runs in
`make bench`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from thaireport.ocr import digits
from thaireport.ocr.digits import (
    Glyph,
    _one_script,
    is_year_cut,
    load_model,
    number_runs,
    reread_numbers,
)

from tests.fixtures.digit_sheet import Result, _sarabun, render_sheet, run_sheet


@pytest.fixture(scope="module")
def results() -> Iterator[dict[str, Result]]:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sheets = {
        "300 DPI": render_sheet(300, False, 1),
        "200 DPI degraded": render_sheet(200, True, 2),
    }
    with ThreadPoolExecutor(2) as pool:
        done = dict(zip(sheets, pool.map(run_sheet, sheets.values()), strict=True))
    yield done


@pytest.mark.tesseract
@pytest.mark.slow
def test_digit_sheet_accuracy(
    results: dict[str, Result], capsys: pytest.CaptureFixture[str]
) -> None:
    with capsys.disabled():
        print()
        for name, r in results.items():
            print(
                f"digit sheet {name}: Thai digits right {r.corrected:.2%} with ocr.digits, "
                f"{r.tesseract:.2%} Tesseract alone ({r.printed} digits, "
                f"re-read {r.seconds_per_page * 1000:.0f} ms for the page)"
            )
            for printed, read in r.worst[:5]:
                print(f"  printed {printed}\n  read    {read}")
    assert results["300 DPI"].corrected >= 0.995
    assert results["200 DPI degraded"].corrected >= 0.98
    for r in results.values():
        assert r.corrected > r.tesseract


@pytest.mark.tesseract
def test_words_untouched(results: dict[str, Result]) -> None:
    for r in results.values():
        assert r.kept_words, "ตุลาคม, ว่า or ของ was rewritten"
        assert r.untouched_same_objects, "a glyph outside a number run was replaced"


# --------------------------------------------------------------------------- no Tesseract


def _glyphs(texts: list[str]) -> list[Glyph]:
    out, x = [], 10
    for text in texts:
        space = text.startswith(" ")
        text = text.strip()
        x += 20 if space else 0
        out.append(Glyph(text, x, 10, 30 * len(text), 40, 90.0, space))
        x += 30 * len(text) + 2
    return out


def _runs(texts: list[str]) -> list[str]:
    glyphs = _glyphs(texts)
    return ["".join(g.text for g in glyphs[a:b]) for a, b, _ in number_runs(glyphs)]


def test_number_runs_context() -> None:
    # Real digits make a run; letters glued to a word never do.
    assert _runs(["๒", "๕", "ฯ", "ฯ"]) == ["๒๕ฯฯ"]
    assert _runs(["ต", ".", "ค", ".", "๒", "๒"]) == ["๒๒"]
    assert _runs(["พ", ".", "ศ", ".", " ๒", "๕", "ฯ", "ฯ"]) == ["๒๕ฯฯ"]
    assert _runs(["๙", "๕", ".", "ฯ", "ฯ", "%"]) == ["๙๕.ฯฯ%"]
    assert _runs(["(", "e", "d", ")"]) == []  # no digit, no cue
    assert _runs(["ร", "้", "อ", "ย", "ล", "ะ", " (", "e", "d", ")"]) == ["(ed)"]
    # Letters alone are a number only beside a cue, and only as a whole phrase.
    assert _runs(["ต", "ุ", "ล", "า", "ค", "ม", " Wedd"]) == ["Wedd"]
    assert _runs([" mo", " ก", "ั", "น", "ย", "า", "ย", "น"]) == ["mo"]
    assert _runs(["จ", "ํ", "า", "น", "ว", "น", " ฯ", " ร", "า", "ย"]) == ["ฯ"]
    assert _runs(["ข", "อ", "ง"]) == []
    assert _runs(["ob", " N.Y.", " ๒", "๕", "๔", "๒"]) == ["ob", "๒๕๔๒"]
    assert _runs(["ว", "่", "า"]) == []
    # "ของ" beside a month is looked at, but the image decides (test_words_stay...).
    assert _runs(["ข", "อ", "ง", " ตุลาคม"]) == ["ของ"]
    assert _runs(["ต", "ุ", "ล", "า", "ค", "ม"]) == []
    assert _runs(["-"]) == []


def test_words_stay_without_tesseract() -> None:
    """ตุลาคม, ว่า, ของ drawn and passed as glyphs: nothing changes, same objects back."""
    dpi, px = 300, 67
    font = ImageFont.truetype(str(_sarabun()), px, layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(image).text((20, 40), "ตุลาคม ว่า ของ ๒๕๖๗", font=font, fill=0)
    glyphs = _glyphs(["ต", "ุ", "ล", "า", "ค", "ม", " ว", "่", "า", " ข", "อ", "ง"])
    assert number_runs(glyphs) == []
    out = reread_numbers(np.asarray(image), glyphs, dpi=dpi)
    assert all(a is b for a, b in zip(out, glyphs, strict=True))


def test_split_shared_box() -> None:
    """'๒๕ฯฯ' in one box comes back as four glyphs with their own boxes: ๒๕๖๖."""
    dpi, px = 300, 67
    font = ImageFont.truetype(str(_sarabun()), px)
    image = Image.new("L", (700, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.text((100, 40), "พ.ศ. ๒๕๖๖", font=font, fill=0)
    left, top, right, bottom = (int(v) for v in draw.textbbox((100, 40), "พ.ศ. ", font=font))
    l2, t2, r2, b2 = (int(v) for v in draw.textbbox((right, 40), "๒๕๖๖", font=font))
    glyphs = [
        Glyph("พ.ศ.", left, top, right - left, bottom - top, 90.0, False),
        Glyph("๒๕ฯฯ", l2, t2, r2 - l2, b2 - t2, 60.0, True),
    ]
    out = reread_numbers(np.asarray(image), glyphs, dpi=dpi)
    assert out[0] is glyphs[0]
    assert [g.text for g in out[1:]] == list("๒๕๖๖")
    assert out[1].space_before and not any(g.space_before for g in out[2:])
    lefts = [g.left for g in out[1:]]
    assert lefts == sorted(lefts) and len(set(lefts)) == 4
    assert all(0 <= g.confidence <= 100 for g in out[1:])


def test_missing_model_names_the_script(tmp_path: Path) -> None:
    with pytest.raises(digits.ModelMissingError, match=r"python -m tools\.train_digits"):
        digits.read_model(tmp_path / "none.npz")


def test_a_year_cut_short_is_read_again_whole() -> None:
    # ๒๕๖๗ read as "๒๕งิฒ": the vowel kept "งิ" out of the substitute letters
    assert _runs(["กันยายน", " ๒", "๕", "งิ", "ฒ"]) == ["๒๕งิฒ"]
    # but not a word that merely follows two digits in another phrase
    assert _runs(["๒", "๕", " ปี"]) == ["๒๕"]


def test_the_rest_of_a_year_wrapped_to_the_next_line_is_a_run() -> None:
    """LibreOffice s1000's period column wraps "๒๕๖๖" as "๒๕๖" / "๖ –"; Tesseract read the
    lone "๖ –" as "าว-" (า is no substitute of a digit) or "b=". After a line that ends
    with a year cut short, the next line's first phrase is re-read whatever it reads as."""
    assert is_year_cut("๒๕๖") and is_year_cut("๒๕") and is_year_cut("25")
    assert not is_year_cut("๒๕๖๖") and not is_year_cut("๓๐") and not is_year_cut("ตุลาคม")
    glyphs = _glyphs(["า", "ว", "-", " ๓", "๐"])
    assert number_runs(glyphs) == [(3, 5, True)]
    assert number_runs(glyphs, continues_year=True) == [(0, 3, True), (3, 5, True)]
    # a word, not digits read as letters, is never taken for the year's end
    assert number_runs(_glyphs(["ก", "ั", "น", "ย", "า", "ย", "น"]), continues_year=True) == []
    assert number_runs(_glyphs(["–"]), continues_year=True) == []


def test_one_number_is_read_in_one_script() -> None:
    """The title's bold "พ.ศ. ๒๕๖๗" came out as "5๕๖๗": the classifier's best for the ๒
    was an Arabic 5. A run whose digits are mostly Thai keeps to Thai digits."""
    model = load_model()
    classes = list(model.classes)
    rows = np.zeros((4, len(classes)), dtype=np.float32)
    for row, (best, second) in enumerate((("5", "๒"), ("๕", "5"), ("๖", "6"), ("๗", "7"))):
        rows[row, classes.index(best)] = 0.6
        rows[row, classes.index(second)] = 0.4
    allowed = _one_script(rows, model)
    picked = [classes[int(np.argmax(np.where(allowed, r, 0.0)))] for r in rows]
    assert picked == ["๒", "๕", "๖", "๗"]
    # a run of one script, or a tie, is left to the classifier
    assert _one_script(rows[1:], model).all() and _one_script(rows[:2], model).all()
