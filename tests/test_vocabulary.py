"""The vocabulary corrector: garbled domain words are recognized, real words are left alone."""

from __future__ import annotations

import pytest
from thaireport.extract.header import HEADER_VARIANTS
from thaireport.extract.vocabulary import VOCABULARY, apply_corrections, find_corrections


@pytest.mark.parametrize(
    ("text", "original", "corrected"),
    [
        # the example's OCR typo, a space inserted and two letters lost
        ("นายธนิต พ่วงแม่กลอง นายก้องการ บริหารส่วนตำบลท่าหิน ได้มี",
         "นายก้องการ บริหารส่วนตำบล", "นายกองค์การบริหารส่วนตำบล"),
        ("เดือนกุมภาพันธ ๒๕๖๗", "กุมภาพันธ", "กุมภาพันธ์"),  # the final mark lost
        ("ประจำปังบประมาณ พ.ศ. ๒๕๖๗", "ปังบประมาณ", "ปีงบประมาณ"),
        ("สำนักปลัต", "สำนักปลัต", "สำนักปลัด"),
        ("ระยะเวลาดำเนนการ", "ระยะเวลาดำเนนการ", "ระยะเวลาดำเนินการ"),
    ],
)  # fmt: skip
def test_garbled_terms_are_recognized(text: str, original: str, corrected: str) -> None:
    (correction,) = find_corrections(text)
    assert correction.original == original
    assert text[correction.start : correction.end] == original
    assert correction.corrected == corrected
    assert correction.edits >= 1


@pytest.mark.parametrize(
    "text",
    [
        "องค์การบริหารส่วนตำบลท่าหิน",  # printed correctly
        "การจัดทำงบประมาณ",  # ends like ปีงบประมาณ, but is another word
        "ติดตามการดำเนินงาน และรายงานผล",  # a part of ผลการดำเนินงาน, not a misreading of it
        "มาตรฐานการให้บริการ",  # a real word one letter from nothing in the vocabulary
        "ผลลัพธ์หรือ ความสำเร็จของการ ดำเนินการ",  # a wrapped header: spacing is no error
    ],
)
def test_real_words_are_left_alone(text: str) -> None:
    assert find_corrections(text) == ()


def test_a_stretch_two_terms_explain_equally_is_not_corrected() -> None:
    vocabulary = ("กองคลังจังหวัด", "กองคลังจังหวัน")
    assert find_corrections("กองคลังจังหวัก", vocabulary) == ()
    assert len(find_corrections("กองคลังจังหวัก", vocabulary[:1])) == 1


def test_the_vocabulary_shares_the_header_wordings() -> None:
    for variants in HEADER_VARIANTS.values():
        assert all(v in VOCABULARY for v in variants if len(v) >= 6)


def test_corrected_offsets_map_back_to_the_printed_text() -> None:
    text = "ณ ห้องประชุม นายก้องการ บริหารส่วนตำบลท่าหิน ได้มีการประกาศ"
    corrected = apply_corrections(text, find_corrections(text))
    assert corrected.text == "ณ ห้องประชุม นายกองค์การบริหารส่วนตำบลท่าหิน ได้มีการประกาศ"
    after = corrected.text.index("ท่าหิน")
    start, end = corrected.printed_span(after, after + len("ท่าหิน"))
    assert text[start:end] == "ท่าหิน"
    before = corrected.text.index("ห้องประชุม")
    assert corrected.printed_span(before, before + 10) == (text.index("ห้องประชุม"),) * 1 + (
        text.index("ห้องประชุม") + 10,
    )
    # a span that ends inside the corrected stretch takes the printed stretch whole
    inside = corrected.text.index("นายก")
    start, end = corrected.printed_span(inside, inside + 4)
    assert text[start:end] == "นายก้องการ บริหารส่วนตำบล"
