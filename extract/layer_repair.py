"""Damage that real producers' text layers carry, repaired where the dictionary is sure.

Each family is what a published file shows (see DOMAIN.md, "Real producers, real damage"):
Word 365 with THSarabunIT๙ maps sara aa to sara am ("บริกำร"); Word with Noto Sans Thai
loses sara am ("ดาเนินงาน"); Word 2010 maps its nikhahit glyph to mai tho ("ส้าคัญ") and
other mark glyphs to nothing (a zero-width "hole": "น ้ายืน", "เชื อ", "ด าเนิน"); an
above-base mark comes after the next consonant, with a space ("ขัน้ ตอน"); justified lines are
letter-spaced ("เพิ่ ม เติ ม"); LibreOffice's sara am reads with a spurious sara aa ("ดำาเนิน").

Most of these are ambiguous one site at a time ("กำ" and "กา" are both words). The
dictionary decides: a change is kept only where the phrase then segments (pythainlp newmm)
into fewer letters outside dictionary words and valid clusters, or as many and fewer words,
than before — and where two changes would do equally well, nothing is changed and a warning
says so. A family that rewrites a common letter (sara aa, sara am) is tried only on text of
a font that shows the damage: no sara am at all in a few hundred Thai letters, or no sara aa.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from thaireport.extract.textlayer import (
    SARA_AA,
    SARA_AM,
    TONE_MARKS,
    invalid_cluster_letters,
)

HOLE = "\ufffc"  # a glyph drawn with no width and mapped to a space: a lost mark
MAI_THO = "\u0e49"
NIKHAHIT = "\u0e4d"
THANTHAKHAT = "\u0e4c"
_UPPER = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"  # above-base vowels and maitaikhu
_TONES = "".join(sorted(TONE_MARKS)) + THANTHAKHAT
MIN_FAMILY_LETTERS = 250  # Thai letters of one font before a missing sara am is evidence
MIN_AA_AS_AM = 3  # sara am seen in a font that shows no sara aa
_CONSONANT = "[\u0e01-\u0e2e]"
_THAI = re.compile("[\u0e01-\u0e4e]")


class RepairKind(StrEnum):
    SARA_AA_AS_AM = "sara-aa-as-am"  # "บริกำร" (Word 365, THSarabunIT๙)
    SARA_AM_LOST = "sara-am-lost"  # "ดาเนินงาน" (Word, Noto Sans Thai)
    SARA_AM_AS_MAI_THO = "sara-am-as-mai-tho"  # "ส้าคัญ" (Word 2010)
    LOST_MARK = "lost-mark"  # a zero-width glyph mapped to a space: "ด าเนิน", "เชื อ"
    MARK_AFTER_NEXT = "mark-after-next-consonant"  # "ขัน้ ตอน"
    LETTER_SPACED = "letter-spaced"  # "เพิ่ ม เติ ม"
    EXTRA_SARA_AA = "extra-sara-aa"  # "ดำาเนิน" (LibreOffice read by pdfminer)


@dataclass(frozen=True)
class LayerRepair:
    text: str
    kinds: tuple[tuple[str, int], ...] = ()  # repair kind -> count
    warnings: tuple[str, ...] = ()

    @property
    def repairs(self) -> int:
        return sum(n for _, n in self.kinds)


@lru_cache(maxsize=65536)
def segment_key(text: str) -> tuple[int, int]:
    """(Thai letters outside dictionary words or in invalid clusters, words): lower is better."""
    from thaireport.extract.thai_words import dictionary_words, words

    if not _THAI.search(text):
        return 0, 0
    known = dictionary_words()
    unknown = tokens = 0
    for token in words(text):
        if token.isspace():
            continue
        tokens += 1
        if token not in known:
            unknown += sum(1 for c in token if _THAI.match(c))
    return unknown + invalid_cluster_letters(text), tokens


@lru_cache(maxsize=1)
def _word_log_freq() -> tuple[dict[str, float], float]:
    """log frequency of each word in pythainlp's Thai National Corpus list, and of an unseen one."""
    from pythainlp.corpus import tnc

    freqs = dict(tnc.word_freqs())
    total = math.log(sum(freqs.values()))
    return {w: math.log(f) - total for w, f in freqs.items()}, -total


@lru_cache(maxsize=65536)
def log_likelihood(text: str) -> float:
    """log P of the text's newmm words under a unigram model of Thai (the TNC counts)."""
    from thaireport.extract.thai_words import words

    logs, unseen = _word_log_freq()
    return sum(logs.get(t, unseen) for t in words(text) if not t.isspace())


SURE_LOG_RATIO = math.log(3)  # a change the dictionary cannot tell apart must be 3× as likely


