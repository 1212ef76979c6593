"""Thai digits re-read from the page image where Tesseract's Thai model cannot read them.

Debian's ``tha`` model knows only ๐ ๑ ๒ ๓ ๕ among Thai digits: ๒๕๖๖ comes out ๒๕๒๒, ๒๕ฯฯ,
"Wedd" or "bebo"; ๓ is read as ต, ๗ as ญ, ๑ as ร/ว/9, ๐ as o. This module finds the
number-shaped runs of one OCR line (runs of digits, and of the letters Tesseract puts in
their place, that hold a real digit or sit next to a month, พ.ศ., ร้อยละ, %, จำนวน, ...),
cuts one crop per printed character out of the page image (connected components inside the
run's boxes, grouped by column, wide blobs split at the thinnest column), and classifies
each crop with a small numpy MLP trained by ``python -m tools.train_digits`` on digits
rendered in Thai fonts with scanner-like damage. Everything else of the line is returned
untouched (the same objects). See docs/digits.md for how the model is made and measured.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray
from thaireport.ocr.tesseract import OcrGlyph

from thaireport.errors import MissingDependencyError

Gray = NDArray[np.uint8]
Floats = NDArray[np.float32]

MODEL_PATH = Path(__file__).parent / "data" / "digits-model.npz"

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"
DIGITS = THAI_DIGITS + ARABIC_DIGITS
PUNCTUATION = ".,-–/:%()"
#: What the classifier may write into a number: every other class it knows is "a letter".
NUMBER_CLASSES = DIGITS + PUNCTUATION
#: Letters Tesseract's tha+eng models put where a digit was printed (measured on rendered
#: sheets) and look-alike symbols; a run made of these alone is re-read only in context.
SUBSTITUTES = frozenset(
    "ตญรวฯขฆฒงคดซชฉบปผฝพฟมนกถภฐฑๆะอสทณศษลฎฏฮห"
    "oObBeEdDWwlI|!iIjJaAcCgGqQsSzZuUnNmMhHkKrRtTyYvVxXpPfF'\"`°~^*@#&$§©®+=<>?[]{}\\_"
    "«»£€¢¥¬¦"  # measured on the digit sheets: ๙ at a line end comes out as «
)

FEATURE_SIDE = 16  # crops are scaled (aspect kept) into a FEATURE_SIDE square
_SPECK_AREA_300 = 6.0  # components smaller than this (pixels at 300 DPI) are dust
_GROUP_OVERLAP = 0.9  # components overlapping this much of the narrower width are one char
_SMALL_PART = 0.66  # a component this much shorter than its neighbour is a part of it
_SMALL_OVERLAP = 0.25
_SPLIT_WIDTH = 1.55  # a group wider than this times the run's char height is split
_LETTER_TO_DIGIT_MIN_P = 0.80  # a letter is rewritten only if a number class is this sure
_WORD_TO_NUMBER_MIN_P = 0.90  # ... and a run without any digit only if every crop is this sure

MONTHS = (
    *("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน"),
    *("กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"),
)
#: Abbreviations without their dots (OCR drops, doubles and spaces them).
MONTH_ABBREVIATIONS = ("มค", "กพ", "มีค", "เมย", "พค", "มิย", "กค", "สค", "กย", "ตค", "พย", "ธค")
#: Words after or before which a number is expected.
CUES = (
    "พศ",
    "คศ",
    "ร้อยละ",
    "%",
    "จำนวน",
    "ที่",
    "ประเด็นที่",
    "วันที่",
    "ไตรมาสที่",
    "ปี",
    "ปีงบประมาณ",
    "ครั้ง",
    "ราย",
    "คน",
    "บาท",
    "วัน",
    "เดือน",
    "เดือนละ",
    "ละ",
    "ข้อ",
    "ลำดับ",
    "หน้า",
)
_CUE_SET = frozenset(CUES) | frozenset(MONTHS) | frozenset(MONTH_ABBREVIATIONS)


class ModelMissingError(MissingDependencyError):
    """The shipped digit model is not there: it is built by ``python -m tools.train_digits``."""


Glyph = OcrGlyph  # one TSV "word" of Tesseract's, usually one character


class GlyphLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def left(self) -> int: ...
    @property
    def top(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def confidence(self) -> float: ...
    @property
    def space_before(self) -> bool: ...


G = TypeVar("G", bound=GlyphLike)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class DigitModel:
    """A one-hidden-layer MLP on crop pixels and geometry (weights in float16 on disk)."""

    classes: tuple[str, ...]
    mean: Floats
    scale: Floats
    w1: Floats
    b1: Floats
    w2: Floats
    b2: Floats

    def probabilities(self, features: Floats) -> Floats:
        # einsum, not @: a few rows at a time, and OpenBLAS waking its threads for each
        # tiny product cost four times the arithmetic (measured: 190-360 ms a page, 85).
        x = (features - self.mean) * self.scale
        hidden = np.maximum(np.einsum("ij,jk->ik", x, self.w1) + self.b1, 0.0)
        logits = np.einsum("ij,jk->ik", hidden, self.w2) + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    @property
    def number_mask(self) -> NDArray[np.bool_]:
        return np.array([c in NUMBER_CLASSES for c in self.classes])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            classes=np.array(self.classes),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            w1=self.w1.astype(np.float16),
            b1=self.b1.astype(np.float32),
            w2=self.w2.astype(np.float16),
            b2=self.b2.astype(np.float32),
        )


def read_model(path: Path) -> DigitModel:
    if not path.exists():
        raise ModelMissingError(
            f"the Thai digit model {path} is missing: build it with `python -m tools.train_digits`"
        )
    with np.load(path, allow_pickle=False) as data:

        def arr(name: str) -> Floats:
            return np.asarray(data[name], dtype=np.float32)

        return DigitModel(
            classes=tuple(str(c) for c in data["classes"]),
            mean=arr("mean"),
            scale=arr("scale"),
            w1=arr("w1"),
            b1=arr("b1"),
            w2=arr("w2"),
            b2=arr("b2"),
        )


@lru_cache(maxsize=1)
def load_model() -> DigitModel:
    """The shipped model (read once)."""
    return read_model(MODEL_PATH)


# --------------------------------------------------------------------------- cutting crops


@dataclass(frozen=True)
class Crop:
    """One printed character inside a run: its box (page pixels) and its ink mask."""

    left: int
    top: int
    width: int
    height: int
    mask: Gray  # 255 = ink, the crop's own components only


def _binarize(region: Gray) -> Gray:
    """Ink = 255. Otsu, kept from calling paper ink on an almost blank region."""
    otsu, _ = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    threshold = min(float(otsu), 200.0)
    if int(region.min()) > 150:  # no real ink here
        threshold = float(region.min()) - 1
    return np.asarray(np.where(region <= threshold, 255, 0), dtype=np.uint8)


def cut_run(
    gray: Gray,
    left: int,
    top: int,
    right: int,
    bottom: int,
    *,
    dpi: int,
    reach: int = 0,
    limits: tuple[int, int] | None = None,
) -> list[Crop]:
    """One crop per printed character whose ink is centered in the box (left..right, top..bottom).

    ``reach`` widens the box left and right (Tesseract's LSTM boxes are often shifted by
    part of a character; the caller then tells which crops are the run's). Nothing left
    of ``limits[0]`` or right of ``limits[1]`` is looked at (the walls of the run's cell:
    a digit of the next column is no part of it).

    Connected components are found in the box widened by a margin (so characters that
    stick out of Tesseract's boxes stay whole), dust is dropped, components sharing
    columns are grouped (%, :, broken strokes) and groups much wider than the run's
    character height are split at their thinnest column (touching digits).
    """
    h_img, w_img = gray.shape
    band = max(bottom - top, 1)
    margin_x, margin_y = band // 2 + 2 + reach, band // 2 + 2
    low, high = limits if limits is not None else (0, w_img)
    x0, y0 = max(0, low, left - margin_x), max(0, top - margin_y)
    x1, y1 = min(w_img, high, right + margin_x), min(h_img, bottom + margin_y)
    if x1 <= x0 or y1 <= y0:
        return []
    binary = _binarize(np.ascontiguousarray(gray[y0:y1, x0:x1]))
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    speck = _SPECK_AREA_300 * (dpi / 300.0) ** 2
    keep: list[int] = []
    for index in range(1, count):
        cx, cy = centroids[index]
        if stats[index, cv2.CC_STAT_AREA] < speck:
            continue
        inside_x = left - reach - x0 <= cx < right + reach - x0
        if not (inside_x and top - y0 - 2 <= cy <= bottom - y0 + 2):
            continue
        keep.append(index)
    if not keep:
        return []
    # Group by column overlap, left to right.
    keep.sort(key=lambda i: int(stats[i, cv2.CC_STAT_LEFT]))
    groups: list[list[int]] = []
    spans: list[tuple[int, int]] = []
    tallest: list[int] = []
    for index in keep:
        a = int(stats[index, cv2.CC_STAT_LEFT])
        b = a + int(stats[index, cv2.CC_STAT_WIDTH])
        h = int(stats[index, cv2.CC_STAT_HEIGHT])
        if spans:
            ga, gb = spans[-1]
            overlap = min(b, gb) - max(a, ga)
            # Similar parts must share most columns (a slash leans over its neighbours);
            # a small part (the rings of %, a broken stroke) needs less.
            small = min(h, tallest[-1]) < _SMALL_PART * max(h, tallest[-1])
            need = (_SMALL_OVERLAP if small else _GROUP_OVERLAP) * min(b - a, gb - ga)
            if overlap > 0 and overlap >= need:
                groups[-1].append(index)
                spans[-1] = (min(a, ga), max(b, gb))
                tallest[-1] = max(tallest[-1], h)
                continue
        groups.append([index])
        spans.append((a, b))
        tallest.append(h)
    boxes = []
    for members in groups:
        tops = [int(stats[i, cv2.CC_STAT_TOP]) for i in members]
        ends = [int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in members]
        boxes.append((min(tops), max(ends)))
    heights = [e - s for s, e in boxes]
    tall = max(heights)
    char_height = float(statistics.median([h for h in heights if h >= 0.5 * tall]))
    crops: list[Crop] = []
    for members, (a, b), (ys, ye) in zip(groups, spans, boxes, strict=True):
        window = labels[ys:ye, a:b]
        hit = window == members[0]
        for other in members[1:]:
            hit |= window == other
        mask = hit.astype(np.uint8) * np.uint8(255)
        for sa, sb in _split_wide(mask, char_height):
            piece = mask[:, sa:sb]
            rows = np.flatnonzero(piece.any(axis=1))
            if rows.size == 0:
                continue
            piece = piece[rows[0] : rows[-1] + 1]
            crops.append(
                Crop(
                    left=x0 + a + sa,
                    top=y0 + ys + int(rows[0]),
                    width=sb - sa,
                    height=piece.shape[0],
                    mask=np.ascontiguousarray(piece),
                )
            )
    return crops


def _split_wide(mask: Gray, char_height: float) -> list[tuple[int, int]]:
    """Column ranges of a group: split at the thinnest column while it is too wide."""
    width = mask.shape[1]
    height = mask.shape[0]
    if width <= _SPLIT_WIDTH * char_height or height < 0.6 * char_height:
        return [(0, width)]
    parts = max(2, round(width / (0.85 * char_height)))
    profile = (mask > 0).sum(axis=0).astype(np.float32)
    cuts = [0]
    for k in range(1, parts):
        center = k * width / parts
        lo = int(center - 0.25 * width / parts)
        hi = int(center + 0.25 * width / parts) + 1
        lo, hi = max(lo, cuts[-1] + 1), min(hi, width - 1)
        if hi <= lo:
            continue
        cuts.append(lo + int(np.argmin(profile[lo:hi])))
    cuts.append(width)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


# --------------------------------------------------------------------------- features


def crop_features(crops: Sequence[Crop], *, dpi: int) -> Floats:
    """Per crop: the ink scaled into a 16×16 square (aspect kept) and its geometry.

    Geometry is relative to the run (the median height of its tall crops, the median
    middle line), plus the absolute height in points: a lone "." and a lone "๐" differ
    only in size.
    """
    if not crops:
        return np.zeros((0, feature_length()), dtype=np.float32)
    highest = max(c.height for c in crops)
    tall = [c for c in crops if c.height >= 0.5 * highest]
    ref = float(statistics.median(c.height for c in tall))
    middle = float(statistics.median(c.top + c.height / 2 for c in tall))
    rows = []
    for crop in crops:
        side = max(crop.width, crop.height)
        square = np.zeros((side, side), dtype=np.uint8)
        oy, ox = (side - crop.height) // 2, (side - crop.width) // 2
        square[oy : oy + crop.height, ox : ox + crop.width] = crop.mask
        small = cv2.resize(square, (FEATURE_SIDE, FEATURE_SIDE), interpolation=cv2.INTER_AREA)
        geometry = [
            crop.height / ref,
            crop.width / ref,
            np.log(crop.width / max(crop.height, 1)),
            (crop.top + crop.height / 2 - middle) / ref,
            (crop.top - middle) / ref,
            (crop.top + crop.height - middle) / ref,
            crop.height * 72.0 / dpi / 10.0,
            crop.width * 72.0 / dpi / 10.0,
            float((crop.mask > 0).mean()),
        ]
        rows.append(np.concatenate([small.ravel() / 255.0, np.array(geometry)]))
    return np.asarray(rows, dtype=np.float32)


def feature_length() -> int:
    return FEATURE_SIDE * FEATURE_SIDE + 9


# --------------------------------------------------------------------------- runs


def _is_digit(ch: str) -> bool:
    return ch in DIGITS


def _candidate_char(ch: str) -> bool:
    return ch in DIGITS or ch in PUNCTUATION or ch in SUBSTITUTES


def _is_candidate(text: str) -> bool:
    return bool(text) and all(_candidate_char(ch) for ch in text)


def _is_thai_or_latin_letter(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4f" or ch.isalpha()


_DOTS = re.compile(r"[.\s]")
_ABBREVIATION = re.compile(r"(?:[^\W\d]{1,2}\.){2,}")  # ต.ค., N.Y.: never a number


def _phrase_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\u0e4d\u0e32", "\u0e33"))
    return _DOTS.sub("", text)


def _phrases(glyphs: Sequence[GlyphLike]) -> list[tuple[int, int]]:
    """Index ranges of the line's phrases (Tesseract's spaces separate them)."""
    bounds = []
    start = 0
    for index in range(1, len(glyphs)):
        if glyphs[index].space_before:
            bounds.append((start, index))
            start = index
    if glyphs:
        bounds.append((start, len(glyphs)))
    return bounds


def is_number_cue(text: str) -> bool:
    """Is this phrase a word that numbers follow (a month, พ.ศ., ร้อยละ, จำนวน, ...)?"""
    return _is_cue(_phrase_key(text))


def _is_cue(key: str) -> bool:
    if key in _CUE_SET:
        return True
    return any(key.endswith(cue) or key.startswith(cue) for cue in ("พศ", "ร้อยละ", "%"))


#: A Buddhist-Era year cut short at a line's end: a narrow cell wraps "๒๕๖๖" as "๒๕๖" / "๖".
_YEAR_CUT = re.compile("[๒2](?:[๔-๗4-7][๐-๙0-9]?)?")
_MAX_TAIL_LETTERS = 3  # a year's last digits, read as digits or letters ("าว" for ๖)


def is_year_cut(text: str) -> bool:
    """Does this phrase end a line with the first digits of a BE year ("๒๕๖", "๒๕")?"""
    return _YEAR_CUT.fullmatch(_phrase_key(text)) is not None


def _year_tail(glyphs: Sequence[GlyphLike]) -> int:
    """How many glyphs open the line as the rest of a year cut short on the line above:
    the first phrase up to its end, if it is digits, their substitutes and a few letters."""
    end = _phrases(glyphs)[0][1] if glyphs else 0
    text = "".join(g.text for g in glyphs[:end])
    letters = [
        ch for ch in text if not unicodedata.category(ch).startswith("M") and ch not in PUNCTUATION
    ]
    fits = 1 <= len(letters) <= _MAX_TAIL_LETTERS and all(
        _is_digit(ch) or _candidate_char(ch) or _is_thai_or_latin_letter(ch) for ch in letters
    )
    return end if fits else 0


def number_runs(
    glyphs: Sequence[GlyphLike], *, continues_year: bool = False
) -> list[tuple[int, int, bool]]:
    """(start, end, has_digit) of the line's number-shaped runs of glyphs.

    A run is a maximal sequence, inside one phrase, of glyphs made only of digits, number
    punctuation and the letters Tesseract substitutes for digits. It is number-shaped if it
    holds a real digit; or, if it is its phrase's whole text (not part of a word), when a
    neighbouring phrase is a month, พ.ศ., ร้อยละ, %, จำนวน, ... or holds a digit itself.
    Pure punctuation is never a run of its own. `continues_year`: the line above ended with
    a year cut short (see `is_year_cut`), so the line's first phrase is a run whatever
    Tesseract made of it ("าว-" for "๖ –").
    """
    runs = _number_runs(glyphs)
    tail = _year_tail(glyphs) if continues_year else 0
    if not tail:
        return runs
    return [(0, tail, True), *(r for r in runs if r[0] >= tail)]


def _number_runs(glyphs: Sequence[GlyphLike]) -> list[tuple[int, int, bool]]:
    phrases = _phrases(glyphs)
    texts = ["".join(g.text for g in glyphs[a:b]) for a, b in phrases]
    keys = [_phrase_key(t) for t in texts]
    digit_phrase = [any(_is_digit(ch) for ch in t) for t in texts]
    runs: list[tuple[int, int, bool]] = []
    for p, (a, b) in enumerate(phrases):
        index = a
        while index < b:
            if not _is_candidate(glyphs[index].text):
                index += 1
                continue
            start = index
            while index < b and _is_candidate(glyphs[index].text):
                index += 1
            text = "".join(g.text for g in glyphs[start:index])
            if all(ch in PUNCTUATION for ch in text):
                continue
            index = _extend_year(glyphs, text, index, b)
            if any(_is_digit(ch) for ch in text):
                trimmed = _trim_abbreviations(glyphs, start, index)
                if trimmed is not None:
                    runs.append((*trimmed, True))
                continue
            whole = start == a and index == b
            if not whole or len(text) > 8 or _is_cue(keys[p]) or _ABBREVIATION.fullmatch(text):
                continue
            if _has_cue_near(p, keys, texts, digit_phrase):
                runs.append((start, index, False))
    return runs


def _extend_year(glyphs: Sequence[GlyphLike], text: str, end: int, phrase_end: int) -> int:
    """A Buddhist-Era year cut short: "๒๕" then letters with marks ("๒๕งิฒ" for ๒๕๖๗).

    Every year in these reports is 25xx; Tesseract reads the two digits it cannot write
    as letters, sometimes with a vowel, which no substitute list covers. Up to the
    phrase's end and two more letters are taken into the run for re-reading.
    """
    if text not in ("๒๕", "25") or end >= phrase_end:
        return end
    tail = "".join(g.text for g in glyphs[end:phrase_end])
    letters = [ch for ch in tail if not unicodedata.category(ch).startswith("M")]
    if 1 <= len(letters) <= 2 and all(_is_thai_or_latin_letter(ch) for ch in letters):
        return phrase_end
    return end


def _kind(text: str) -> str:
    if any(_is_digit(ch) for ch in text):
        return "digit"
    return "punct" if all(ch in PUNCTUATION for ch in text) else "letter"


def _trim_abbreviations(
    glyphs: Sequence[GlyphLike], start: int, end: int
) -> tuple[int, int] | None:
    """The run without the dotted abbreviations glued to it ("ต.ค.๒๕๖๖", "พ.ศ.๒๕๖๗").

    Letters joined by dots to other letters (ต . ค .) are an abbreviation, not digits; a
    letter next to a digit or one dot away from one ("๙๕.ฯฯ") stays in the run.
    """
    kinds = [_kind(g.text) for g in glyphs[start:end]]
    keep = [True] * len(kinds)
    for i, kind in enumerate(kinds):
        if kind != "letter":
            continue
        # Letter segment i..j.
        j = i
        while j + 1 < len(kinds) and kinds[j + 1] == "letter":
            j += 1
        before = kinds[i - 2] if i >= 2 and kinds[i - 1] == "punct" else None
        after = kinds[j + 2] if j + 2 < len(kinds) and kinds[j + 1] == "punct" else None
        if before == "letter" or after == "letter":
            for k in range(i, j + 1):
                keep[k] = False
    wanted = [i for i, k in enumerate(keep) if k and kinds[i] != "punct"]
    if not wanted:
        return None
    first, last = wanted[0], wanted[-1]
    # Punctuation after the last digit belongs to the number ("๑.", "๙๕%", "(๔๖)").
    while first > 0 and kinds[first - 1] == "punct" and (first < 2 or keep[first - 2]):
        first -= 1
    while last + 1 < len(kinds) and keep[last + 1] and kinds[last + 1] == "punct":
        last += 1
    return start + first, start + last + 1


def _has_cue_near(p: int, keys: list[str], texts: list[str], digit_phrase: list[bool]) -> bool:
    for step in (-1, 1):
        q = p + step
        # Skip dashes and the like between a number and this one ("๒๕๖๖ - mo").
        while 0 <= q < len(texts) and all(ch in PUNCTUATION for ch in texts[q]):
            q += step
        if 0 <= q < len(texts) and (_is_cue(keys[q]) or digit_phrase[q]):
            return True
        # A day before a misread month abbreviation: "ob N.Y. ๒๕๔๒" (๑๖ มิ.ย. ๒๕๔๒).
        r = q + step
        if 0 <= r < len(texts) and "." in texts[q] and len(keys[q]) <= 3 and digit_phrase[r]:
            return True
    return False


# --------------------------------------------------------------------------- re-reading


def reread_numbers(
    gray: Gray,
    glyphs: Sequence[G],
    *,
    dpi: int,
    limits: tuple[int, int] | None = None,
    continues_year: bool = False,
) -> list[G]:
    """The line's glyphs with the digits of its number-shaped runs read from the image.

    Each run is cut into one crop per printed character; each crop becomes one glyph (its
    own box, the classifier's confidence in percent), so "๒๕ฯฯ" sharing one box comes back
    as four glyphs. A glyph Tesseract read as a letter is rewritten only if the classifier
    is sure it is a number character; a crop the classifier takes for a letter keeps
    Tesseract's text. Glyphs outside runs are returned as they were (the same objects).
    `limits`: the left and right walls of the cell the glyphs are in (see `cut_run`).
    `continues_year`: see `number_runs`.
    """
    out: list[G] = list(glyphs)
    runs = number_runs(glyphs, continues_year=continues_year)
    if not runs:
        return out
    model = load_model()
    for start, end, has_digit in reversed(runs):
        replacement = _reread_run(gray, glyphs, start, end, dpi, model, has_digit, limits)
        if replacement is not None:
            out[start:end] = replacement
    return out


#: Thai marks above and below a consonant: their glyphs never own a digit's ink.
_MARKS = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def _owner(crop: Crop, glyphs: Sequence[GlyphLike]) -> int:
    """The glyph a crop belongs to: most shared columns, else the nearest box."""
    a, b = crop.left, crop.left + crop.width
    best, best_overlap = 0, -(10**9)
    for index, g in enumerate(glyphs):
        if g.top > crop.top + crop.height or g.top + g.height < crop.top:
            continue  # another line's box
        if g.text and all(ch in _MARKS for ch in g.text):
            continue  # a mark's box often spans the line's height and its neighbours
        overlap = min(b, g.left + g.width) - max(a, g.left)
        if overlap > best_overlap:
            best, best_overlap = index, overlap
    return best


def _reread_run(
    gray: Gray,
    glyphs: Sequence[G],
    start: int,
    end: int,
    dpi: int,
    model: DigitModel,
    has_digit: bool,
    limits: tuple[int, int] | None = None,
) -> list[G] | None:
    run = glyphs[start:end]
    left = min(g.left for g in run)
    right = max(g.left + g.width for g in run)
    top = min(g.top for g in run)
    bottom = max(g.top + g.height for g in run)
    reach = int(statistics.median(g.height for g in run))
    found = cut_run(gray, left, top, right, bottom, dpi=dpi, reach=reach, limits=limits)
    # Tesseract's boxes are approximate: a crop is the run's if its columns overlap a run
    # glyph's box more than any other glyph's of the line.
    pairs = [(c, _owner(c, glyphs)) for c in found]
    crops = [c for c, o in pairs if start <= o < end]
    owners = [o - start for c, o in pairs if start <= o < end]
    if not crops:
        return None
    probabilities = model.probabilities(crop_features(crops, dpi=dpi))
    numbers = model.number_mask
    if not has_digit:
        # Letters only, in a numeric context: all of it is a number, or none of it.
        best = probabilities.argmax(axis=1)
        sure = probabilities.max(axis=1) >= _WORD_TO_NUMBER_MIN_P
        if not (numbers[best] & sure).all() or not any(
            model.classes[int(b)] in DIGITS for b in best
        ):
            return None
    result: list[G] = []
    allowed = _one_script(probabilities, model)
    for k, (crop, owner) in enumerate(zip(crops, owners, strict=True)):
        glyph = run[owner]
        p = probabilities[k]
        number_p = np.where(numbers & allowed, p, 0.0)
        best_number = int(np.argmax(number_p))
        best_any = int(np.argmax(p))
        said_number = _kind(glyph.text) != "letter"
        if said_number or (numbers[best_any] and p[best_any] >= _LETTER_TO_DIGIT_MIN_P):
            text = model.classes[best_number]
            confidence = float(number_p[best_number]) * 100.0
        else:  # a letter after all: keep what Tesseract read (one char per crop if it can)
            text = _original_piece(glyph.text, owners, owner, k)
            confidence = glyph.confidence
        if not text:
            continue
        first = k == 0 or owners[k - 1] != owner
        result.append(
            replace(  # type: ignore[type-var]
                glyph,
                text=text,
                left=crop.left,
                top=crop.top,
                width=crop.width,
                height=crop.height,
                confidence=round(confidence, 2),
                space_before=glyph.space_before and first,
            )
        )
    if not result:
        return None
    # A glyph that got no crop would lose its space: give it to the run's first crop.
    if run[0].space_before and not result[0].space_before:
        result[0] = replace(result[0], space_before=True)  # type: ignore[type-var]
    return result


def _one_script(probabilities: Floats, model: DigitModel) -> NDArray[np.bool_]:
    """The classes a run's digits may take: one number is printed in one script.

    A run read as Thai digits but one ("พ.ศ. 5๕๖๗": a bold ๒ taken for 5) keeps to the
    script most of its digits are in; a tie, or a run of one script, allows every class.
    """
    classes = model.classes
    best = [classes[int(i)] for i in probabilities.argmax(axis=1)]
    thai = sum(1 for ch in best if ch in THAI_DIGITS)
    arabic = sum(1 for ch in best if ch in ARABIC_DIGITS)
    everything = np.ones(len(classes), dtype=bool)
    if not thai or not arabic or thai == arabic:
        return everything
    other = ARABIC_DIGITS if thai > arabic else THAI_DIGITS
    return np.array([c not in other for c in classes], dtype=bool)


def _original_piece(text: str, owners: list[int], owner: int, k: int) -> str:
    siblings = [i for i, o in enumerate(owners) if o == owner]
    if len(siblings) == len(text):
        return text[siblings.index(k)]
    return text if siblings[0] == k else ""
