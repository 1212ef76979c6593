"""The spaCy pipeline behind `entities.read_cell`.

A blank Thai spaCy pipeline, built offline once per process: nothing is downloaded, no
statistical model is loaded. It has three parts:

- a tokenizer that cuts the text at script boundaries (Thai, Latin, digits, URLs, spaces,
  punctuation) and gives each Thai run to pythainlp's newmm. spaCy's own Thai tokenizer
  hands whole runs such as "(Line," to newmm, which keeps them as one token, so no pattern
  could find "Line" in them; here every token boundary is also a character boundary of the
  things we look for, and spaces are tokens of their own, as phrase separators in Thai are;
- an EntityRuler with token patterns for organizations, responsible units, places, URLs,
  channels and policies, and a Matcher for persons (title, name, space, surname);
- a component that turns what the project's normalizers find (dates, percentages, counts)
  into entities, so their values are the normalizers' values, not a second parser's.

`find_entities` runs it over a cell after the vocabulary corrector: OCR's "นายก้องการ"
would otherwise read as a person. Offsets are always into the printed text.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any


def _import_spacy_without_its_cli() -> None:
    """Import spaCy without its command line, which it loads for `spacy.info` alone.

    `spacy/__init__.py` (3.8) imports `spacy.cli.info`, and with it every CLI command and
    what they use (typer, weasel, requests, httpx): 0.4 s of a 0.8 s import, for a pipeline
    that never runs a command. spaCy's own fix (explosion/spaCy#12962, a lazy `spacy.info`)
    is not in a 3.x release. Until it is, `spacy.cli.info` stands in as a module whose `info`
    imports the real one when called; it is taken out of `sys.modules` again as soon as spaCy
    is imported, so a later `import spacy.cli` loads the real CLI, whole.
    """
    if "spacy" in sys.modules:
        return
    name = "spacy.cli.info"
    stand_in = types.ModuleType(name)

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    stand_in.info = info  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]


_import_spacy_without_its_cli()

# isort: split
import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.matcher import Matcher  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402
from spacy.util import filter_spans  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402
from thaireport.extract.entities import EntityValue, canonical_name  # noqa: E402
from thaireport.extract.normalize import (  # noqa: E402
    DateSpan,
    find_counts,
    find_dates,
    find_percentages,
)
from thaireport.extract.vocabulary import (  # noqa: E402
    AREA_TYPES,
    ORGANIZATION_TYPES,
    POSITIONS,
    RESPONSIBLE_UNITS,
)

# --------------------------------------------------------------------------- tokenizer

_URL = (
    r"(?:https?://|www\.)[A-Za-z0-9\-._~/?#=&%+:]*[A-Za-z0-9/]"
    r"|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:go|or|ac|co|in)\.th\b(?:/[A-Za-z0-9\-._~/?#=&%+]*)?"
)
_CHUNK = re.compile(
    rf"(?P<url>{_URL})"
    r"|(?P<number>[0-9\u0e50-\u0e59]+(?:[.,][0-9\u0e50-\u0e59]+)*)"
    r"|(?P<latin>[A-Za-z]+(?:['’][A-Za-z]+)*)"
    r"|(?P<thai>[\u0e01-\u0e4f\u0e5a\u0e5b]+)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.S,
)


_TYPE_WORDS = sorted([*AREA_TYPES, *ORGANIZATION_TYPES], key=len, reverse=True)
_WHOLE_WORDS = frozenset([*_TYPE_WORDS, *POSITIONS])


def _split_types(word: str) -> list[str]:
    """Cut a place or organization type out of a compound newmm keeps whole.

    "ที่ว่าการอำเภอ", "อำเภอเมือง" or "ผู้ว่าราชการจังหวัด" are single words to newmm, so
    "ที่ว่าการอำเภอเสวี" would hold no "อำเภอ" token for a pattern to start at. The types
    themselves, and the position titles that contain one, stay whole.
    """
    if word in _WHOLE_WORDS:
        return [word]
    for type_word in _TYPE_WORDS:
        at = word.find(type_word)
        if at >= 0:
            head, tail = word[:at], word[at + len(type_word) :]
            return [*_split_types(head), type_word, *_split_types(tail)] if head or tail else [word]
    return [word] if word else []


class ThaiCellTokenizer:
    """Script-boundary chunks, Thai runs cut into words by newmm; spaces are tokens."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from thaireport.extract.thai_words import words as thai_words

        words: list[str] = []
        for match in _CHUNK.finditer(text):
            if match.lastgroup == "thai":
                for word in thai_words(match.group()):
                    words.extend(_split_types(word))
            else:
                words.append(match.group())
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


