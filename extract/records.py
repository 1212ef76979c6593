"""The published record: one measure (table row) with its verbatim cells and normalized values.

Defined once, as pydantic models: the JSON Schema (`thaireport schema`), the JSON Lines and
CSV writers and the tests all derive from these classes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from thaireport.extract.consistency import (
    foreign_period_text,
    period_outside_fiscal_year,
    unknown_responsible_units,
)
from thaireport.extract.entities import EntityLabel, FoundEntity, read_cell
from thaireport.extract.header import COLUMN_KEYS
from thaireport.extract.metadata import document_metadata
from thaireport.extract.normalize import (
    find_counts,
    find_dates,
    find_percentages,
    fiscal_year_range,
    parse_period,
    split_steps,
)
from thaireport.extract.normalize.dates import MAX_BE_YEAR, MIN_BE_YEAR, Basis
from thaireport.extract.normalize.numerals import arabic_to_thai_digits

from thaireport.model import Cell, ExtractedReport, Issue, Section, TableRow

# 1.1: collection, verified; 1.2: period basis, table_kind, filled_from; 1.3: found_at
# (each additive)
SCHEMA_VERSION: Literal["1.3"] = "1.3"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FiscalYear(_Model):
    printed: str | None = Field(description="the fiscal-year line as printed")
    be: int = Field(description="Buddhist Era year, e.g. 2567")
    ce: int = Field(description="Common Era year in which the fiscal year ends")
    start: dt.date = Field(description="first day of the fiscal year (1 October, CE)")
    end: dt.date = Field(description="last day of the fiscal year (30 September, CE)")


class SectionRef(_Model):
    heading: str = Field(description="the heading line as printed")
    number_printed: str | None = Field(description="the section number as printed, e.g. '๒'")
    number_printed_value: int | None = Field(
        description="number_printed read as a number; null where none was printed"
    )
    number_inferred: int = Field(description="position of the section in the document, from 1")
    title: str = Field(description="the heading's text after its number")


class Cells(_Model):
    """The six canonical columns, verbatim (wrapped lines joined, real line ends kept)."""

    measure: str = Field(description="มาตรการ/กิจกรรม: the measure or activity")
    method: str = Field(description="วิธีการดำเนินการ: how it is carried out")
    responsible: str = Field(description="ผู้รับผิดชอบ: who is responsible")
    period: str = Field(description="ระยะเวลาดำเนินการ: when, as printed")
    result: str = Field(description="ผลการดำเนินการ: what was done")
    outcome: str = Field(description="ผลลัพธ์ / ผลสัมฤทธิ์: what came of it")


class DateValue(_Model):
    text: str = Field(description="the date expression exactly as printed")
    start: dt.date = Field(description="first day it covers (CE)")
    end: dt.date = Field(description="last day it covers (CE)")
    precision: str = Field(description="day, month, year, quarter or fiscal_year")


class PercentValue(_Model):
    text: str = Field(description="the percentage as printed (ร้อยละ ๙๕.๕๙, 95%)")
    value: float = Field(description="the number of percent, not a fraction")


class CountValue(_Model):
    text: str = Field(description="the count as printed")
    value: int = Field(description="the number, Thai digits read as Arabic")
    unit: str = Field(description="the unit printed after the number (ราย, ครั้ง, ...)")
    unit_assumed: bool = Field(
        default=False, description="true where no unit was printed and `unit` was assumed"
    )


class CellValues(_Model):
    dates: list[DateValue] = Field(default=[], description="date expressions, in order")
    percentages: list[PercentValue] = Field(default=[], description="percentages, in order")
    counts: list[CountValue] = Field(default=[], description="counts with a unit, in order")
    steps: list[str] = Field(default=[], description="the cell's numbered items, one per step")


PeriodBasis = Basis  # how a period was derived: the normalizer's own vocabulary


class Normalized(_Model):
    period_start: dt.date | None = Field(
        description="first day of the period as printed (CE); null where the cell holds no"
        " readable date, an impossible one or a contradiction (see warnings)"
    )
    period_end: dt.date | None = Field(description="last day of the period as printed (CE)")
    period_basis: PeriodBasis = Field(
        default="none",
        description="how period_start/end were derived: printed-range (two dates or days),"
        " printed-date (one day), printed-months (months without days), quarter (ไตรมาส),"
        " fiscal-year-phrase (ตลอดปีงบประมาณ, ปีงบประมาณ ๒๕๖๗), inferred (no date in the cell;"
        " see period_inferred_*, start/end stay null), none (nothing could be known)",
    )
    period_year_from: str | None = Field(
        default=None,
        description="where a date was printed without a year: which year was used and why",
    )
    period_inferred_start: dt.date | None = Field(
        default=None,
        description="only where the cell holds no date: the first day of what it is taken"
        " to mean (the report's fiscal year); never a printed value",
    )
    period_inferred_end: dt.date | None = Field(
        default=None, description="only where the cell holds no date: the inferred last day"
    )
    period_inferred_from: str | None = Field(
        default=None, description="what period_inferred_start/end were inferred from"
    )
    cells: dict[str, CellValues] = Field(
        description="every cell's dates, percentages, counts and steps, by column key"
    )


class CellLocation(_Model):
    page: int = Field(description="page number, from 1")
    bbox: tuple[float, float, float, float] = Field(description="x0, top, x1, bottom in points")
    confidence: float | None = Field(
        default=None, description="mean OCR word confidence (0-100); null off OCR pages"
    )


class RecordWarning(_Model):
    code: str = Field(description="what kind of problem, e.g. section-number, period")
    message: str = Field(description="what to check, in words")
    cell: str | None = Field(
        default=None, description="the column key it is about; null for the whole record"
    )


class Verification(_Model):
    """A cell a person checked (and perhaps corrected): the text in `cells` is theirs."""

    read: str = Field(description="the cell's text as the pipeline read it")
    source: str = Field(description="the corrections file it came from")
    at: dt.datetime = Field(description="when the correction was applied")


class Entity(_Model):
    """Something a cell names: who, where, when, how much, through which channel."""

    label: EntityLabel = Field(
        description="ORG, GPE, PERSON, DATE, PERCENT, CARDINAL, URL, CHANNEL or POLICY"
    )
    cell: str = Field(description="column key, or extra:<header as printed>")
    start: int = Field(description="offset of the first character in the cell's printed text")
    end: int = Field(description="offset after the last character in the cell's printed text")
    text: str = Field(description="the cell's printed text from start to end")
    value: str | int | float | None = Field(
        description="normalized: ORG and GPE in long form (องค์การบริหารส่วนตำบลท่าหิน),"
        " DATE as an ISO date or start/end interval, PERCENT and CARDINAL as numbers,"
        " URL in lower case, CHANNEL and POLICY as a fixed key"
    )
    unit: str | None = Field(default=None, description="a CARDINAL's unit, e.g. ราย")


class Suggestion(_Model):
    """A stretch of a cell that reads as a vocabulary term OCR garbled; the cell is not changed."""

    cell: str = Field(description="column key, or extra:<header as printed>")
    start: int = Field(description="offset of the first character in the cell's printed text")
    end: int = Field(description="offset after the last character in the cell's printed text")
    original: str = Field(description="the cell's printed text from start to end")
    corrected: str = Field(description="the vocabulary term it reads as")
    edits: int = Field(description="Levenshtein distance, spaces inside the stretch ignored")


class DocumentMetadata(_Model):
    """What the whole document is about (the same on each of its records)."""

    organization: str | None = Field(description="canonical long form")
    organization_printed: str | None = Field(description="the organization as the title printed")
    organization_type: str | None = Field(description="e.g. องค์การบริหารส่วนตำบล")
    organization_name: str | None = Field(description="the name without its type, e.g. ท่าหิน")
    organization_abbreviation: str | None = Field(description="e.g. อบต.ท่าหิน")
    subdistrict: str | None = Field(description="ตำบล, where named")
    district: str | None = Field(description="อำเภอ, where named")
    province: str | None = Field(description="จังหวัด, where named")
    fiscal_year: FiscalYear | None = Field(description="the document's resolved fiscal year")
    report_kind: str | None = Field(description="e.g. ita-measure-results")
    sources: dict[str, str] = Field(
        default_factory=dict,
        description="field -> where it was read: title block, cells, organization name",
    )


class Place(_Model):
    """One path the document's content was found at."""

    source_path: str = Field(description="the input as the command was given it, as source_path")
    collection: list[str] = Field(
        default_factory=list, description="its folders below a batch's input directory"
    )


