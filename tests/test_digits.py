"""Thai digits re-read after Tesseract (ocr.digits): a rendered digit sheet, run for real.

The sheet holds every Thai digit in dates, years, percentages, counts and times, in each
of the report fonts, with ordinary Thai words around them. It is drawn with PIL (Raqm
shaping) at 300 DPI (clean) and 200 DPI (blurred, noisy, grey, JPEG), read by Tesseract
(tha+eng) and then corrected. Accuracy counts the printed Thai digits that come out
identical, after aligning each printed line with what was read.
"""

from __future__ import annotations

import io
import os
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr import digits
from ocr.digits import THAI_DIGITS, Glyph, number_runs, reread_numbers

TLWG = Path("/usr/share/fonts/truetype/tlwg")
NOTO = Path("/usr/share/fonts/truetype/noto")


def _sarabun() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Regular.ttf"


FONTS: dict[str, Callable[[], Path]] = {
    "Sarabun": _sarabun,
    "Laksaman": lambda: TLWG / "Laksaman.ttf",
    "Garuda": lambda: TLWG / "Garuda.ttf",
    "Kinnari": lambda: TLWG / "Kinnari.ttf",
    "Loma": lambda: TLWG / "Loma.ttf",
    "Norasi": lambda: TLWG / "Norasi.ttf",
    "NotoSansThai": lambda: NOTO / "NotoSansThai-Regular.ttf",
    "NotoSerifThai": lambda: NOTO / "NotoSerifThai-Regular.ttf",
}
MONTHS = digits.MONTHS
ABBREVIATIONS = (
    *("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย."),
    *("ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."),
)
KEEP_WORDS = ("ตุลาคม", "ว่า", "ของ")


def _th(number: int | str) -> str:
    return str(number).translate(str.maketrans("0123456789", THAI_DIGITS))


def sheet_lines(seed: int) -> list[str]:
    """Report-like lines; across a font's lines every Thai digit occurs several times."""
    rng = np.random.default_rng(seed)

    def year() -> str:
        return _th(2540 + int(rng.integers(0, 30)))

    def day() -> str:
        return _th(int(rng.integers(1, 32)))

    def pct() -> str:
        return _th(f"{int(rng.integers(10, 100))}.{int(rng.integers(0, 100)):02d}")

    def month() -> str:
        return MONTHS[int(rng.integers(0, 12))]

    def abbr() -> str:
        return ABBREVIATIONS[int(rng.integers(0, 12))]

    return [
        f"{day()} {month()} {year()} – {day()} {month()} {year()} ว่า",
        f"ร้อยละ {pct()} จำนวน {_th(int(rng.integers(1, 400)))} ราย ของ",
        f"{day()} {abbr()} {year()} - {day()} {abbr()} {year()} ตุลาคม",
        f"ประจำปีงบประมาณ พ.ศ. {year()} ({_th(int(rng.integers(10, 99)))}) {pct()}%",
        f"วันที่ {day()}/{_th(int(rng.integers(1, 13)))}/{year()} เวลา "
        f"{_th(int(rng.integers(10, 24)))}:{_th(int(rng.integers(10, 60)))} น. ๐๑๒๓๔๕๖๗๘๙",
    ]


@dataclass(frozen=True)
class Sheet:
    image: Image.Image
    lines: list[str]  # printed text, top to bottom
    dpi: int


def _covered(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


def draw_line(
    draw: ImageDraw.ImageDraw, at: tuple[int, int], text: str, path: Path, px: int
) -> None:
    """Draw `text` in the font at `path`; what it lacks (Noto Thai has no digits 0-9 or
    punctuation) comes from the matching Noto Latin face, as a word processor would do."""
    covered = _covered(path)
    other = NOTO / ("NotoSerif-Regular.ttf" if "Serif" in path.stem else "NotoSans-Regular.ttf")
    faces = {
        True: ImageFont.truetype(str(path), px, layout_engine=ImageFont.Layout.RAQM),
        False: ImageFont.truetype(str(other), px, layout_engine=ImageFont.Layout.RAQM),
    }
    x, y = at
    segment, own = "", True
    for ch in text + "\0":
        mine = ch == "\0" or ord(ch) in covered or ch == " " or unicodedata.combining(ch) > 0
        if ch != "\0" and (not segment or mine == own):
            segment, own = segment + ch, mine
            continue
        if segment:
            draw.text((x, y), segment, font=faces[own], fill=0, anchor="ls")
            x += round(faces[own].getlength(segment))
        segment, own = ch, mine


def render_sheet(dpi: int, degraded: bool, seed: int, pt: float = 16.0) -> Sheet:
    px = round(pt * dpi / 72)
    step = round(px * 1.9)
    entries: list[tuple[str, Path]] = []
    for k, face in enumerate(FONTS.values()):
        entries += [(line, face()) for line in sheet_lines(seed * 100 + k)]
    width = round(8.27 * dpi)
    image = Image.new("L", (width, step * (len(entries) + 2)), 255)
    draw = ImageDraw.Draw(image)
    for row, (line, path) in enumerate(entries):
        draw_line(draw, (round(0.8 * dpi), step * (row + 1)), line, path, px)
    if degraded:
        rng = np.random.default_rng(seed)
        image = image.filter(ImageFilter.GaussianBlur(0.7))
        a = np.asarray(image, dtype=np.float32) * (225 / 255) + 20
        a = a + rng.normal(0, 14, a.shape)
        image = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=45)
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    return Sheet(image, [line for line, _ in entries], dpi)


