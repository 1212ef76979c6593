"""Thai text-layer repair: private-use glyphs, split sara am, "เเ", mark order, unmapped glyphs."""

from __future__ import annotations

import pytest
from thaireport.extract.pdf_layout import _char_texts
from thaireport.extract.textlayer import PUA_TO_THAI, private_use_share, repair_thai

from tests.fixtures.pua import to_word_pua


@pytest.mark.parametrize(
    ("damaged", "clean", "repairs"),
    [
        ("ที\uf70a", "ที่", 1),  # low mai ek
        ("ป\uf701ด", "ปิด", 1),  # sara i shifted left over ป
        ("ป\uf705า", "ป่า", 1),  # mai ek shifted down-left
        ("\uf70fู", "ญู", 1),  # yo ying without its tail
        ("น\u0e49\u0e4d\u0e32", "น้ำ", 1),  # split sara am after a tone mark
        ("น\u0e4d\u0e49\u0e32", "น้ำ", 1),  # nikhahit typed before the tone mark
        ("ท\u0e4d\u0e32", "ทำ", 1),
        ("เเจ้ง", "แจ้ง", 1),
        ("ท\u0e48\u0e35", "ที่", 1),  # tone mark before the vowel
        ("ก\u0e49\u0e49", "ก้", 1),  # doubled tone mark
        # a doubled tone mark inside a split sara am: found by hypothesis (repairing twice
        # changed the text again)
        ("น\u0e4d\u0e49\u0e49\u0e32", "น้ำ", 2),
        ("สำนักปลัด", "สำนักปลัด", 0),
        ("No Gift Policy", "No Gift Policy", 0),
    ],
)
def test_repairs(damaged: str, clean: str, repairs: int) -> None:
    result = repair_thai(damaged)
    assert result.text == clean
    assert result.repairs == repairs


def test_every_windows_and_mac_pua_code_point_maps_to_thai() -> None:
    assert len(PUA_TO_THAI) == 27 + 27
    for code, char in PUA_TO_THAI.items():
        assert 0xF700 <= code <= 0xF89E
        assert "\u0e01" <= char <= "\u0e4e"


def test_word_style_pua_round_trips_through_repair() -> None:
    text = "ผู้รับผิดชอบ สำนักปลัด ป่าไม้ ปี่ ฝ้าย ญาติ ฐาน น้ำประปา แผนการ สม่ำเสมอ"
    shaped = to_word_pua(text)
    assert shaped != text
    assert repair_thai(shaped).text == text


def test_private_use_share_counts_only_unmappable_code_points() -> None:
    assert private_use_share("ที\uf70a") == 0.0
    assert private_use_share("\ue001\ue002ab") == 0.5


def _chars(*texts: str) -> list[dict[str, object]]:
    return [
        {"text": t, "x0": i * 5.0, "x1": i * 5.0 + 5, "top": 0.0, "bottom": 10.0}
        for i, t in enumerate(texts)
    ]


def test_unmapped_glyph_inside_sara_am_cluster_is_dropped_and_counted() -> None:
    texts, repairs, unmapped = _char_texts(_chars("น", "้ำ", "(cid:22)", "ก"))
    assert texts == ["น", "้ำ", None, "ก"]
    assert (repairs, unmapped) == (1, 0)


def test_other_unmapped_glyphs_stay_visible() -> None:
    texts, repairs, unmapped = _char_texts(_chars("ก", "(cid:7)", "ข"))
    assert texts == ["ก", "\ufffd", "ข"]
    assert (repairs, unmapped) == (0, 1)
