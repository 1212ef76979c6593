"""Every period basis and every impossible date, end to end through `thaireport extract`."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq

from tests.test_outputs import extract, jsonl

HEAD = (
    "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน\n\n"
    "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗\n\nขององค์การบริหารส่วนตำบลท่าหิน\n\n"
    "ประเด็นที่ ๑ กระบวนการปฏิบัติงานที่โปร่งใสและมีประสิทธิภาพ\n\n"
    "มาตรการ/กิจกรรม\tวิธีดำเนินการ\tผู้รับผิดชอบ\tระยะเวลา\t"
    "สรุปผลการดำเนินการตามมาตรการ/กิจกรรม\tผลลัพธ์หรือความสำเร็จของการดำเนินการ\n"
)
D = dt.date
FY = (D(2023, 10, 1), D(2024, 9, 30))
# (period cell, start, end, basis)
CASES: list[tuple[str, dt.date | None, dt.date | None, str]] = [
    ("๑ ตุลาคม ๒๕๖๖ – ๓๐ กันยายน ๒๕๖๗", *FY, "printed-range"),
    ("๑๕ มีนาคม ๒๕๖๗", D(2024, 3, 15), D(2024, 3, 15), "printed-date"),
    ("ต.ค. ๖๖ – ก.ย. ๖๗", *FY, "printed-months"),
    ("ไตรมาสที่ ๓ – ๔", D(2024, 4, 1), D(2024, 9, 30), "quarter"),
    ("ตลอดปีงบประมาณ", *FY, "fiscal-year-phrase"),
    ("ภายใน ๑๕ วัน นับแต่ได้รับคำร้อง", None, None, "inferred"),
    ("๓๑ เม.ย. ๒๕๖๗", None, None, "none"),
    ("๓๐ ก.พ. ๒๕๖๗", None, None, "none"),
    ("๒๙ ก.พ. ๒๕๖๖", None, None, "none"),  # 2023 is no leap year
    ("๓๒ ต.ค. ๒๕๖๖", None, None, "none"),
    ("๑ ต.ค. ๒๕๖๖ – ๓๑ เม.ย. ๒๕๖๗", None, None, "none"),  # not half a period
    ("๓๐ ก.ย. ๒๕๖๗ – ๑ ต.ค. ๒๕๖๖", None, None, "none"),
    ("๑ ต.ค. ๒๕๖๐ – ๓๐ ก.ย. ๒๕๖๗", None, None, "none"),  # 7 fiscal years
]
# What the warning must name, for the rows that give no dates.
NAMED = {
    "๓๑ เม.ย. ๒๕๖๗": "impossible date '๓๑ เม.ย. ๒๕๖๗'",
    "๓๐ ก.พ. ๒๕๖๗": "impossible date '๓๐ ก.พ. ๒๕๖๗'",
    "๒๙ ก.พ. ๒๕๖๖": "impossible date '๒๙ ก.พ. ๒๕๖๖'",
    "๓๒ ต.ค. ๒๕๖๖": "impossible date '๓๒ ต.ค. ๒๕๖๖'",
    "๑ ต.ค. ๒๕๖๖ – ๓๑ เม.ย. ๒๕๖๗": "'๓๑ เม.ย. ๒๕๖๗' is no date",
    "๓๐ ก.ย. ๒๕๖๗ – ๑ ต.ค. ๒๕๖๖": "before it starts",
    "๑ ต.ค. ๒๕๖๐ – ๓๐ ก.ย. ๒๕๖๗": "runs over 7 fiscal years",
}


def test_every_basis_and_impossible_date_through_extract(tmp_path: Path) -> None:
    rows = "".join(
        f"มาตรการที่ {i}\tจัดทำแผน\tสำนักปลัด\t{cell}\tดำเนินการแล้ว\tร้อยละ ๙๐\n"
        for i, (cell, *_rest) in enumerate(CASES)
    )
    export = tmp_path / "report.txt"
    export.write_text(HEAD + rows, encoding="utf-8")
    result = extract(export, "-o", tmp_path / "out", "--format", "jsonl,csv,parquet")
    assert result.returncode == 0, result.stderr
    records = jsonl(tmp_path / "out" / "records.jsonl")
    assert [r.cells.period for r in records] == [c[0] for c in CASES]
    for record, (cell, start, end, basis) in zip(records, CASES, strict=True):
        n = record.normalized
        assert (n.period_start, n.period_end, n.period_basis) == (start, end, basis), cell
        messages = [w.message for w in record.warnings if w.cell == "period"]
        if cell in NAMED:
            assert any(NAMED[cell] in m for m in messages), (cell, messages)
        if basis == "inferred":
            assert (n.period_inferred_start, n.period_inferred_end) == FY
            assert n.period_inferred_from is not None and "2567" in n.period_inferred_from
        else:
            assert (n.period_inferred_start, n.period_inferred_end) == (None, None), cell

    with (tmp_path / "out" / "records.csv").open(encoding="utf-8", newline="") as f:
        bases = [row["normalized.period_basis"] for row in csv.DictReader(f)]
    assert bases == [c[3] for c in CASES]
    table = pq.read_table(tmp_path / "out" / "records.parquet")
    assert table.column("normalized.period_basis").to_pylist() == [c[3] for c in CASES]
