"""Fuzzing the parsers: damaged copies of the bundled examples go through the real pipeline.

Each copy is the example's bytes with a few seeded mutations (bits flipped, bytes inserted,
deleted or copied from elsewhere, a number changed, the file cut short). The property, for
every copy: either records come back, naming the file, or the document fails with one of
the project's errors whose message names the file — never another exception (which
`process_document` would report as "unexpected ..."), never a hang (each copy has a time
limit). Text exports are also mutated at the text level by hypothesis.

The seeds are fixed, so CI sees the same copies every run. `make fuzz` runs many more, from
a new seed each time (THAIREPORT_FUZZ_CASES, THAIREPORT_FUZZ_SEED). A copy that breaks the
property is kept in the test's temporary folder; copy it to tests/data/fuzz/, add it to
REGRESSIONS below and fix the code.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st
from thaireport.pipeline.document import Status, process_document

from tests.fixtures.content import EXAMPLE_EXPORT, EXAMPLES
from thaireport.errors import ThaiReportError
from thaireport.settings import OcrSettings, Settings

FUZZ_DATA = Path(__file__).parent / "data" / "fuzz"
SCALE = int(os.environ.get("THAIREPORT_FUZZ_CASES", "1"))  # copies per seed, times this
SEED = int(os.environ.get("THAIREPORT_FUZZ_SEED", "8"))
PER_INPUT_SECONDS = (
    600.0  # a copy that takes longer has hung (generous: a busy machine is slow, not hung)
)
# Real OCR, made cheap: pages whose text layer a mutation broke are rendered small.
FUZZ_SETTINGS = Settings(ocr=OcrSettings(dpi=50, jobs=1, reread_digits=False, retry_below=0))

MUTATIONS = ("flip", "insert", "delete", "truncate", "splice", "number")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """`data` with one to four seeded mutations."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not b:
            break
        op = rng.choice(MUTATIONS)
        i = rng.randrange(len(b))
        if op == "flip":
            for _ in range(rng.randint(1, 8)):
                j = rng.randrange(len(b))
                b[j] ^= 1 << rng.randrange(8)
        elif op == "insert":
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == "delete":
            del b[i : i + rng.randint(1, 64)]
        elif op == "truncate":
            del b[max(i, 1) :]
        elif op == "splice":
            j = rng.randrange(len(b))
            b[i:i] = b[j : j + rng.randint(1, 256)]
        else:  # a number near i: object numbers, lengths, offsets, sizes
            window = max(0, i - 2000)
            numbers = list(re.finditer(rb"\d+", bytes(b[window : i + 2000])))
            if numbers:
                m = rng.choice(numbers)
                value = rng.choice([0, 1, -1, 2**31, 2**63, 99_999_999, int(m[0]) + 1])
                b[window + m.start() : window + m.end()] = str(value).encode()
    return bytes(b)


def mutants(source: Path, folder: Path, count: int, *, suffix: str | None = None) -> list[Path]:
    data = source.read_bytes()
    paths = []
    for n in range(count):
        seed = SEED * 1_000_003 + n
        # a name with Thai and a space, as submissions have
        path = folder / f"{source.stem} สำเนา {seed}{suffix or source.suffix}"
        path.write_bytes(mutate(data, random.Random(f"{source.name}:{seed}")))
        paths.append(path)
    return paths


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # "done", "failed" or "hang"
    records: int = 0
    sources: tuple[str, ...] = ()  # source_path of the records
    error_class: str = ""
    project_error: bool = False
    message: str = ""
    seconds: float = 0.0


def read_copy(path: str) -> Outcome:
    """One copy through the whole pipeline (in a worker process)."""
    started = time.perf_counter()
    result = process_document(Path(path), FUZZ_SETTINGS)
    seconds = time.perf_counter() - started
    if result.status is Status.DONE:
        return Outcome(
            path,
            "done",
            len(result.records),
            tuple({r.source_path for r in result.records}),
            seconds=seconds,
        )
    error = result.error
    return Outcome(
        path,
        "failed",
        error_class=type(error).__name__,
        project_error=isinstance(error, ThaiReportError),
        message=str(error),
        seconds=seconds,
    )


def read_copies(paths: Sequence[Path]) -> list[Outcome]:
    """Every copy read in worker processes; one that does not finish in time is a hang."""
    outcomes: list[Outcome] = []
    pool = ProcessPoolExecutor(max_workers=2)
    try:
        futures = [(p, pool.submit(read_copy, str(p))) for p in paths]
        for path, future in futures:
            try:
                outcomes.append(future.result(timeout=PER_INPUT_SECONDS))
            except FutureTimeout:
                outcomes.append(Outcome(str(path), "hang"))
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()  # our own workers: the hung one must not block shutdown
                break
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


def problem(outcome: Outcome) -> str | None:
    """What is wrong with an outcome, or None when it keeps the property."""
    if outcome.status == "hang":
        return f"no result within {PER_INPUT_SECONDS:.0f} s"
    if outcome.status == "done":
        if outcome.records == 0:
            return "done without records (should be a no-table error)"
        if outcome.sources != (outcome.path,):
            return f"records name {outcome.sources}, not the file"
        return None
    if not outcome.project_error:
        return f"raised {outcome.error_class}, not a ThaiReportError"
    if outcome.path not in outcome.message:
        return f"the message does not name the file: {outcome.message}"
    if "unexpected " in outcome.message:
        return f"an unforeseen exception: {outcome.message}"
    return None