# --------------------------------------------------------------------------- patterns

# fmt: off
# Words that end a name written without a space after its organization or place type
# ("อบต.ท่าหินได้ดำเนินการ"): particles, verbs and prepositions that follow names.
NAME_STOP_WORDS: frozenset[str] = frozenset(
    (
        "และ", "ได้", "ไม่", "มี", "ของ", "ใน", "ที่", "ซึ่ง", "โดย", "เพื่อ", "จะ", "ให้", "ว่า",
        "กับ", "จาก", "ถึง", "หรือ", "ก็", "ยัง", "ได้แก่", "ทุก", "เป็น", "คือ", "ณ", "ตาม",
        "ด้วย", "แต่", "กำหนด", "จัด", "ดำเนินการ", "ประกาศ", "ร่วม", "ทั้ง", "อำเภอ", "จังหวัด",
        "ตำบล", "หมู่ที่", "หมู่", "เลขที่", "ประจำ",
    )
)
# Heads that make "นาย"/"นาง" + word a common noun, not a person (นายก, นายอำเภอ, นางฟ้า).
NOT_A_FIRST_NAME: frozenset[str] = frozenset(
    (
        "ก", "กอง", "อำเภอ", "ทะเบียน", "ช่าง", "จ้าง", "หน้า", "ทุน", "ประกัน", "พราน", "ฟ้า",
        "งาน", "ตรวจ", "สิบ", "ร้อย", "พัน",
    )
)
PERSON_TITLES: tuple[str, ...] = (
    "นาย", "นาง", "นางสาว", "น.ส.", "ดร.", "ว่าที่ร้อยตรี", "ว่าที่ร้อยโท", "ว่าที่ร้อยเอก",
    "ว่าที่ ร.ต.", "ว่าที่ร.ต.", "ร้อยตรี", "ร้อยโท", "ร้อยเอก", "พันตรี", "พันโท", "พันเอก",
    "จ่าเอก", "สิบเอก", "ร.ต.อ.", "พ.ต.ท.", "พ.ต.อ.", "ด.ต.", "จ.ส.อ.", "พ.จ.อ.",
)
# fmt: on
CHANNELS: dict[str, tuple[str, ...]] = {
    "website": ("เว็บไซต์", "เว็บไซด์", "เวปไซต์", "เว็ปไซต์", "website", "web site"),
    "line": ("Line", "ไลน์"),
    "facebook": ("Facebook", "เฟซบุ๊ก", "เฟซบุ๊ค", "เฟสบุ๊ค", "เฟสบุ๊ก"),
    "notice-board": ("บอร์ดประชาสัมพันธ์", "ป้ายประชาสัมพันธ์"),
    "e-service": ("e-service", "eservice"),
    "youtube": ("YouTube", "ยูทูบ"),
    "email": ("e-mail", "email", "อีเมล", "อีเมล์"),
    "village-broadcast": ("หอกระจายข่าว", "เสียงตามสาย"),
}
POLICIES: dict[str, tuple[str, ...]] = {
    "No Gift Policy": ("No Gift Policy", "No Gift"),
    "Zero Tolerance": ("Zero Tolerance",),
}

