"""Document metadata from the title block and the cells."""

from __future__ import annotations

from thaireport.extract.entities import find_entities
from thaireport.extract.metadata import document_metadata, report_kind
from thaireport.extract.sections import parse_title_block

from thaireport.model import TitleBlock


def test_organization_in_long_form_and_places_from_the_cells() -> None:
    title = parse_title_block(
        ["รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
         "ประจำปีงบประมาณ พ.ศ. ๒๕๖๗", "ขององค์การบริหารส่วนตำบลท่าหิน"]
    )  # fmt: skip
    cells = find_entities("ณ ห้องประชุม องค์การบริหารส่วนตำบลท่าหิน อำเภอเสวี จังหวัด ชุมพร")
    info = document_metadata(title, cells)
    assert info.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    assert info.organization_type == "องค์การบริหารส่วนตำบล"
    assert info.organization_abbreviation == "อบต.ท่าหิน"
    assert (info.subdistrict, info.district, info.province) == ("ท่าหิน", "เสวี", "ชุมพร")
    assert info.sources["district"] == "cells"
    assert info.sources["subdistrict"] == "organization name"
    assert info.report_kind == "ita-measure-results"


def test_an_abbreviated_organization_and_places_in_the_title_block() -> None:
    title = TitleBlock(
        report_title="มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        fiscal_year_text=None,
        fiscal_year_be=None,
        organization="ทต.บางนา",
        lines=("ทต.บางนา ต.บางนาใต้ อ.เมือง จ.ชุมพร",),
    )
    cells = find_entities("ณ อำเภอปะทิว จังหวัดระนอง")
    info = document_metadata(title, cells)
    assert info.organization == "เทศบาลตำบลบางนา"
    assert info.organization_printed == "ทต.บางนา"
    # the title block's places win over those the cells mention
    assert (info.subdistrict, info.district, info.province) == ("บางนาใต้", "เมือง", "ชุมพร")
    assert info.sources["province"] == "title block"
    assert info.report_kind == "ita-measures"


def test_without_a_title_the_cells_name_the_organization() -> None:
    title = TitleBlock(None, None, None, None)
    cells = [*find_entities("อบต.ท่าหิน ได้จัดทำ"), *find_entities("ของ อบต.ท่าหิน")]
    info = document_metadata(title, cells)
    assert info.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    assert info.sources["organization"] == "cells"
    assert info.district is None and info.report_kind is None


def test_report_kinds() -> None:
    assert report_kind("แผนปฏิบัติการป้องกันการทุจริต ประจำปี ๒๕๖๗") == "anti-corruption-plan"
    assert report_kind("ประกาศ เรื่อง การรับสมัครงาน") is None


def _title(organization: str) -> TitleBlock:
    return TitleBlock(
        report_title=None, fiscal_year_text=None, fiscal_year_be=None,
        organization=organization, lines=(organization,),
    )  # fmt: skip


def test_a_title_misread_by_ocr_is_outvoted_by_the_cells_and_said_so() -> None:
    """The bundled office scan reads the bold title as "...ตำบลทำหืน"; its cells say อบต.ท่าหิน."""
    cells = find_entities("อบต.ท่าหิน ได้จัดทำ อบต.ท่าหิน ประชุม องค์การบริหารส่วนตำบลท่าหิน")
    info = document_metadata(_title("องค์การบริหารส่วนตำบลทำหืน"), cells)
    assert info.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    assert info.organization_abbreviation == "อบต.ท่าหิน"
    assert info.organization_printed == "องค์การบริหารส่วนตำบลทำหืน"  # as printed, kept
    assert "the title block reads องค์การบริหารส่วนตำบลทำหืน" in info.sources["organization"]


def test_another_organization_in_the_cells_does_not_replace_the_titles() -> None:
    cells = find_entities("อบต.นาโพธิ์ อบต.นาโพธิ์ อบต.นาโพธิ์ อบต.นาโพธิ์")
    info = document_metadata(_title("องค์การบริหารส่วนตำบลท่าหิน"), cells)
    assert info.organization == "องค์การบริหารส่วนตำบลท่าหิน"
    assert info.sources["organization"] == "title block"
    # two mentions are not enough to outvote the title
    few = find_entities("อบต.ท่าหิน อบต.ท่าหิน")
    assert document_metadata(_title("องค์การบริหารส่วนตำบลทำหืน"), few).organization == (
        "องค์การบริหารส่วนตำบลทำหืน"
    )


def test_a_year_past_any_report_of_today_is_not_the_fiscal_year() -> None:
    """OCR read the bold title year ๒๕๖๗ as "5๕๖๗" (a scanned LibreOffice page): 5567 is no
    fiscal year; a later line with a plausible one is taken instead."""
    title = parse_title_block(
        ["รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
         "ประจำปีงบประมาณ พ.ศ. 5๕๖๗", "ปีงบประมาณ พ.ศ. ๒๗๐๑", "ประจำปีงบประมาณ พ.ศ. ๒๖๙๙"]
    )  # fmt: skip
    assert title.fiscal_year_be == 2699
