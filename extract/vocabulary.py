"""The domain's fixed vocabulary, and a light corrector for OCR errors in it.

Reports repeat a small set of words: the column headers, month and unit names, the types of
local organizations, their responsible units. OCR garbles them in predictable ways
("นายก้องการ บริหารส่วนตำบล" for นายกองค์การบริหารส่วนตำบล). The corrector proposes a
correction only when exactly one vocabulary term explains a stretch of text within a few
edits, and that stretch is not itself a Thai word; it never rewrites the printed text: callers
keep the verbatim cell and record the correction beside it.

The header matcher (`extract.header`) and this corrector share the header wordings: the
vocabulary takes them from `HEADER_VARIANTS` rather than keeping a copy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from thaireport.extract.header import HEADER_VARIANTS
from thaireport.extract.normalize.dates import MONTH_NAMES
from thaireport.extract.normalize.quantities import COUNT_UNITS

# Local organization types, long form -> the abbreviations printed for them.
ORGANIZATION_TYPES: dict[str, tuple[str, ...]] = {
    "องค์การบริหารส่วนตำบล": ("อบต.",),
    "องค์การบริหารส่วนจังหวัด": ("อบจ.",),
    "เทศบาลตำบล": ("ทต.",),
    "เทศบาลเมือง": ("ทม.",),
    "เทศบาลนคร": ("ทน.",),
}
# Administrative areas, long form -> abbreviations (ต.ท่าหิน, อ.เสวี, จ.ชุมพร).
AREA_TYPES: dict[str, tuple[str, ...]] = {
    "ตำบล": ("ต.",),
    "อำเภอ": ("อ.",),
    "จังหวัด": ("จ.",),
}
# Units of a local organization that appear as "ผู้รับผิดชอบ". A unit outside this list is
# reported, not rejected: organizations name their units in their own ways.
RESPONSIBLE_UNITS: tuple[str, ...] = (
    "สำนักปลัด",
    "สำนักงานปลัด",
    "กองคลัง",
    "กองช่าง",
    "กองการศึกษา",
    "กองการศึกษา ศาสนาและวัฒนธรรม",
    "กองสาธารณสุขและสิ่งแวดล้อม",
    "กองสวัสดิการสังคม",
    "กองการเจ้าหน้าที่",
    "กองยุทธศาสตร์และงบประมาณ",
    "กองส่งเสริมการเกษตร",
    "กองวิชาการและแผนงาน",
    "กองแผนและงบประมาณ",
    "หน่วยตรวจสอบภายใน",
    "งานการเจ้าหน้าที่",
    "งานพัสดุ",
    "งานนิติการ",
)
# Positions printed before an organization's name (never an organization themselves).
POSITIONS: tuple[str, ...] = (
    "นายกองค์การบริหารส่วนตำบล",
    "ปลัดองค์การบริหารส่วนตำบล",
    "นายกองค์การบริหารส่วนจังหวัด",
    "นายกเทศมนตรี",
)
OTHER_TERMS: tuple[str, ...] = ("ประเด็นที่", "ปีงบประมาณ", "บอร์ดประชาสัมพันธ์", "เว็บไซต์")

# Shorter words are one letter away from other real words: never corrected.
MIN_TERM_LENGTH = 6


def _terms() -> tuple[str, ...]:
    words = [
        *(v for variants in HEADER_VARIANTS.values() for v in variants),
        *MONTH_NAMES,
        *COUNT_UNITS,
        *ORGANIZATION_TYPES,
        *POSITIONS,
        *(unit for unit in RESPONSIBLE_UNITS if " " not in unit),
        *OTHER_TERMS,
    ]
    unique = dict.fromkeys(w for w in words if len(w) >= MIN_TERM_LENGTH)
    return tuple(sorted(unique, key=len, reverse=True))


VOCABULARY: tuple[str, ...] = _terms()


def allowed_edits(term: str) -> int:
    """How many edits a stretch may be from a term and still be read as it."""
    if len(term) >= 20:
        return 3
    if len(term) >= 10:
        return 2
    return 1


@dataclass(frozen=True)
class VocabularyCorrection:
    """`text[start:end]` as printed reads as `corrected`, `edits` edits away."""

    start: int
    end: int
    original: str
    corrected: str
    edits: int


_SPACES = re.compile(r"[ \u00a0]+")
# Thai vowels and marks written above or below a consonant: a stretch may not start on one,
# and may not end just before one (it would cut a character cluster in two).
_COMBINING = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def _clean_edges(text: str, start: int, end: int) -> bool:
    if start >= end or text[start] in _COMBINING or text[start].isspace():
        return False
    if text[end - 1].isspace() or "\n" in text[start:end]:
        return False
    return end >= len(text) or text[end] not in _COMBINING


def word_starts(text: str) -> frozenset[int]:
    """Offsets where a word starts (newmm's segmentation), and the end of the text."""
    from thaireport.extract.thai_words import words

    starts, position = {len(text)}, 0
    for token in words(text):
        starts.add(position)
        position += len(token)
    return frozenset(starts)


def _best_stretch(
    text: str, term: str, start: int, end: int, words: frozenset[int]
) -> tuple[int, int, int] | None:
    """The stretch near [start, end) closest to the term (spaces inside it are ignored).

    It must begin where a word begins: a term's tail glued to the end of another word
    ("จัดทำงบประมาณ" is not ปีงบประมาณ) is no misreading. Ending where a word ends is
    preferred among equally close stretches.
    """
    budget = allowed_edits(term)
    best: tuple[tuple[int, bool, int], int, int] | None = None
    slack = budget + 2
    for s in range(max(0, start - slack), min(len(text), start + slack) + 1):
        if s not in words:
            continue
        for e in range(max(s + 1, end - slack), min(len(text), end + slack) + 1):
            if not _clean_edges(text, s, e):
                continue
            edits = Levenshtein.distance(_squash(text[s:e]), term, score_cutoff=budget)
            if edits > budget:
                continue
            key = (edits, e not in words, abs((e - s) - len(term)))
            if best is None or key < best[0]:
                best = (key, s, e)
    return None if best is None else (best[1], best[2], best[0][0])


def _candidates(
    text: str, term: str, words: frozenset[int], lo: int = 0, hi: int | None = None
) -> list[VocabularyCorrection]:
    """Stretches of `text[lo:hi]` that read as `term`, found by fuzzy alignment."""
    hi = len(text) if hi is None else hi
    if hi - lo < len(term) - allowed_edits(term):
        return []
    cutoff = 100.0 * (1 - allowed_edits(term) / len(term))
    alignment = fuzz.partial_ratio_alignment(term, text[lo:hi], score_cutoff=cutoff)
    if alignment is None:
        return []
    left, right = lo + alignment.dest_start, lo + alignment.dest_end
    found = []
    stretch = _best_stretch(text, term, left, right, words)
    if stretch is not None:
        s, e, edits = stretch
        found.append(VocabularyCorrection(s, e, text[s:e], term, edits))
        left, right = min(left, s), max(right, e)
    # Another occurrence may stand before or after this one.
    found.extend(_candidates(text, term, words, lo, left))
    found.extend(_candidates(text, term, words, right, hi))
    return found


def _overlaps(a: VocabularyCorrection, start: int, end: int) -> bool:
    return a.start < end and start < a.end


def _part_missing(c: VocabularyCorrection) -> bool:
    """The text holds part of the term and no more ("การดำเนินงาน" of ผลการดำเนินงาน): it is
    a shorter phrase, not a misreading, unless only a mark fell away ("กุมภาพันธ")."""
    original = _squash(c.original)
    if original not in c.corrected:
        return False
    missing = c.corrected.replace(original, "", 1)
    return any(ch not in _COMBINING for ch in missing)


def _blocks(c: VocabularyCorrection, start: int, end: int, term: str) -> bool:
    """A term printed correctly overlaps the stretch, other than as a part of its term."""
    inside = c.start <= start and end <= c.end and term in c.corrected
    return _overlaps(c, start, end) and not inside


def _agree(wide: VocabularyCorrection, narrow: VocabularyCorrection) -> bool:
    """A longer term that contains the shorter one explains the same stretch: no conflict."""
    inside = wide.start <= narrow.start and narrow.end <= wide.end
    return inside and narrow.corrected in wide.corrected


def find_corrections(
    text: str, vocabulary: Sequence[str] = VOCABULARY
) -> tuple[VocabularyCorrection, ...]:
    """Unambiguous corrections of vocabulary terms garbled in `text`, in text order."""
    exact = [
        (m.start(), m.end(), term)
        for term in vocabulary
        for m in re.finditer(re.escape(term), text)
    ]
    from thaireport.extract.thai_words import dictionary_words

    dictionary = dictionary_words()
    words = word_starts(text)
    proposals = [
        c
        for term in vocabulary
        for c in _candidates(text, term, words)
        if c.edits > 0
        and _squash(c.original) not in dictionary
        and not _part_missing(c)
        and not any(_blocks(c, *found) for found in exact)
    ]
    chosen = []
    for proposal in proposals:
        rivals = [
            p for p in proposals if p is not proposal and _overlaps(p, proposal.start, proposal.end)
        ]
        if all(_agree(proposal, r) for r in rivals):
            chosen.append(proposal)
    # Two proposals standing for the same term and stretch are one correction.
    unique = {(c.start, c.end, c.corrected): c for c in chosen}
    return tuple(sorted(unique.values(), key=lambda c: c.start))


@dataclass(frozen=True)
class CorrectedText:
    """A text with its corrections applied, and the way back to the printed offsets."""

    text: str
    corrections: tuple[VocabularyCorrection, ...]

    def printed_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the printed text of `self.text[start:end]`.

        An end inside a corrected stretch takes the printed stretch whole: a correction
        has no finer mapping.
        """
        return self._printed(start, at_end=False), self._printed(end, at_end=True)

    def _printed(self, position: int, *, at_end: bool) -> int:
        shift = 0  # corrected length minus printed length, over the corrections passed
        for c in self.corrections:
            new_start = c.start + shift
            new_end = new_start + len(c.corrected)
            if position < new_start or (at_end and position == new_start):
                break
            if position < new_end or (at_end and position == new_end):
                return c.end if at_end else c.start
            shift += len(c.corrected) - (c.end - c.start)
        return position - shift


def apply_corrections(text: str, corrections: Sequence[VocabularyCorrection]) -> CorrectedText:
    parts: list[str] = []
    last = 0
    for c in corrections:
        parts.extend((text[last : c.start], c.corrected))
        last = c.end
    parts.append(text[last:])
    return CorrectedText("".join(parts), tuple(corrections))
