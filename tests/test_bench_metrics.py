"""The benchmark's scores, on values small enough to check by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.metrics import (
    Score,
    TableNode,
    cell_accuracy,
    cer,
    char_recall_unordered,
    fold,
    match_rows,
    mean_cell_accuracy,
    period_accuracy,
    row_f1,
    score,
    table_tree,
    teds,
    tree_edit_distance,
)

ROW_A = ("มาตรการประกาศเจตจำนงสุจริต", "จัดประชุมชี้แจง", "สำนักปลัด", "ต.ค. ๒๕๖๖", "ร้อยละ ๙๕", "ดี")
ROW_B = ("No Gift Policy", "ประกาศงดรับของขวัญ", "กองคลัง", "ตลอดปีงบประมาณ", "จำนวน ๙ ราย", "ผ่าน")
ROW_C = ("เผยแพร่ข้อมูลบนเว็บไซต์", "www.thahin.go.th", "กองช่าง", "ไตรมาสที่ ๑", "๑๒ เรื่อง", "ครบ")


def test_fold_collapses_whitespace_and_thai_inner_spaces() -> None:
    assert fold("  ab \t\n cd  ") == "ab cd"
    assert fold("ร า ย ง า น") == "รายงาน"
    assert fold("สำนัก\nปลัด") == "สำนักปลัด"
    # Spaces next to Latin text or Arabic digits stay.
    assert fold("No  Gift Policy") == "No Gift Policy"
    assert fold("ร้อยละ 95") == "ร้อยละ 95"


def test_fold_keeps_ocr_defects() -> None:
    # ํ + า for ำ is an error to be repaired, not a layout difference.
    assert fold("จํานวน") != fold("จำนวน")


def test_cer_and_cell_accuracy() -> None:
    assert cer("abcdefghij", "abcdefghij") == 0.0
    assert cer("abcdefghij", "abcdefgXij") == pytest.approx(0.1)
    assert cell_accuracy("abcdefghij", "abcdefgXij") == pytest.approx(0.9)
    assert cell_accuracy("๑๒๓๔๕๖๗๘๙๐", "๑๒๓๔๕๒๗๘๙๐") == pytest.approx(0.9)
    assert cer("abc", "completely different and longer") == 1.0
    assert cer("", "") == 0.0
    assert cer("", "x") == 1.0


def test_cell_accuracy_ignores_thai_inner_spaces() -> None:
    assert cell_accuracy("รายงานผล", "ร า ย ง า น ผ ล") == 1.0
    assert cell_accuracy("สำนักปลัด\nกองคลัง", "สำนักปลัด กองคลัง") == 1.0


def test_identical_rows_score_one() -> None:
    rows = [ROW_A, ROW_B, ROW_C]
    result = score(rows, rows)
    assert result == Score(
        row_f1=1.0, cell_accuracy=1.0, precision=1.0, recall=1.0, rows_expected=3, rows_got=3
    )
    assert match_rows(rows, rows) == [(0, 0), (1, 1), (2, 2)]


def test_matching_ignores_order() -> None:
    assert match_rows([ROW_A, ROW_B, ROW_C], [ROW_C, ROW_A]) == [(0, 1), (1, None), (2, 0)]


def test_missing_row_lowers_recall() -> None:
    result = score([ROW_A, ROW_B, ROW_C], [ROW_A, ROW_C])
    assert result.precision == 1.0
    assert result.recall == pytest.approx(2 / 3)
    assert result.row_f1 == pytest.approx(0.8)
    # The missing row's six cells score 0: 12 of 18 cells are right.
    assert result.cell_accuracy == pytest.approx(2 / 3)
    assert row_f1([ROW_A, ROW_B, ROW_C], [ROW_A, ROW_C]) == pytest.approx(0.8)


def test_extra_row_lowers_precision() -> None:
    extra = ("ข้อความอื่นที่ไม่เกี่ยวข้อง", "", "", "", "", "")
    result = score([ROW_A, ROW_B], [ROW_A, extra, ROW_B])
    assert result.recall == 1.0
    assert result.precision == pytest.approx(2 / 3)
    assert result.row_f1 == pytest.approx(0.8)
    assert result.cell_accuracy == 1.0
    assert result.rows_got == 3


def test_dissimilar_row_is_not_matched() -> None:
    assert match_rows([ROW_A], [("x", "y", "z", "", "", "")]) == [(0, None)]
    assert row_f1([ROW_A], [("x", "y", "z", "", "", "")]) == 0.0


def test_cell_accuracy_of_matched_row_with_one_typo() -> None:
    expected = [("abcdefghij", "klmnopqrst")]
    got = [("abcdefgXij", "klmnopqrst")]
    assert mean_cell_accuracy(expected, got) == pytest.approx(0.95)


def test_short_predicted_row_counts_missing_cells_as_wrong() -> None:
    expected = [("abcdefghij", "klmnopqrst", "uvwxyz")]
    got = [("abcdefghij", "klmnopqrst")]
    assert mean_cell_accuracy(expected, got) == pytest.approx(2 / 3)


def test_empty_inputs() -> None:
    assert score([], []).row_f1 == 1.0
    assert score([ROW_A], []).row_f1 == 0.0
    assert score([ROW_A], []).cell_accuracy == 0.0


def test_char_recall_unordered() -> None:
    assert char_recall_unordered("กขค ง", "งค ขก") == 1.0
    assert char_recall_unordered("abcd", "ab") == pytest.approx(0.5)


FY2567 = (dt.date(2023, 10, 1), dt.date(2024, 9, 30))
OCT2566 = (dt.date(2023, 10, 1), dt.date(2023, 10, 31))
NO_PERIOD: tuple[None, None] = (None, None)


def test_period_accuracy_counts_rows_with_start_and_end_right() -> None:
    expected = [ROW_A, ROW_B, ROW_C]
    periods = [OCT2566, FY2567, NO_PERIOD]
    assert period_accuracy(expected, expected, periods, periods) == 1.0
    # Rows matched whatever their order; a wrong end is a wrong period.
    wrong_end = (dt.date(2023, 10, 1), dt.date(2024, 9, 29))
    got_periods = [FY2567, OCT2566, wrong_end]
    got = [ROW_B, ROW_A, ROW_C]
    assert period_accuracy(expected, got, periods, got_periods) == pytest.approx(2 / 3)
    # A missing row costs its period; no period read where one is expected is wrong.
    assert period_accuracy(expected, [ROW_A], periods, [OCT2566]) == pytest.approx(1 / 3)
    assert period_accuracy([ROW_A], [ROW_A], [OCT2566], [NO_PERIOD]) == 0.0
    assert period_accuracy([], [ROW_A], [], [OCT2566]) == 1.0
    with pytest.raises(ValueError, match="one period per row"):
        period_accuracy(expected, expected, periods, [])


def _tree(label: str, *children: TableNode) -> TableNode:
    return TableNode(label, children=children)


def test_tree_edit_distance_of_the_textbook_example() -> None:
    # Zhang & Shasha (1989), figure 1: f(d(a c(b)) e) against f(c(d(a b)) e) is 2
    # (delete c below d, insert c above d).
    one = _tree("f", _tree("d", _tree("a"), _tree("c", _tree("b"))), _tree("e"))
    two = _tree("f", _tree("c", _tree("d", _tree("a"), _tree("b"))), _tree("e"))
    assert tree_edit_distance(one, two) == 2.0
    assert tree_edit_distance(one, one) == 0.0
    assert tree_edit_distance(_tree("a"), _tree("b")) == 1.0


def test_table_tree_counts_table_rows_and_cells() -> None:
    tree = table_tree([["a", "b"], ["c", "d"]])
    assert tree.size == 7
    assert [cell.text for row in tree.children for cell in row.children] == ["a", "b", "c", "d"]
    assert table_tree([["สำนัก\nปลัด  "]]).children[0].children[0].text == "สำนักปลัด"


def test_teds_on_small_tables() -> None:
    table = [["abc", "def"], ["ghi", "jkl"]]  # 7 nodes
    assert teds(table, table) == 1.0
    # A missing row: delete tr and its two td, 3 of 7 nodes.
    assert teds(table, table[:1]) == pytest.approx(1 - 3 / 7)
    # One character of a three-character cell: rename cost 1/3.
    typo = [["abc", "dex"], ["ghi", "jkl"]]
    assert teds(table, typo) == pytest.approx(1 - (1 / 3) / 7)
    assert teds(table, typo, structure_only=True) == 1.0
    # An extra cell: one insertion, normalized by the larger tree (5 nodes).
    assert teds([["a", "b"]], [["a", "b", "c"]]) == pytest.approx(0.8)
    # A row cut in two by a page break: its texts are split, one tr and two td inserted.
    split = [["ab", "de"], ["c", "f"]]
    assert teds([["abc", "def"]], split, structure_only=True) == pytest.approx(1 - 3 / 7)
    assert teds([["abc", "def"]], split) < teds([["abc", "def"]], split, structure_only=True)
    assert teds([], []) == 1.0