class MeasureRecord(_Model):
    """One row of a measure table, as printed and normalized."""

    # records of 1.0 (no collection, no verified) still read; what is written is current
    schema_version: Literal["1.0", "1.1", "1.2", "1.3"] = Field(
        default=SCHEMA_VERSION, description="the version of this schema the record follows"
    )
    record_id: str = Field(
        default="",
        description="stable id: document sha256 (16 hex), section position and row, e.g."
        " 8d681180e422761b-s07-r002; the same on every run over the same file",
    )
    document_id: str = Field(description="sha256 of the input file")
    source_path: str = Field(
        description="the input as the command was given it: extract's INPUT verbatim; in a"
        " batch, INPUT_DIR joined with the path below it (docs/records.md)"
    )
    source_kind: str = Field(
        description="how the document was read: text-layer, ocr, text-export, document-file"
        " (DOCX, ODT) or mixed (pages read in different ways; see page_sources)"
    )
    collection: list[str] = Field(
        default_factory=list,
        description="folders between a batch's input directory and the file, outermost"
        " first (province, district, …); empty outside a batch",
    )
    found_at: list[Place] = Field(
        default_factory=list,
        description="every path the same content (the same sha256) was found at, in path"
        " order; the first is source_path and collection. Empty in records of 1.2 and before",
    )
    page_first: int = Field(description="first page the row is on, from 1")
    page_last: int = Field(description="last page the row is on (a row may cross pages)")
    report_title: str | None = Field(description="the report's title line as printed")
    organization: str | None = Field(
        description="the resolved organization, the same as document.organization"
    )
    fiscal_year: FiscalYear | None = Field(
        description="the resolved fiscal year, the same as document.fiscal_year"
    )
    section: SectionRef = Field(description="the ประเด็นที่ N section the row is in")
    row_index: int = Field(description="row within its section, from 1")
    record_index: int = Field(description="row within the document, from 1")
    cells: Cells = Field(description="the six canonical columns, verbatim")
    extra_cells: dict[str, str] = Field(
        default_factory=dict, description="columns that match none of the six keys"
    )
    table_kind: str = Field(
        default="measure-results",
        description="which table of the ITA family the row is from: measure-results (the"
        " six columns of what was done), measure-plan (a header naming only some of them)",
    )
    filled_from: dict[str, int] = Field(
        default_factory=dict,
        description="cells of a merged cell printed once over several rows: column key (or"
        " extra header) -> row_index of the row it was printed in; the text is repeated here",
    )
    normalized: Normalized = Field(description="values computed from the cells")
    page_sources: dict[str, str] = Field(
        default_factory=dict, description="page number -> how it was read: text-layer or ocr"
    )
    locations: dict[str, list[CellLocation]] = Field(
        default_factory=dict,
        description="column key -> where the cell is printed: a page and box per piece (a"
        " cell may cross pages); empty for text exports",
    )
    warnings: list[RecordWarning] = Field(
        default_factory=list, description="what a person should check in this record"
    )
    verified: dict[str, Verification] = Field(
        default_factory=dict,
        description="cells checked by a person (thaireport apply-corrections), by column key",
    )
    document: DocumentMetadata | None = Field(
        default=None, description="what the whole document is about, the same on each record"
    )
    entities: list[Entity] = Field(
        default_factory=list, description="what the cells name: organizations, places, dates"
    )
    suggestions: list[Suggestion] = Field(
        default_factory=list,
        description="stretches that read as a domain term OCR garbled; the cell is not changed",
    )

    def places(self) -> list[Place]:
        """Where the content was found: `found_at`, or (a record of 1.2) its one path."""
        return self.found_at or [Place(source_path=self.source_path, collection=self.collection)]


