"""Entities against hand-marked cells: precision and recall per label, and the pipeline itself."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from thaireport.extract.entities import LABELS, find_entities
from thaireport.extract.entity_pipeline import thai_pipeline
from thaireport.extract.records import MeasureRecord, build_records
from thaireport.extract.text_export import parse_text_export

from tests.fixtures.content import EXAMPLE_EXPORT

DATA = Path(__file__).parent / "data"
MIN_PRECISION, MIN_RECALL = 0.95, 0.90

Span = tuple[str, int, int, str]  # where (cell), start, end, label


def _nth(text: str, part: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(part, start + 1)
        assert start >= 0, f"{part!r} (occurrence {occurrence}) is not in {text!r}"
    return start


def _gold(text: str, where: str, marks: Iterable[list[object]]) -> set[Span]:
    spans = set()
    for label, part, occurrence in marks:
        assert isinstance(part, str) and isinstance(occurrence, int) and label in LABELS
        start = _nth(text, part, occurrence)
        spans.add((where, start, start + len(part), str(label)))
    return spans


@cache
def _example_records() -> tuple[MeasureRecord, ...]:
    report = parse_text_export(EXAMPLE_EXPORT.read_text(encoding="utf-8"))
    return tuple(build_records(report, document_id="e" * 64, source_path="example.txt"))


def _scores(gold: set[Span], found: set[Span]) -> dict[str, tuple[float, float, int, int]]:
    """label -> (precision, recall, gold count, found count); exact spans only."""
    table = {}
    for label in LABELS:
        g = {s for s in gold if s[3] == label}
        f = {s for s in found if s[3] == label}
        hits = len(g & f)
        precision = hits / len(f) if f else (1.0 if not g else 0.0)
        recall = hits / len(g) if g else 1.0
        table[label] = (precision, recall, len(g), len(f))
    return table


def _report(title: str, table: dict[str, tuple[float, float, int, int]]) -> str:
    lines = [title, f"{'label':<9} {'P':>6} {'R':>6} {'gold':>5} {'found':>6}"]
    for label, (p, r, g, f) in table.items():
        lines.append(f"{label:<9} {p:6.3f} {r:6.3f} {g:5d} {f:6d}")
    return "\n".join(lines)


def _assert_good(title: str, gold: set[Span], found: set[Span]) -> None:
    table = _scores(gold, found)
    report = _report(title, table)
    print("\n" + report)
    missed = sorted(gold - found)
    extra = sorted(found - gold)
    for label, (p, r, g, _) in table.items():
        assert g > 0, f"no {label} in the annotated set: it measures nothing\n{report}"
        assert p >= MIN_PRECISION and r >= MIN_RECALL, (
            f"{label}: P={p:.3f} R={r:.3f}\n{report}\nmissed {missed}\nextra {extra}"
        )


def test_example_entities_match_the_hand_annotations() -> None:
    records = {(r.section.number_inferred, r.row_index): r for r in _example_records()}
    gold: set[Span] = set()
    for line in (DATA / "entities-annotated.jsonl").read_text("utf-8").splitlines():
        mark = json.loads(line)
        record = records[mark["section"], mark["row"]]
        where = f"s{mark['section']}r{mark['row']}:{mark['cell']}"
        gold |= _gold(getattr(record.cells, mark["cell"]), where, mark["entities"])
    found = {
        (f"s{r.section.number_inferred}r{r.row_index}:{e.cell}", e.start, e.end, e.label)
        for r in records.values()
        for e in r.entities
    }
    _assert_good("example report (66 cells)", gold, found)


def test_variants_match_the_hand_annotations() -> None:
    """Forms the example does not print: abbreviations of places, other titles and units."""
    gold: set[Span] = set()
    found: set[Span] = set()
    lines = (DATA / "entities-variants.jsonl").read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        mark = json.loads(line)
        gold |= _gold(mark["text"], str(number), mark["entities"])
        found |= {
            (str(number), e.start, e.end, e.label)
            for e in find_entities(mark["text"], fiscal_year_be=2567)
        }
    _assert_good("variants", gold, found)


def test_entities_point_into_the_printed_cell() -> None:
    labels: Counter[str] = Counter()
    for record in _example_records():
        for entity in record.entities:
            text = getattr(record.cells, entity.cell)
            assert text[entity.start : entity.end] == entity.text
            labels[entity.label] += 1
    assert set(labels) == set(LABELS)


def test_values_come_from_the_normalizers_and_the_vocabulary() -> None:
    values = {(e.label, e.text): (e.value, e.unit) for r in _example_records() for e in r.entities}
    assert values["PERCENT", "ร้อยละ ๙๕.๕๙"] == (95.59, None)
    assert values["PERCENT", "ร้อยละ ๙๐.๙๐"] == (90.9, None)
    assert values["CARDINAL", "๙ ราย"] == (9, "ราย")
    assert values["DATE", "๒๒ กุมภาพันธ์ ๒๕๖๗"] == ("2024-02-22", None)
    assert values["DATE", "ปีงบประมาณ พ.ศ. ๒๕๖๗"] == ("2023-10-01/2024-09-30", None)
    assert values["ORG", "อบต.ท่าหิน"] == ("องค์การบริหารส่วนตำบลท่าหิน", None)
    assert values["GPE", "จังหวัด ชุมพร"] == ("จังหวัดชุมพร", None)
    assert values["URL", "www.thahin.go.th"] == ("www.thahin.go.th", None)
    assert values["CHANNEL", "E-Service"] == values["CHANNEL", "e-service"] == ("e-service", None)
    assert values["POLICY", "No Gift Policy"] == ("No Gift Policy", None)


def test_a_garbled_position_title_is_no_person() -> None:
    """OCR's "นายก้องการ บริหาร…" reads as นาย + a name without the vocabulary corrector."""
    text = "นายธนิต พ่วงแม่กลอง นายก้องการ บริหารส่วนตำบลท่าหิน ได้มีการประกาศ"
    persons = [e.text for e in find_entities(text) if e.label == "PERSON"]
    assert persons == ["นายธนิต พ่วงแม่กลอง"]


