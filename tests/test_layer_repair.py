"""Real Word text layers repaired (../shared/real/), and the seeded damage corpus."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein
from thaireport.extract.layer_repair import HOLE, RepairKind, repair_line_text
from thaireport.extract.lines import group_lines
from thaireport.extract.normalize.numerals import thai_digits_to_arabic
from thaireport.extract.pdf_layout import read_pdf_layout
from thaireport.extract.textlayer import text_quality

from tests.fixtures.thai_damage import clean_lines, score_family

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
HOSPITAL = REAL / "hospital-policy-word2010.pdf"
ACTION_PLAN = REAL / "phitsanulok-action-plan-2567.pdf"
needs_real = pytest.mark.skipif(not HOSPITAL.exists(), reason="../shared/real is absent")


def _cer(expected: str, got: str) -> float:
    """Character error rate, whitespace-insensitive (line wraps are not marked)."""
    want, have = "".join(expected.split()), "".join(got.split())
    return Levenshtein.distance(want, have) / len(want)


@needs_real
def test_word_2010_sara_am_and_lost_marks_read_within_0_3_percent_cer() -> None:
    truth = json.loads(HOSPITAL.with_suffix(".lines.json").read_text(encoding="utf-8"))
    page = next(read_pdf_layout(HOSPITAL))
    lines = [line.text for line in group_lines(page.words)][: len(truth)]
    assert _cer("".join(truth), "".join(lines)) <= 0.003  # pdftotext -layout: 0.013
    text = " ".join(lines)
    assert "โรงพยาบาลน้ำยืน" in text and "มาตรฐานสำคัญ" in text and "ติดเชื้อ" in text
    assert HOLE not in text
    kinds = dict(page.repair_kinds)
    assert kinds[RepairKind.SARA_AM_AS_MAI_THO] >= 5 and kinds[RepairKind.LOST_MARK] >= 3
    assert any(note.startswith("text repairs: ") for note in page.notes)
    assert any("text layer read by pdfminer" in note for note in page.notes)


@needs_real
def test_action_plan_foreword_has_sara_am_back_and_no_spaces_inside_words() -> None:
    pages = {p.number: p for p in read_pdf_layout(ACTION_PLAN)}
    page = pages[3]
    text = "\n".join(line.text for line in group_lines(page.words) if "……" not in line.text)
    hand = (Path(__file__).parent / "data" / "phitsanulok-action-plan-p3.txt").read_text("utf-8")
    # The layer holds Arabic digits that THSarabunIT๙ draws as Thai ones: compared alike.
    assert _cer(thai_digits_to_arabic(hand), text) == 0.0
    assert "จัดทำแผนงานการดำเนินงาน ประจำปีงบประมาณ" in text and "อำนาจ" in text
    assert " า" not in text and HOLE not in text
    assert any("THSarabunIT๙ draws Arabic digits as Thai digits" in n for n in page.notes)
    assert "2567" in text  # the cell text keeps the layer's code points
    # The contents page: its bold THSarabunIT๙ maps sara aa to sara am ("สำรบัญ").
    contents = " ".join(w.text for w in pages[4].words)
    assert "สารบัญ" in contents and "งบประมาณ" in contents and "สำรบัญ" not in contents
    assert dict(pages[4].repair_kinds)[RepairKind.SARA_AA_AS_AM] >= 3
    assert text_quality(text).score > 0.99


@pytest.mark.parametrize(
    ("damaged", "clean"),
    [
        ("ปฏิบตั ิ ขัน้ ตอน", "ปฏิบัติ ขั้นตอน"),  # marks moved after the next consonant
        ("เพิ่ ม เติ ม ครั้ ง ที่ 1", "เพิ่ม เติม ครั้ง ที่ 1"),  # letter-spaced, phrases kept
        ("ดำาเนินการ", "ดำเนินการ"),  # LibreOffice read by pdfminer
        (f"ด{HOLE}าเนินงาน การติดเชื{HOLE}อ", "ดำเนินงาน การติดเชื้อ"),  # zero-width glyphs
        ("บ้าน หน้าที่ สำนักปลัด", "บ้าน หน้าที่ สำนักปลัด"),  # clean text stays
    ],
)
def test_repair_line_text(damaged: str, clean: str) -> None:
    assert repair_line_text(damaged).text == clean


def test_an_ambiguous_lost_mark_is_left_out_with_a_warning() -> None:
    # เชื่อ and เชื้อ are both words and nothing around them tells which
    result = repair_line_text(f"เชื{HOLE}อ")
    assert result.text in ("เชือ", "เชื่อ", "เชื้อ")
    if result.text == "เชือ":
        assert result.warnings


def test_families_rewriting_letters_only_where_a_font_shows_them() -> None:
    families = frozenset({RepairKind.SARA_AM_LOST, RepairKind.SARA_AM_AS_MAI_THO})
    fixed = repair_line_text("จัดทาแผนงานการดาเนินงาน ประจาปี อานาจ กาหนด บ้าน ส้าคัญ", families)
    assert fixed.text == "จัดทำแผนงานการดำเนินงาน ประจำปี อำนาจ กำหนด บ้าน สำคัญ"
    assert repair_line_text("ทาสี ตามา").text == "ทาสี ตามา"  # no family: nothing guessed


SMALL_SAMPLE = 25
SEED = 14


@pytest.mark.parametrize(
    ("family", "precision", "recall"),
    [
        ("sara-am-lost", 0.999, 0.98),
        ("lost-mark", 0.999, 0.98),
        ("extra-sara-aa", 0.999, 0.98),
        ("sara-aa-as-am", 0.99, 0.98),
        ("mark-after-next-consonant", 0.99, 0.85),
        ("sara-am-as-mai-tho", 0.9, 0.85),
        ("letter-spaced", 0.9, 0.3),
    ],
)
def test_damage_corpus_small(family: str, precision: float, recall: float) -> None:
    """Floors as measured (see bench/layer_repair.py for the whole corpus); the issue's
    target (0.999 / 0.98) is met by the first three families only."""
    lines = random.Random(SEED).sample(clean_lines(), SMALL_SAMPLE)
    score = score_family(family, lines, SEED)
    assert score.needed > 0
    assert score.precision >= precision and score.recall >= recall, score
    assert score.unchanged_clean_broken == 0