def placed(record: MeasureRecord, places: Sequence[Place]) -> MeasureRecord:
    """The record named after the first of `places` and found at all of them."""
    first = places[0]
    return record.model_copy(
        update={
            "source_path": first.source_path,
            "collection": list(first.collection),
            "found_at": list(places),
        }
    )


def record_id(document_id: str, section: int, row: int) -> str:
    return f"{document_id[:16]}-s{section:02d}-r{row:03d}"


def record_json_schema() -> dict[str, Any]:
    schema = MeasureRecord.model_json_schema()
    schema["$id"] = f"https://thaireport.example/schema/measure-record-{SCHEMA_VERSION}.json"
    schema["version"] = SCHEMA_VERSION
    return schema


def _cell_values(text: str, fiscal_be: int | None) -> tuple[CellValues, list[str], list[str]]:
    """Normalized values of a cell, what the date scan said, and what looks implausible."""
    scan = find_dates(text, fiscal_year_be=fiscal_be)
    values = CellValues(
        dates=[
            DateValue(text=d.text, start=d.start, end=d.end, precision=d.precision)
            for d in scan.dates
        ],
        percentages=[PercentValue(text=p.text, value=p.value) for p in find_percentages(text)],
        counts=[CountValue(text=c.text, value=c.value, unit=c.unit) for c in find_counts(text)],
        steps=list(split_steps(text)),
    )
    return values, list(scan.warnings), _implausible(values, fiscal_be)