_THAI_WORD = r"^[\u0e01-\u0e4f]{2,}$"
_NAME: dict[str, Any] = {"TEXT": {"REGEX": _THAI_WORD}, "ORTH": {"NOT_IN": sorted(NAME_STOP_WORDS)}}
# A name never holds a title, and a surname starts with no position: "นายธนิตพ่วงแม่กลอง
# นายก…" (a space lost by OCR) is no person whose surname is นายก….
_TITLE_WORDS = ("นาย", "นาง", "นางสาว")
_POSITION_WORDS = (
    "นายก", "รองนายก", "ปลัด", "รองปลัด", "ผู้อำนวยการ", "หัวหน้า", "ประธาน", "เลขานุการ",
    "กำนัน", "ผู้ใหญ่บ้าน", "นายอำเภอ", "ผู้ว่าราชการ", "เจ้าหน้าที่",
)  # fmt: skip
_PERSON_NAME: dict[str, Any] = {"TEXT": {"REGEX": _THAI_WORD}, "ORTH": {"NOT_IN": _TITLE_WORDS}}
_SURNAME: dict[str, Any] = {
    "TEXT": {"REGEX": _THAI_WORD},
    "ORTH": {"NOT_IN": [*_TITLE_WORDS, *_POSITION_WORDS]},
}
_FIRST_NAME: dict[str, Any] = {
    "TEXT": {"REGEX": _THAI_WORD},
    "ORTH": {"NOT_IN": sorted({*NOT_A_FIRST_NAME, *_TITLE_WORDS})},
}
_SPACE: dict[str, Any] = {"IS_SPACE": True, "ORTH": {"REGEX": r"^[ \u00a0]$"}}


def _phrase(tokenizer: ThaiCellTokenizer, phrase: str) -> list[dict[str, Any]]:
    """A token pattern for a fixed phrase, cut by the very tokenizer that reads cells."""
    return [
        dict(_SPACE) if token.is_space else {"LOWER": token.lower_} for token in tokenizer(phrase)
    ]


def _typed_names(
    tokenizer: ThaiCellTokenizer, label: str, types: dict[str, tuple[str, ...]]
) -> Iterator[dict[str, Any]]:
    """`<type><name>`: the long form may stand apart from the name, an abbreviation not."""
    for long_form, abbreviations in types.items():
        yield {
            "label": label,
            "pattern": [*_phrase(tokenizer, long_form), _NAME, {**_NAME, "OP": "*"}],
        }
        yield {
            "label": label,
            "pattern": [*_phrase(tokenizer, long_form), _SPACE, _NAME, {**_NAME, "OP": "*"}],
        }
        for abbreviation in abbreviations:
            pattern = [*_phrase(tokenizer, abbreviation), _NAME, {**_NAME, "OP": "*"}]
            yield {"label": label, "pattern": pattern}


def _ruler_patterns(tokenizer: ThaiCellTokenizer) -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = [
        *_typed_names(tokenizer, "ORG", ORGANIZATION_TYPES),
        *_typed_names(tokenizer, "GPE", AREA_TYPES),
        {"label": "URL", "pattern": [{"LIKE_URL": True}]},
    ]
    for unit in RESPONSIBLE_UNITS:
        patterns.append({"label": "ORG", "id": unit, "pattern": _phrase(tokenizer, unit)})
    for label, table in (("CHANNEL", CHANNELS), ("POLICY", POLICIES)):
        for key, phrases in table.items():
            for phrase in phrases:
                patterns.append({"label": label, "id": key, "pattern": _phrase(tokenizer, phrase)})
    return patterns


def _person_patterns(tokenizer: ThaiCellTokenizer) -> list[list[dict[str, Any]]]:
    name = [
        _FIRST_NAME,
        {**_PERSON_NAME, "OP": "*"},
        _SPACE,
        _SURNAME,
        {**_PERSON_NAME, "OP": "*"},
    ]
    patterns = []
    for title in PERSON_TITLES:
        patterns.append([*_phrase(tokenizer, title), *name])
        patterns.append([*_phrase(tokenizer, title), _SPACE, *name])
    return patterns


# --------------------------------------------------------------------------- components

_SPACES = re.compile(r"\s+")
VALUES_KEY = "thaireport_values"  # doc.user_data key: (start, end, label) -> (value, unit)
_Where = tuple[int, int, str]
_Valued = tuple[EntityValue, str | None]
FISCAL_YEAR_KEY = "thaireport_fiscal_year_be"