def damaged_families(text: str) -> frozenset[RepairKind]:
    """The letter-rewriting families that text of one font shows (see the module doc)."""
    families: set[RepairKind] = set()
    # Sara aa is the commonest vowel (about one Thai letter in 16): none at all beside a
    # few sara am says the font maps one to the other.
    if SARA_AA not in text and text.count(SARA_AM) >= MIN_AA_AS_AM:
        families.add(RepairKind.SARA_AA_AS_AM)
    thai = len(_THAI.findall(text))  # a page's text of one font: no loop in Python
    # A sara am written as nikhahit + sara aa (Chromium's layers) is there, only split.
    has_am = SARA_AM in text or NIKHAHIT in text
    if thai >= MIN_FAMILY_LETTERS and not has_am and SARA_AA in text:
        families |= {RepairKind.SARA_AM_LOST, RepairKind.SARA_AM_AS_MAI_THO}
    return frozenset(families)


@dataclass(frozen=True)
class _Site:
    start: int
    end: int
    options: tuple[tuple[str, RepairKind], ...]  # replacement for text[start:end], kind
    ranked: bool = False  # options in order of likelihood: a tie goes to the first


_HOLE_SITE = re.compile(f"{HOLE}+([{_TONES}]?){SARA_AA}|{HOLE}+")
_AA_SITE = re.compile(f"(?<={_CONSONANT})([{_TONES}]?){SARA_AA}")
_AM_SITE = re.compile(SARA_AM)


def _sites(text: str, families: frozenset[RepairKind]) -> list[_Site]:
    sites: list[_Site] = []
    for m in _HOLE_SITE.finditer(text):
        if m.group(0).endswith(SARA_AA):
            # A nikhahit glyph without a mapping before sara aa (tone first, as shaped).
            tone = m.group(1)
            opts = [(tone + SARA_AM, RepairKind.LOST_MARK)]
            if not tone:
                opts += [(t + SARA_AA, RepairKind.LOST_MARK) for t in _TONES]
            sites.append(_Site(m.start(), m.end(), tuple(opts), ranked=True))
        else:
            # A tone mark or thanthakhat without a mapping: which one, the dictionary says.
            opts = [(t, RepairKind.LOST_MARK) for t in _TONES]
            sites.append(_Site(m.start(), m.end(), (*opts, ("", RepairKind.LOST_MARK))))
    if RepairKind.SARA_AM_LOST in families:
        for m in _AA_SITE.finditer(text):
            tone = m.group(1)
            opts = [(tone + SARA_AM, RepairKind.SARA_AM_LOST)]
            if tone == MAI_THO:
                opts.append((SARA_AM, RepairKind.SARA_AM_AS_MAI_THO))
            sites.append(_Site(m.start(), m.end(), tuple(opts)))
    if RepairKind.SARA_AA_AS_AM in families:
        for m in _AM_SITE.finditer(text):
            sites.append(_Site(m.start(), m.end(), ((SARA_AA, RepairKind.SARA_AA_AS_AM),)))
    return sorted(sites, key=lambda s: s.start)


def _choose(before: str, after: str, site: _Site, current: str) -> tuple[str, RepairKind] | None:
    """The one option the dictionary prefers at `site`, or None (no better option, or a tie).

    Better is fewer letters outside words and valid clusters, then fewer words; where both
    are equal (กา and กำ are both words), a reading SURE_LOG_RATIO times as likely in
    running Thai text (a unigram model over the Thai National Corpus counts).
    """

    def rank(option: str) -> tuple[int, int, float]:
        phrase = before + option + after
        unknown, words = segment_key(phrase)
        return unknown, words, -log_likelihood(phrase)

    def better(a: tuple[int, int, float], b: tuple[int, int, float], margin: float) -> bool:
        return a[:2] < b[:2] or (a[:2] == b[:2] and a[2] < b[2] - margin)

    base = rank(current)
    scored = sorted(
        (rank(o), i if site.ranked else 0, o, k) for i, (o, k) in enumerate(site.options)
    )
    best = scored[0]
    if not better(best[0], base, SURE_LOG_RATIO):
        return None
    if not site.ranked and len(scored) > 1 and not better(best[0], scored[1][0], 0.0):
        raise _Unsure(best[2], scored[1][2])
    return best[2], best[3]


class _Unsure(Exception):
    pass