_YEAR_DIGITS = re.compile("[0-9\u0e50-\u0e59]{4}")


def _unread_years(text: str, values: CellValues | None) -> list[str]:
    """Years printed in a cell that no date found there covers (a misread month beside them)."""
    used = [y for d in (values.dates if values else []) for y in _YEAR_DIGITS.findall(d.text)]
    unread = []
    for year in _YEAR_DIGITS.findall(text):
        if year in used:
            used.remove(year)
        else:
            unread.append(year)
    return unread


MAX_YEARS_FROM_FISCAL = 3


def _implausible(values: CellValues, fiscal_be: int | None) -> list[str]:
    """Numbers that are probably misread or mistyped: said, never silently changed."""
    problems = []
    for date in values.dates:
        be = date.start.year + 543
        if not MIN_BE_YEAR <= be <= MAX_BE_YEAR:
            problems.append(f"year {be} BE of {date.text!r} is outside {MIN_BE_YEAR}–{MAX_BE_YEAR}")
        elif fiscal_be is not None and abs(be - fiscal_be) > MAX_YEARS_FROM_FISCAL:
            problems.append(
                f"year {be} BE of {date.text!r} is far from the fiscal year {fiscal_be}"
            )
    for percentage in values.percentages:
        if percentage.value > 100:
            problems.append(f"percentage {percentage.text!r} is over 100")
    return problems


def _warning(issue: Issue) -> RecordWarning:
    return RecordWarning(code=issue.code, message=issue.message, cell=issue.cell)


def _section_warnings(section: Section, position: int) -> list[RecordWarning]:
    number = section.heading.number
    if number is None:
        return [
            RecordWarning(code="section-unnumbered", message=f"section {position} has no number")
        ]
    if number != position:
        return [
            RecordWarning(
                code="section-number",
                message=(
                    f"section numbered {section.heading.number_text} where "
                    f"{arabic_to_thai_digits(str(position))} ({position}) was expected"
                ),
            )
        ]
    return []


DEFAULT_MIN_CONFIDENCE = 70.0