@Language.factory("thai_person_names")
class PersonNames:
    """Title + name + surname, found by a Matcher (the longest match at each place)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.matcher = Matcher(nlp.vocab)
        tokenizer = nlp.tokenizer
        assert isinstance(tokenizer, ThaiCellTokenizer)
        self.matcher.add("PERSON", _person_patterns(tokenizer), greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        found = [Span(doc, start, end, label="PERSON") for _, start, end in self.matcher(doc)]
        doc.ents = filter_spans([*doc.ents, *found])
        return doc


@Language.component("thai_not_places")
def thai_not_places(doc: Doc) -> Doc:
    """ "ส่วนตำบล" is a level of government (พนักงานส่วนตำบล, บริหารส่วนตำบล…), not a place:
    a "ตำบล" right after "ส่วน" starts no subdistrict."""
    doc.ents = [
        ent
        for ent in doc.ents
        if not (ent.label_ == "GPE" and ent.start > 0 and doc[ent.start - 1].text == "ส่วน")
    ]
    return doc


def _offsets(text: str, printed: Iterable[str]) -> Iterator[tuple[int, int]]:
    """Where the normalizers' verbatim substrings stand, in the order they were found."""
    position = 0
    for part in printed:
        start = text.find(part, position)
        if start < 0:
            start = text.find(part)
        position = start + len(part)
        yield start, position


def _date_value(date: DateSpan) -> str:
    """An ISO date, or an ISO interval "start/end" for anything longer than a day."""
    iso = date.start.isoformat()
    return iso if date.start == date.end else f"{iso}/{date.end.isoformat()}"


def _quantities(text: str, fiscal_year_be: int | None) -> dict[_Where, _Valued]:
    """(start, end, label) -> (value, unit) of what the normalizers find in `text`."""
    found: dict[_Where, _Valued] = {}

    def place(label: str, items: list[tuple[str, EntityValue, str | None]]) -> None:
        offsets = _offsets(text, (printed for printed, _, _ in items))
        for (_, value, unit), (start, end) in zip(items, offsets, strict=True):
            found[start, end, label] = (value, unit)

    dates = find_dates(text, fiscal_year_be=fiscal_year_be).dates
    place("DATE", [(d.text, _date_value(d), None) for d in dates])
    place("PERCENT", [(p.text, p.value, None) for p in find_percentages(text)])
    place("CARDINAL", [(c.text, c.value, c.unit) for c in find_counts(text)])
    return found


@Language.component("thai_quantities")
def thai_quantities(doc: Doc) -> Doc:
    """Dates, percentages and counts as the project's normalizers read them."""
    spans = []
    # Keyed by the span's own offsets: where a normalizer's text ends inside a token, the
    # span grows to the token's edge and must still find its value.
    by_span: dict[_Where, _Valued] = {}
    for (start, end, label), valued in _quantities(
        doc.text, doc.user_data.get(FISCAL_YEAR_KEY)
    ).items():
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
            by_span[span.start_char, span.end_char, label] = valued
    doc.user_data[VALUES_KEY] = by_span
    doc.ents = filter_spans([*doc.ents, *spans])
    return doc


@lru_cache(maxsize=1)
def thai_pipeline() -> Language:
    """The pipeline, built once per process from code only (no model, no download)."""
    nlp = spacy.blank("th")
    tokenizer = ThaiCellTokenizer(nlp.vocab)
    nlp.tokenizer = tokenizer
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(_ruler_patterns(tokenizer))  # type: ignore[attr-defined]
    nlp.add_pipe("thai_not_places")
    nlp.add_pipe("thai_person_names")
    nlp.add_pipe("thai_quantities")
    return nlp


# --------------------------------------------------------------------------- values


def entity_value(span: Span, values: dict[_Where, _Valued]) -> _Valued:
    label = span.label_
    if (span.start_char, span.end_char, label) in values:
        return values[span.start_char, span.end_char, label]
    if span.ent_id_:
        return span.ent_id_, None
    if label == "ORG":
        return canonical_name(span.text, ORGANIZATION_TYPES), None
    if label == "GPE":
        return canonical_name(span.text, AREA_TYPES), None
    if label == "URL":
        return span.text.lower().rstrip("/"), None
    return _SPACES.sub(" ", span.text).strip(), None
