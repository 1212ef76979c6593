"""Ruled tables printed by headless Chromium (a producer the project does not control).

The layout engine wraps header labels inside words ("ผู้รับผิด|ชอบ") and centres them
vertically, merges cells over rows (rowspan) and groups two columns under one label
(colspan): the reader must take the header and the rows from the cells.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.records import build_records
from thaireport.extract.report import report_from_pages
from thaireport.extract.sources import pdf_pages
from thaireport.extract.tables.grid import find_grids

from thaireport.settings import OcrSettings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

_STYLE = """
@page { size: A4 portrait; margin: 15mm; }
body { font-family: '%(font)s'; font-size: %(size)spt; }
table { border-collapse: collapse; width: 100%%; }
td, th { border: 1px solid black; vertical-align: middle; padding: 3px; }
"""

_BODY = """
<p>รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน</p>
<p>ประจำปีงบประมาณ พ.ศ. ๒๕๖๗</p>
<p>ประเด็นที่ ๑ การเปิดเผยข้อมูล</p>
<table>
<tr><th style="width:22%">มาตรการ/กิจกรรม</th><th style="width:20%">วิธีดำเนินการ</th>
<th style="width:9%">ผู้รับผิดชอบ</th><th style="width:12%">ระยะเวลา</th>
<th style="width:20%">สรุปผลการดำเนินการตามมาตรการ/กิจกรรม</th>
<th style="width:17%">ผลลัพธ์หรือความสำเร็จของการดำเนินการ</th></tr>
<tr><td rowspan="2">เผยแพร่ข้อมูลข่าวสารทางเว็บไซต์ขององค์การบริหารส่วนตำบล</td>
<td>ปรับปรุงเว็บไซต์ให้เป็นปัจจุบัน</td><td rowspan="2">สำนักปลัด</td>
<td>ตุลาคม ๒๕๖๖</td><td>ดำเนินการแล้ว</td><td>ประชาชนเข้าถึงข้อมูลร้อยละ ๘๐</td></tr>
<tr><td>ประชาสัมพันธ์ทางเฟซบุ๊ก</td><td>มกราคม ๒๕๖๗</td><td>ดำเนินการแล้ว ๑๒ ครั้ง</td>
<td>มีผู้ติดตาม ๕๐๐ คน</td></tr>
<tr><td>จัดทำแผนการจัดซื้อจัดจ้าง</td><td>ประกาศแผนภายในเวลาที่กำหนด</td><td>กองคลัง</td>
<td>ตุลาคม ๒๕๖๖</td><td>ประกาศแผนแล้ว</td><td>โปร่งใสตรวจสอบได้</td></tr>
</table>
<p>ประเด็นที่ ๒ การป้องกันการทุจริต</p>
<table>
<tr><th rowspan="2" style="width:20%">มาตรการ/กิจกรรม</th>
<th rowspan="2" style="width:18%">วิธีดำเนินการ</th>
<th rowspan="2" style="width:10%">ผู้รับผิดชอบ</th><th rowspan="2" style="width:12%">ระยะเวลา</th>
<th colspan="2">ผลการดำเนินงาน</th><th rowspan="2" style="width:10%">หมายเหตุ</th></tr>
<tr><th style="width:15%">สรุปผลการดำเนินการ</th><th style="width:15%">ผลลัพธ์</th></tr>
<tr><td>ประกาศเจตนารมณ์ต่อต้านการทุจริต</td><td>ผู้บริหารประกาศต่อพนักงาน</td>
<td>สำนักปลัด</td><td>ธันวาคม ๒๕๖๖</td><td>ประกาศแล้ว</td><td>พนักงานรับทราบ</td><td>-</td></tr>
</table>
<p>ประเด็นที่ ๓ แผนการส่งเสริมคุณธรรม</p>
<table>
<tr><th style="width:30%">โครงการ/กิจกรรม/มาตรการ</th><th style="width:25%">ขั้นตอน/วิธีการ</th>
<th style="width:15%">หน่วยงานที่รับผิดชอบ</th><th style="width:15%">ระยะเวลาดำเนินการ</th>
<th style="width:15%">งบประมาณ (บาท)</th></tr>
<tr><td>อบรมคุณธรรมจริยธรรม</td><td>จัดอบรมพนักงานปีละครั้ง</td><td>กองการศึกษา</td>
<td>มีนาคม ๒๕๖๗</td><td>๒๐,๐๐๐</td></tr>
</table>
"""


@pytest.fixture(scope="session")
def chromium_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report above printed by Chromium (once per session)."""
    folder = tmp_path_factory.mktemp("chromium")
    html = folder / "report.html"
    style = _STYLE % {"font": "Laksaman", "size": 15}
    html.write_text(f"<html><head><meta charset='utf-8'><style>{style}</style></head>"
                    f"<body>{_BODY}</body></html>", encoding="utf-8")  # fmt: skip
    pdf = folder / "report.pdf"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}", html.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return pdf