def _ocr_warnings(cells: dict[str, Cell], min_confidence: float) -> list[RecordWarning]:
    """What a person should check in cells read by OCR."""
    warnings = []
    for key, cell in cells.items():
        scores = [r.confidence for r in cell.regions if r.confidence is not None]
        if not scores:
            continue
        if min(scores) < min_confidence:
            warnings.append(
                RecordWarning(
                    code="low-confidence",
                    message=f"OCR confidence {min(scores):.0f} is below {min_confidence:.0f}",
                    cell=key,
                )
            )
    return warnings


def normalize_cells(
    texts: dict[str, str], fiscal_be: int | None
) -> tuple[Normalized, list[RecordWarning]]:
    """Normalized values of a row's cells, and what the normalizers say a person should check."""
    warnings: list[RecordWarning] = []
    values: dict[str, CellValues] = {}
    for key, text in texts.items():
        if not text:
            continue
        cell_values, date_warnings, implausible = _cell_values(text, fiscal_be)
        values[key] = cell_values
        if key != "period":  # the period's own parse reports on it below
            warnings.extend(RecordWarning(code="date", message=m, cell=key) for m in date_warnings)
        warnings.extend(RecordWarning(code="implausible", message=m, cell=key) for m in implausible)
    period_text = texts.get("period", "")
    period = parse_period(period_text, fiscal_year_be=fiscal_be) if period_text else None
    if period is not None:
        warnings.extend(
            RecordWarning(code="period", message=m, cell="period") for m in period.warnings
        )
        unread = _unread_years(period_text, values.get("period"))
        if unread:
            message = (
                f"period {period_text!r}: year(s) {', '.join(unread)} are not part of "
                "any date read; the period may be incomplete"
            )
            warnings.append(RecordWarning(code="period", message=message, cell="period"))
    elif not period_text:
        warnings.append(
            RecordWarning(code="period-empty", message="the period cell is empty", cell="period")
        )
    normalized = Normalized(
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        period_basis=period.basis if period else "none",
        period_year_from=period.year_from if period else None,
        period_inferred_start=period.inferred_start if period else None,
        period_inferred_end=period.inferred_end if period else None,
        period_inferred_from=period.inferred_from if period else None,
        cells=values,
    )
    return normalized, warnings


def correct_cells(
    record: MeasureRecord, texts: dict[str, str], *, source: str, at: dt.datetime
) -> MeasureRecord:
    """The record with these cells set to a person's text and marked verified.

    The normalizers, entity reading and consistency checks run again on the new text; the
    warnings about those cells are replaced by what they now say (a person has checked the
    text, so "low confidence" no longer applies), the rest are kept. A cell verified before
    keeps what was first read.
    """
    unknown = set(texts) - set(COLUMN_KEYS)
    if unknown:
        raise ValueError(f"not a column: {', '.join(sorted(unknown))}")
    cells = {**record.cells.model_dump(), **texts}
    fiscal_be = record.fiscal_year.be if record.fiscal_year else None
    normalized, fresh = normalize_cells(cells, fiscal_be)
    verified = dict(record.verified)
    for key in texts:
        read = verified[key].read if key in verified else getattr(record.cells, key)
        verified[key] = Verification(read=read, source=source, at=at)
    warnings = [w for w in record.warnings if w.cell not in texts]
    warnings.extend(w for w in fresh if w.cell in texts)
    entities = [e for e in record.entities if e.cell not in texts]
    fixes = [c for c in record.suggestions if c.cell not in texts]
    for key, text in texts.items():
        found, suggested, _ = _read_cell(key, text, fiscal_be)
        entities.extend(found)
        fixes.extend(suggested)
    order = {key: i for i, key in enumerate(COLUMN_KEYS)}
    entities.sort(key=lambda e: (order.get(e.cell, len(order)), e.start))
    fixes.sort(key=lambda c: (order.get(c.cell, len(order)), c.start))
    revised = record.model_copy(
        update={
            "schema_version": SCHEMA_VERSION,
            "cells": Cells(**cells),
            "normalized": normalized,
            "entities": entities,
            "suggestions": fixes,
            "verified": verified,
        }
    )
    # what the consistency checks now say of the corrected cells
    checks = [w for w in _consistency_warnings(revised) if w.cell in texts]
    return revised.model_copy(update={"warnings": [*warnings, *checks]})