def repair_phrase(text: str, families: frozenset[RepairKind] = frozenset()) -> LayerRepair:
    """Repair the letter-level families in one phrase (no spaces needed around it)."""
    counts: Counter[str] = Counter()
    warnings: list[str] = []
    if SARA_AM + SARA_AA in text:
        counts[RepairKind.EXTRA_SARA_AA] += text.count(SARA_AM + SARA_AA)
        text = text.replace(SARA_AM + SARA_AA, SARA_AM)
    if HOLE not in text and not families:
        return LayerRepair(text, tuple(counts.items()))
    out: list[str] = []
    position = 0
    for site in _sites(text, families):
        if site.start < position:
            continue
        current = text[site.start : site.end]
        before = "".join(out) + text[position : site.start]
        after = text[site.end :]
        try:
            chosen = _choose(_phrase_tail(before), _phrase_head(after), site, current)
        except _Unsure as unsure:
            chosen = None
            if HOLE in current:
                warnings.append(
                    f"a mark without a Unicode mapping in {_show(text)!r}: "
                    f"{unsure.args[0]!r} or {unsure.args[1]!r}, left out"
                )
        if chosen is None:
            if HOLE in current:  # nothing is sure: the hole goes, the letters stay
                current = current.replace(HOLE, "")
                if not warnings or _show(text) not in warnings[-1]:
                    warnings.append(f"a mark without a Unicode mapping in {_show(text)!r} left out")
            out.append(text[position : site.start] + current)
        else:
            out.append(text[position : site.start] + chosen[0])
            counts[chosen[1]] += 1
        position = site.end
    out.append(text[position:])
    return LayerRepair("".join(out), tuple(counts.items()), tuple(warnings))


def _phrase_tail(text: str) -> str:
    return text.rsplit(" ", 1)[-1]


def _phrase_head(text: str) -> str:
    return text.split(" ", 1)[0]


def _show(text: str) -> str:
    return text.replace(HOLE, "\u25cc")


_MOVED_MARK = re.compile(
    f"({_CONSONANT}[{_UPPER}\u0e38\u0e39]?)({_CONSONANT})([{_UPPER}{_TONES}\u0e38\u0e39]+)$"
)


def moved_back(text: str) -> str | None:
    """'ขัน้' -> 'ขั้น': the marks that end a piece put back before its last consonant."""
    m = _MOVED_MARK.search(text)
    if m is None:
        return None
    return text[: m.start()] + m.group(1) + m.group(3) + m.group(2)


def join_pieces(pieces: Sequence[str]) -> tuple[list[int], Counter[str]]:
    """Which neighbouring pieces of one line are one word (returns, for each piece after
    the first: 0 keep the space, 1 join it to the one before, 2 put the marks that end
    the one before back and join, 3 put them back and keep the space), and the repairs.

    Pieces are what a reader split at gaps: a letter-spaced line gives a piece per few
    letters, a mark moved after the next consonant leaves a gap behind it. Two pieces are
    joined (and the mark put back) only where the joined text segments better.
    """
    joins: list[int] = []
    counts: Counter[str] = Counter()
    current = pieces[0] if pieces else ""
    for right in pieces[1:]:
        left = current
        if not (left and right and _THAI.match(left[-1]) and _THAI.match(right[0])):
            joins.append(0)
            current = right
            continue
        # Only letters that come out of unknown words decide: two words with a space
        # between them are two phrases, as Thai writes them.
        apart = segment_key(left)[0] + segment_key(right)[0]
        joined = segment_key(left + right)[0]
        moved = moved_back(left)
        options = [(apart, 0, right), (joined, 1, left + right)]  # fewest changes first
        if moved is not None:
            # The family leaves a gap behind the moved mark: putting it back closes it.
            options.insert(1, (segment_key(moved + right)[0], 2, moved + right))
            options.insert(2, (segment_key(moved)[0] + segment_key(right)[0], 3, right))
        best = min(options, key=lambda o: o[0])  # the first of equals: fewest changes
        joins.append(best[1])
        current = best[2]
        if best[1] in (2, 3):
            counts[RepairKind.MARK_AFTER_NEXT] += 1
        elif best[1] == 1:
            counts[RepairKind.LETTER_SPACED] += 1
    return joins, counts


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


def repair_line_text(text: str, families: frozenset[RepairKind] = frozenset()) -> LayerRepair:
    """A whole line of text: the letter families in each phrase, then the spaces."""
    fixed = [repair_phrase(piece, families) for piece in text.split(" ")]
    pieces = [f.text for f in fixed]
    joins, counts = join_pieces(pieces)
    out = pieces[0]
    for piece, join in zip(pieces[1:], joins, strict=True):
        if join in (2, 3):
            out = (moved_back(out) or out) + (" " if join == 3 else "") + piece
        else:
            out += ("" if join else " ") + piece
    for f in fixed:
        counts.update(dict(f.kinds))
    warnings = [w for f in fixed for w in f.warnings]
    return LayerRepair(out, tuple(counts.items()), tuple(warnings))


def merge_kinds(parts: Iterable[tuple[tuple[str, int], ...]]) -> tuple[tuple[str, int], ...]:
    total: Counter[str] = Counter()
    for kinds in parts:
        total.update(dict(kinds))
    return tuple(sorted(total.items()))