def test_tokens_give_back_the_text_exactly() -> None:
    """Offsets of spans are offsets into the cell only if the tokens rebuild it unchanged."""
    tokenizer = thai_pipeline().tokenizer
    texts = [getattr(r.cells, key) for r in _example_records() for key in ("method", "result")]
    texts += ["ก\n\n  ข\tค", "(Line, Facebook)", "95.5%", "ต.ท่าหิน", "อบต.ท่าหิน\u200b", ""]
    for text in texts:
        assert tokenizer(text).text == text


def test_the_pipeline_is_blank_thai_with_a_ruler_and_a_matcher() -> None:
    nlp = thai_pipeline()
    assert nlp.lang == "th"
    assert nlp.pipe_names == [
        "entity_ruler",
        "thai_not_places",
        "thai_person_names",
        "thai_quantities",
    ]
    assert thai_pipeline() is nlp  # built once per process
    assert len(nlp.get_pipe("entity_ruler")) > 50  # type: ignore[arg-type]


_OFFLINE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("network access during entity extraction")

socket.socket.connect = refuse
socket.create_connection = refuse
from thaireport.extract.entities import find_entities
found = find_entities("วันที่ ๒๒ กุมภาพันธ์ ๒๕๖๗ นายธนิต พ่วงแม่กลอง www.thahin.go.th")
print(sorted(e.label for e in found))
"""


def test_the_pipeline_builds_and_runs_without_a_network() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _OFFLINE], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['DATE', 'PERSON', 'URL']"


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("ของ อบต.ท่าหินได้ดำเนินการ", "ORG", "อบต.ท่าหิน"),
        ("ณ ต.ท่าหิน อ.เสวี จ.ชุมพร", "GPE", "ต.ท่าหิน|อ.เสวี|จ.ชุมพร"),
        ("๑ ต.ค. ๒๕๖๖", "GPE", ""),  # a month abbreviation is no subdistrict
        ("พนักงานส่วนตำบลและพนักงานจ้าง", "GPE", ""),
        ("พนักงานส่วนตำบลแสะพนักงานจ้าง", "GPE", ""),  # OCR's แสะ for และ
        ("นายธนิตพ่วงแม่กลอง นายกองค์การ", "PERSON", ""),  # no surname: no person
        ("นายธนิต พ่วงแม่กลอง นางสาวมณี ศรีสุข", "PERSON", "นายธนิต พ่วงแม่กลอง|นางสาวมณี ศรีสุข"),
        ("นายอำเภอเสวีเป็นประธาน", "PERSON", ""),
    ],
)
def test_boundaries(text: str, label: str, expected: str) -> None:
    found = "|".join(e.text for e in find_entities(text) if e.label == label)
    assert found == expected


def test_spacy_is_imported_without_its_command_line_which_still_works() -> None:
    """Reading entities loads spaCy but not its CLI (typer, requests); the CLI still imports
    whole afterwards, and `spacy.info` answers through it."""
    script = (
        "import sys\n"
        "from thaireport.extract.entities import find_entities\n"
        "found = find_entities('องค์การบริหารส่วนตำบลท่าหิน อำเภอสทิงพระ')\n"
        "print(sorted({e.label for e in found}))\n"
        "cli = ('spacy.cli', 'typer', 'requests', 'weasel')\n"
        "print(sorted(m for m in cli if m in sys.modules))\n"
        "import spacy, spacy.cli\n"
        "print(callable(spacy.cli.init_config), sorted(spacy.info(silent=True)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert out[0] == "['GPE', 'ORG']"
    assert out[1] == "[]"
    assert out[2].startswith("True [") and "'spacy_version'" in out[2]