# --------------------------------------------------------------------------- OCR and scoring


def ocr_lines(image: Image.Image, dpi: int) -> list[list[Glyph]]:
    """Tesseract's level-5 items per line, with the spaces of its text output.

    Read through :func:`ocr.tesseract.recognize`, the pipeline's own call
    (``image_to_data``'s TSV plus the text rendering for the spaces between phrases).
    """
    from ocr.tesseract import OcrSettings, recognize

    page = recognize(image, OcrSettings(psm=6), dpi=dpi)
    return [
        [
            Glyph(g.text, g.left, g.top, g.width, g.height, g.confidence, g.space_before)
            for g in line.glyphs
        ]
        for line in page.lines
    ]


def line_text(glyphs: list[Glyph]) -> str:
    return "".join((" " if g.space_before else "") + g.text for g in glyphs)


def _squash(text: str) -> str:
    return text.replace(" ", "").replace("\u0e4d\u0e32", "\u0e33")


def digits_right(printed: str, read: str) -> tuple[int, int]:
    """(Thai digits of `printed` read identically, Thai digits printed) after alignment."""
    a, b = _squash(printed), _squash(read)
    n, m = len(a), len(b)
    cost = np.zeros((n + 1, m + 1), dtype=np.int32)
    cost[:, 0] = np.arange(n + 1)
    cost[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i, j] = min(
                cost[i - 1, j] + 1, cost[i, j - 1] + 1, cost[i - 1, j - 1] + (a[i - 1] != b[j - 1])
            )
    i, j, right = n, m, 0
    while i > 0 and j > 0:
        if cost[i, j] == cost[i - 1, j - 1] + (a[i - 1] != b[j - 1]):
            right += a[i - 1] == b[j - 1] and a[i - 1] in THAI_DIGITS
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return right, sum(ch in THAI_DIGITS for ch in a)


@dataclass(frozen=True)
class Result:
    tesseract: float
    corrected: float
    printed: int
    kept_words: bool
    untouched_same_objects: bool
    worst: list[tuple[str, str]]
    seconds_per_page: float


def run_sheet(sheet: Sheet) -> Result:
    import time

    gray = np.asarray(sheet.image, dtype=np.uint8)
    lines = ocr_lines(sheet.image, sheet.dpi)
    assert len(lines) == len(sheet.lines), "Tesseract found a different number of lines"
    before = after = total = 0
    kept, same = True, True
    worst: list[tuple[str, str]] = []
    elapsed = 0.0
    for printed, glyphs in zip(sheet.lines, lines, strict=True):
        started = time.perf_counter()
        fixed = reread_numbers(gray, glyphs, dpi=sheet.dpi)
        elapsed += time.perf_counter() - started
        r0, t = digits_right(printed, line_text(glyphs))
        r1, _ = digits_right(printed, line_text(fixed))
        before, after, total = before + r0, after + r1, total + t
        if r1 < t:
            worst.append((printed, line_text(fixed)))
        for word in KEEP_WORDS:
            if word in printed and word in _squash(line_text(glyphs)):
                kept &= word in _squash(line_text(fixed))
        in_runs = {i for a, b, _ in number_runs(glyphs) for i in range(a, b)}
        ids = {id(g) for g in fixed}
        same &= all(id(g) in ids for i, g in enumerate(glyphs) if i not in in_runs)
    return Result(before / total, after / total, total, kept, same, worst, elapsed)


needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract")


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


@needs_tesseract
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
        assert r.seconds_per_page < 0.5


@needs_tesseract
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
    with pytest.raises(digits.ModelMissingError, match=r"python -m ocr\.train_digits"):
        digits.read_model(tmp_path / "none.npz")