def assert_property(outcomes: Sequence[Outcome], expected: int) -> None:
    bad = [f"{o.path}: {p}" for o in outcomes if (p := problem(o)) is not None]
    assert not bad, "\n".join(bad)
    assert len(outcomes) == expected
    # the copies must reach past the first check: some read, some failing for varied reasons
    assert any(o.status == "done" for o in outcomes) or expected < 4


# --------------------------------------------------------------------------- byte mutations


@pytest.mark.slow
@pytest.mark.tesseract
def test_damaged_pdfs_give_records_or_a_clear_error(tmp_path: Path) -> None:
    paths = [
        *mutants(EXAMPLES / "ita-report-2567-thahin.pdf", tmp_path, 30 * SCALE),
        *mutants(EXAMPLES / "ita-report-2567-thahin-word-pua.pdf", tmp_path, 20 * SCALE),
    ]
    outcomes = read_copies(paths)
    assert_property(outcomes, len(paths))
    failures = {o.message.split(": ", 1)[1].split(" (")[0] for o in outcomes if o.message}
    assert failures, "no copy failed: the mutations are too mild to test anything"


@pytest.mark.slow
@pytest.mark.tesseract
def test_damaged_scans_give_records_or_a_clear_error(tmp_path: Path) -> None:
    document = pdfium.PdfDocument(EXAMPLES / "ita-report-2567-thahin-scan.pdf")
    try:
        page = document[0].render(scale=100 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    png, jpeg = tmp_path / "scan.png", tmp_path / "scan.jpg"
    page.save(png, dpi=(100, 100))
    page.save(jpeg, dpi=(100, 100), quality=70)
    paths = [*mutants(png, tmp_path, 2 * SCALE), *mutants(jpeg, tmp_path, 2 * SCALE)]
    assert_property(read_copies(paths), len(paths))


def test_damaged_text_export_bytes(tmp_path: Path) -> None:
    paths = mutants(EXAMPLE_EXPORT, tmp_path, 100 * SCALE)
    outcomes = [read_copy(str(p)) for p in paths]
    assert_property(outcomes, len(paths))


# --------------------------------------------------------------------------- text mutations

EXPORT_LINES = EXAMPLE_EXPORT.read_text(encoding="utf-8").splitlines()
FRAGMENTS = (
    "\t",
    "\t\t\t\t\t\t\t\t",
    "<p>",
    "</p>",
    "<li>",
    "<ol><li>",
    "</td></tr>",
    "<",
    ">",
    "&amp;",
    "&#xFFFF;",
    "&#0;",
    "ประเด็นที่ ๓",
    "ประเด็นที่",
    "มาตรการ/กิจกรรม\tวิธีดำเนินการ\tผู้รับผิดชอบ\tระยะเวลา\tสรุปผล\tผลลัพธ์",
    "๑ ต.ค. ๒๕๖๖ - ๓๐ ก.ย. ๒๕๖๗",
    "ไตรมาสที่ ๕",
    "ปีงบประมาณ ๑๐๐๐",
    "\r",
    "\x00",
    "\u200b",
    "\ufeff",
    "\uf70a\uf710",
    "\u0e4d\u0e48\u0e48\u0e32",
    "\n",
    "\n\n",
)


@st.composite
def damaged_export(draw: st.DrawFn) -> str:
    lines = list(EXPORT_LINES)
    for _ in range(draw(st.integers(1, 6))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        action = draw(st.sampled_from(["insert", "delete", "cut", "swap", "text"]))
        if action == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(FRAGMENTS)) + line[at:]
        elif action == "delete":
            del lines[index]
        elif action == "cut":
            lines[index] = line[: draw(st.integers(0, len(line)))]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        else:
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(max_size=20)) + line[at:]
        if not lines:
            break
    return "\n".join(lines)


@given(damaged_export())
def test_damaged_text_exports(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ส่งมา รอบ 2.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        outcome = read_copy(str(path))
    assert problem(outcome) is None, (problem(outcome), outcome)


# --------------------------------------------------------------------------- found by fuzzing

REGRESSIONS: dict[str, tuple[str, str] | None] = {
    # file in tests/data/fuzz -> (error kind, words of the message); None: read, with records
    # pdfminer reads it, PDFium refuses it when a page must be rendered for OCR: was
    # "unexpected PdfiumError"; now the other pages' text layer is kept and page 5 is empty
    "pdfium-cannot-load.pdf": ("partial", "(page 5): render failed: not a readable PDF (Failed"),
    # found by hypothesis: a damaged line "ปีงบประมาณ ๑๐๐๐" before the title was taken for the
    # report's fiscal year: was "unexpected ValueError: 1000 is not a Buddhist Era year"
    "title-fiscal-year-1000.txt": None,
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_fuzz_regressions(name: str) -> None:
    path = FUZZ_DATA / name
    result = process_document(path, FUZZ_SETTINGS)
    expected = REGRESSIONS[name]
    if expected is None:
        assert result.status is Status.DONE and result.records
        assert all(r.source_path == str(path) for r in result.records)
        return
    kind, words = expected
    assert result.status is (Status.PARTIAL if kind == "partial" else Status.FAILED)
    assert isinstance(result.error, ThaiReportError)
    assert result.error.kind == kind
    assert words in result.error.message
    assert str(path) in str(result.error)


def test_every_saved_case_has_an_expectation() -> None:
    assert {p.name for p in FUZZ_DATA.iterdir()} == set(REGRESSIONS)
