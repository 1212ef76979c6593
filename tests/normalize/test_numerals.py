from __future__ import annotations

import pytest
from thaireport.extract.normalize import (
    arabic_to_thai_digits,
    searchable_text,
    thai_digits_to_arabic,
)


@pytest.mark.parametrize(
    ("thai", "arabic"),
    [
        ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
        ("ร้อยละ ๙๕.๕๙", "ร้อยละ 95.59"),
        ("๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗", "1 ต.ค. 2566 - 30 ก.ย. 2567"),
        ("จำนวน ๑,๒๐๐ คน", "จำนวน 1,200 คน"),
        ("www.thahin.go.th", "www.thahin.go.th"),
        ("", ""),
    ],
)
def test_thai_digits_to_arabic(thai: str, arabic: str) -> None:
    assert thai_digits_to_arabic(thai) == arabic


def test_other_characters_are_untouched() -> None:
    # Thai letters next to the digit block (ฯ U+0E2F, ๏ U+0E4F, ๚ U+0E5A, ๛ U+0E5B) stay.
    text = "ฯ๏๚๛ abc ABC 123 ำ่้"
    assert thai_digits_to_arabic(text) == text


@pytest.mark.parametrize(
    ("arabic", "thai"),
    [
        ("0123456789", "๐๑๒๓๔๕๖๗๘๙"),
        ("FY 2567", "FY ๒๕๖๗"),
        ("ร้อยละ 90.90", "ร้อยละ ๙๐.๙๐"),
    ],
)
def test_arabic_to_thai_digits(arabic: str, thai: str) -> None:
    assert arabic_to_thai_digits(arabic) == thai


def test_round_trip() -> None:
    text = "๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗"
    assert arabic_to_thai_digits(thai_digits_to_arabic(text)) == text


def test_searchable_text_keeps_length_and_offsets() -> None:
    text = "วันที่\u200b๒๒ ก.พ.\ufeff๖๗"
    searchable = searchable_text(text)
    assert searchable == "วันที่ 22 ก.พ. 67"
    assert len(searchable) == len(text)
    start = searchable.index("22")
    assert text[start : start + 2] == "๒๒"
