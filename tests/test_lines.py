"""Wrapped lines against real line ends, decided from widths (synthetic boxes, 10 pt per char)."""

from __future__ import annotations

from thaireport.extract.lines import block_text, group_lines

from thaireport.model import Box, TextLine, Word


def line(text: str, top: float, x0: float = 0.0) -> TextLine:
    width = 10.0 * len(text.rstrip())
    rights = tuple(x0 + 10.0 * (i + 1) for i in range(len(text)))
    return TextLine((Word(text, Box(x0, top, x0 + width, top + 12), 1, char_right=rights),))


def test_a_full_line_runs_on_without_a_space() -> None:
    # limit 100: "ประชาสัมพันธ์" (13 chars = 130 pt) cannot have fitted after "ให้" (30 pt)
    lines = [line("ให้", 0), line("ประชาสัมพันธ์", 15)]
    assert block_text(lines, right_limit=100.0) == "ให้ประชาสัมพันธ์"


def test_a_short_line_before_a_word_that_would_fit_is_a_real_line_end() -> None:
    lines = [line("ดังกล่าว", 0), line("ทราบ", 15)]
    assert block_text(lines, right_limit=200.0) == "ดังกล่าว\nทราบ"


def test_a_line_wrapped_at_a_space_keeps_the_space() -> None:
    lines = [line("เว็บไซต์ ", 0), line("บอร์ดประชาสัมพันธ์", 15)]
    assert block_text(lines, right_limit=100.0) == "เว็บไซต์ บอร์ดประชาสัมพันธ์"


def test_numbered_steps_and_bullets_start_their_own_line() -> None:
    lines = [line("จัดทำคู่มือ", 0), line("๒. แจกเวียน", 15), line("-เผยแพร่", 30)]
    assert block_text(lines, right_limit=110.0) == "จัดทำคู่มือ\n๒. แจกเวียน\n-เผยแพร่"


def test_a_number_after_a_full_line_is_not_a_step() -> None:
    lines = [line("ความพึงพอใจ ร้อยละ ", 0), line("๙๕.๕๙", 15)]
    assert block_text(lines, right_limit=200.0) == "ความพึงพอใจ ร้อยละ ๙๕.๕๙"


def test_group_lines_by_vertical_overlap() -> None:
    words = [
        Word("ข", Box(50, 1, 60, 13), 1),
        Word("ก", Box(0, 0, 10, 12), 1),
        Word("ค", Box(0, 20, 10, 32), 1),
    ]
    grouped = group_lines(words)
    assert [ln.text for ln in grouped] == ["ก ข", "ค"]


# Producers that wrap at a space and do not draw it (Chromium, LibreOffice): the letters on
# either side of the break tell whether one was there (measured on seeds 1000-1019 of both
# producers' corpus layouts against their own cell texts).


def test_a_space_dropped_at_a_wrap_between_latin_words_comes_back() -> None:
    # "Don'ts)" (7 chars, 70 pt) did not fit after "(Do's" in a 100 pt cell
    lines = [line("(Do's", 0), line("Don'ts)", 15)]
    assert block_text(lines, right_limit=100.0) == "(Do's Don'ts)"


def test_a_space_dropped_where_thai_meets_a_bracket_or_a_date_comes_back() -> None:
    assert block_text([line("จริยธรรม", 0), line("(No Gift", 15)], 100.0) == "จริยธรรม (No Gift"
    assert block_text([line("พ.ศ.", 0), line("๒๕๖๗ พบว่า", 15)], 70.0) == "พ.ศ. ๒๕๖๗ พบว่า"
    assert block_text([line("ต่างๆ", 0), line("ของหน่วยงาน", 15)], 70.0) == "ต่างๆ ของหน่วยงาน"
    assert block_text([line("๒๕๖๖", 0), line("– ๓๐ ก.ย.", 15)], 52.0) == "๒๕๖๖ – ๓๐ ก.ย."


def test_no_space_inside_a_thai_run_after_a_hyphen_or_in_a_cut_url() -> None:
    assert block_text([line("ผ่านช่องทาง", 0), line("ประชาสัมพันธ์", 15)], 120.0) == (
        "ผ่านช่องทางประชาสัมพันธ์"
    )
    assert block_text([line("E-", 0), line("Service", 15)], 60.0) == "E-Service"
    assert block_text([line("โครงการ/", 0), line("กิจกรรม", 15)], 100.0) == "โครงการ/กิจกรรม"
    # a word wider than the cell is cut where the line is full
    assert block_text([line("www.thahin", 0), line(".go.th", 15)], 100.0) == "www.thahin.go.th"
    assert block_text([line("www.thahin.g", 0), line("o.th", 15)], 120.0) == "www.thahin.go.th"
