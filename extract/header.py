"""Match a table's header cells to the six canonical columns of the measure matrix."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

COLUMN_KEYS: tuple[str, ...] = ("measure", "method", "responsible", "period", "result", "outcome")

# Header wordings seen in real reports; spacing and line breaks are removed before matching.
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "measure": (
        "มาตรการ/กิจกรรม",
        "มาตรการ",
        "กิจกรรม/โครงการ",
        "มาตรการ/กิจกรรม/โครงการ",
        "โครงการ/กิจกรรม/มาตรการ",
        "โครงการ/กิจกรรม",
    ),
    "method": (
        "วิธีดำเนินการ",
        "วิธีการดำเนินการ",
        "วิธีการดำเนินงาน",
        "แนวทางการดำเนินการ",
        "ขั้นตอน/วิธีการ",  # the measure plan
        "ขั้นตอนการดำเนินการ",
    ),
    "responsible": ("ผู้รับผิดชอบ", "หน่วยงานที่รับผิดชอบ", "หน่วยงานรับผิดชอบ"),
    "period": ("ระยะเวลา", "ระยะเวลาดำเนินการ", "ระยะเวลาการดำเนินการ", "ห้วงเวลา"),
    "result": (
        "สรุปผลการดำเนินการตามมาตรการ/กิจกรรม",
        "สรุปผลการดำเนินการ",
        "ผลการดำเนินการ",
        "ผลการดำเนินงาน",
    ),
    "outcome": (
        "ผลลัพธ์หรือความสำเร็จของการดำเนินการ",
        "ผลลัพธ์/ความสำเร็จ",
        "ผลลัพธ์",
        "ความสำเร็จของการดำเนินการ",
    ),
}

MIN_HEADER_SCORE = 75.0
WEAK_HEADER_SCORE = 50.0
_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


GROUP_SEPARATOR = " / "  # between a group label and the sub-label under it (two-level header)


def own_label(text: str) -> str:
    """The label of one column under a group label ("ผลการดำเนินงาน / ผลลัพธ์" → "ผลลัพธ์")."""
    return text.split(GROUP_SEPARATOR)[-1]


def score_header(text: str, key: str) -> float:
    """How well a header cell's text names one canonical column (0..100)."""
    cell = _squash(text)
    if not cell:
        return 0.0
    return max(fuzz.ratio(cell, variant) for variant in HEADER_VARIANTS[key])


def match_header(cells: Sequence[str], *, min_score: float = MIN_HEADER_SCORE) -> dict[int, str]:
    """Map header cell positions to canonical keys; unmatched positions are left out.

    Assignment is greedy by score over all (cell, key) pairs, so "ระยะเวลาดำเนินการ" goes to
    period even though it also resembles "วิธีดำเนินการ", and each key is used once.
    """
    pairs = sorted(
        (
            (score_header(text, key), index, key)
            for index, text in enumerate(cells)
            for key in COLUMN_KEYS
        ),
        reverse=True,
    )
    mapping: dict[int, str] = {}
    for score, index, key in pairs:
        if score < min_score:
            break
        if index not in mapping and key not in mapping.values():
            mapping[index] = key
    # OCR garbles headers ("วิธีด้าเพ็นการ"): a weaker match still counts when it sits in
    # the canonical order between the columns already matched.
    for score, index, key in pairs:
        if score < WEAK_HEADER_SCORE:
            break
        if index in mapping or key in mapping.values():
            continue
        if _in_order(mapping, index, key):
            mapping[index] = key
    return dict(sorted(mapping.items()))


def _in_order(mapping: dict[int, str], index: int, key: str) -> bool:
    rank = COLUMN_KEYS.index(key)
    return all(
        (COLUMN_KEYS.index(other) < rank) == (position < index)
        for position, other in mapping.items()
    )


def header_keys_in(text: str) -> set[str]:
    """The canonical key a header fragment (one line of a wrapped header cell) names, if any.

    A fragment must carry a good part of a label ("การ" is in every label); among the keys
    it could begin, the one whose label it matches most completely wins, so
    "มาตรการ/กิจกรรม" is the measure even though the result label ends with it.
    """
    squashed = _squash(text)
    best: tuple[float, float, str] | None = None
    for key, variants in HEADER_VARIANTS.items():
        for variant in variants:
            if len(squashed) < min(6, len(variant)) or len(squashed) < 0.4 * len(variant):
                continue
            partial = fuzz.partial_ratio(variant, squashed)
            if partial < 90:
                continue
            candidate = (partial, fuzz.ratio(variant, squashed), key)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return {best[2]} if best else set()


def is_header_row(cells: Sequence[str]) -> bool:
    """A row is a header when it names at least four of the six columns."""
    return len(match_header(cells)) >= 4
