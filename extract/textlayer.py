"""Repair of Thai text as PDF text layers (and OCR) deliver it.

Word with TH SarabunPSK writes shifted mark glyphs as private-use code points, some
producers split sara am into nikhahit + sara aa or type "เเ" for "แ", and marks come out
in an order that no keyboard produces. Every reader of text goes through `repair_thai`
first; it returns how many repairs it made so a page can report them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Windows PUA positional variants back to their Unicode characters. Source of truth:
# HarfBuzz's Thai shaper (hb-ot-shaper-thai.cc), SD/SDL/SL/RD tables, "win_pua" column;
# the Mac column (U+F884..U+F89E) is added for PDFs made on macOS.
_WIN_PUA = {
    # SD: shifted down (tone marks on a consonant with no upper vowel; below vowels of ฎ ฏ)
    0xF70A: 0x0E48, 0xF70B: 0x0E49, 0xF70C: 0x0E4A, 0xF70D: 0x0E4B, 0xF70E: 0x0E4C,
    0xF718: 0x0E38, 0xF719: 0x0E39, 0xF71A: 0x0E3A,
    # SDL: shifted down and left (tone marks on ป ฝ ฟ ฬ)
    0xF705: 0x0E48, 0xF706: 0x0E49, 0xF707: 0x0E4A, 0xF708: 0x0E4B, 0xF709: 0x0E4C,
    # SL: shifted left (upper vowels and tone marks on ป ฝ ฟ ฬ)
    0xF713: 0x0E48, 0xF714: 0x0E49, 0xF715: 0x0E4A, 0xF716: 0x0E4B, 0xF717: 0x0E4C,
    0xF710: 0x0E31, 0xF701: 0x0E34, 0xF702: 0x0E35, 0xF703: 0x0E36, 0xF704: 0x0E37,
    0xF712: 0x0E47, 0xF711: 0x0E4D,
    # RD: consonants with their descender removed (before a below vowel)
    0xF70F: 0x0E0D, 0xF700: 0x0E10,
}  # fmt: skip
_MAC_PUA = {
    0xF88B: 0x0E48, 0xF88E: 0x0E49, 0xF891: 0x0E4A, 0xF894: 0x0E4B, 0xF897: 0x0E4C,
    0xF89B: 0x0E38, 0xF89C: 0x0E39, 0xF89D: 0x0E3A,
    0xF88C: 0x0E48, 0xF88F: 0x0E49, 0xF892: 0x0E4A, 0xF895: 0x0E4B, 0xF898: 0x0E4C,
    0xF88A: 0x0E48, 0xF88D: 0x0E49, 0xF890: 0x0E4A, 0xF893: 0x0E4B, 0xF896: 0x0E4C,
    0xF884: 0x0E31, 0xF885: 0x0E34, 0xF886: 0x0E35, 0xF887: 0x0E36, 0xF888: 0x0E37,
    0xF889: 0x0E47, 0xF899: 0x0E4D,
    0xF89A: 0x0E0D, 0xF89E: 0x0E10,
}  # fmt: skip
PUA_TO_THAI: dict[int, str] = {cp: chr(u) for cp, u in {**_WIN_PUA, **_MAC_PUA}.items()}

NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
SARA_AM = "\u0e33"
SARA_E = "\u0e40"
SARA_AE = "\u0e41"
TONE_MARKS = frozenset("\u0e48\u0e49\u0e4a\u0e4b")
# Marks that sit directly on the consonant (vowels above/below, phinthu, maitaikhu,
# nikhahit) come before tone marks and thanthakhat in the encoding order.
_INNER_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e4d")
_OUTER_MARKS = frozenset("\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4e")
THAI_MARKS = _INNER_MARKS | _OUTER_MARKS

_SPLIT_SARA_AM = re.compile(f"{NIKHAHIT}([{''.join(sorted(TONE_MARKS))}]?){SARA_AA}")
_MARK_RUN = re.compile(f"[{''.join(sorted(THAI_MARKS))}]{{2,}}")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_THAI_LETTER = re.compile("[\u0e01-\u0e2e]")


@dataclass(frozen=True)
class Repaired:
    text: str
    repairs: int
    kinds: tuple[tuple[str, int], ...] = ()  # repair kind -> count, for the page notes


def repair_thai(text: str) -> Repaired:
    """Turn a Thai text-layer or OCR string into plain, canonically ordered Unicode."""
    kinds: dict[str, int] = {}

    def count(kind: str, n: int) -> None:
        if n:
            kinds[kind] = kinds.get(kind, 0) + n

    if _PRIVATE_USE.search(text):
        out = []
        for ch in text:
            mapped = PUA_TO_THAI.get(ord(ch))
            if mapped is not None:
                count("private-use-glyph", 1)
                out.append(mapped)
            else:
                out.append(ch)
        text = "".join(out)

    text, n = _SPLIT_SARA_AM.subn(lambda m: m.group(1) + SARA_AM, text)
    count("split-sara-am", n)
    if SARA_E + SARA_E in text:
        count("doubled-sara-e", text.count(SARA_E + SARA_E))
        text = text.replace(SARA_E + SARA_E, SARA_AE)

    def reorder(match: re.Match[str]) -> str:
        run = match.group(0)
        deduped = "".join(dict.fromkeys(run))  # a doubled mark is never meant
        ordered = "".join(sorted(deduped, key=lambda c: c in _OUTER_MARKS))
        if ordered != run:
            count("mark-order", 1)
        return ordered

    text = _MARK_RUN.sub(reorder, text)
    # Once marks are in order a split sara am may show ("ํ่่า": a doubled tone hid it).
    text, n = _SPLIT_SARA_AM.subn(lambda m: m.group(1) + SARA_AM, text)
    count("split-sara-am", n)
    return Repaired(text, sum(kinds.values()), tuple(sorted(kinds.items())))


def private_use_share(text: str) -> float:
    """Share of private-use code points that `repair_thai` cannot map: a mojibake signal."""
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return 0.0
    unmapped = sum(1 for c in letters if _PRIVATE_USE.match(c) and ord(c) not in PUA_TO_THAI)
    return unmapped / len(letters)


@dataclass(frozen=True)
class TextQuality:
    """How much of a text's Thai reads as Thai: dictionary words and valid clusters.

    `word_share` is the share of Thai letters inside pythainlp dictionary words (newmm);
    `cluster_share` the share inside valid Thai character clusters (pythainlp's TCC): a
    mark that lost its base ("ปฏิบตั ิ") or a sara am split from its consonant ("ค ำ")
    starts a cluster of its own, which no writer produces.
    """

    thai_letters: int
    word_letters: int
    cluster_letters: int

    @property
    def word_share(self) -> float:
        return self.word_letters / self.thai_letters if self.thai_letters else 1.0

    @property
    def cluster_share(self) -> float:
        return self.cluster_letters / self.thai_letters if self.thai_letters else 1.0

    @property
    def score(self) -> float:
        """One measure for comparing readings of the same page: 1.0 is all Thai in words."""
        return self.word_share * self.cluster_share

    def describe(self) -> str:
        return (
            f"text quality {self.score:.3f}"
            f" (words {self.word_share:.3f}, clusters {self.cluster_share:.3f})"
        )


_THAI_CHAR = re.compile("[\u0e01-\u0e4e]")
_BAD_CLUSTER_START = re.compile(f"[{''.join(sorted(THAI_MARKS))}\u0e33\u0e32\u0e45]")


def invalid_cluster_letters(text: str) -> int:
    """Thai characters in clusters no writer produces: one that starts with a mark or a
    following vowel (TCC puts a mark without a base, or a stray sara aa, on its own)."""
    from pythainlp.tokenize import tcc

    if not _THAI_CHAR.search(text):
        return 0
    bad = 0
    for cluster in tcc.segment(text):
        if _BAD_CLUSTER_START.match(cluster):
            bad += sum(1 for c in cluster if _THAI_CHAR.match(c))
    return bad


# A page's text is measured when its readings are compared and again when sources'
# layer_problem judges the one kept: the second time is a hit. TextQuality is frozen.
@lru_cache(maxsize=16)
def text_quality(text: str) -> TextQuality:
    """Measure `text` (a page, a line, a phrase): see `TextQuality`."""
    from thaireport.extract.thai_words import dictionary_words, words

    if not _THAI_CHAR.search(text):
        return TextQuality(0, 0, 0)
    known = dictionary_words()
    thai = word = 0
    for token in words(text):
        letters = sum(1 for c in token if _THAI_CHAR.match(c))
        thai += letters
        if token in known:
            word += letters
    bad = invalid_cluster_letters(text)
    return TextQuality(thai, word, max(0, thai - bad))


def score_bound(text: str) -> float:
    """At least `text_quality(text).score`, without segmenting the text into words.

    The score is the word share times the cluster share, and a share is at most 1: the
    cluster share (the cheap half: TCC, no dictionary) bounds it. newmm's words cover the
    text, so the Thai letters counted here are the ones `text_quality` counts.
    """
    thai = len(_THAI_CHAR.findall(text))
    if not thai:
        return 1.0
    return max(0, thai - invalid_cluster_letters(text)) / thai


def thai_word_share(text: str) -> float:
    """Share of Thai letters that fall in dictionary words: ~0.9 for real text.

    Text read from an upside-down page, or a text layer with a broken font encoding,
    is Thai letters in no particular order and scores about half of that.
    """
    return text_quality(text).word_share