def build_records(
    report: ExtractedReport,
    *,
    document_id: str,
    source_path: str,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> list[MeasureRecord]:
    title = report.title
    fiscal: FiscalYear | None = None
    if title.fiscal_year_be is not None:
        start, end = fiscal_year_range(title.fiscal_year_be)
        fiscal = FiscalYear(
            printed=title.fiscal_year_text,
            be=title.fiscal_year_be,
            ce=end.year,
            start=start,
            end=end,
        )
    page_issues = [i for i in report.issues if i.code == "page-warning"]
    # A page that could not be read may have held part of any row: said on every record.
    failed_pages = [_warning(i) for i in report.issues if i.code == "page-failed"]
    records: list[MeasureRecord] = []
    for position, section in enumerate(report.sections, start=1):
        ref = SectionRef(
            heading=section.heading.printed,
            number_printed=section.heading.number_text,
            number_printed_value=section.heading.number,
            number_inferred=position,
            title=section.heading.title,
        )
        section_warnings = _section_warnings(section, position)
        for row_index, row in enumerate(section.rows, start=1):
            record = _record(
                row, report, ref, fiscal, section_warnings, page_issues, row_index,
                len(records) + 1, document_id, source_path, section.kind,
            )  # fmt: skip
            cells = {key: row.cells.get(key, Cell("")) for key in COLUMN_KEYS}
            extra = [*_ocr_warnings(cells, min_confidence), *failed_pages]
            if extra:
                record = record.model_copy(update={"warnings": [*record.warnings, *extra]})
            records.append(record)
    return _understood(records, report, fiscal)


# --------------------------------------------------------------------------- understanding


def _record_cells(record: MeasureRecord) -> dict[str, str]:
    cells = {key: getattr(record.cells, key) for key in COLUMN_KEYS}
    cells.update({f"extra:{label}": text for label, text in record.extra_cells.items()})
    return cells


def _entity(cell: str, found: FoundEntity) -> Entity:
    return Entity(
        label=found.label, cell=cell, start=found.start, end=found.end, text=found.text,
        value=found.value, unit=found.unit,
    )  # fmt: skip


def _read_cell(
    cell: str, text: str, fiscal_be: int | None
) -> tuple[list[Entity], list[Suggestion], list[FoundEntity]]:
    """A cell's entities and vocabulary suggestions (and the entities as found)."""
    reading = read_cell(text, fiscal_year_be=fiscal_be)
    fixes = [
        Suggestion(
            cell=cell, start=c.start, end=c.end, original=c.original, corrected=c.corrected,
            edits=c.edits,
        )
        for c in reading.corrections
    ]  # fmt: skip
    return [_entity(cell, e) for e in reading.entities], fixes, list(reading.entities)


def _consistency_warnings(record: MeasureRecord) -> list[RecordWarning]:
    warnings = []
    fiscal, normalized = record.fiscal_year, record.normalized
    if fiscal is not None:
        message = period_outside_fiscal_year(
            normalized.period_start, normalized.period_end, fiscal.start, fiscal.end
        )
        if message:
            warnings.append(
                RecordWarning(code="period-outside-fiscal-year", message=message, cell="period")
            )
    foreign = foreign_period_text(record.cells.period, fiscal_year_be=fiscal.be if fiscal else None)
    if foreign:
        warnings.append(RecordWarning(code="period-foreign-text", message=foreign, cell="period"))
    unknown = unknown_responsible_units(record.cells.responsible)
    if unknown:
        message = "responsible unit(s) not in the known list: " + ", ".join(unknown)
        warnings.append(
            RecordWarning(code="responsible-unknown", message=message, cell="responsible")
        )
    return warnings


def _understood(
    records: list[MeasureRecord], report: ExtractedReport, fiscal: FiscalYear | None
) -> list[MeasureRecord]:
    """Entities, vocabulary suggestions, document metadata and consistency warnings."""
    fiscal_be = fiscal.be if fiscal else None
    found: list[list[Entity]] = []
    suggestions: list[list[Suggestion]] = []
    cell_entities: list[FoundEntity] = []
    for record in records:
        found.append([])
        suggestions.append([])
        for cell, text in _record_cells(record).items():
            entities, fixes, raw = _read_cell(cell, text, fiscal_be)
            cell_entities.extend(raw)
            found[-1].extend(entities)
            suggestions[-1].extend(fixes)
    info = document_metadata(report.title, cell_entities)
    document = DocumentMetadata(
        organization=info.organization,
        organization_printed=info.organization_printed,
        organization_type=info.organization_type,
        organization_name=info.organization_name,
        organization_abbreviation=info.organization_abbreviation,
        subdistrict=info.subdistrict,
        district=info.district,
        province=info.province,
        fiscal_year=fiscal,
        report_kind=info.report_kind,
        sources=info.sources,
    )
    return [
        record.model_copy(
            update={
                "document": document,
                # The resolved name, not the title's reading (OCR can misread it, and grouping
                # by organization must not split one council); the print is in `document`.
                "organization": document.organization or record.organization,
                "fiscal_year": document.fiscal_year or record.fiscal_year,
                "entities": entities,
                "suggestions": fixes,
                "warnings": [*record.warnings, *_consistency_warnings(record)],
            }
        )
        for record, entities, fixes in zip(records, found, suggestions, strict=True)
    ]


def _record(
    row: TableRow,
    report: ExtractedReport,
    section: SectionRef,
    fiscal: FiscalYear | None,
    section_warnings: list[RecordWarning],
    page_issues: list[Issue],
    row_index: int,
    record_index: int,
    document_id: str,
    source_path: str,
    table_kind: str = "measure-results",
) -> MeasureRecord:
    fiscal_be = fiscal.be if fiscal else None
    cells: dict[str, Cell] = {key: row.cells.get(key, Cell("")) for key in COLUMN_KEYS}
    normalized, normalizer_warnings = normalize_cells(
        {key: cell.text for key, cell in cells.items()}, fiscal_be
    )
    warnings = [*section_warnings, *(_warning(i) for i in row.issues), *normalizer_warnings]
    pages = row.pages or (1,)
    for issue in page_issues:
        if any(issue.message.startswith(f"page {p}:") for p in pages):
            warnings.append(_warning(issue))
    locations = {
        key: [
            CellLocation(
                page=r.page,
                bbox=(
                    round(r.box.x0, 2),
                    round(r.box.top, 2),
                    round(r.box.x1, 2),
                    round(r.box.bottom, 2),
                ),
                confidence=r.confidence,
            )
            for r in cell.regions
        ]
        for key, cell in cells.items()
        if cell.regions
    }
    return MeasureRecord(
        document_id=document_id,
        source_path=source_path,
        found_at=[Place(source_path=source_path)],
        source_kind=report.source.value,
        page_first=min(pages),
        page_last=max(pages),
        report_title=report.title.report_title,
        organization=report.title.organization,
        fiscal_year=fiscal,
        section=section,
        row_index=row_index,
        record_index=record_index,
        record_id=record_id(document_id, section.number_inferred, row_index),
        cells=Cells(**{key: cell.text for key, cell in cells.items()}),
        extra_cells={label: cell.text for label, cell in row.extra.items()},
        table_kind=table_kind,
        filled_from=dict(row.filled_from),
        normalized=normalized,
        page_sources={
            str(p): report.page_sources[p].value for p in pages if p in report.page_sources
        },
        locations=locations,
        warnings=warnings,
    )