def _records(path: Path) -> list:  # type: ignore[type-arg]
    report = report_from_pages(list(pdf_pages(path, OcrSettings())), path)
    return build_records(report, document_id="0" * 64, source_path=str(path))


def test_grid_cells_include_merged_cells(chromium_report: Path) -> None:
    page = next(iter(pdf_pages(chromium_report, OcrSettings())))
    grids = find_grids(page.rules)
    assert [(g.rows, g.columns) for g in grids] == [(4, 6), (3, 7), (2, 5)]
    merged = [(c.row, c.row_end, c.col) for c in grids[0].cells if c.row_end - c.row > 1]
    assert merged == [(1, 3, 0), (1, 3, 2)]  # the measure and the unit over two rows
    group = [c for c in grids[1].cells if c.col_end - c.col > 1]
    assert [(c.row, c.col, c.col_end) for c in group] == [(0, 4, 6)]


def test_wrapped_centred_header_and_merged_cells_filled_down(chromium_report: Path) -> None:
    records = _records(chromium_report)
    first = [r for r in records if r.section.number_inferred == 1]
    assert [[getattr(r.cells, k) for k in COLUMN_KEYS] for r in first] == [
        ["เผยแพร่ข้อมูลข่าวสารทางเว็บไซต์ขององค์การบริหารส่วนตำบล", "ปรับปรุงเว็บไซต์ให้เป็นปัจจุบัน",
         "สำนักปลัด", "ตุลาคม ๒๕๖๖", "ดำเนินการแล้ว", "ประชาชนเข้าถึงข้อมูลร้อยละ ๘๐"],
        ["เผยแพร่ข้อมูลข่าวสารทางเว็บไซต์ขององค์การบริหารส่วนตำบล", "ประชาสัมพันธ์ทางเฟซบุ๊ก",
         "สำนักปลัด", "มกราคม ๒๕๖๗", "ดำเนินการแล้ว ๑๒ ครั้ง", "มีผู้ติดตาม ๕๐๐ คน"],
        ["จัดทำแผนการจัดซื้อจัดจ้าง", "ประกาศแผนภายในเวลาที่กำหนด", "กองคลัง", "ตุลาคม ๒๕๖๖",
         "ประกาศแผนแล้ว", "โปร่งใสตรวจสอบได้"],
    ]  # fmt: skip
    assert [r.filled_from for r in first] == [{}, {"measure": 1, "responsible": 1}, {}]
    assert first[1].normalized.period_start is not None
    assert first[1].normalized.period_start.isoformat() == "2024-01-01"
    assert all(r.table_kind == "measure-results" for r in first)


def test_two_level_header_and_extra_column(chromium_report: Path) -> None:
    (record,) = [r for r in _records(chromium_report) if r.section.number_inferred == 2]
    assert record.cells.result == "ประกาศแล้ว"
    assert record.cells.outcome == "พนักงานรับทราบ"
    assert record.extra_cells == {"หมายเหตุ": "-"}
    assert not [w for w in record.warnings if w.code == "column-missing"]


def test_partial_header_is_a_measure_plan(chromium_report: Path) -> None:
    (record,) = [r for r in _records(chromium_report) if r.section.number_inferred == 3]
    assert record.table_kind == "measure-plan"
    assert record.cells.measure == "อบรมคุณธรรมจริยธรรม"
    assert record.cells.method == "จัดอบรมพนักงานปีละครั้ง"
    assert record.cells.responsible == "กองการศึกษา"
    assert record.cells.period == "มีนาคม ๒๕๖๗"
    assert record.cells.result == record.cells.outcome == ""
    assert record.extra_cells == {"งบประมาณ (บาท)": "๒๐,๐๐๐"}
    missing = sorted(w.cell or "" for w in record.warnings if w.code == "column-missing")
    assert missing == ["outcome", "result"]


def test_debug_table_draws_header_and_body_cells(chromium_report: Path, tmp_path: Path) -> None:
    from PIL import Image
    from thaireport.extract.tables.draw import CELL, HEADER
    from thaireport.pipeline.cli import main

    out = tmp_path / "page.png"
    assert main(["debug-table", str(chromium_report), "--page", "1", "-o", str(out)]) == 0
    with Image.open(out) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(1 << 20) or []}
    assert HEADER in colours  # the header was found in the grid's cells
    assert CELL in colours
