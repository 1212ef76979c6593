"""What a report is about: which organization, where, what kind of report.

Read from the title block first (it names the organization; the fiscal year is read there by
`extract.sections`), then from the places the cells mention ("ณ ห้องประชุม … อำเภอเสวี
จังหวัด ชุมพร"). Every value says where it came from, so an archivist can tell a printed
fact from an inference.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from thaireport.extract.entities import FoundEntity, canonical_name, find_entities, split_typed_name
from thaireport.extract.vocabulary import AREA_TYPES, ORGANIZATION_TYPES

from thaireport.model import TitleBlock

# Report kinds by the words of their title, most specific first.
REPORT_KINDS: tuple[tuple[str, str], ...] = (
    ("ita-measure-results", "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส"),
    ("ita-measures", "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"),
    ("anti-corruption-plan-results", "รายงานผลการดำเนินการตามแผนปฏิบัติการป้องกันการทุจริต"),
    ("anti-corruption-plan", "แผนปฏิบัติการป้องกันการทุจริต"),
)
MIN_KIND_SCORE = 90.0
MIN_CELL_MENTIONS = 3  # of one organization in the cells, to outvote the title block ...
MAX_TITLE_SLIPS = 0.5  # ... when the names differ by at most this share of their letters
# Organizations named after their subdistrict: the subdistrict follows from the name.
_NAMED_AFTER_SUBDISTRICT = ("องค์การบริหารส่วนตำบล", "เทศบาลตำบล")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class DocumentInfo:
    organization: str | None = None  # canonical long form: องค์การบริหารส่วนตำบลท่าหิน
    organization_printed: str | None = None  # as the title block prints it
    organization_type: str | None = None  # องค์การบริหารส่วนตำบล
    organization_name: str | None = None  # ท่าหิน
    organization_abbreviation: str | None = None  # อบต.ท่าหิน
    subdistrict: str | None = None
    district: str | None = None
    province: str | None = None
    report_kind: str | None = None
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was read


def report_kind(title: str | None) -> str | None:
    if not title:
        return None
    squashed = _SPACES.sub("", title)
    for kind, words in REPORT_KINDS:
        if fuzz.partial_ratio(words, squashed) >= MIN_KIND_SCORE:
            return kind
    return None


def _slips(a: str, b: str) -> float:
    """How far apart two organization names are, as a share of their letters; 1.0 when
    their types differ (an อบต. is not a เทศบาล whatever the names)."""
    parts_a = split_typed_name(a, ORGANIZATION_TYPES)
    parts_b = split_typed_name(b, ORGANIZATION_TYPES)
    if not parts_a or not parts_b or parts_a[0] != parts_b[0]:
        return 1.0
    return float(Levenshtein.normalized_distance(parts_a[2], parts_b[2]))


def _organization(title: TitleBlock, cells: list[FoundEntity]) -> tuple[str | None, str]:
    typed = [
        e.text for e in cells if e.label == "ORG" and split_typed_name(e.text, ORGANIZATION_TYPES)
    ]
    named = Counter(canonical_name(t, ORGANIZATION_TYPES) for t in typed).most_common(1)
    if title.organization:
        printed = canonical_name(title.organization, ORGANIZATION_TYPES)
        # A scanned title (big bold type) is read worse than the body text: a name the
        # cells give again and again, a letter or two from the title's, is the title's
        # name misread.
        if (
            named
            and named[0][1] >= MIN_CELL_MENTIONS
            and named[0][0] != printed
            and _slips(named[0][0], printed) <= MAX_TITLE_SLIPS
        ):
            mentions = f"{named[0][1]} mentions; the title block reads {title.organization}"
            return named[0][0], f"cells ({mentions})"
        return title.organization, "title block"
    if named:
        return named[0][0], "cells"
    return None, ""


def _places(entities: Iterable[FoundEntity]) -> dict[str, list[str]]:
    """Names of subdistricts, districts and provinces mentioned, by area type."""
    found: dict[str, list[str]] = {area: [] for area in AREA_TYPES}
    for entity in entities:
        parts = split_typed_name(entity.text, AREA_TYPES) if entity.label == "GPE" else None
        if parts:
            found[parts[0]].append(parts[2])
    return found


def document_metadata(title: TitleBlock, cell_entities: Iterable[FoundEntity] = ()) -> DocumentInfo:
    """The document's metadata from its title block and the entities of its cells."""
    cells = list(cell_entities)
    sources: dict[str, str] = {}
    values: dict[str, object] = {}
    printed, source = _organization(title, cells)
    parts = split_typed_name(printed, ORGANIZATION_TYPES) if printed else None
    if printed:
        values["organization_printed"] = title.organization or printed
        values["organization"] = canonical_name(printed, ORGANIZATION_TYPES)
        sources["organization"] = source
    if parts:
        long_form, _, name = parts
        values.update(organization_type=long_form, organization_name=name)
        values["organization_abbreviation"] = ORGANIZATION_TYPES[long_form][0] + name
    # Places printed in the title block count before those the cells mention.
    title_entities = [e for line in title.lines for e in find_entities(line)]
    for where, entities in (("title block", title_entities), ("cells", cells)):
        for area, names in _places(entities).items():
            key = {"ตำบล": "subdistrict", "อำเภอ": "district", "จังหวัด": "province"}[area]
            if names and key not in values:
                values[key] = Counter(names).most_common(1)[0][0]
                sources[key] = where
    if "subdistrict" not in values and parts and parts[0] in _NAMED_AFTER_SUBDISTRICT:
        values["subdistrict"] = parts[2]
        sources["subdistrict"] = "organization name"
    if title.fiscal_year_be is not None:
        sources["fiscal_year"] = "title block"
    kind = report_kind(title.report_title)
    if kind:
        values["report_kind"] = kind
        sources["report_kind"] = "title block"
    return DocumentInfo(**values, sources=sources)  # type: ignore[arg-type]
