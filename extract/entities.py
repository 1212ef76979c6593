"""Entities in a cell: who, where, when, how much, through which channel.

This module holds the entity types and the entry points; the spaCy pipeline itself is in
`entity_pipeline`, imported on first use so that what does not read entities (the schema,
`--help`) does not pay for importing spaCy.

How the pipeline reads a cell (tokenizer, EntityRuler, Matcher, the normalizers' values) is
said in `entity_pipeline`.

`find_entities` runs it over a cell after the vocabulary corrector: OCR's "นายก้องการ"
would otherwise read as a person. Offsets are always into the printed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from thaireport.extract.vocabulary import VocabularyCorrection, apply_corrections, find_corrections

EntityLabel = Literal[
    "ORG", "GPE", "PERSON", "DATE", "PERCENT", "CARDINAL", "URL", "CHANNEL", "POLICY"
]
LABELS: tuple[EntityLabel, ...] = get_args(EntityLabel)

EntityValue = str | int | float | None


@dataclass(frozen=True)
class FoundEntity:
    """An entity of a text: `text[start:end]` as printed, and its normalized value."""

    label: EntityLabel
    start: int
    end: int
    text: str
    value: EntityValue
    unit: str | None = None  # a count's unit ("ราย")


_SPACES = re.compile(r"\s+")


def split_typed_name(text: str, types: dict[str, tuple[str, ...]]) -> tuple[str, str, str] | None:
    """ "อบต.ท่าหิน" -> ("องค์การบริหารส่วนตำบล", "อบต.", "ท่าหิน"): long form, form as
    printed, and the name; None when `text` starts with none of the types."""
    for long_form, abbreviations in types.items():
        for form in (long_form, *abbreviations):
            if text.startswith(form) and text[len(form) :].strip():
                return long_form, form, _SPACES.sub("", text[len(form) :])
    return None


def canonical_name(text: str, types: dict[str, tuple[str, ...]]) -> str:
    """ "อบต.ท่าหิน" -> "องค์การบริหารส่วนตำบลท่าหิน": the long form, no space before the name."""
    parts = split_typed_name(text, types)
    return parts[0] + parts[2] if parts else _SPACES.sub("", text)


@dataclass(frozen=True)
class CellReading:
    entities: tuple[FoundEntity, ...]
    corrections: tuple[VocabularyCorrection, ...]


def read_cell(text: str, *, fiscal_year_be: int | None = None) -> CellReading:
    """The entities of a cell, offsets into `text` as printed, and the vocabulary corrections
    the entities were read through."""
    if not text.strip():
        return CellReading((), ())
    corrected = apply_corrections(text, find_corrections(text))
    from thaireport.extract.entity_pipeline import (
        FISCAL_YEAR_KEY,
        VALUES_KEY,
        entity_value,
        thai_pipeline,
    )

    nlp = thai_pipeline()
    doc = nlp.make_doc(corrected.text)
    doc.user_data[FISCAL_YEAR_KEY] = fiscal_year_be
    doc = nlp(doc)
    values = doc.user_data.get(VALUES_KEY, {})
    found = []
    for span in doc.ents:
        start, end = corrected.printed_span(span.start_char, span.end_char)
        value, unit = entity_value(span, values)
        found.append(FoundEntity(span.label_, start, end, text[start:end], value, unit))  # type: ignore[arg-type]
    return CellReading(tuple(found), corrected.corrections)


def find_entities(text: str, *, fiscal_year_be: int | None = None) -> tuple[FoundEntity, ...]:
    return read_cell(text, fiscal_year_be=fiscal_year_be).entities
